// collector/capture/sniff_output.cpp: text and JSON Lines for `sniff` (see sniff_output.hpp).
#include "collector/capture/sniff_output.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <iterator>

namespace bgpwatch::collector {

namespace {

inline constexpr std::size_t k_flush_at = 1u << 16;



std::string hex(std::span<const std::uint8_t> bytes)
{
  static constexpr char digits[] = "0123456789abcdef";
  std::string s;
  s.reserve(bytes.size() * 2);
  for (const auto b : bytes) {
    s += digits[b >> 4];
    s += digits[b & 0xf];
  }
  return s;
}

std::string ipv4_string(std::uint32_t v)
{
  return fmt::format("{}.{}.{}.{}", v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
}

std::string next_hop_string(const std::vector<std::uint8_t>& nh)
{
  if (nh.size() == 4) {
    return bgp::Address::v4({nh[0], nh[1], nh[2], nh[3]}).to_string();
  }
  if (nh.size() == 16 || nh.size() == 32) {
    // RFC 2545 §3: global, then link-local when 32 octets
    std::string out;
    for (std::size_t off = 0; off < nh.size(); off += 16) {
      std::array<std::uint8_t, 16> a{};
      for (std::size_t i = 0; i < 16; ++i) {
        a[i] = nh[off + i];
      }
      out += (off ? " " : "") + bgp::Address::v6(a).to_string();
    }
    return out;
  }
  return hex(nh);
}

std::string_view type_name(std::uint8_t type)
{
  const auto n = bgp::message_type_name(type);
  return n.empty() ? std::string_view("unknown") : n;
}

constexpr std::string_view k_type_keys[] = {"", "OPEN", "UPDATE", "NOTIFICATION", "KEEPALIVE", "ROUTE-REFRESH"};

} // namespace

namespace {

template <class Buffer>
void append_json_impl(Buffer& out, std::string_view s)
{
  auto add = [&out](std::string_view v) { out.append(v.data(), v.data() + v.size()); };
  out.push_back('"');
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
      case '"':
        add("\\\"");
        break;
      case '\\':
        add("\\\\");
        break;
      case '\n':
        add("\\n");
        break;
      case '\r':
        add("\\r");
        break;
      case '\t':
        add("\\t");
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
        } else {
          out.push_back(static_cast<char>(c));
        }
      }
      ++i;
      continue;
    }
    // Validate one UTF-8 sequence (RFC 3629 §4); anything else is U+FFFD.
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if ((c & 0xe0) == 0xc0) {
      n = 1;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3;
      cp = c & 0x07;
    }
    bool ok = n > 0;
    for (std::size_t k = 1; ok && k <= n; ++k) {
      if (i + k >= s.size() || (static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) {
        ok = false;
      } else {
        cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
      }
    }
    const std::uint32_t min[] = {0, 0x80, 0x800, 0x10000};
    if (ok && (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))) {
      ok = false;
    }
    if (ok) {
      add(s.substr(i, n + 1));
      i += n + 1;
    } else {
      add("\\ufffd");
      ++i;
    }
  }
  out.push_back('"');
}

} // namespace

void append_json_string(std::string& out, std::string_view s)
{
  append_json_impl(out, s);
}

void SniffPrinter::append_json(fmt::memory_buffer& out, std::string_view s)
{
  append_json_impl(out, s);
}

std::string endpoint_string(const bgp::Address& a, std::uint16_t port)
{
  if (a.family() == bgp::Family::ipv6) {
    return "[" + a.to_string() + "]:" + std::to_string(port);
  }
  return a.to_string() + ":" + std::to_string(port);
}

SniffPrinter::SniffPrinter(OutputFormat format, std::FILE* out) : m_format(format), m_out(out)
{
  m_buf.reserve(k_flush_at * 2);
}

SniffPrinter::~SniffPrinter()
{
  flush();
}

