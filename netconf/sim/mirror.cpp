// netconf/sim/mirror.cpp: mirror mode (see mirror.hpp).
#include "netconf/sim/mirror.hpp"

#include "netconf/sim/junos_reply.hpp"

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

} // namespace bgpwatch::netconf::sim
