// bgp/fsm.cpp: see fsm.hpp. next_state() is the only transition table;
// SessionTracker::apply() is the only place a session's state is assigned.
#include "bgp/fsm.hpp"

#include <algorithm>

namespace bgpwatch::bgp {

std::string_view to_string(FsmEvent event) noexcept
{
  switch (event) {
  case FsmEvent::tcp_syn:
    return "tcp_syn";
  case FsmEvent::open_one_side:
    return "open";
  case FsmEvent::open_both_sides:
    return "open_both";
  case FsmEvent::keepalive:
    return "keepalive";
  case FsmEvent::update:
    return "update";
  case FsmEvent::route_refresh:
    return "route_refresh";
  case FsmEvent::notification:
    return "notification";
  case FsmEvent::tcp_fin:
    return "tcp_fin";
  case FsmEvent::tcp_rst:
    return "tcp_rst";
  case FsmEvent::hold_silence:
    return "hold_silence";
  }
  return "unknown";
}

SessionState next_state(SessionState state, FsmEvent event) noexcept
{
  using S = SessionState;
  using E = FsmEvent;
  switch (state) {
  case S::unknown: // nothing seen yet: the capture may start anywhere
  case S::idle:    // down; a new connection or resumed traffic brings it back
  case S::connect:
  case S::active:
    switch (event) {
    case E::tcp_syn:
      return S::connect;
    case E::open_one_side:
      return S::open_sent;
    case E::open_both_sides:
      return S::open_confirm;
    case E::keepalive:
    case E::update:
    case E::route_refresh:
      // Traffic only an Established session carries: the OPENs were before
      // the capture (or lost from it). Inferred.
      return S::established;
    case E::notification:
    case E::tcp_fin:
    case E::tcp_rst:
      return S::idle;
    default:
      return state;
    }
  case S::open_sent:
    switch (event) {
    case E::open_both_sides:
      return S::open_confirm;
    case E::notification:
    case E::tcp_fin:
    case E::tcp_rst:
      return S::idle;
    default:
      return state; // e.g. a KEEPALIVE before the second OPEN: keep waiting
    }
  case S::open_confirm:
    switch (event) {
    // RFC 4271 §8.2.2: KEEPALIVE in OpenConfirm -> Established
    case E::keepalive:
    case E::update:
    case E::route_refresh:
      return S::established;
    case E::notification:
    case E::tcp_fin:
    case E::tcp_rst:
    case E::hold_silence:
      return S::idle;
    default:
      return state;
    }
  case S::established:
    switch (event) {
    case E::notification:
    case E::tcp_fin:
    case E::tcp_rst:
    case E::hold_silence:
      return S::idle;
    default:
      return state; // OPEN on an established connection: the peer's FSM error, not ours to infer
    }
  }
  return state;
}

SessionKey SessionKey::of(const FlowKey& flow)
{
  const bool src_first = std::tie(flow.src, flow.src_port) < std::tie(flow.dst, flow.dst_port);
  return src_first ? SessionKey{flow.src, flow.src_port, flow.dst, flow.dst_port}
                   : SessionKey{flow.dst, flow.dst_port, flow.src, flow.src_port};
}

std::size_t SessionKeyHash::operator()(const SessionKey& k) const noexcept
{
  return FlowKeyHash{}(FlowKey{k.a, k.a_port, k.b, k.b_port});
}

std::uint64_t SessionSide::total_messages() const noexcept
{
  std::uint64_t total = 0;
  for (const auto n : messages) {
    total += n;
  }
  return total;
}

std::optional<std::uint16_t> TrackedSession::negotiated_hold_time() const noexcept
{
  if (!sides[0].open || !sides[1].open) {
    return std::nullopt;
  }
  return std::min(sides[0].open->hold_time, sides[1].open->hold_time);
}

int TrackedSession::side_of(const FlowKey& flow) const noexcept
{
  return (flow.src == sides[0].address && flow.src_port == sides[0].port) ? 0 : 1;
}

std::string describe_notification(const Notification& n, const Address& from)
{
  std::string out = "NOTIFICATION " + std::to_string(n.code) + "/" + std::to_string(n.subcode);
  const auto code = notification_code_name(n.code);
  const auto sub = notification_subcode_name(n.code, n.subcode);
  if (!code.empty()) {
    out += " (" + std::string(code);
    if (!sub.empty()) {
      out += ", " + std::string(sub);
    }
    out += ")";
  }
  out += " from " + from.to_string();
  if (n.shutdown_communication) {
    out += ": \"" + *n.shutdown_communication + "\"";
  }
  return out;
}

SessionTracker::SessionTracker(TrackerLimits limits) : m_limits(limits)
{
}

std::size_t SessionTracker::index_for(const FlowKey& flow, std::int64_t time_us)
{
  const SessionKey key = SessionKey::of(flow);
  if (m_last_key && *m_last_key == key) {
    return m_last_index;
  }
  const auto it = m_index.find(key);
  if (it != m_index.end()) {
    m_last_key = key;
    m_last_index = it->second;
    return it->second;
  }
  m_last_key.reset(); // indices move when a session is forgotten
  if (m_sessions.size() >= m_limits.max_sessions) {
    // Forget the least recently active session (bounded memory).
    auto oldest = std::min_element(m_sessions.begin(), m_sessions.end(), [](const auto& x, const auto& y) {
      return x.last_activity_us < y.last_activity_us;
    });
    const std::size_t victim = static_cast<std::size_t>(oldest - m_sessions.begin());
    m_index.erase(m_sessions[victim].key);
    if (victim != m_sessions.size() - 1) {
      m_sessions[victim] = std::move(m_sessions.back());
      m_index[m_sessions[victim].key] = victim;
    }
    m_sessions.pop_back();
  }
  TrackedSession s;
  s.key = key;
  s.sides[0].address = key.a;
  s.sides[0].port = key.a_port;
  s.sides[1].address = key.b;
  s.sides[1].port = key.b_port;
  s.first_seen_us = time_us;
  s.last_change_us = time_us;
  s.last_activity_us = time_us;
  m_sessions.push_back(std::move(s));
  m_index.emplace(key, m_sessions.size() - 1);
  return m_sessions.size() - 1;
}

const DecodeContext& SessionTracker::context_for(const FlowKey& flow)
{
  const SessionKey key = SessionKey::of(flow);
  std::size_t index = 0;
  if (m_last_key && *m_last_key == key) {
    index = m_last_index;
  } else {
    const auto it = m_index.find(key);
    if (it == m_index.end()) {
      return m_guess;
    }
    index = it->second;
    m_last_key = key;
    m_last_index = index;
  }
  const TrackedSession& s = m_sessions[index];
  return s.context[static_cast<std::size_t>(s.side_of(flow))];
}

void SessionTracker::refresh_context(TrackedSession& s)
{
  const auto& o0 = s.sides[0].open;
  const auto& o1 = s.sides[1].open;
  for (int from = 0; from < 2; ++from) {
    DecodeContext c;
    const auto& mine = s.sides[static_cast<std::size_t>(from)].open;
    const auto& theirs = s.sides[static_cast<std::size_t>(1 - from)].open;
    // RFC 6793 §4: 4-octet AS_PATH only if both sides are NEW speakers. One
    // OLD speaker seen is enough to know.
    const bool no4 = (o0 && !o0->has(CapabilityCode::four_octet_as)) || (o1 && !o1->has(CapabilityCode::four_octet_as));
    if (no4) {
      c.four_octet_as = false;
    } else if (o0 && o1) {
      c.four_octet_as = true;
    }
    if (mine && theirs) {
      // RFC 8654 §3: only if both advertised it
      c.extended_message = mine->has(CapabilityCode::extended_message) && theirs->has(CapabilityCode::extended_message);
      // RFC 7911 §4: path ids flow from a sender that may send to a receiver that may receive
      std::vector<AfiSafi> families;
      const Capability* send = mine->find(CapabilityCode::add_path);
      const Capability* recv = theirs->find(CapabilityCode::add_path);
      if (send && recv && send->add_path && recv->add_path) {
        for (const auto& f : send->add_path->families) {
          if ((f.send_receive & static_cast<std::uint8_t>(AddPathDirection::send)) == 0) {
            continue;
          }
          for (const auto& g : recv->add_path->families) {
            if (g.family == f.family && (g.send_receive & static_cast<std::uint8_t>(AddPathDirection::receive)) != 0) {
              families.push_back(f.family);
            }
          }
        }
      }
      c.add_path = std::move(families);
    }
    s.context[static_cast<std::size_t>(from)] = std::move(c);
  }
}

void SessionTracker::apply(std::size_t index, std::int64_t time_us, FsmEvent event, int side, std::string reason,
                           std::vector<Transition>& out)
{
  TrackedSession& s = m_sessions[index];
  const SessionState from = s.state;
  const SessionState to = next_state(from, event);
  const bool down = to == SessionState::idle;
  if (to == from && !(down && event != FsmEvent::hold_silence && s.hold_suspected)) {
    // A NOTIFICATION/FIN after a down still tells why: keep the first reason
    // unless the first was only a suspicion.
    return;
  }
  if (to == SessionState::established && from != SessionState::established) {
    s.inferred = from != SessionState::open_confirm;
    ++s.established_count;
  }
  if (from == SessionState::established && down) {
    ++s.down_count;
  }
  if (down) {
    s.hold_suspected = event == FsmEvent::hold_silence;
    s.last_error = reason;
  } else {
    s.hold_suspected = false;
  }
  s.state = to;
  s.last_change_us = time_us;
  out.push_back(Transition{index, time_us, from, to, event, side, s.inferred && to == SessionState::established,
                           std::move(reason)});
}

void SessionTracker::on_message(const FlowKey& flow, std::int64_t time_us, const Message& message,
                                std::vector<Transition>& out)
{
  const std::size_t index = index_for(flow, time_us);
  TrackedSession& s = m_sessions[index];
  const int side = s.side_of(flow);
  SessionSide& me = s.sides[static_cast<std::size_t>(side)];
  const auto type = type_of(message);
  ++me.messages[static_cast<std::size_t>(type)];
  me.last_message_us = time_us;
  s.last_activity_us = time_us;
  if (s.closing && type != MessageType::notification) {
    return; // in flight when the connection closed: no state to infer from it
  }
  switch (type) {
  case MessageType::open: {
    me.open = std::get<Open>(message);
    refresh_context(s);
    const bool both = s.sides[static_cast<std::size_t>(1 - side)].open.has_value();
    apply(index, time_us, both ? FsmEvent::open_both_sides : FsmEvent::open_one_side, side, "", out);
    break;
  }
  case MessageType::update:
    apply(index, time_us, FsmEvent::update, side, "", out);
    break;
  case MessageType::keepalive:
    apply(index, time_us, FsmEvent::keepalive, side, "", out);
    break;
  case MessageType::route_refresh:
    apply(index, time_us, FsmEvent::route_refresh, side, "", out);
    break;
  case MessageType::notification:
    s.closing = true;
    apply(index, time_us, FsmEvent::notification, side,
          describe_notification(std::get<Notification>(message), me.address), out);
    break;
  }
}

void SessionTracker::on_malformed(const FlowKey& flow, std::int64_t time_us, std::uint8_t type,
                                  std::vector<Transition>&)
{
  const std::size_t index = index_for(flow, time_us);
  TrackedSession& s = m_sessions[index];
  SessionSide& me = s.sides[static_cast<std::size_t>(s.side_of(flow))];
  ++me.malformed;
  if (type >= 1 && type <= 5) {
    ++me.messages[type];
  }
  me.last_message_us = time_us;
  s.last_activity_us = time_us;
}

void SessionTracker::on_stream_event(const FlowKey& flow, std::int64_t time_us, StreamEventKind kind,
                                     std::vector<Transition>& out)
{
  switch (kind) {
  case StreamEventKind::syn: {
    const std::size_t index = index_for(flow, time_us);
    TrackedSession& s = m_sessions[index];
    const int side = s.side_of(flow);
    if (s.state != SessionState::unknown && s.state != SessionState::idle && s.state != SessionState::connect) {
      break; // a SYN inside a live connection is a retransmission
    }
    // A new connection on the same 4-tuple starts from scratch.
    for (auto& sd : s.sides) {
      sd.open.reset();
      sd.sent_fin = false;
      sd.sent_syn = false;
    }
    s.sides[static_cast<std::size_t>(side)].sent_syn = true;
    s.closing = false;
    refresh_context(s);
    s.last_activity_us = time_us;
    apply(index, time_us, FsmEvent::tcp_syn, side, "", out);
    break;
  }
  case StreamEventKind::fin: {
    const std::size_t index = index_for(flow, time_us);
    TrackedSession& s = m_sessions[index];
    const int side = s.side_of(flow);
    s.sides[static_cast<std::size_t>(side)].sent_fin = true;
    s.closing = true;
    s.last_activity_us = time_us;
    apply(index, time_us, FsmEvent::tcp_fin, side, "TCP FIN from " + flow.src.to_string(), out);
    break;
  }
  case StreamEventKind::rst: {
    const std::size_t index = index_for(flow, time_us);
    TrackedSession& s = m_sessions[index];
    s.last_activity_us = time_us;
    s.closing = true;
    apply(index, time_us, FsmEvent::tcp_rst, s.side_of(flow), "TCP RST from " + flow.src.to_string(), out);
    break;
  }
  default:
    break; // resync/gap/expired change what we know, not the session's state
  }
}

void SessionTracker::tick(std::int64_t now_us, std::vector<Transition>& out)
{
  for (std::size_t i = 0; i < m_sessions.size(); ++i) {
    TrackedSession& s = m_sessions[i];
    if (s.state != SessionState::established && s.state != SessionState::open_confirm) {
      continue;
    }
    const auto hold = s.negotiated_hold_time();
    if (!hold || *hold == 0) {
      continue; // unknown (mid-session capture) or no keepalives negotiated (RFC 4271 §4.4)
    }
    for (int side = 0; side < 2; ++side) {
      const auto& sd = s.sides[static_cast<std::size_t>(side)];
      if (!sd.last_message_us) {
        continue;
      }
      const std::int64_t silent_us = now_us - *sd.last_message_us;
      if (silent_us > std::int64_t{*hold} * 1'000'000) {
        apply(i, now_us, FsmEvent::hold_silence, side,
              "hold timer expiry suspected: nothing from " + sd.address.to_string() + " for "
                + std::to_string(silent_us / 1'000'000) + " s (hold time " + std::to_string(*hold) + " s)",
              out);
        break;
      }
    }
  }
}

} // namespace bgpwatch::bgp
