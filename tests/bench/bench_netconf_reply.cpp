// tests/bench/bench_netconf_reply.cpp: Google Benchmark of the collector's
// per-router poll path on one big reply (issue 6 scale target): a
// 2,000-peer Junos <rpc-reply> shaped like netconf/sim's (what
// bench_collect_scale.sh polls) goes through the NETCONF read path
// (Deframer, fed in 16 KiB pieces as an SSH channel read returns them),
// the reply inspection (message-id, rpc-error, well-formedness) and the
// Junos parse, each stage alone and all together. Not a test: it asserts
// nothing about time, only that every reply is accepted whole.
//   build-bench/bench/bench_netconf_reply --benchmark_min_time=0.5s
#include "collector/sources/poller.hpp"
#include "netconf/framing.hpp"
#include "netconf/message.hpp"
#include "netconf/protocol.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

using namespace bgpwatch;
using namespace bgpwatch::netconf;

namespace {

constexpr std::size_t k_peers = 2000;
constexpr std::size_t k_read_size = 16384; // one SSH channel read
constexpr std::string_view k_release = "23.4R1";

void element(std::string& out, std::string_view name, std::string_view value)
{
  out.append("<").append(name).append(">").append(value).append("</").append(name).append(">\n");
}

// The <bgp-information> the simulator renders for the scale scenario: every
// peer Established for a day, one inet.0 table (netconf/sim/junos_reply.cpp).
std::string bgp_information()
{
  std::string out;
  out.append("<bgp-information xmlns=\"http://xml.juniper.net/junos/").append(k_release).append("/junos-routing\">\n");
  element(out, "group-count", "1");
  element(out, "peer-count", std::to_string(k_peers));
  element(out, "down-peer-count", "0");
  out.append("<bgp-rib junos:style=\"brief\">\n");
  element(out, "name", "inet.0");
  for (const char* n : {"total-prefix-count", "received-prefix-count", "accepted-prefix-count"}) {
    element(out, n, std::to_string(3 * k_peers));
  }
  element(out, "active-prefix-count", std::to_string(2 * k_peers));
  for (const char* n : {"suppressed-prefix-count", "history-prefix-count", "damped-prefix-count"}) {
    element(out, n, "0");
  }
  element(out, "bgp-rib-state", "BGP restart is complete");
  out.append("</bgp-rib>\n");
  for (std::size_t i = 0; i < k_peers; ++i) {
    const std::size_t host = i + 1;
    out.append("<bgp-peer junos:style=\"terse\"");
    if (i == 0) {
      out.append(" heading=\"Peer                     AS      InPkt     OutPkt    OutQ   Flaps Last Up/Dwn "
                 "State|#Active/Received/Accepted/Damped...\"");
    }
    out.append(">\n");
    element(out, "peer-address",
            "10.128." + std::to_string(host / 256) + "." + std::to_string(host % 256));
    element(out, "peer-as", "64601");
    element(out, "input-messages", std::to_string(2880 + i % 97));
    element(out, "output-messages", std::to_string(2881 + i % 89));
    element(out, "route-queue-count", "0");
    element(out, "flap-count", "0");
    out.append("<elapsed-time junos:seconds=\"").append(std::to_string(86400 + i % 60)).append("\">1d 0:00:")
      .append(i % 60 < 10 ? "0" : "").append(std::to_string(i % 60)).append("</elapsed-time>\n");
    out.append("<peer-state junos:format=\"Establ\">Established</peer-state>\n");
    out.append("<bgp-rib junos:style=\"terse\">\n");
    element(out, "name", "inet.0");
    element(out, "active-prefix-count", "2");
    element(out, "received-prefix-count", "3");
    element(out, "accepted-prefix-count", "3");
    element(out, "suppressed-prefix-count", "0");
    out.append("</bgp-rib>\n</bgp-peer>\n");
  }
  out.append("</bgp-information>\n");
  return out;
}

const std::string& body()
{
  static const std::string b = bgp_information();
  return b;
}

// The envelope start carries the message-id; the rest is the same bytes
// every time, so it is framed once.
std::string reply_head(std::uint64_t id)
{
  return "<rpc-reply xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\" xmlns:junos=\"http://xml.juniper.net/junos/"
         + std::string(k_release) + "/junos\" message-id=\"" + std::to_string(id) + "\">\n";
}

std::string reply_text(std::uint64_t id)
{
  return reply_head(id) + body() + "</rpc-reply>\n";
}

// chunk == 0: one chunk for the rest of the message, as the simulator sends;
// otherwise chunks of that size.
std::string framed_tail(Framing framing, std::size_t chunk)
{
  const std::string tail = body() + "</rpc-reply>\n";
  if (framing == Framing::eom) {
    return tail + std::string(k_eom_marker) + "\n"; // Junos ends the marker with a newline
  }
  std::string out;
  const std::size_t step = chunk == 0 ? tail.size() : chunk;
  for (std::size_t at = 0; at < tail.size(); at += step) {
    const std::size_t n = std::min(step, tail.size() - at);
    out.append("\n#").append(std::to_string(n)).append("\n").append(tail, at, n);
  }
  return out + "\n##\n";
}

std::string framed_head(Framing framing, std::uint64_t id)
{
  const std::string head = reply_head(id);
  if (framing == Framing::eom) {
    return head;
  }
  return "\n#" + std::to_string(head.size()) + "\n" + head;
}

// A server that answers every <rpc> with the big reply, handed out in
// k_read_size pieces; each read builds its result the way
// SshChannel::read_some does (a reused buffer, then a string of what came).
class ReplayTransport final : public Transport
{
public:
  ReplayTransport(Framing framing, std::size_t chunk) : m_framing(framing), m_tail(framed_tail(framing, chunk))
  {
    const std::string caps = framing == Framing::chunked
                               ? "<capability>urn:ietf:params:netconf:base:1.1</capability>"
                               : "";
    m_head = "<hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><capabilities>"
             "<capability>urn:ietf:params:netconf:base:1.0</capability>"
             + caps + "</capabilities><session-id>9</session-id></hello>]]>]]>\n";
    m_tail_pos = m_tail.size(); // nothing but the hello is due before the first rpc
  }

