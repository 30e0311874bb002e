// netconf/sim/mirror.cpp: mirror mode (see mirror.hpp).
#include "netconf/sim/mirror.hpp"

#include "netconf/sim/junos_reply.hpp"
#include "netconf/sim/neighbor.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <map>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace bgpwatch::netconf::sim {

namespace {

struct Family
{
  std::string_view frr_key;
  std::string_view junos_rib;
};
// FRR's address-family keys and the Junos tables they correspond to.
constexpr Family k_families[] = {
  {"ipv4Unicast", "inet.0"},
  {"ipv6Unicast", "inet6.0"},
};

Expected<bgp::SessionState, std::string> frr_state(std::string text)
{
  // Be lenient about a " (Admin)"-style annotation FRR's CLI adds.
  if (const auto paren = text.find(" ("); paren != std::string::npos) {
    text.resize(paren);
  }
  if (text == "Clearing" || text == "Deleted") {
    return bgp::SessionState::idle; // bgpd tearing the peer down
  }
  auto s = bgp::parse_state_name(text);
  if (!s) {
    return Unexpected(s.error());
  }
  return *s;
}

template <class T>
T number_or(const nlohmann::json& j, const char* key, T fallback)
{
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number_unsigned()) {
    return fallback;
  }
  return it->get<T>();
}

} // namespace

Expected<std::vector<PeerView>, std::string> frr_summary_to_peers(std::string_view json_text)
{
  const nlohmann::json doc = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Unexpected(std::string("FRR output is not a JSON object (expected 'show bgp summary json')"));
  }
  // Keyed by binary address, so output is in address order and a peer seen
  // in two families is merged.
  std::map<bgp::Address, PeerView> peers;
  for (const auto& family : k_families) {
    const auto af = doc.find(std::string(family.frr_key));
    if (af == doc.end()) {
      continue;
    }
    const auto list = af->find("peers");
    if (list == af->end() || !list->is_object()) {
      continue; // FRR prints {} for a family without neighbors
    }
    for (const auto& [key, p] : list->items()) {
      const auto address = bgp::Address::parse(key);
      if (!address) {
        return Unexpected("FRR peer '" + key + "' is not an address (unnumbered peers are not mirrored)");
      }
      const auto state_it = p.find("state");
      if (state_it == p.end() || !state_it->is_string()) {
        return Unexpected("FRR peer '" + key + "' has no state");
      }
      auto state = frr_state(state_it->get<std::string>());
      if (!state) {
        return Unexpected("FRR peer '" + key + "': " + state.error());
      }
      PeerView& v = peers[*address];
      v.address = address->to_string();
      v.peer_as = number_or<std::uint32_t>(p, "remoteAs", 0);
      v.state = *state;
      v.elapsed_seconds = static_cast<std::int64_t>(number_or<std::uint64_t>(p, "peerUptimeMsec", 0) / 1000);
      v.flaps = number_or<std::uint64_t>(p, "connectionsDropped", 0);
      v.input_messages = number_or<std::uint64_t>(p, "msgRcvd", 0);
      v.output_messages = number_or<std::uint64_t>(p, "msgSent", 0);
      v.output_queue = number_or<std::uint64_t>(p, "outq", 0);
      if (const auto d = p.find("desc"); d != p.end() && d->is_string()) {
        v.description = d->get<std::string>();
      }
      if (*state == bgp::SessionState::established) {
        const auto count = number_or<std::uint64_t>(p, "pfxRcd", 0);
        RibView rib;
        rib.name = std::string(family.junos_rib);
        rib.received = count;
        rib.accepted = count;
        rib.active = count;
        v.ribs.push_back(rib);
      }
    }
  }
  std::vector<PeerView> out;
  out.reserve(peers.size());
  for (auto& [address, v] : peers) {
    out.push_back(std::move(v));
  }
  return out;
}

