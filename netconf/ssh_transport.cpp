// netconf/ssh_transport.cpp: TCP connect with a deadline, then libssh for
// the SSH transport (RFC 4253), host key policy, public-key auth (RFC 4252)
// and the "netconf" subsystem (RFC 6242 3).
#include "netconf/ssh_transport.hpp"

#include "netconf/resolve.hpp"

#include <libssh/libssh.h>

#include <arpa/inet.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace bgpwatch::netconf {

namespace {

Unexpected<NetconfError> err(NetconfErrc code, std::string message)
{
  return Unexpected(NetconfError{code, std::move(message)});
}

long remaining_ms(SteadyClock::time_point deadline)
{
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
  return left < 0 ? 0 : static_cast<long>(left);
}

std::string address_text(const sockaddr* sa)
{
  char buf[INET6_ADDRSTRLEN] = "?";
  if (sa->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf);
    return std::string(buf) + ":" + std::to_string(ntohs(in->sin_port));
  }
  if (sa->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof buf);
    return "[" + std::string(buf) + "]:" + std::to_string(ntohs(in6->sin6_port));
  }
  return buf;
}

// libssh timeouts are "seconds + microseconds"; both zero means "forever",
// so never hand it less than 1 ms.
void set_ssh_timeout(ssh_session s, SteadyClock::time_point deadline)
{
  const long ms = std::max(1L, remaining_ms(deadline));
  long sec = ms / 1000;
  long usec = (ms % 1000) * 1000;
  ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &sec);
  ssh_options_set(s, SSH_OPTIONS_TIMEOUT_USEC, &usec);
}

std::string server_fingerprint(ssh_session s, std::string* key_type)
{
  ssh_key key = nullptr;
  if (ssh_get_server_publickey(s, &key) != SSH_OK) {
    return "(no server key)";
  }
  unsigned char* hash = nullptr;
  std::size_t len = 0;
  std::string out = "(unknown)";
  if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &len) == SSH_OK) {
    if (char* fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, len)) {
      out = fp;
      ssh_string_free_char(fp);
    }
    ssh_clean_pubkey_hash(&hash);
  }
  if (key_type) {
    *key_type = ssh_key_type_to_char(ssh_key_type(key));
  }
  ssh_key_free(key);
  return out;
}

// known_hosts spells a non-22 port as "[host]:port".
std::string known_hosts_name(const std::string& host, std::uint16_t port)
{
  return port == 22 ? host : "[" + host + "]:" + std::to_string(port);
}

// Passed to every private-key import: never prompt. Without a callback,
// libssh hands OpenSSL a NULL one for legacy PEM keys and OpenSSL asks for
// the passphrase on the terminal, hanging a worker with no deadline.
int refuse_passphrase(const char*, char* buf, std::size_t len, int, int, void* userdata)
{
  if (len > 0) {
    buf[0] = '\0';
  }
  if (userdata != nullptr) {
    *static_cast<bool*>(userdata) = true; // asked: the key is encrypted
  }
  return -1;
}

void libssh_init_once()
{
  static std::once_flag once;
  std::call_once(once, [] { ssh_init(); });
}

} // namespace