  Expected<void, NetconfError> write_all(std::string_view bytes, SteadyClock::time_point) override
  {
    const auto at = bytes.find("message-id=\"");
    if (at != std::string_view::npos && bytes.find("<hello") == std::string_view::npos) {
      const std::uint64_t id = std::stoull(std::string(bytes.substr(at + 12, 20)));
      m_head = framed_head(m_framing, id);
      m_head_pos = 0;
      m_tail_pos = 0;
    }
    return {};
  }

  Expected<std::string, NetconfError> read_some(SteadyClock::time_point) override
  {
    char* buf = m_read_buffer.get();
    std::size_t n = copy(m_head, m_head_pos, buf, k_read_size);
    n += copy(m_tail, m_tail_pos, buf + n, k_read_size - n);
    if (n == 0) {
      return Unexpected(NetconfError{NetconfErrc::timeout, "read timed out"});
    }
    return std::string(buf, n);
  }

private:
  static std::size_t copy(const std::string& from, std::size_t& pos, char* out, std::size_t room)
  {
    const std::size_t take = std::min(room, from.size() - pos);
    std::memcpy(out, from.data() + pos, take);
    pos += take;
    return take;
  }

  Framing m_framing;
  std::string m_tail;
  std::string m_head;
  std::size_t m_head_pos = 0;
  std::size_t m_tail_pos = 0;
  std::unique_ptr<char[]> m_read_buffer = std::make_unique_for_overwrite<char[]>(65536);
};

Framing framing_arg(const benchmark::State& state)
{
  return state.range(0) == 0 ? Framing::eom : Framing::chunked;
}

void set_label(benchmark::State& state, std::size_t bytes)
{
  const Framing framing = framing_arg(state);
  std::string label(to_string(framing));
  if (framing == Framing::chunked) {
    label += state.range(1) == 0 ? " one chunk" : " " + std::to_string(state.range(1)) + "-byte chunks";
  }
  state.SetLabel(label);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}

// Stage 1: the Deframer alone, fed 16 KiB at a time.
void bm_deframe(benchmark::State& state)
{
  const Framing framing = framing_arg(state);
  const std::string framed = framed_head(framing, 7) + framed_tail(framing, static_cast<std::size_t>(state.range(1)));
  Deframer deframer(framing, 64u << 20);
  for (auto _ : state) {
    std::size_t got = 0;
    for (std::size_t at = 0; at < framed.size(); at += k_read_size) {
      deframer.feed(std::string_view(framed).substr(at, k_read_size));
      auto m = deframer.next();
      if (!m) {
        state.SkipWithError(m.error().message.c_str());
        return;
      }
      if (*m) {
        got = (*m)->size();
        benchmark::DoNotOptimize((*m)->data());
      }
    }
    if (got == 0) {
      state.SkipWithError("no message");
      return;
    }
  }
  set_label(state, framed.size());
}
BENCHMARK(bm_deframe)->Args({0, 0})->Args({1, 0})->Args({1, 4096})->Unit(benchmark::kMillisecond);

// Stage 2: inspect_reply alone.
void bm_inspect(benchmark::State& state)
{
  const std::string reply = reply_text(7);
  for (auto _ : state) {
    auto info = inspect_reply(reply, 7);
    if (!info) {
      state.SkipWithError(info.error().message.c_str());
      return;
    }
    benchmark::DoNotOptimize(info);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * reply.size()));
}
BENCHMARK(bm_inspect)->Unit(benchmark::kMillisecond);