namespace {

// "ipv4Unicast" -> "inet-unicast", "ipv6Unicast" -> "inet6-unicast".
std::string junos_nlri(const Family& f)
{
  return f.junos_rib == "inet6.0" ? "inet6-unicast" : "inet-unicast";
}

void add_word(std::string& words, std::string_view w)
{
  words.append(words.empty() ? "" : " ").append(w);
}

const nlohmann::json* object_at(const nlohmann::json& j, const char* key)
{
  const auto it = j.find(key);
  return it != j.end() && it->is_object() ? &*it : nullptr;
}

bool flag(const nlohmann::json& j, const char* key)
{
  const auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

// The families (in k_families order) whose key in `obj` maps to true.
std::string true_families(const nlohmann::json* obj)
{
  std::string out;
  if (obj == nullptr) {
    return out;
  }
  for (const auto& f : k_families) {
    if (flag(*obj, std::string(f.frr_key).c_str())) {
      add_word(out, junos_nlri(f));
    }
  }
  return out;
}

Expected<NeighborView, std::string> frr_neighbor_view(const std::string& key, const nlohmann::json& p)
{
  const auto address = bgp::Address::parse(key);
  if (!address) {
    return Unexpected("FRR neighbor '" + key + "' is not an address (unnumbered peers are not mirrored)");
  }
  if (!p.is_object()) {
    return Unexpected("FRR neighbor '" + key + "' is not an object");
  }
  const auto state_it = p.find("bgpState");
  if (state_it == p.end() || !state_it->is_string()) {
    return Unexpected("FRR neighbor '" + key + "' has no bgpState");
  }
  const std::string state_text = state_it->get<std::string>();
  auto state = frr_state(state_text);
  if (!state) {
    return Unexpected("FRR neighbor '" + key + "': " + state.error());
  }
  NeighborView v;
  v.peer.address = address->to_string();
  v.peer.peer_as = number_or<std::uint32_t>(p, "remoteAs", 0);
  v.peer.state = *state;
  v.peer.flaps = number_or<std::uint64_t>(p, "connectionsDropped", 0);
  if (const auto d = p.find("nbrDesc"); d != p.end() && d->is_string()) {
    v.peer.description = d->get<std::string>();
  }
  if (const auto* stats = object_at(p, "messageStats")) {
    v.peer.input_messages = number_or<std::uint64_t>(*stats, "totalRecv", 0);
    v.peer.output_messages = number_or<std::uint64_t>(*stats, "totalSent", 0);
  }
  v.local_as = number_or<std::uint32_t>(p, "localAs", 0);
  const auto hold_ms = number_or<std::uint64_t>(p, "bgpTimerConfiguredHoldTimeMsecs", 0);
  v.holdtime = hold_ms > 0 ? std::optional<std::uint64_t>(hold_ms / 1000) : std::nullopt;
  v.preference = std::nullopt; // FRR has no Junos route preference
  // FRR tells no previous FSM state; the last error is the NOTIFICATION's
  // code name, when one was sent or received ("Cease/Administrative Shutdown").
  v.last_state = std::nullopt;
  v.show_last_event = false;
  v.last_error = std::nullopt;
  if (const auto r = p.find("lastNotificationReason"); r != p.end() && r->is_string()) {
    std::string why = r->get<std::string>();
    if (const auto slash = why.find('/'); slash != std::string::npos) {
      why.resize(slash);
    }
    v.last_error = why;
  }
  // FRR's annotations of a down state: "(Admin)" shutdown, "(PfxCt)" the
  // maximum-prefix teardown.
  if (state_text.find("(Admin)") != std::string::npos) {
    v.options_extended.emplace_back("Shutdown");
  }
  if (state_text.find("(PfxCt)") != std::string::npos) {
    v.flags.emplace_back("Idled");
  }

  const bool up = *state == bgp::SessionState::established;
  const nlohmann::json* af_info = object_at(p, "addressFamilyInfo");
  const nlohmann::json* caps = object_at(p, "neighborCapabilities");
  const nlohmann::json* gr = object_at(p, "gracefulRestartInfo");
  const nlohmann::json* gr_timers = gr != nullptr ? object_at(*gr, "timers") : nullptr;
  std::vector<const Family*> active; // activated families, k_families order
  for (const auto& f : k_families) {
    if (af_info != nullptr && object_at(*af_info, std::string(f.frr_key).c_str()) != nullptr) {
      active.push_back(&f);
      add_word(v.nlri, junos_nlri(f));
    }
  }
  // Graceful restart. Established: what the OPENs negotiated. Down: FRR is
  // holding the peer's routes stale while its restart timer runs.
  const bool stale = !up && gr != nullptr && (gr->contains("gracefulRestartTimerMsecs")
                                              || (gr_timers != nullptr && gr_timers->contains("restartTimerRemaining")));
  std::string cap_gr;
  if (caps != nullptr) {
    if (const auto c = caps->find("gracefulRestart"); c != caps->end() && c->is_string()) {
      cap_gr = c->get<std::string>();
    }
  }
  const bool peer_announced_gr = cap_gr == "advertisedAndReceived" || cap_gr == "received";
  if (gr_timers != nullptr && (peer_announced_gr || stale)) {
    if (const auto t = gr_timers->find("receivedRestartTimer"); t != gr_timers->end() && t->is_number_unsigned()) {
      v.restart_time = t->get<std::uint32_t>();
    }
  }
  if (up && peer_announced_gr) {
    v.show_restart = true;
    const nlohmann::json* by_peer = object_at(*caps, "addressFamiliesByPeer");
    for (const Family* f : active) {
      if (by_peer != nullptr && by_peer->contains(std::string(f->frr_key))) {
        add_word(v.restart_nlri_received, junos_nlri(*f));
        add_word(v.restart_nlri_negotiated, junos_nlri(*f));
      }
      // The per-family stale path timer is the configured stale-route time.
      if (gr != nullptr) {
        if (const auto* fam = object_at(*gr, std::string(f->frr_key).c_str())) {
          if (const auto* ft = object_at(*fam, "timers")) {
            if (const auto s = ft->find("stalePathTimer"); s != ft->end() && s->is_number_unsigned()) {
              v.stale_route_time = s->get<std::uint32_t>();
            }
          }
        }
      }
    }
    if (gr != nullptr) {
      v.end_of_rib_received = true_families(object_at(*gr, "endOfRibRecv"));
      v.end_of_rib_sent = true_families(object_at(*gr, "endOfRibSend"));
      std::string flags;
      if (flag(*gr, "rBit")) {
        add_word(flags, "Restarting");
      }
      if (flag(*gr, "nBit")) {
        add_word(flags, "Notification");
      }
      if (!flags.empty()) {
        v.restart_flags = flags;
      }
    }
  } else if (stale) {
    v.show_restart = true;
  }
  // Tables: FRR counts only the prefixes accepted into the Adj-RIB-In.
  // Listed while Established, and while down with the routes kept stale.
  std::vector<NeighborRib> ribs;
  if (up || stale) {
    for (const Family* f : active) {
      const nlohmann::json& fam = (*af_info)[std::string(f->frr_key)];
      const auto count = fam.find("acceptedPrefixCounter");
      if (count == fam.end() || !count->is_number_unsigned()) {
        continue;
      }
      NeighborRib rib;
      rib.counts.name = std::string(f->junos_rib);
      rib.counts.accepted = count->get<std::uint64_t>();
      rib.only_accepted = true;
      if (stale) {
        rib.state = "BGP restart in progress";
      } else if (gr != nullptr) {
        // FRR's per-family End-of-RIB status: received -> complete; not yet,
        // with the stale path timer running -> the peer is restarting.
        if (const auto* gf = object_at(*gr, std::string(f->frr_key).c_str())) {
          const nlohmann::json* eor = object_at(*gf, "endOfRibStatus");
          const nlohmann::json* ft = object_at(*gf, "timers");
          if (eor != nullptr && flag(*eor, "endOfRibRecv")) {
            rib.state = "BGP restart is complete";
          } else if (ft != nullptr && ft->contains("stalePathTimerRemaining")) {
            rib.state = "BGP restart in progress";
          }
        }
      }
      ribs.push_back(std::move(rib));
    }
  }
  v.ribs = std::move(ribs);
  return v;
}

} // namespace

Expected<std::vector<NeighborView>, std::string> frr_neighbors_to_views(std::string_view json_text)
{
  const nlohmann::json doc = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Unexpected(std::string("FRR output is not a JSON object (expected 'show bgp neighbors json')"));
  }
  std::map<bgp::Address, NeighborView> views;
  for (const auto& [key, p] : doc.items()) {
    auto v = frr_neighbor_view(key, p);
    if (!v) {
      return Unexpected(v.error());
    }
    const auto address = *bgp::Address::parse(key);
    views[address] = std::move(*v);
  }
  std::vector<NeighborView> out;
  out.reserve(views.size());
  for (auto& [address, v] : views) {
    out.push_back(std::move(v));
  }
  return out;
}

