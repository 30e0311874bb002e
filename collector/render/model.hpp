// collector/render/model.hpp: the one model every gate renderer reads (text
// table, JSON, JSON Lines, live progress): what was expected, what was seen,
// the verdict, and how the run ended. Built by the commands, never printed
// by them directly.
#pragma once

#include "bgp/readiness.hpp"
#include "collector/base/source_info.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bgpwatch::collector {

struct RouterPollStatus
{
  std::string name;
  bool ok = false;
  std::string error;
  bgp::WallClock::time_point polled_at{};
  std::optional<bgp::WallClock::time_point> request_sent_at; // bgp::RouterObservation's
  bgp::Source source = bgp::Source::netconf; // which view read it (--source router,bird has two)
};

struct GateReport
{
  std::string command;             // "check", "status", "wait-established", "gate"
  std::optional<std::string> node; // FQDN (or as given, node-side without inventory)
  std::optional<std::string> site;
  std::string source;              // StateSource::describe() (" + " the second view's): prose for humans
  // Every view asked, the deciding (routers') view first: JSON "source" is
  // the first one's kind, "sources" lists them all (--source router,bird).
  std::vector<SourceInfo> sources;
  // verdict.sessions before this index are the first view's, the rest the
  // second's (--source router,bird): the "source" of a session nothing was
  // seen for.
  std::size_t first_view_sessions = static_cast<std::size_t>(-1);
  bgp::WallClock::time_point now{};
  std::optional<bgp::WallClock::time_point> since;
  std::optional<std::string> since_from; // which --since and from where (GateContext::since_from)
  bgp::Verdict verdict;
  std::vector<RouterPollStatus> routers;
  int exit_code = 3;
  // How a wait ended when not by a verdict: "deadline passed after 10m",
  // "interrupted by SIGTERM". Empty for one-poll commands.
  std::optional<std::string> stopped;
  std::chrono::milliseconds elapsed{0};
  std::uint64_t polls = 0;
  std::optional<std::uint64_t> sessions_opened; // NETCONF sessions opened during the run
  // Extra reasons that are not one expected session (router,bird disagreements).
  std::vector<std::string> notes;
};


// "READY", "NOT READY", "UNKNOWN".
std::string_view verdict_word(bgp::Readiness r) noexcept;

// A short phrase for a table cell: "down", "AS mismatch", "up before --since"...
std::string_view reason_phrase(bgp::Reason r) noexcept;

// Every reason to print in the final report: the verdict's, then the notes.
std::vector<std::string> report_reasons(const GateReport& report);

} // namespace bgpwatch::collector
