// collector/roll/audit.hpp: the roll's audit trail (--state FILE), JSON Lines.
//
// One object per line, each written and fsync'ed before the roll goes on, so
// the file says what happened even after a crash or a power cut:
//   {"event":"roll","time":T,"site":S,"owner":O,"nodes":[…],"command":[…],"max_unavailable":K,"dry_run":false}
//   {"event":"step","time":T,"node":N,"step":"preflight|drain|command|wait|settle|uncordon|done",
//    "start":T,"end":T|null,"verdict":"started|ok|failed|interrupted","exit":N|null,"detail":"…"}
//   {"event":"result","time":T,"site":S,"done":[…],"not_done":[…],"exit":N}
// A step is logged when it starts (verdict "started", end null) and when it
// ends. A node is done when its "done" step has verdict "ok"; `roll --state
// FILE` again skips those and starts at the first node that is not.
#pragma once

#include "bgp/expected.hpp"

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace bgpwatch::collector {

using AuditClock = std::chrono::system_clock;

enum class RollStep { preflight, drain, command, wait, settle, uncordon, done };
std::string_view to_string(RollStep step) noexcept;

enum class StepVerdict { started, ok, failed, interrupted };
std::string_view to_string(StepVerdict verdict) noexcept;

struct StepRecord
{
  std::string node;
  RollStep step = RollStep::preflight;
  AuditClock::time_point start{};
  std::optional<AuditClock::time_point> end;
  StepVerdict verdict = StepVerdict::started;
  std::optional<int> exit; // CMD's exit status (command step), else the step's exit code when it failed
  std::string detail;      // why, in words
};

struct RollHeader
{
  std::string site;
  std::string owner;
  std::vector<std::string> nodes;
  std::vector<std::string> command;
  std::size_t max_unavailable = 1;
  bool drain = false;
};

struct RollResult
{
  std::string site;
  std::vector<std::string> done;
  std::vector<std::string> not_done;
  int exit = 0;
};

// One line each (with the trailing newline). `now` stamps "time".
std::string format_header(const RollHeader& header, AuditClock::time_point now);
std::string format_step(const StepRecord& record, AuditClock::time_point now);
std::string format_result(const RollResult& result, AuditClock::time_point now);

// What an existing audit file says.
struct AuditSummary
{
  std::optional<std::string> site;  // from the first "roll" line
  std::set<std::string> done;       // nodes whose "done" step is ok
  std::vector<std::string> touched; // nodes with any step, first-seen order
  std::size_t lines = 0;
};

// Parses the file's text. A last line without its newline (a crash mid-write)
// is ignored; any other line that is not a valid record is an error naming the
// line: resuming from an audit we cannot read would be guessing.
Expected<AuditSummary, std::string> parse_audit(std::string_view text);

// The audit file: appends whole lines with one write(2) each and fsync(2)s.
class AuditFile
{
public:
  // Opens (creating) `path` for appending; reads what is there first and cuts
  // off a torn last line (a crash mid-write: never a whole record).
  static Expected<AuditFile, std::string> open(const std::string& path);
  AuditFile(AuditFile&&) noexcept;
  AuditFile& operator=(AuditFile&&) noexcept;
  AuditFile(const AuditFile&) = delete;
  AuditFile& operator=(const AuditFile&) = delete;
  ~AuditFile();

  const AuditSummary& existing() const noexcept
  {
    return m_existing;
  }
  const std::string& path() const noexcept
  {
    return m_path;
  }
  // Writes one line durably; an error says what failed (disk full...).
  Expected<bool, std::string> append(const std::string& line);

private:
  AuditFile() = default;
  std::string m_path;
  int m_fd = -1;
  AuditSummary m_existing;
};

// RFC 3339 UTC with milliseconds: "2026-12-06T14:50:01.250Z".
std::string rfc3339_ms(AuditClock::time_point t);

} // namespace bgpwatch::collector
