// bgp/fsm.hpp: BGP session state inferred from what is seen on the wire.
//
// A capture does not show a speaker's FSM, only its messages and TCP flags.
// next_state() is the one transition function (a nested switch with an
// explicit default, like OpenBGPD's bgp_fsm()); SessionTracker feeds it with
// the events of each TCP connection, keeps per-session facts (both OPENs, the
// negotiated hold time and decoding context, message counts, the last
// reason for going down) and records every transition in one place.
//
// Inference rules: OPEN from both sides then KEEPALIVE -> Established;
// NOTIFICATION, FIN or RST -> Idle ("down") with the reason; no message from
// one side for longer than the negotiated hold time -> Idle with "hold timer
// expiry suspected"; a capture that starts mid-session with KEEPALIVE or
// UPDATE flow -> Established, marked inferred. Pure: time comes in as
// capture timestamps.
#pragma once

#include "bgp/reassembly.hpp"
#include "bgp/session.hpp"
#include "bgp/wire.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace bgpwatch::bgp {

enum class FsmEvent : std::uint8_t {
  tcp_syn,         // connection attempt
  open_one_side,   // the first OPEN of this connection
  open_both_sides, // the OPEN that completes the pair
  keepalive,
  update,
  route_refresh,
  notification,
  tcp_fin,
  tcp_rst,
  hold_silence,    // one side silent for longer than the negotiated hold time
};
std::string_view to_string(FsmEvent event) noexcept;

// The transition function. SessionState::unknown is "nothing seen yet" (the
// state of a session before its first event); Idle is "down".
SessionState next_state(SessionState state, FsmEvent event) noexcept;

// Both directions of one TCP connection: side 0 is the lower (address, port).
struct SessionKey
{
  Address a;
  std::uint16_t a_port = 0;
  Address b;
  std::uint16_t b_port = 0;

  static SessionKey of(const FlowKey& flow);
  friend bool operator==(const SessionKey&, const SessionKey&) = default;
};
struct SessionKeyHash
{
  std::size_t operator()(const SessionKey& k) const noexcept;
};

struct SessionSide
{
  Address address;
  std::uint16_t port = 0;
  std::optional<Open> open;
  std::array<std::uint64_t, 6> messages{}; // by MessageType value (index 0 unused)
  std::uint64_t malformed = 0;
  std::optional<std::int64_t> last_message_us;
  bool sent_syn = false; // this side initiated the connection
  bool sent_fin = false;

  std::uint64_t total_messages() const noexcept;
};

struct TrackedSession
{
  SessionKey key;
  std::array<SessionSide, 2> sides;
  SessionState state = SessionState::unknown;
  bool inferred = false;         // Established without both OPENs seen
  bool hold_suspected = false;   // the current Idle is a suspected hold expiry
  bool closing = false;          // NOTIFICATION, FIN or RST seen: the connection is over
  std::int64_t first_seen_us = 0;
  std::int64_t last_change_us = 0;
  std::int64_t last_activity_us = 0;
  std::uint64_t established_count = 0;
  std::uint64_t down_count = 0;  // Established -> down transitions (flaps)
  std::optional<std::string> last_error; // why it last went down
  std::array<DecodeContext, 2> context;  // for messages sent by side 0 / side 1

  // RFC 4271 §4.2: the smaller of the two hold times; empty until both OPENs.
  std::optional<std::uint16_t> negotiated_hold_time() const noexcept;
  int side_of(const FlowKey& flow) const noexcept; // 0 or 1: the sender
};

struct Transition
{
  std::size_t session = 0; // index into SessionTracker::sessions()
  std::int64_t time_us = 0;
  SessionState from = SessionState::unknown;
  SessionState to = SessionState::unknown;
  FsmEvent event = FsmEvent::keepalive;
  int by_side = 0;         // the side whose packet caused it
  bool inferred = false;
  std::string reason;      // for transitions down: NOTIFICATION text, FIN/RST, hold expiry
};

struct TrackerLimits
{
  std::size_t max_sessions = 65536; // beyond: the least recently active is forgotten
};

class SessionTracker
{
public:
  explicit SessionTracker(TrackerLimits limits = {});

  // The decoding context for messages travelling in `flow`'s direction.
  const DecodeContext& context_for(const FlowKey& flow);

  // Each appends the transitions it causes to `out` (not cleared).
  void on_message(const FlowKey& flow, std::int64_t time_us, const Message& message, std::vector<Transition>& out);
  void on_malformed(const FlowKey& flow, std::int64_t time_us, std::uint8_t type, std::vector<Transition>& out);
  void on_stream_event(const FlowKey& flow, std::int64_t time_us, StreamEventKind kind, std::vector<Transition>& out);
  // Hold-timer silence check at capture time now.
  void tick(std::int64_t now_us, std::vector<Transition>& out);

  const std::vector<TrackedSession>& sessions() const noexcept
  {
    return m_sessions;
  }

private:
  std::size_t index_for(const FlowKey& flow, std::int64_t time_us);
  void apply(std::size_t index, std::int64_t time_us, FsmEvent event, int side, std::string reason,
             std::vector<Transition>& out);
  void refresh_context(TrackedSession& s);

  TrackerLimits m_limits;
  std::vector<TrackedSession> m_sessions;
  std::unordered_map<SessionKey, std::size_t, SessionKeyHash> m_index;
  DecodeContext m_guess; // for a flow not tracked yet
  // The last session looked up: consecutive messages are mostly on one connection.
  std::optional<SessionKey> m_last_key;
  std::size_t m_last_index = 0;
};

// "NOTIFICATION 6/2 (Cease, Administrative Shutdown) from 10.64.0.1: \"draining\""
std::string describe_notification(const Notification& n, const Address& from);

} // namespace bgpwatch::bgp