void SniffPrinter::flush()
{
  if (m_buf.size() > 0) {
    std::fwrite(m_buf.data(), 1, m_buf.size(), m_out);
    m_buf.clear();
  }
  std::fflush(m_out);
}

void SniffPrinter::maybe_flush()
{
  if (m_buf.size() >= k_flush_at) {
    std::fwrite(m_buf.data(), 1, m_buf.size(), m_out);
    m_buf.clear();
  }
}

void SniffPrinter::put(std::string_view s)
{
  m_buf.append(s.data(), s.data() + s.size());
}

void SniffPrinter::put(char c)
{
  m_buf.push_back(c);
}

void SniffPrinter::put_uint(std::uint64_t v)
{
  const fmt::format_int f(v);
  m_buf.append(f.data(), f.data() + f.size());
}

void SniffPrinter::time(std::int64_t time_us)
{
  // RFC 3339 UTC with milliseconds, the one timestamp format of every JSON
  // object and log line (docs/json.md); the date part changes once a second.
  const std::int64_t sec = time_us >= 0 ? time_us / 1'000'000 : (time_us - 999'999) / 1'000'000;
  if (sec != m_cached_second) {
    const std::time_t t = static_cast<std::time_t>(sec);
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(m_cached_prefix, sizeof(m_cached_prefix), "%Y-%m-%dT%H:%M:%S", &tm);
    m_cached_second = sec;
  }
  put(std::string_view(m_cached_prefix));
  char frac[6] = {'.', '0', '0', '0', 'Z', 0};
  auto ms = static_cast<std::uint32_t>((time_us - sec * 1'000'000) / 1000);
  for (int k = 3; k >= 1; --k) {
    frac[k] = static_cast<char>('0' + ms % 10);
    ms /= 10;
  }
  put(std::string_view(frac, 5));
}

void SniffPrinter::endpoint(const bgp::Address& a, std::uint16_t port)
{
  // inet_ntop without a temporary string for IPv4, the common case
  if (a.family() == bgp::Family::ipv4) {
    const std::uint8_t* d = a.data();
    put_uint(d[0]);
    put('.');
    put_uint(d[1]);
    put('.');
    put_uint(d[2]);
    put('.');
    put_uint(d[3]);
    put(':');
    put_uint(port);
  } else {
    put(endpoint_string(a, port));
  }
}

void SniffPrinter::on_message(const bgp::FlowKey& flow, std::int64_t time_us, const bgp::Message& message,
                              std::size_t length)
{
  const auto type = bgp::type_of(message);
  const bool json = m_format == OutputFormat::json;
  auto o = std::back_inserter(m_buf);
  if (json) {
    put(R"({"event":"message","time":")");
    time(time_us);
    put(R"(","src":")");
    endpoint(flow.src, flow.src_port);
    put(R"(","dst":")");
    endpoint(flow.dst, flow.dst_port);
    fmt::format_to(o, R"(","type":"{}","length":{})", k_type_keys[static_cast<std::size_t>(type)], length);
  } else {
    time(time_us);
    put(' ');
    endpoint(flow.src, flow.src_port);
    put(" > ");
    endpoint(flow.dst, flow.dst_port);
    put(' ');
    put(k_type_keys[static_cast<std::size_t>(type)]);
  }

  switch (type) {
  case bgp::MessageType::keepalive:
    break;
  case bgp::MessageType::open: {
    const auto& op = std::get<bgp::Open>(message);
    if (json) {
      fmt::format_to(o, R"(,"version":{},"my_as":{},"as":{},"hold_time":{},"bgp_id":"{}","extended_parameters":{},"capabilities":[)",
                     op.version, op.my_as, op.effective_as(), op.hold_time, ipv4_string(op.bgp_id),
                     op.extended_parameters_length ? "true" : "false");
      bool first = true;
      for (const auto& c : op.capabilities) {
        put(first ? "{" : ",{");
        first = false;
        const auto name = bgp::capability_name(c.code);
        fmt::format_to(o, R"("code":{},"name":)", c.code);
        if (name.empty()) {
          put("null");
        } else {
          append_json(m_buf, name);
        }
        if (c.multiprotocol) {
          fmt::format_to(o, R"(,"family":"{}","afi":{},"safi":{})", bgp::to_string(*c.multiprotocol),
                         c.multiprotocol->afi, c.multiprotocol->safi);
        }
        if (c.four_octet_as) {
          fmt::format_to(o, R"(,"as":{})", *c.four_octet_as);
        }
        if (c.graceful_restart) {
          const auto& gr = *c.graceful_restart;
          fmt::format_to(o, R"(,"restart_state":{},"notification":{},"restart_time":{},"families":[)",
                         gr.restart_state, gr.notification, gr.restart_time);
          for (std::size_t i = 0; i < gr.families.size(); ++i) {
            fmt::format_to(o, R"({}{{"family":"{}","forwarding_preserved":{}}})", i ? "," : "",
                           bgp::to_string(gr.families[i].family), gr.families[i].forwarding_preserved);
          }
          put(']');
        }
        if (c.add_path) {
          put(R"(,"families":[)");
          for (std::size_t i = 0; i < c.add_path->families.size(); ++i) {
            const auto& f = c.add_path->families[i];
            const char* dir = f.send_receive == 1 ? "receive" : f.send_receive == 2 ? "send"
                                                            : f.send_receive == 3 ? "send/receive" : "invalid";
            fmt::format_to(o, R"({}{{"family":"{}","send_receive":"{}"}})", i ? "," : "", bgp::to_string(f.family), dir);
          }
          put(']');
        }
        if (c.llgr) {
          put(R"(,"families":[)");
          for (std::size_t i = 0; i < c.llgr->families.size(); ++i) {
            const auto& f = c.llgr->families[i];
            fmt::format_to(o, R"({}{{"family":"{}","forwarding_preserved":{},"stale_time":{}}})", i ? "," : "",
                           bgp::to_string(f.family), (f.flags & 0x80) != 0, f.stale_time);
          }
          put(']');
        }
        if (c.fqdn) {
          put(R"(,"hostname":)");
          append_json(m_buf, c.fqdn->hostname);
          put(R"(,"domain":)");
          append_json(m_buf, c.fqdn->domain);
        }
        if (c.role) {
          fmt::format_to(o, R"(,"role":{})", *c.role);
        }
        if (c.software_version) {
          put(R"(,"software_version":)");
          append_json(m_buf, *c.software_version);
        }
        if (name.empty() || (!c.value.empty() && !c.multiprotocol && !c.four_octet_as && !c.graceful_restart
                             && !c.add_path && !c.llgr && !c.fqdn && !c.role && !c.software_version)) {
          fmt::format_to(o, R"(,"value":"{}")", hex(c.value));
        }
        put('}');
      }
      put(']');
    } else {
      fmt::format_to(o, " v{} AS {} hold {}s id {}", op.version, op.effective_as(), op.hold_time, ipv4_string(op.bgp_id));
      if (op.effective_as() != op.my_as) {
        fmt::format_to(o, " (my_as {})", op.my_as);
      }
      put(" caps:");
      for (const auto& c : op.capabilities) {
        const auto name = bgp::capability_name(c.code);
        put(' ');
        if (name.empty()) {
          fmt::format_to(o, "cap{}[{}]", c.code, hex(c.value));
        } else {
          put(name);
        }
        if (c.multiprotocol) {
          fmt::format_to(o, "({})", bgp::to_string(*c.multiprotocol));
        }
        if (c.four_octet_as) {
          fmt::format_to(o, "({})", *c.four_octet_as);
        }
        if (c.graceful_restart) {
          const auto& gr = *c.graceful_restart;
          fmt::format_to(o, "({}{}time {}s", gr.restart_state ? "R " : "", gr.notification ? "N " : "", gr.restart_time);
          for (const auto& f : gr.families) {
            fmt::format_to(o, " {}{}", bgp::to_string(f.family), f.forwarding_preserved ? " F" : "");
          }
          put(')');
        }
        if (c.add_path) {
          put('(');
          for (std::size_t i = 0; i < c.add_path->families.size(); ++i) {
            const auto& f = c.add_path->families[i];
            fmt::format_to(o, "{}{} {}", i ? ", " : "", bgp::to_string(f.family),
                           f.send_receive == 1 ? "receive" : f.send_receive == 2 ? "send" : "send/receive");
          }
          put(')');
        }
        if (c.fqdn) {
          fmt::format_to(o, "({}{}{})", c.fqdn->hostname, c.fqdn->domain.empty() ? "" : ".", c.fqdn->domain);
        }
        if (c.llgr && !c.llgr->families.empty()) {
          put('(');
          for (std::size_t i = 0; i < c.llgr->families.size(); ++i) {
            fmt::format_to(o, "{}{} stale {}s", i ? ", " : "", bgp::to_string(c.llgr->families[i].family),
                           c.llgr->families[i].stale_time);
          }
          put(')');
        }
        put(',');
      }
      if (m_buf.size() > 0 && m_buf.data()[m_buf.size() - 1] == ',') {
        m_buf.resize(m_buf.size() - 1);
      }
    }
    break;
  }
  case bgp::MessageType::update: {
    const auto& u = std::get<bgp::Update>(message);
    if (json) {
      fmt::format_to(o, R"(,"withdrawn":{},"announced":{})", u.total_withdrawn(), u.total_announced());
      if (u.origin) {
        fmt::format_to(o, R"(,"origin":"{}")", bgp::to_string(*u.origin));
      }
      if (u.as_path) {
        fmt::format_to(o, R"(,"as_path":"{}")", bgp::as_path_to_string(*u.as_path));
      }
      if (u.as4_path) {
        fmt::format_to(o, R"(,"as4_path":"{}")", bgp::as_path_to_string(*u.as4_path));
      }
      if (u.next_hop) {
        const auto& n = *u.next_hop;
        fmt::format_to(o, R"(,"next_hop":"{}.{}.{}.{}")", n[0], n[1], n[2], n[3]);
      }
      if (u.mp_reach) {
        fmt::format_to(o, R"(,"mp_reach":{{"family":"{}","afi":{},"safi":{},"next_hop":"{}","announced":{}}})",
                       bgp::to_string(u.mp_reach->family), u.mp_reach->family.afi, u.mp_reach->family.safi,
                       next_hop_string(u.mp_reach->next_hop),
                       u.mp_reach->nlri_count ? std::to_string(*u.mp_reach->nlri_count) : "null");
      }
      if (u.mp_unreach) {
        fmt::format_to(o, R"(,"mp_unreach":{{"family":"{}","afi":{},"safi":{},"withdrawn":{}}})",
                       bgp::to_string(u.mp_unreach->family), u.mp_unreach->family.afi, u.mp_unreach->family.safi,
                       u.mp_unreach->withdrawn_count ? std::to_string(*u.mp_unreach->withdrawn_count) : "null");
      }
      if (u.end_of_rib) {
        fmt::format_to(o, R"(,"end_of_rib":"{}")", bgp::to_string(*u.end_of_rib));
      }
    } else {
      if (u.end_of_rib) {
        fmt::format_to(o, " End-of-RIB {}", bgp::to_string(*u.end_of_rib));
      } else {
        fmt::format_to(o, " withdrawn {} announced {}", u.total_withdrawn(), u.total_announced());
        if (u.mp_reach) {
          fmt::format_to(o, " ({} via {})", bgp::to_string(u.mp_reach->family), next_hop_string(u.mp_reach->next_hop));
        } else if (u.mp_unreach) {
          fmt::format_to(o, " ({})", bgp::to_string(u.mp_unreach->family));
        }
        if (u.next_hop) {
          const auto& n = *u.next_hop;
          fmt::format_to(o, " next-hop {}.{}.{}.{}", n[0], n[1], n[2], n[3]);
        }
        if (u.as_path) {
          fmt::format_to(o, " as-path [{}]", bgp::as_path_to_string(*u.as_path));
        }
        if (u.origin) {
          fmt::format_to(o, " origin {}", bgp::to_string(*u.origin));
        }
      }
    }
    break;
  }
  case bgp::MessageType::notification: {
    const auto& n = std::get<bgp::Notification>(message);
    const auto code_name = bgp::notification_code_name(n.code);
    const auto sub_name = bgp::notification_subcode_name(n.code, n.subcode);
    if (json) {
      fmt::format_to(o, R"(,"code":{},"subcode":{},"code_name":)", n.code, n.subcode);
      if (code_name.empty()) {
        put("null");
      } else {
        append_json(m_buf, code_name);
      }
      put(R"(,"subcode_name":)");
      if (sub_name.empty()) {
        put("null");
      } else {
        append_json(m_buf, sub_name);
      }
      put(R"(,"shutdown_communication":)");
      if (n.shutdown_communication) {
        append_json(m_buf, *n.shutdown_communication);
      } else {
        put("null");
      }
      fmt::format_to(o, R"(,"data":"{}")", hex(n.data));
    } else {
      fmt::format_to(o, " {}/{} {}{}{}", n.code, n.subcode,
                     code_name.empty() ? fmt::format("code {}", n.code) : std::string(code_name),
                     sub_name.empty() ? "" : ", ",
                     sub_name.empty() ? (n.subcode ? fmt::format(", unknown subcode {}", n.subcode) : std::string())
                                      : std::string(sub_name));
      if (n.shutdown_communication) {
        put(" \"");
        put(*n.shutdown_communication);
        put('"');
      }
    }
    break;
  }
  case bgp::MessageType::route_refresh: {
    const auto& rr = std::get<bgp::RouteRefresh>(message);
    const auto st = bgp::route_refresh_subtype_name(rr.subtype);
    if (json) {
      fmt::format_to(o, R"(,"family":"{}","afi":{},"safi":{},"subtype":{},"subtype_name":{})",
                     bgp::to_string(rr.family), rr.family.afi, rr.family.safi, rr.subtype,
                     st.empty() ? "null" : "\"" + std::string(st) + "\"");
    } else {
      fmt::format_to(o, " {} {}", bgp::to_string(rr.family), st.empty() ? fmt::format("subtype {}", rr.subtype) : std::string(st));
    }
    break;
  }
  }
  put(json ? "}\n" : "\n");
  maybe_flush();
}

void SniffPrinter::on_malformed(const bgp::FlowKey& flow, std::int64_t time_us, std::uint8_t type,
                                const bgp::DecodeError& error)
{
  auto o = std::back_inserter(m_buf);
  const auto sub_name = bgp::notification_subcode_name(error.notify_code, error.notify_subcode);
  if (m_format == OutputFormat::json) {
    put(R"({"event":"malformed","time":")");
    time(time_us);
    put(R"(","src":")");
    endpoint(flow.src, flow.src_port);
    put(R"(","dst":")");
    endpoint(flow.dst, flow.dst_port);
    const auto tn = bgp::message_type_name(type);
    fmt::format_to(o, R"(","type":{},"type_code":{},"error":"{}","notify_code":{},"notify_subcode":{},"notify_name":)",
                   tn.empty() ? "null" : "\"" + std::string(tn) + "\"", type, bgp::to_string(error.code),
                   error.notify_code, error.notify_subcode);
    if (sub_name.empty()) {
      put("null");
    } else {
      append_json(m_buf, sub_name);
    }
    put(R"(,"detail":)");
    append_json(m_buf, error.detail);
    put("}\n");
  } else {
    time(time_us);
    put(' ');
    endpoint(flow.src, flow.src_port);
    put(" > ");
    endpoint(flow.dst, flow.dst_port);
    fmt::format_to(o, " MALFORMED {}: {}\n", type_name(type), error.to_string());
  }
  maybe_flush();
}

