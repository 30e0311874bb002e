// tests/collector/gate/test_progress_live.cpp: the live table fits the
// terminal (width and height), moves up by exactly what it drew, clears on
// a resize, and colours verdicts only when asked (collector/gate/progress).
#include "collector/gate/progress.hpp"
#include "collector/render/ansi.hpp"

#include <catch2/catch.hpp>

#include <regex>
#include <sstream>

using namespace bgpwatch;
using namespace bgpwatch::collector;

namespace {

const bgp::WallClock::time_point k_now = bgp::WallClock::time_point(std::chrono::seconds(1'800'000'000));

GateReport report_with(int sessions)
{
  std::vector<bgp::ExpectedSession> expected;
  std::vector<bgp::RouterObservation> observed;
  for (int i = 0; i < sessions; ++i) {
    const std::string router = "cr" + std::to_string(i + 1) + "-eqiad";
    bgp::ExpectedSession e;
    e.router = router;
    e.address = *bgp::Address::parse("2620:0:861:103:10:64:32:23");
    e.asn = 64601;
    expected.push_back(e);
    bgp::RouterObservation o;
    o.router = router;
    o.readable = true;
    o.polled_at = k_now;
    bgp::Session s;
    s.router = router;
    s.address = e.address;
    s.peer_as = 64601;
    s.state = i % 2 == 0 ? bgp::SessionState::established : bgp::SessionState::active;
    s.uptime_seconds = 41;
    o.sessions.push_back(s);
    observed.push_back(o);
  }
  GateReport r;
  r.command = "wait-established";
  r.node = "kubernetes1003.eqiad.wmnet";
  r.now = k_now;
  r.verdict = bgp::evaluate(expected, observed, k_now, bgp::GateOptions{});
  r.polls = 1;
  return r;
}

// What a draw wrote, split at the escapes that position the cursor.
struct Frame
{
  std::size_t moved_up = 0;  // the leading "\x1b[NA"
  bool cleared = false;      // "\x1b[J"
  std::vector<std::string> lines; // text after "\r\x1b[2K" up to '\n'
};

Frame parse_frame(const std::string& out)
{
  Frame f;
  std::smatch m;
  if (std::regex_search(out, m, std::regex("^\x1b\\[([0-9]+)A"))) {
    f.moved_up = std::stoul(m[1]);
  }
  f.cleared = out.find("\x1b[J") != std::string::npos;
  std::size_t pos = 0;
  const std::string marker = "\r\x1b[2K";
  while ((pos = out.find(marker, pos)) != std::string::npos) {
    pos += marker.size();
    const std::size_t end = out.find('\n', pos);
    f.lines.push_back(out.substr(pos, end - pos));
    pos = end;
  }
  return f;
}

} // namespace

TEST_CASE("live table: every line fits the width, the redraw moves up by what it drew", "[gate][progress]")
{
  std::ostringstream out;
  TerminalSize size{40, 24};
  Progress p(ProgressMode::live, out, ProgressStyle{false, [&] { return std::optional<TerminalSize>(size); }});
  p.on_poll(report_with(2), std::chrono::seconds(600));
  Frame first = parse_frame(out.str());
  CHECK(first.moved_up == 0);
  REQUIRE(first.lines.size() == 4); // status line, header, two sessions
  for (const auto& l : first.lines) {
    CHECK(display_width(l) <= 39);
  }
  CHECK(first.lines[0].starts_with("waiting for kubernetes1003.eqiad.wmne"));

  out.str("");
  p.tick(std::chrono::seconds(1), std::chrono::seconds(599));
  Frame second = parse_frame(out.str());
  CHECK(second.moved_up == 4);
  CHECK_FALSE(second.cleared);
  CHECK(second.lines.size() == 4);
}

TEST_CASE("live table: a short terminal shows what fits and says how much is hidden", "[gate][progress]")
{
  std::ostringstream out;
  Progress p(ProgressMode::live, out,
             ProgressStyle{false, [] { return std::optional<TerminalSize>(TerminalSize{120, 5}); }});
  p.on_poll(report_with(6), std::chrono::seconds(600)); // 8 lines would not fit in 4
  Frame f = parse_frame(out.str());
  REQUIRE(f.lines.size() == 4);
  CHECK(f.lines.back() == "  (5 more lines: the terminal is too short)");
}

TEST_CASE("live table: a resize clears the old table before the new one", "[gate][progress]")
{
  std::ostringstream out;
  TerminalSize size{100, 24};
  Progress p(ProgressMode::live, out, ProgressStyle{false, [&] { return std::optional<TerminalSize>(size); }});
  p.on_poll(report_with(2), std::chrono::seconds(600));
  out.str("");
  size = TerminalSize{30, 24};
  p.tick(std::chrono::seconds(1), std::chrono::seconds(599));
  Frame f = parse_frame(out.str());
  CHECK(f.moved_up == 4);
  CHECK(f.cleared);
  for (const auto& l : f.lines) {
    CHECK(display_width(l) <= 29);
  }
}

TEST_CASE("live table: colour only when the style asks for it", "[gate][progress]")
{
  std::ostringstream plain_out, colour_out;
  Progress plain(ProgressMode::live, plain_out, ProgressStyle{});
  Progress colour(ProgressMode::live, colour_out, ProgressStyle{true, {}});
  plain.on_poll(report_with(2), std::chrono::seconds(600));
  colour.on_poll(report_with(2), std::chrono::seconds(600));
  CHECK(plain_out.str().find("\x1b[3") == std::string::npos);
  CHECK(plain_out.str().find("\x1b[1;3") == std::string::npos);
  CHECK(colour_out.str().find("\x1b[1;31mNOT READY\x1b[0m") != std::string::npos);
  CHECK(colour_out.str().find("\x1b[32mready\x1b[0m") != std::string::npos);
  CHECK(colour_out.str().find("\x1b[1;31mnot_ready\x1b[0m") != std::string::npos);
}

TEST_CASE("colour: never/always are final, auto honours NO_COLOR and TERM=dumb", "[gate][progress]")
{
  CHECK(color_enabled(ColorMode::always, -1));
  CHECK_FALSE(color_enabled(ColorMode::never, -1));
  // fd -1 is no terminal: auto says no whatever the environment.
  CHECK_FALSE(color_enabled(ColorMode::auto_detect, -1));
  ::setenv("NO_COLOR", "1", 1);
  CHECK(color_enabled(ColorMode::always, -1));
  CHECK_FALSE(color_enabled(ColorMode::auto_detect, -1));
  ::unsetenv("NO_COLOR");
  CHECK(parse_color_mode("auto").value() == ColorMode::auto_detect);
  CHECK(parse_color_mode("never").value() == ColorMode::never);
  CHECK(parse_color_mode("always").value() == ColorMode::always);
  REQUIRE_FALSE(parse_color_mode("sometimes").has_value());
  CHECK(parse_color_mode("sometimes").error() == "unknown colour mode 'sometimes' (auto, always or never)");
}