Expected<int, NetconfError> tcp_connect(const std::string& host, std::uint16_t port,
                                        SteadyClock::time_point deadline)
{
  // Resolution shares the connect deadline: a slow DNS server cannot
  // stretch a poll (getaddrinfo itself cannot be cancelled).
  auto resolved = resolve_with_deadline(host, std::to_string(port), deadline);
  if (!resolved) {
    return err(resolved.error().ends_with("(timed out)") ? NetconfErrc::connect_timeout : NetconfErrc::resolve,
               resolved.error());
  }
  std::string tried;
  bool timed_out = false;
  bool refused = false;
  int connected = -1;
  for (const ResolvedAddress& ra : *resolved) {
    if (connected >= 0) {
      break;
    }
    const ResolvedAddress* ai = &ra;
    const auto* addr = reinterpret_cast<const sockaddr*>(&ai->address);
    const std::string where = address_text(addr);
    const int fd = ::socket(ai->family, ai->socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->protocol);
    if (fd < 0) {
      tried += (tried.empty() ? "" : "; ") + where + ": " + std::strerror(errno);
      continue;
    }
    int rc = ::connect(fd, addr, ai->length);
    int so_error = rc == 0 ? 0 : errno;
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      int prc = 0;
      do {
        prc = ::poll(&p, 1, static_cast<int>(remaining_ms(deadline)));
      } while (prc < 0 && errno == EINTR);
      if (prc == 0) {
        so_error = ETIMEDOUT;
        timed_out = true;
      } else if (prc < 0) {
        so_error = errno;
      } else {
        socklen_t len = sizeof so_error;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
      }
    }
    if (so_error == 0) {
      connected = fd;
      break;
    }
    if (so_error == ECONNREFUSED) {
      refused = true;
    }
    tried += (tried.empty() ? "" : "; ") + where + ": "
             + (so_error == ETIMEDOUT && timed_out ? std::string("no answer (timed out)") : std::strerror(so_error));
    ::close(fd);
    if (remaining_ms(deadline) == 0) {
      timed_out = true;
      break;
    }
  }
  if (connected >= 0) {
    return connected;
  }
  if (refused && !timed_out) {
    return err(NetconfErrc::connect_refused, "TCP connection refused (" + tried + ")");
  }
  if (timed_out) {
    return err(NetconfErrc::connect_timeout, "TCP connect timed out (" + tried + ")");
  }
  return err(NetconfErrc::io, "TCP connect failed (" + tried + ")");
}

struct SshChannel::Impl
{
  ssh_session session = nullptr;
  ssh_channel channel = nullptr;
  int fd = -1;            // ours until ssh_connect took it
  bool fd_owned_by_ssh = false;
  // Reused by every read: a fresh zero-filled 64 KiB string per read cost
  // four times the reply's size in memset (reads return ~16 KiB).
  std::unique_ptr<char[]> read_buffer = std::make_unique_for_overwrite<char[]>(k_read_buffer_size);
  static constexpr std::size_t k_read_buffer_size = 65536;

  ~Impl()
  {
    if (channel) {
      ssh_channel_free(channel);
    }
    if (session) {
      if (fd_owned_by_ssh) {
        ssh_disconnect(session);
      }
      ssh_free(session);
    }
    if (fd >= 0 && !fd_owned_by_ssh) {
      ::close(fd);
    }
  }
};

SshChannel::SshChannel(std::unique_ptr<Impl> impl) : m_impl(std::move(impl))
{
}

SshChannel::~SshChannel()
{
  shutdown();
}

void SshChannel::shutdown() noexcept
{
  if (!m_impl) {
    return;
  }
  if (m_impl->session) {
    // Closing sends small packets; never let that block for long.
    set_ssh_timeout(m_impl->session, SteadyClock::now() + std::chrono::seconds(2));
  }
  if (m_impl->channel) {
    if (ssh_channel_is_open(m_impl->channel)) {
      ssh_channel_send_eof(m_impl->channel);
      ssh_channel_close(m_impl->channel);
    }
    ssh_channel_free(m_impl->channel);
    m_impl->channel = nullptr;
  }
  m_impl.reset();
}