void SniffPrinter::on_transition(const bgp::Transition& t, const bgp::TrackedSession& s)
{
  auto o = std::back_inserter(m_buf);
  const auto& by = s.sides[static_cast<std::size_t>(t.by_side)];
  if (m_format == OutputFormat::json) {
    put(R"({"event":"state","time":")");
    time(t.time_us);
    put(R"(","a":")");
    endpoint(s.sides[0].address, s.sides[0].port);
    put(R"(","b":")");
    endpoint(s.sides[1].address, s.sides[1].port);
    fmt::format_to(o, R"(","from":"{}","to":"{}","trigger":"{}","by":")", bgp::to_string(t.from), bgp::to_string(t.to),
                   bgp::to_string(t.event));
    endpoint(by.address, by.port);
    fmt::format_to(o, R"(","inferred":{},"reason":)", t.inferred);
    if (t.reason.empty()) {
      put("null");
    } else {
      append_json(m_buf, t.reason);
    }
    put("}\n");
  } else {
    time(t.time_us);
    put(" state ");
    endpoint(s.sides[0].address, s.sides[0].port);
    put(" <-> ");
    endpoint(s.sides[1].address, s.sides[1].port);
    fmt::format_to(o, ": {} -> {}{}", bgp::to_string(t.from), bgp::to_string(t.to), t.inferred ? " (inferred)" : "");
    if (!t.reason.empty()) {
      fmt::format_to(o, ": {}", t.reason);
    }
    put('\n');
  }
  maybe_flush();
}

