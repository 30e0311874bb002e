// tests/collector/roll/test_roll_audit.cpp: the JSON Lines audit (--state):
// records, reading back, resume, torn last lines (collector/roll/audit.hpp).
#include "collector/roll/audit.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unistd.h>

using namespace bgpwatch::collector;
using nlohmann::json;

namespace {

AuditClock::time_point at(std::int64_t ms)
{
  return AuditClock::time_point(std::chrono::milliseconds(ms));
}

std::string temp_path()
{
  char tmpl[] = "/tmp/bgpwatch-audit-XXXXXX";
  const int fd = ::mkstemp(tmpl);
  REQUIRE(fd >= 0);
  ::close(fd);
  std::remove(tmpl);
  return tmpl;
}

std::string slurp(const std::string& p)
{
  std::ifstream in(p);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

} // namespace

TEST_CASE("roll audit: one JSON object per line with the issue's fields")
{
  StepRecord r;
  r.node = "kubernetes1003.eqiad.wmnet";
  r.step = RollStep::command;
  r.start = at(1764988201250);
  r.end = at(1764988203000);
  r.verdict = StepVerdict::failed;
  r.exit = 255;
  r.detail = "CMD exited 255";
  const std::string line = format_step(r, at(1764988203001));
  REQUIRE(line.back() == '\n');
  CHECK(line.find('\n') == line.size() - 1);
  const json j = json::parse(line);
  CHECK(j == json{{"event", "step"},
                  {"time", "2025-12-06T02:30:03.001Z"},
                  {"node", "kubernetes1003.eqiad.wmnet"},
                  {"step", "command"},
                  {"start", "2025-12-06T02:30:01.250Z"},
                  {"end", "2025-12-06T02:30:03.000Z"},
                  {"verdict", "failed"},
                  {"exit", 255},
                  {"detail", "CMD exited 255"}});
  r.end.reset();
  r.exit.reset();
  r.verdict = StepVerdict::started;
  const json started = json::parse(format_step(r, at(0)));
  CHECK(started["end"].is_null());
  CHECK(started["exit"].is_null());
  CHECK(started["verdict"] == "started");
}

TEST_CASE("roll audit: read back; a node is done only with an ok done step")
{
  RollHeader h{"eqiad", "root@cumin pid 1", {"a.eqiad.wmnet", "b.eqiad.wmnet", "c.eqiad.wmnet"}, {"true"}, 1, false};
  std::string text = format_header(h, at(0));
  auto step = [&](const std::string& node, RollStep s, StepVerdict v) {
    StepRecord r;
    r.node = node;
    r.step = s;
    r.verdict = v;
    text += format_step(r, at(1));
  };
  step("a.eqiad.wmnet", RollStep::command, StepVerdict::ok);
  step("a.eqiad.wmnet", RollStep::done, StepVerdict::ok);
  step("b.eqiad.wmnet", RollStep::command, StepVerdict::ok);
  step("b.eqiad.wmnet", RollStep::wait, StepVerdict::failed);
  text += format_result(RollResult{"eqiad", {"a.eqiad.wmnet"}, {"b.eqiad.wmnet", "c.eqiad.wmnet"}, 1}, at(2));
  auto s = parse_audit(text + "{\"event\": \"step\", \"node\": \"c.eq"); // torn last write
  REQUIRE(s.has_value());
  CHECK(s->site == "eqiad");
  CHECK(s->done == std::set<std::string>{"a.eqiad.wmnet"});
  CHECK(s->touched == std::vector<std::string>{"a.eqiad.wmnet", "b.eqiad.wmnet"});
  CHECK(s->lines == 6);

  struct Bad
  {
    std::string text;
    std::string error;
  };
  const Bad bad[] = {
    {"not json\n", "line 1: not a roll audit record"},
    {"{\"event\": \"roll\", \"site\": \"eqiad\"}\n{\"event\": \"roll\", \"site\": \"codfw\"}\n",
     "line 2: a roll of site codfw in the audit of site eqiad"},
    {"{\"event\": \"step\", \"node\": \"a\"}\n", "line 1: a step record needs node, step and verdict"},
    {"\n{\"event\": \"party\"}\n", "line 2: unknown event 'party'"},
  };
  for (const auto& b : bad) {
    auto r = parse_audit(b.text);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == b.error);
  }
}

TEST_CASE("roll audit: the file appends, survives a torn line, and reads back")
{
  const std::string path = temp_path();
  {
    auto f = AuditFile::open(path);
    REQUIRE(f.has_value());
    CHECK(f->existing().lines == 0);
    RollHeader h{"eqiad", "me", {"a.eqiad.wmnet"}, {"true"}, 1, false};
    REQUIRE(f->append(format_header(h, at(0))).has_value());
    StepRecord r;
    r.node = "a.eqiad.wmnet";
    r.step = RollStep::done;
    r.verdict = StepVerdict::ok;
    REQUIRE(f->append(format_step(r, at(1))).has_value());
  }
  {
    std::ofstream torn(path, std::ios::app);
    torn << "{\"event\": \"step\", \"node\": \"b.eq"; // a crash mid-write
  }
  auto again = AuditFile::open(path);
  REQUIRE(again.has_value());
  CHECK(again->existing().done == std::set<std::string>{"a.eqiad.wmnet"});
  REQUIRE(again->append(format_result(RollResult{"eqiad", {"a.eqiad.wmnet"}, {}, 0}, at(2))).has_value());
  const std::string text = slurp(path);
  // The torn fragment was cut off: the new record is a line of its own and the file reads back.
  CHECK(text.find("b.eq") == std::string::npos);
  auto s = parse_audit(text);
  REQUIRE(s.has_value());
  CHECK(s->lines == 3);
  CHECK(s->done == std::set<std::string>{"a.eqiad.wmnet"});
  std::remove(path.c_str());

  auto missing_dir = AuditFile::open("/nonexistent-dir/state.jsonl");
  REQUIRE_FALSE(missing_dir.has_value());
  CHECK(missing_dir.error() == "--state /nonexistent-dir/state.jsonl: No such file or directory");
}