Expected<std::unique_ptr<SshChannel>, NetconfError> SshChannel::open(const Endpoint& endpoint,
                                                                    const ClientOptions& options,
                                                                    SteadyClock::time_point connect_deadline,
                                                                    SteadyClock::time_point setup_deadline)
{
  libssh_init_once();
  auto impl = std::make_unique<Impl>();
  auto fd = tcp_connect(endpoint.host, endpoint.port, connect_deadline);
  if (!fd) {
    return Unexpected(std::move(fd).error());
  }
  impl->fd = *fd;

  impl->session = ssh_new();
  if (!impl->session) {
    return err(NetconfErrc::io, "out of memory creating an SSH session");
  }
  ssh_session s = impl->session;
  // Only what we configure counts: no ~/.ssh/config, no system-wide
  // known_hosts, no default identities.
  bool no = false;
  ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no);
  ssh_options_set(s, SSH_OPTIONS_HOST, endpoint.host.c_str());
  unsigned int port = endpoint.port;
  ssh_options_set(s, SSH_OPTIONS_PORT, &port);
  ssh_options_set(s, SSH_OPTIONS_USER, options.username.c_str());
  ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, options.known_hosts.c_str());
  ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
  socket_t sock = impl->fd;
  ssh_options_set(s, SSH_OPTIONS_FD, &sock);
  set_ssh_timeout(s, setup_deadline);

  impl->fd_owned_by_ssh = true;
  if (ssh_connect(s) != SSH_OK) {
    const bool late = remaining_ms(setup_deadline) == 0;
    return err(late ? NetconfErrc::timeout : NetconfErrc::ssh_handshake,
               std::string("SSH handshake failed: ") + ssh_get_error(s));
  }

  // Host key: only our known_hosts file decides. Unknown or changed keys
  // are refused, never added (no trust on first use).
  std::string key_type;
  const std::string fingerprint = server_fingerprint(s, &key_type);
  const std::string kh_name = known_hosts_name(endpoint.host, endpoint.port);
  switch (ssh_session_is_known_server(s)) {
  case SSH_KNOWN_HOSTS_OK:
    break;
  case SSH_KNOWN_HOSTS_CHANGED:
    return err(NetconfErrc::hostkey_changed, "host key for " + kh_name + " CHANGED: the router presented "
                                                 + key_type + " " + fingerprint + ", which differs from "
                                                 + options.known_hosts);
  case SSH_KNOWN_HOSTS_OTHER:
    return err(NetconfErrc::hostkey_changed, "host key for " + kh_name + " CHANGED: the router presented "
                                                 + key_type + " " + fingerprint + " but " + options.known_hosts
                                                 + " has a key of another type for it");
  case SSH_KNOWN_HOSTS_NOT_FOUND:
    return err(NetconfErrc::hostkey_unknown, "host key for " + kh_name + " (" + key_type + " " + fingerprint
                                                 + ") cannot be verified: known_hosts file "
                                                 + options.known_hosts + " does not exist");
  case SSH_KNOWN_HOSTS_UNKNOWN:
    return err(NetconfErrc::hostkey_unknown, "host key for " + kh_name + " (" + key_type + " " + fingerprint
                                                 + ") is not in " + options.known_hosts);
  case SSH_KNOWN_HOSTS_ERROR:
  default:
    return err(NetconfErrc::hostkey_unknown, "cannot check the host key of " + kh_name + " against "
                                                 + options.known_hosts + ": " + ssh_get_error(s));
  }

  // Public-key authentication: the configured key, else the agent.
  set_ssh_timeout(s, setup_deadline);
  int rc = SSH_AUTH_ERROR;
  std::string credential;
  if (options.private_key) {
    credential = "key " + *options.private_key;
    ssh_key key = nullptr;
    bool encrypted = false;
    const char* agent = std::getenv("SSH_AUTH_SOCK");
    if (ssh_pki_import_privkey_file(options.private_key->c_str(), nullptr, refuse_passphrase, &encrypted, &key)
        == SSH_OK) {
      rc = ssh_userauth_publickey(s, nullptr, key);
      ssh_key_free(key);
    } else if (encrypted && agent != nullptr && *agent != '\0') {
      // Passphrase-protected: its decrypted copy lives in ssh-agent.
      credential = "the keys of ssh-agent (" + *options.private_key + " is passphrase-protected)";
      rc = ssh_userauth_agent(s, nullptr);
    } else {
      return err(NetconfErrc::auth_refused,
                 "cannot load private key " + *options.private_key
                   + (encrypted ? " (passphrase-protected and no ssh-agent: load it with ssh-add)"
                                : " (missing, unreadable or not a private key)"));
    }
  } else if (const char* agent = std::getenv("SSH_AUTH_SOCK"); agent && *agent) {
    credential = "the keys of ssh-agent";
    rc = ssh_userauth_agent(s, nullptr);
  } else {
    return err(NetconfErrc::auth_refused,
               "no credential: netconf.private_key is not set and no ssh-agent is reachable (SSH_AUTH_SOCK unset)");
  }
  if (rc == SSH_AUTH_DENIED || rc == SSH_AUTH_PARTIAL) {
    return err(NetconfErrc::auth_refused, "authentication refused for user '" + options.username + "' with "
                                              + credential);
  }
  if (rc != SSH_AUTH_SUCCESS) {
    const bool late = remaining_ms(setup_deadline) == 0;
    return err(late ? NetconfErrc::timeout : NetconfErrc::io,
               std::string("SSH authentication failed: ") + ssh_get_error(s));
  }

  set_ssh_timeout(s, setup_deadline);
  impl->channel = ssh_channel_new(s);
  if (!impl->channel || ssh_channel_open_session(impl->channel) != SSH_OK) {
    return err(NetconfErrc::io, std::string("cannot open an SSH channel: ") + ssh_get_error(s));
  }
  // RFC 6242 3.1: the "netconf" subsystem.
  if (ssh_channel_request_subsystem(impl->channel, "netconf") != SSH_OK) {
    if (ssh_is_connected(s) && remaining_ms(setup_deadline) > 0) {
      return err(NetconfErrc::subsystem_refused, "the SSH server refused the 'netconf' subsystem");
    }
    return err(NetconfErrc::io, std::string("requesting the 'netconf' subsystem failed: ") + ssh_get_error(s));
  }
  return std::unique_ptr<SshChannel>(new SshChannel(std::move(impl)));
}