void SniffPrinter::on_stream(const bgp::FlowKey& flow, std::int64_t time_us, bgp::StreamEventKind kind, std::size_t bytes)
{
  // Only losses are worth a line; SYN/FIN/RST show up as state changes.
  if (kind != bgp::StreamEventKind::resync && kind != bgp::StreamEventKind::gap
      && kind != bgp::StreamEventKind::expired) {
    return;
  }
  auto o = std::back_inserter(m_buf);
  if (m_format == OutputFormat::json) {
    put(R"({"event":"stream","time":")");
    time(time_us);
    put(R"(","src":")");
    endpoint(flow.src, flow.src_port);
    put(R"(","dst":")");
    endpoint(flow.dst, flow.dst_port);
    fmt::format_to(o, R"(","kind":"{}","bytes":{}}})" "\n", bgp::to_string(kind), bytes);
  } else {
    time(time_us);
    put(' ');
    endpoint(flow.src, flow.src_port);
    put(" > ");
    endpoint(flow.dst, flow.dst_port);
    fmt::format_to(o, " stream {} ({} bytes)\n", bgp::to_string(kind), bytes);
  }
  maybe_flush();
}

void SniffPrinter::summary(const SniffEngine& engine)
{
  auto o = std::back_inserter(m_buf);
  const auto& st = engine.stats();
  const auto& sessions = engine.tracker().sessions();
  if (m_format == OutputFormat::json) {
    put(R"({"event":"summary","sessions":[)");
    for (std::size_t i = 0; i < sessions.size(); ++i) {
      const auto& s = sessions[i];
      put(i ? ",{" : "{");
      put(R"("a":")");
      endpoint(s.sides[0].address, s.sides[0].port);
      put(R"(","b":")");
      endpoint(s.sides[1].address, s.sides[1].port);
      fmt::format_to(o, R"(","state":"{}","inferred":{},"established_count":{},"flaps":{},"last_error":)",
                     bgp::to_string(s.state), s.state == bgp::SessionState::established && s.inferred,
                     s.established_count, s.down_count);
      if (s.last_error) {
        append_json(m_buf, *s.last_error);
      } else {
        put("null");
      }
      const auto hold = s.negotiated_hold_time();
      put(R"(,"hold_time":)");
      put(hold ? std::to_string(*hold) : "null");
      for (int side = 0; side < 2; ++side) {
        const auto& sd = s.sides[static_cast<std::size_t>(side)];
        fmt::format_to(o, R"(,"{}_as":{})", side ? "b" : "a", sd.open ? std::to_string(sd.open->effective_as()) : "null");
      }
      put(R"(,"first_seen":")");
      time(s.first_seen_us);
      put(R"(","last_change":")");
      time(s.last_change_us);
      put(R"(","messages":{)");
      for (int side = 0; side < 2; ++side) {
        const auto& sd = s.sides[static_cast<std::size_t>(side)];
        fmt::format_to(o, R"({}"{}":{{"OPEN":{},"UPDATE":{},"NOTIFICATION":{},"KEEPALIVE":{},"ROUTE-REFRESH":{},"malformed":{}}})",
                       side ? "," : "", side ? "b" : "a", sd.messages[1], sd.messages[2], sd.messages[3], sd.messages[4],
                       sd.messages[5], sd.malformed);
      }
      put("}}");
    }
    fmt::format_to(o,
                   R"(],"messages":{{"OPEN":{},"UPDATE":{},"NOTIFICATION":{},"KEEPALIVE":{},"ROUTE-REFRESH":{}}},"malformed":{},"frames":{},"tcp_segments":{},"resync_bytes":{},"gaps":{},"gap_bytes":{}}})"
                   "\n",
                   st.messages[1], st.messages[2], st.messages[3], st.messages[4], st.messages[5], st.malformed,
                   st.frames, st.tcp_segments, st.resync_bytes, st.gaps, st.gap_bytes);
  } else {
    fmt::format_to(o, "\nsummary: {} frames, {} BGP messages (OPEN {}, UPDATE {}, NOTIFICATION {}, KEEPALIVE {}, "
                      "ROUTE-REFRESH {}), {} malformed, {} TCP connections\n",
                   st.frames, st.messages[1] + st.messages[2] + st.messages[3] + st.messages[4] + st.messages[5],
                   st.messages[1], st.messages[2], st.messages[3], st.messages[4], st.messages[5], st.malformed,
                   sessions.size());
    if (!sessions.empty()) {
      fmt::format_to(o, "  {:<46} {:<46} {:<12} {:>10} {:>10} {:>5}  {}\n", "A", "B", "STATE", "AS A", "AS B", "HOLD",
                     "LAST ERROR");
    }
    for (const auto& s : sessions) {
      const auto hold = s.negotiated_hold_time();
      std::string state(bgp::to_string(s.state));
      if (s.state == bgp::SessionState::established && s.inferred) {
        state += "*";
      }
      fmt::format_to(o, "  {:<46} {:<46} {:<12} {:>10} {:>10} {:>5}  {}\n",
                     endpoint_string(s.sides[0].address, s.sides[0].port),
                     endpoint_string(s.sides[1].address, s.sides[1].port), state,
                     s.sides[0].open ? std::to_string(s.sides[0].open->effective_as()) : "-",
                     s.sides[1].open ? std::to_string(s.sides[1].open->effective_as()) : "-",
                     hold ? std::to_string(*hold) : "-", s.last_error.value_or(""));
    }
    if (st.resync_bytes || st.gaps) {
      fmt::format_to(o, "  stream losses: {} bytes skipped to resynchronise, {} gaps ({} bytes)\n", st.resync_bytes,
                     st.gaps, st.gap_bytes);
    }
    const bool any_inferred = std::any_of(sessions.begin(), sessions.end(), [](const auto& s) {
      return s.state == bgp::SessionState::established && s.inferred;
    });
    if (any_inferred) {
      put("  (* Established inferred: the capture started mid-session)\n");
    }
  }
  flush();
}

} // namespace bgpwatch::collector
