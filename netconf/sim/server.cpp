// netconf/sim/server.cpp: the stdio NETCONF server with Junos behaviour.
#include "netconf/sim/server.hpp"

#include "netconf/message.hpp"
#include "netconf/sim/junos_reply.hpp"
#include "netconf/sim/neighbor.hpp"

#include <pugixml.hpp>

#include <cerrno>
#include <chrono>
#include <poll.h>
#include <thread>
#include <unistd.h>

namespace bgpwatch::netconf::sim {

namespace {

bool write_fd(int fd, std::string_view data)
{
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Waits until in_fd reaches EOF (the client went away): "never answer".
void wait_for_eof(int fd)
{
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0 || (n < 0 && errno != EINTR)) {
      return;
    }
  }
}

std::string_view local_name(const char* name)
{
  std::string_view n(name);
  const auto colon = n.find(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

std::string junos_hello(const ServerOptions& o)
{
  std::vector<std::string> caps{std::string(k_base_1_0)};
  if (o.framing == Framing::chunked) {
    caps.emplace_back(k_base_1_1);
  }
  for (const char* c : {"urn:ietf:params:netconf:capability:candidate:1.0",
                        "urn:ietf:params:netconf:capability:confirmed-commit:1.0",
                        "urn:ietf:params:netconf:capability:validate:1.0",
                        "urn:ietf:params:netconf:capability:url:1.0?scheme=http,ftp,file",
                        "urn:ietf:params:xml:ns:netconf:base:1.0",
                        "urn:ietf:params:xml:ns:netconf:capability:candidate:1.0",
                        "urn:ietf:params:xml:ns:netconf:capability:confirmed-commit:1.0",
                        "urn:ietf:params:xml:ns:netconf:capability:validate:1.0",
                        "urn:ietf:params:xml:ns:netconf:capability:url:1.0?protocol=http,ftp,file",
                        "http://xml.juniper.net/netconf/junos/1.0", "http://xml.juniper.net/dmi/system/1.0"}) {
    caps.emplace_back(c);
  }
  // Junos starts with comment lines before the hello.
  return "<!-- No zombies were killed during the creation of this user interface -->\n"
         "<!-- user bgpwatch, class j-read-only (bgpwatch-netconf-sim " + o.router_name + ") -->\n"
         + build_hello(caps, o.session_id);
}

class Server
{
public:
  Server(int in_fd, int out_fd, ReplySource& source, const ServerOptions& options)
    : m_in(in_fd), m_out(out_fd), m_source(source), m_options(options), m_deframer(Framing::eom, 64u << 20)
  {
  }

  int run()
  {
    // Junos ends its EOM messages with "]]>]]>\n" (netconf-notes Q4).
    if (!write_fd(m_out, frame_message(Framing::eom, junos_hello(m_options)) + "\n")) {
      return 1;
    }
    bool have_hello = false;
    char buf[65536];
    for (;;) {
      auto msg = m_deframer.next();
      if (!msg) {
        return 1; // the client broke framing: Junos drops the session
      }
      if (*msg) {
        if (!have_hello) {
          have_hello = true;
          on_client_hello(**msg);
          continue;
        }
        const int rc = on_rpc(**msg);
        if (rc >= 0) {
          return rc;
        }
        continue;
      }
      const ssize_t n = ::read(m_in, buf, sizeof buf);
      if (n == 0) {
        return 0;
      }
      if (n < 0) {
        if (errno == EINTR) {
          continue;
        }
        return 1;
      }
      m_deframer.feed(std::string_view(buf, static_cast<std::size_t>(n)));
    }
  }

private:
  void on_client_hello(const std::string& text)
  {
    auto hello = parse_hello(text);
    if (hello && m_options.framing == Framing::chunked) {
      for (const auto& c : hello->capabilities) {
        if (c == k_base_1_1) {
          m_framing = Framing::chunked;
        }
      }
    }
    m_deframer.set_framing(m_framing);
  }

  bool send(std::string_view message)
  {
    std::string framed = frame_message(m_framing, message);
    if (m_framing == Framing::eom) {
      framed += "\n";
    }
    return write_fd(m_out, framed);
  }

  // >= 0: exit with that status; -1: keep serving.
  int on_rpc(const std::string& text)
  {
    pugi::xml_document doc;
    if (!doc.load_buffer(text.data(), text.size())) {
      send(rpc_reply("", m_options.release,
                     rpc_error_xml("error", "malformed-message", "syntax error: request is not well-formed XML")));
      return -1;
    }
    const pugi::xml_node rpc = doc.document_element();
    const std::string id = rpc.attribute("message-id").value();
    pugi::xml_node op;
    for (pugi::xml_node c = rpc.first_child(); c; c = c.next_sibling()) {
      if (c.type() == pugi::node_element) {
        op = c;
        break;
      }
    }
    const std::string name = op ? std::string(local_name(op.name())) : "";
    if (local_name(rpc.name()) != "rpc" || name.empty()) {
      send(rpc_reply(id, m_options.release, rpc_error_xml("error", "operation-failed", "syntax error, expecting <rpc>")));
      return -1;
    }
    if (name == "close-session") {
      send(rpc_reply(id, m_options.release, "<ok/>\n"));
      return 0;
    }
    const double t = m_options.clock();
    const Fault* fault = nullptr;
    for (const auto& f : m_options.faults) {
      if ((f.rpc == "*" || f.rpc == name) && !(f.from && t < *f.from) && !(f.until && t >= *f.until)) {
        fault = &f;
        break;
      }
    }
    std::string body;
    if (name == "get-bgp-summary-information") {
      auto summary = m_source.bgp_summary(t);
      body = summary ? *summary : rpc_error_xml("error", "operation-failed", summary.error());
    } else if (name == "get-bgp-neighbor-information") {
      body = neighbor_body(op, t);
    } else if (name == "get") {
      body = "<data>\n<system-information>\n<host-name>" + xml_escape(m_options.router_name)
             + "</host-name>\n<os-name>junos</os-name>\n<os-version>" + xml_escape(m_options.release)
             + "</os-version>\n</system-information>\n</data>\n";
    } else {
      // What Junos says for an RPC it does not know.
      body = rpc_error_xml("error", "operation-failed", "syntax error, expecting <command>", name);
    }
    if (!fault) {
      send(rpc_reply(id, m_options.release, body));
      return -1;
    }
    return apply_fault(*fault, id, body);
  }

  // <get-bgp-neighbor-information>[<neighbor-address>A</neighbor-address>]:
  // an address that is not an IP address is refused like Junos refuses a
  // bad argument; an address the router has no peer for gets an empty
  // <bgp-information/>.
  std::string neighbor_body(const pugi::xml_node& op, double t)
  {
    std::optional<bgp::Address> only;
    for (pugi::xml_node c = op.first_child(); c; c = c.next_sibling()) {
      if (c.type() == pugi::node_element && local_name(c.name()) == "neighbor-address") {
        std::string text = c.text().get();
        text.erase(0, text.find_first_not_of(" \t\r\n"));
        text.erase(text.find_last_not_of(" \t\r\n") + 1);
        only = bgp::Address::parse(text);
        if (!only) {
          return rpc_error_xml("error", "invalid-value", "invalid neighbor address", text);
        }
      }
    }
    auto reply = m_source.bgp_neighbors(t, only);
    return reply ? *reply : rpc_error_xml("error", "operation-failed", reply.error());
  }

  int apply_fault(const Fault& f, const std::string& id, const std::string& body)
  {
    switch (f.kind) {
    case FaultKind::delay:
      std::this_thread::sleep_for(std::chrono::duration<double>(f.seconds));
      send(rpc_reply(id, m_options.release, body));
      return -1;
    case FaultKind::drop:
      return 0;
    case FaultKind::truncate: {
      const std::string framed = frame_message(m_framing, rpc_reply(id, m_options.release, body));
      write_fd(m_out, std::string_view(framed).substr(0, framed.size() / 2));
      return 0;
    }
    case FaultKind::bad_chunk_header:
      write_fd(m_out, "\n#12ab\n<rpc-reply/>\n##\n");
      wait_for_eof(m_in);
      return 0;
    case FaultKind::garbage:
      send("\x01\x02 garbage: this is not XML at all\n");
      wait_for_eof(m_in);
      return 0;
    case FaultKind::rpc_error:
      send(rpc_reply(id, m_options.release, rpc_error_xml("error", "operation-failed", f.message)));
      return -1;
    case FaultKind::warning:
      send(rpc_reply(id, m_options.release, rpc_error_xml("warning", "operation-failed", f.message) + body));
      return -1;
    case FaultKind::never_answer:
      wait_for_eof(m_in);
      return 0;
    case FaultKind::wrong_message_id:
      send(rpc_reply(id + "999", m_options.release, body));
      return -1;
    case FaultKind::oversize: {
      std::string padded = body;
      padded.append(f.bytes, ' ');
      send(rpc_reply(id, m_options.release, padded));
      return -1;
    }
    }
    return -1;
  }

  int m_in;
  int m_out;
  ReplySource& m_source;
  const ServerOptions& m_options;
  Deframer m_deframer;
  Framing m_framing = Framing::eom;
};

} // namespace

Expected<std::string, std::string> ScenarioReplySource::bgp_summary(double t)
{
  return render_bgp_information(peers_at(m_router, t), m_router.release, m_router.groups);
}

Expected<std::string, std::string> ScenarioReplySource::bgp_neighbors(double t, const std::optional<bgp::Address>& only)
{
  return render_bgp_neighbor_information(neighbors_at(m_router, t, only), m_router.release);
}

int serve(int in_fd, int out_fd, ReplySource& source, const ServerOptions& options)
{
  Server server(in_fd, out_fd, source, options);
  return server.run();
}

} // namespace bgpwatch::netconf::sim