Expected<void, NetconfError> SshChannel::write_all(std::string_view bytes, SteadyClock::time_point deadline)
{
  if (!m_impl || !m_impl->channel) {
    return err(NetconfErrc::closed, "the channel is closed");
  }
  while (!bytes.empty()) {
    if (remaining_ms(deadline) == 0) {
      return err(NetconfErrc::timeout, "write timed out");
    }
    set_ssh_timeout(m_impl->session, deadline);
    const auto n = std::min<std::size_t>(bytes.size(), 32768);
    const int rc = ssh_channel_write(m_impl->channel, bytes.data(), static_cast<std::uint32_t>(n));
    if (rc == SSH_ERROR) {
      if (ssh_channel_is_eof(m_impl->channel) || !ssh_channel_is_open(m_impl->channel)) {
        return err(NetconfErrc::closed, "the server closed the channel");
      }
      return err(NetconfErrc::io, std::string("SSH write failed: ") + ssh_get_error(m_impl->session));
    }
    if (rc == 0) {
      return err(NetconfErrc::timeout, "write timed out (the server does not read)");
    }
    bytes.remove_prefix(static_cast<std::size_t>(rc));
  }
  return {};
}

Expected<std::string, NetconfError> SshChannel::read_some(SteadyClock::time_point deadline)
{
  if (!m_impl || !m_impl->channel) {
    return err(NetconfErrc::closed, "the channel is closed");
  }
  char* buf = m_impl->read_buffer.get();
  for (;;) {
    const long ms = remaining_ms(deadline);
    if (ms == 0) {
      return err(NetconfErrc::timeout, "read timed out");
    }
    // Wake up at least every second so a deadline is never overshot by
    // much even if libssh rounds its poll timeout.
    const int slice = static_cast<int>(std::min(ms, 1000L));
    const int rc = ssh_channel_read_timeout(m_impl->channel, buf, static_cast<std::uint32_t>(Impl::k_read_buffer_size),
                                            0, slice);
    if (rc > 0) {
      return std::string(buf, static_cast<std::size_t>(rc));
    }
    if (rc == SSH_ERROR) {
      if (!ssh_is_connected(m_impl->session)) {
        return err(NetconfErrc::closed, "the SSH connection was closed");
      }
      return err(NetconfErrc::io, std::string("SSH read failed: ") + ssh_get_error(m_impl->session));
    }
    if (ssh_channel_is_eof(m_impl->channel) || ssh_channel_is_closed(m_impl->channel)) {
      return err(NetconfErrc::closed, "the server closed the channel");
    }
  }
}

} // namespace bgpwatch::netconf

namespace bgpwatch::netconf {

PrivateKeyProbe probe_private_key(const std::string& path)
{
  libssh_init_once();
  ssh_key key = nullptr;
  bool encrypted = false;
  if (ssh_pki_import_privkey_file(path.c_str(), nullptr, refuse_passphrase, &encrypted, &key) == SSH_OK) {
    ssh_key_free(key);
    return PrivateKeyProbe::usable;
  }
  return encrypted ? PrivateKeyProbe::encrypted : PrivateKeyProbe::unusable;
}

} // namespace bgpwatch::netconf