// Stage 2b: a reply the fast check leaves to expat: the same data with a
// warning <rpc-error> before it (Junos sends those next to valid data).
void bm_inspect_with_warning(benchmark::State& state)
{
  std::string reply = reply_text(7);
  reply.insert(reply.find("<bgp-information"),
               "<rpc-error>\n<error-type>protocol</error-type>\n<error-tag>operation-failed</error-tag>\n"
               "<error-severity>warning</error-severity>\n<error-message>\nstatement not supported\n"
               "</error-message>\n</rpc-error>\n");
  for (auto _ : state) {
    auto info = inspect_reply(reply, 7);
    if (!info || info->warnings.size() != 1) {
      state.SkipWithError(info ? "warning not seen" : info.error().message.c_str());
      return;
    }
    benchmark::DoNotOptimize(info);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * reply.size()));
}
BENCHMARK(bm_inspect_with_warning)->Unit(benchmark::kMillisecond);

// Stage 3: the Junos parse alone (the poller's entry point).
void bm_parse(benchmark::State& state)
{
  const std::string reply = reply_text(7);
  for (auto _ : state) {
    auto summary = collector::parse_router_reply(reply, "r01");
    if (!summary || summary->sessions.size() != k_peers) {
      state.SkipWithError(summary ? "wrong session count" : summary.error().c_str());
      return;
    }
    benchmark::DoNotOptimize(summary);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * reply.size()));
  state.counters["reply_bytes"] = static_cast<double>(reply.size());
}
BENCHMARK(bm_parse)->Unit(benchmark::kMillisecond);

// All of it, as a poller worker does it: rpc() (write, read_message,
// inspect_reply) on a persistent session, then the Junos parse.
void bm_poll_reply(benchmark::State& state)
{
  const Framing framing = framing_arg(state);
  ReplayTransport transport(framing, static_cast<std::size_t>(state.range(1)));
  ProtocolSession session(transport, 64u << 20);
  if (auto h = session.hello(SteadyClock::time_point::max()); !h || session.framing() != framing) {
    state.SkipWithError("hello failed");
    return;
  }
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto reply = session.rpc("<get-bgp-summary-information/>", SteadyClock::time_point::max());
    if (!reply) {
      state.SkipWithError(reply.error().message.c_str());
      return;
    }
    auto summary = collector::parse_router_reply(*reply, "r01");
    if (!summary || summary->sessions.size() != k_peers) {
      state.SkipWithError(summary ? "wrong session count" : summary.error().c_str());
      return;
    }
    bytes = reply->size();
    benchmark::DoNotOptimize(summary);
  }
  set_label(state, bytes);
}
BENCHMARK(bm_poll_reply)->Args({0, 0})->Args({1, 0})->Args({1, 4096})->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
