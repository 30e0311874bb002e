// tests/collector/roll/test_roll_progress.cpp: the roll's live table fits the
// terminal (collector/roll/progress.hpp): every line cut to the width less
// one column, no more lines than rows less one, the rows kept around the
// node the roll is at, and each redraw moving up over exactly what it drew.
#include "collector/render/ansi.hpp"
#include "collector/roll/progress.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <regex>
#include <sstream>

using namespace bgpwatch::collector;

namespace {

std::vector<std::string> site(std::size_t n)
{
  std::vector<std::string> out;
  for (std::size_t i = 1; i <= n; ++i) {
    out.push_back("kubernetes" + std::to_string(1000 + i) + ".eqiad.wmnet");
  }
  return out;
}

RollHeader header(const std::vector<std::string>& nodes)
{
  return RollHeader{"eqiad", "root@cumin1002 pid 4242", nodes, {"ssh", "{fqdn}", "true"}, 1, false};
}

StepRecord record(const std::string& node, RollStep step, StepVerdict verdict, std::string detail = "")
{
  StepRecord r;
  r.node = node;
  r.step = step;
  r.verdict = verdict;
  r.detail = std::move(detail);
  return r;
}

// The last table drawn: the text after the last "move up and erase"
// (ESC [ N F ESC [ J), as lines; `moves` gets every N seen.
std::vector<std::string> last_table(const std::string& text, std::vector<std::size_t>* moves = nullptr)
{
  static const std::regex up("\x1b\\[([0-9]+)F\x1b\\[J");
  std::size_t from = 0;
  for (std::sregex_iterator it(text.begin(), text.end(), up), end; it != end; ++it) {
    from = static_cast<std::size_t>(it->position() + it->length());
    if (moves != nullptr) {
      moves->push_back(std::stoul((*it)[1].str()));
    }
  }
  std::vector<std::string> lines;
  std::istringstream in(text.substr(from));
  for (std::string l; std::getline(in, l);) {
    lines.push_back(l);
  }
  return lines;
}

} // namespace

TEST_CASE("roll progress: the live table fits a narrow terminal, and follows a resize")
{
  const auto nodes = site(6);
  auto size = std::make_shared<TerminalSize>(TerminalSize{50, 24});
  std::ostringstream out;
  std::ostringstream err;
  RollProgress p(RollProgressMode::live, out, err, nodes, [size] { return std::optional<TerminalSize>(*size); });
  p.header(header(nodes));
  p.step(record(nodes[0], RollStep::command, StepVerdict::started, "ssh kubernetes1001.eqiad.wmnet true"));
  p.output(nodes[0], "a line of CMD output, long enough to go past fifty columns of terminal");

  auto lines = last_table(out.str());
  REQUIRE(lines.size() == 8); // banner, header, six nodes
  for (const auto& l : lines) {
    CAPTURE(l);
    CHECK(display_width(l) <= 49);
  }
  CHECK(lines[0].starts_with("roll of eqiad (6 nodes, 1 at a time), lock owne"));
  CHECK(lines[0].ends_with("…"));
  CHECK(lines[1].starts_with("NODE "));
  CHECK(lines[2].starts_with("kubernetes1001.eqiad.wmnet  command    0")); // "0s" (or "0.1s" on a slow machine)
  // CMD output goes to stderr whole: it scrolls, it is not redrawn.
  CHECK(err.str() == "[kubernetes1001.eqiad.wmnet] a line of CMD output, long enough to go past fifty columns of "
                     "terminal\n");

  std::size_t reflowed_rows = 0; // the 50-column table on a 30-column terminal that reflows
  for (const auto& l : lines) {
    reflowed_rows += (display_width(l) + 29) / 30;
  }
  size->columns = 30;
  p.tick();
  std::vector<std::size_t> moves;
  lines = last_table(out.str(), &moves);
  REQUIRE(lines.size() == 8);
  for (const auto& l : lines) {
    CAPTURE(l);
    CHECK(display_width(l) <= 29);
  }
  // Every redraw moved up over the whole table it had drawn, no more; after
  // the resize to 30 columns, over the rows the 49-column lines reflowed to
  // (a terminal that reflows wraps the banner over two rows, and so on).
  REQUIRE(moves.size() >= 2);
  for (std::size_t i = 0; i + 1 < moves.size(); ++i) {
    CHECK(moves[i] == 8);
  }
  CHECK(moves.back() == reflowed_rows);
  CHECK(reflowed_rows > 8);

  SECTION("without a size (not measurable) nothing is cut")
  {
    std::ostringstream o2;
    RollProgress unbounded(RollProgressMode::live, o2, err, nodes);
    unbounded.header(header(nodes));
    CHECK(last_table(o2.str())[0] == "roll of eqiad (6 nodes, 1 at a time), lock owner root@cumin1002 pid 4242");
  }
}

TEST_CASE("roll progress: a short terminal keeps the rows around the node the roll is at")
{
  const auto nodes = site(20);
  std::ostringstream out;
  std::ostringstream err;
  RollProgress p(RollProgressMode::live, out, err, nodes, [] { return std::optional<TerminalSize>({100, 8}); });
  p.header(header(nodes));
  for (std::size_t i = 0; i < 11; ++i) {
    p.step(record(nodes[i], RollStep::done, StepVerdict::ok));
  }
  p.step(record(nodes[11], RollStep::wait, StepVerdict::started, "--since 2026-12-06T18:00:00Z"));

  const auto lines = last_table(out.str());
  REQUIRE(lines.size() == 7); // rows less one
  CHECK(lines[0].starts_with("roll of eqiad"));
  CHECK(lines[1].starts_with("NODE "));
  // One done node for context, then the node being waited for.
  CHECK(lines[2].starts_with("kubernetes1011.eqiad.wmnet  done "));
  CHECK(lines[3].starts_with("kubernetes1012.eqiad.wmnet  wait "));
  CHECK(lines[5].starts_with("kubernetes1014.eqiad.wmnet  pending"));
  CHECK(lines[6] == "(10 nodes above, 6 below: the terminal is too short)");

  SECTION("a terminal of two rows still draws one line, never more")
  {
    std::ostringstream o2;
    RollProgress tiny(RollProgressMode::live, o2, err, nodes, [] { return std::optional<TerminalSize>({100, 2}); });
    tiny.header(header(nodes));
    CHECK(last_table(o2.str()).size() == 1);
  }
}

TEST_CASE("roll progress: redraws from the thread, and none after the result")
{
  const auto nodes = site(2);
  std::ostringstream out;
  std::ostringstream err;
  {
    RollProgress p(RollProgressMode::live, out, err, nodes, [] { return std::optional<TerminalSize>({80, 24}); });
    p.start_redraws();
    p.header(header(nodes));
    p.result(RollResult{"eqiad", nodes, {}, 0});
  }
  const std::string text = out.str();
  const auto summary = text.find("roll of eqiad: complete (exit 0)\n");
  REQUIRE(summary != std::string::npos);
  CHECK(text.find('\x1b', summary) == std::string::npos); // the summary is left alone

  SECTION("json mode draws nothing")
  {
    std::ostringstream o2;
    RollProgress json(RollProgressMode::json, o2, err, nodes, [] { return std::optional<TerminalSize>({80, 24}); });
    json.start_redraws();
    json.header(header(nodes));
    CHECK(o2.str().find('\x1b') == std::string::npos);
  }
}