Expected<std::string, std::string> run_mirror_command(const std::string& command, std::chrono::milliseconds timeout,
                                                      std::size_t max_output)
{
  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    return Unexpected("mirror: pipe: " + std::string(std::strerror(errno)));
  }
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return Unexpected("mirror: pipe: " + std::string(std::strerror(errno)));
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    return Unexpected("mirror: fork: " + std::string(std::strerror(errno)));
  }
  if (pid == 0) {
    // The child must not read the NETCONF session on our stdin.
    const int devnull = ::open("/dev/null", O_RDONLY);
    ::dup2(devnull, STDIN_FILENO);
    ::dup2(out_pipe[1], STDOUT_FILENO);
    ::dup2(err_pipe[1], STDERR_FILENO);
    ::setpgid(0, 0); // its own group: a timeout kills the whole pipeline
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::setpgid(pid, pid);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);

  std::string out;
  std::string err;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool out_open = true;
  bool err_open = true;
  std::string failure;
  while ((out_open || err_open) && failure.empty()) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      failure = "mirror command timed out after " + std::to_string(timeout.count()) + " ms: " + command;
      break;
    }
    pollfd fds[2] = {{out_open ? out_pipe[0] : -1, POLLIN, 0}, {err_open ? err_pipe[0] : -1, POLLIN, 0}};
    const int ready = ::poll(fds, 2, static_cast<int>(left.count()));
    if (ready < 0 && errno != EINTR) {
      failure = "mirror: poll: " + std::string(std::strerror(errno));
      break;
    }
    char buf[65536];
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
        continue;
      }
      const ssize_t n = ::read(fds[i].fd, buf, sizeof(buf));
      if (n <= 0) {
        (i == 0 ? out_open : err_open) = false;
        continue;
      }
      std::string& sink = i == 0 ? out : err;
      if (sink.size() + static_cast<std::size_t>(n) > max_output) {
        failure = "mirror command output exceeds " + std::to_string(max_output) + " bytes: " + command;
        break;
      }
      sink.append(buf, static_cast<std::size_t>(n));
    }
  }
  ::close(out_pipe[0]);
  ::close(err_pipe[0]);
  if (!failure.empty()) {
    ::kill(-pid, SIGKILL);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!failure.empty()) {
    return Unexpected(failure);
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string why = WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                        : "killed by signal " + std::to_string(WTERMSIG(status));
    if (err.size() > 200) {
      err.resize(200);
    }
    while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) {
      err.pop_back();
    }
    return Unexpected("mirror command failed (" + why + ")" + (err.empty() ? "" : ": " + err));
  }
  return out;
}

Expected<std::string, std::string> MirrorReplySource::bgp_summary(double)
{
  auto out = run_mirror_command(m_options.command, m_options.timeout, m_options.max_output);
  if (!out) {
    return Unexpected(out.error());
  }
  auto peers = frr_summary_to_peers(*out);
  if (!peers) {
    return Unexpected(peers.error());
  }
  return render_bgp_information(*peers, m_options.release, peers->empty() ? 0 : 1);
}

Expected<std::string, std::string> MirrorReplySource::bgp_neighbors(double, const std::optional<bgp::Address>& only)
{
  if (m_options.neighbor_command.empty()) {
    return Unexpected(std::string("get-bgp-neighbor-information: no --mirror-neighbor-command given"));
  }
  auto out = run_mirror_command(m_options.neighbor_command, m_options.timeout, m_options.max_output);
  if (!out) {
    return Unexpected(out.error());
  }
  auto views = frr_neighbors_to_views(*out);
  if (!views) {
    return Unexpected(views.error());
  }
  if (only) {
    std::erase_if(*views, [&](const NeighborView& v) { return *bgp::Address::parse(v.peer.address) != *only; });
  }
  return render_bgp_neighbor_information(*views, m_options.release);
}

} // namespace bgpwatch::netconf::sim
