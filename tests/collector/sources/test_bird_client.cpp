// tests/collector/test_bird_client.cpp: the BIRD control-socket client and
// BirdSource against a real BIRD 1.6 this test starts (no fakes): a daemon in
// a temp dir with its own socket, a Calico-named BGP peer on 127.0.0.2 that
// refuses (BIRD sits in Active/Connect) and a passive peer. No namespaces,
// no kernel protocol: it touches nothing outside its temp dir but a loopback
// TCP port. Error cases use real sockets and files too.
//
// Permission denied: root bypasses file permissions, so that case connects
// from a forked child that dropped to uid/gid 65534 (nobody) against a
// socket of mode 0700.
#include "bgp/bird.hpp"
#include "collector/sources/bird_client.hpp"
#include "collector/sources/bird_source.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

using namespace bgpwatch;
using namespace bgpwatch::collector;
using namespace std::chrono_literals;

namespace {

const char* k_bird = "/usr/sbin/bird";

std::string make_temp_dir()
{
  char tmpl[] = "/tmp/bgpwatch-bird-test.XXXXXX";
  const char* d = ::mkdtemp(tmpl);
  REQUIRE(d != nullptr);
  return d;
}

// A BIRD 1.6 run in the foreground (-f) as our child: we own its pid.
class BirdDaemon
{
public:
  // recovering: `bird -R` (as calico-node starts it) with graceful restart on
  // the refused peer, so BIRD stays in graceful restart recovery.
  explicit BirdDaemon(bool recovering = false)
  {
    REQUIRE(::access(k_bird, X_OK) == 0); // Debian package `bird` (packaging/debian-packages.txt)
    m_dir = make_temp_dir();
    m_socket = m_dir + "/bird.ctl";
    const int port = 20000 + static_cast<int>(::getpid() % 20000) + (recovering ? 2 : 0);
    std::ofstream conf(m_dir + "/bird.conf");
    conf << "router id 192.0.2.10;\n"
            "listen bgp address 127.0.0.1 port "
         << port
         << ";\n"
            "protocol device { scan time 10; }\n"
            "protocol static static1 { route 10.64.64.0/26 blackhole; }\n"
            "protocol bgp Global_127_0_0_2 {\n"
            "  description \"Connection to BGP peer\";\n"
            "  local as 64601; multihop;\n"
            "  neighbor 127.0.0.2 port "
         << port + 1
         << " as 14907;\n"
            "  source address 127.0.0.1;\n"
            "  connect delay time 1; connect retry time 2;\n"
         << (recovering ? "  graceful restart;\n" : "")
         << 
            "  import all; export all;\n"
            "}\n"
            "protocol bgp bgp1 { local as 64601; multihop; neighbor 127.0.0.3 as 64512; passive; }\n";
    conf.close();
    const std::string conf_path = m_dir + "/bird.conf";
    std::array<const char*, 8> argv{k_bird, "-f", "-c", conf_path.c_str(), "-s", m_socket.c_str(), nullptr, nullptr};
    if (recovering) {
      argv[6] = "-R";
    }
    REQUIRE(::posix_spawn(&m_pid, k_bird, nullptr, nullptr, const_cast<char* const*>(argv.data()), environ) == 0);
    // Poll for the socket to answer (BIRD creates it before it accepts).
    const auto until = SteadyClock::now() + 10s;
    while (SteadyClock::now() < until) {
      if (BirdConnection::open(m_socket, SteadyClock::now() + 500ms)) {
        return;
      }
      std::this_thread::sleep_for(20ms);
    }
    FAIL("BIRD did not open " << m_socket);
  }
  ~BirdDaemon()
  {
    if (m_pid > 0) {
      ::kill(m_pid, SIGCONT);
      ::kill(m_pid, SIGTERM);
      int status = 0;
      ::waitpid(m_pid, &status, 0);
    }
    std::error_code ec;
    std::filesystem::remove_all(m_dir, ec);
  }
  const std::string& socket() const
  {
    return m_socket;
  }
  const std::string& dir() const
  {
    return m_dir;
  }
  pid_t pid() const
  {
    return m_pid;
  }

private:
  std::string m_dir;
  std::string m_socket;
  pid_t m_pid = -1;
};

BirdDaemon& daemon()
{
  static BirdDaemon d; // one daemon for the whole file: starting one takes ~0.1 s
  return d;
}

std::string run_birdc(const std::string& socket, const std::string& command)
{
  const std::string cmd = "birdc -s '" + socket + "' " + command;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string out;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) {
    out.append(buf.data(), n);
  }
  REQUIRE(::pclose(p) == 0);
  return out;
}

// A Unix socket file with nothing listening: bound, then closed.
std::string stale_socket(const std::string& dir)
{
  const std::string path = dir + "/stale.ctl";
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::snprintf(a.sun_path, sizeof(a.sun_path), "%s", path.c_str());
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0);
  ::close(fd);
  return path;
}

} // namespace

TEST_CASE("bird client: greeting, show status and show protocols all from a real BIRD 1.6")
{
  auto& d = daemon();
  auto conn = BirdConnection::open(d.socket(), SteadyClock::now() + 5s);
  REQUIRE(conn.has_value());
  CHECK(conn->version() == "1.6.8");
  CHECK(conn->socket_path() == d.socket());

  auto status_reply = conn->command("show status", SteadyClock::now() + 5s);
  REQUIRE(status_reply.has_value());
  CHECK(status_reply->starts_with("1000-BIRD 1.6.8\n1011-Router ID is 192.0.2.10\n"));
  CHECK(status_reply->ends_with("0013 Daemon is up and running\n"));
  auto status = bgp::parse_bird_status(*status_reply);
  REQUIRE(status.has_value());
  CHECK(status->router_id == "192.0.2.10");

  // Several commands on one connection.
  auto all = conn->command("show protocols all", SteadyClock::now() + 5s);
  REQUIRE(all.has_value());
  CHECK(all->starts_with("2002-name     proto    table    state  since       info\n"));
  CHECK(all->ends_with("0000 \n"));
  auto summary = bgp::parse_bird_protocols(*all, status->server_time);
  REQUIRE(summary.has_value());
  REQUIRE(summary->sessions.size() == 2);
  const auto& g = summary->sessions[0];
  CHECK(g.protocol == "Global_127_0_0_2");
  CHECK(g.address.to_string() == "127.0.0.2");
  CHECK(g.peer_as == 14907u);
  CHECK(g.description == "Connection to BGP peer");
  CHECK((g.state == bgp::SessionState::active || g.state == bgp::SessionState::connect));
  REQUIRE(g.uptime_seconds.has_value());
  CHECK(*g.uptime_seconds >= 0);
  CHECK(*g.uptime_seconds < 600);
  const auto& p = summary->sessions[1];
  CHECK(p.protocol == "bgp1");
  CHECK(p.address.to_string() == "127.0.0.3");
  CHECK(p.peer_as == 64512u);
  CHECK(p.state == bgp::SessionState::active); // BIRD "Passive"
}

TEST_CASE("bird client: birdc's human output of the same daemon parses the same")
{
  auto& d = daemon();
  auto raw = bird_command(d.socket(), "show protocols all", SteadyClock::now() + 5s);
  REQUIRE(raw.has_value());
  const std::string human = run_birdc(d.socket(), "show protocols all");
  CHECK(human.starts_with("BIRD 1.6.8 ready.\nname     proto    table    state  since       info\n"));
  auto a = bgp::parse_bird_protocols(*raw);
  auto b = bgp::parse_bird_protocols(human);
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  REQUIRE(a->sessions.size() == b->sessions.size());
  for (std::size_t i = 0; i < a->sessions.size(); ++i) {
    CAPTURE(i);
    CHECK(a->sessions[i].protocol == b->sessions[i].protocol);
    CHECK(a->sessions[i].address == b->sessions[i].address);
    CHECK(a->sessions[i].peer_as == b->sessions[i].peer_as);
    CHECK(a->sessions[i].description == b->sessions[i].description);
  }
}

TEST_CASE("bird client: BIRD's error replies are errors quoting BIRD")
{
  auto& d = daemon();
  auto r = bird_command(d.socket(), "show bogus", SteadyClock::now() + 5s);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error() == "BIRD at " + d.socket() + " refused 'show bogus': BIRD error 9001: syntax error");
  auto r2 = bird_command(d.socket(), "show protocols all nosuch", SteadyClock::now() + 5s);
  REQUIRE_FALSE(r2.has_value());
  CHECK(r2.error() == "BIRD at " + d.socket() + " refused 'show protocols all nosuch': BIRD error 9002: nosuch is not a protocol");
  auto r3 = bird_command(d.socket(), "show status\nshow protocols", SteadyClock::now() + 5s);
  REQUIRE_FALSE(r3.has_value());
  CHECK(r3.error() == "BIRD command must be one non-empty line: 'show status?show protocols'");
}

TEST_CASE("bird client: a reply over the size cap is refused")
{
  auto& d = daemon();
  auto conn = BirdConnection::open(d.socket(), SteadyClock::now() + 5s, 200);
  REQUIRE(conn.has_value());
  auto r = conn->command("show protocols all", SteadyClock::now() + 5s);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error() == "the reply of BIRD at " + d.socket() + " to 'show protocols all' exceeds 200 bytes");
}

TEST_CASE("bird client: missing socket, not a socket, nothing listening, too long a path")
{
  const std::string dir = make_temp_dir();
  const auto deadline = SteadyClock::now() + 2s;

  auto missing = bird_command(dir + "/bird.ctl", "show status", deadline);
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error() == "BIRD control socket " + dir
                             + "/bird.ctl does not exist (is BIRD running? calico-node creates it; another path: "
                               "--socket PATH)");

  std::ofstream(dir + "/file.ctl") << "not a socket\n";
  auto file = bird_command(dir + "/file.ctl", "show status", deadline);
  REQUIRE_FALSE(file.has_value());
  CHECK(file.error() == dir + "/file.ctl is not a socket (BIRD's control socket is a Unix stream socket; check the path)");

  auto dir_as_socket = bird_command(dir, "show status", deadline);
  REQUIRE_FALSE(dir_as_socket.has_value());
  CHECK(dir_as_socket.error() == dir + " is not a socket (BIRD's control socket is a Unix stream socket; check the path)");

  const std::string stale = stale_socket(dir);
  auto refused = bird_command(stale, "show status", deadline);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error() == "nothing listens on BIRD control socket " + stale
                             + " (connection refused: BIRD is not running, or the socket file is stale)");

  const std::string long_path = "/tmp/" + std::string(120, 'x');
  auto too_long = bird_command(long_path, "show status", deadline);
  REQUIRE_FALSE(too_long.has_value());
  CHECK(too_long.error() == "BIRD control socket path '" + long_path + "' is empty or longer than 107 bytes");

  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

TEST_CASE("bird client: permission denied (as uid 65534, socket mode 0700)")
{
  auto& d = daemon();
  const std::string sock = d.dir() + "/private.ctl";
  // A second BIRD is not needed: a listening socket of our own with mode
  // 0700 is refused by the kernel before anything is read.
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::snprintf(a.sun_path, sizeof(a.sun_path), "%s", sock.c_str());
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0);
  REQUIRE(::listen(fd, 4) == 0);
  REQUIRE(::chmod(sock.c_str(), 0700) == 0);
  REQUIRE(::chmod(d.dir().c_str(), 0755) == 0); // the dir must be searchable by nobody

  int pipefd[2];
  REQUIRE(::pipe(pipefd) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(pipefd[0]);
    std::string msg;
    if (::getuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) {
      msg = "setuid failed";
    } else {
      auto r = BirdConnection::open(sock, SteadyClock::now() + 2s);
      msg = r ? "connected" : r.error();
    }
    (void)!::write(pipefd[1], msg.data(), msg.size());
    ::_exit(0);
  }
  ::close(pipefd[1]);
  std::string got;
  char buf[512];
  ssize_t n = 0;
  while ((n = ::read(pipefd[0], buf, sizeof(buf))) > 0) {
    got.append(buf, static_cast<std::size_t>(n));
  }
  ::close(pipefd[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  ::close(fd);
  ::unlink(sock.c_str());
  CHECK(got == "permission denied on BIRD control socket " + sock
                 + " (connecting needs write access to the socket: run as root or as a member of its group)");
}

TEST_CASE("bird client: a BIRD that does not answer hits the deadline")
{
  auto& d = daemon();
  // SIGSTOP: the kernel still queues the connection, BIRD never greets.
  REQUIRE(::kill(d.pid(), SIGSTOP) == 0);
  const auto t0 = SteadyClock::now();
  auto r = BirdConnection::open(d.socket(), t0 + 300ms);
  const auto took = SteadyClock::now() - t0;
  REQUIRE(::kill(d.pid(), SIGCONT) == 0);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().starts_with("BIRD at " + d.socket() + " did not answer the greeting within "));
  CHECK(r.error().ends_with(" ms"));
  CHECK(took >= 300ms);
  CHECK(took < 5s);
}

TEST_CASE("bird source: sessions from every socket, fail closed on any unreadable one")
{
  auto& d = daemon();
  SECTION("one socket")
  {
    BirdSource source({d.socket()});
    CHECK(source.describe() == "BIRD control socket " + d.socket());
    auto r = source.read(SteadyClock::now() + 5s);
    REQUIRE(r.has_value());
    REQUIRE(r->size() == 2);
    CHECK((*r)[0].source == bgp::Source::bird);
    CHECK((*r)[0].protocol == "Global_127_0_0_2");
    CHECK_FALSE((*r)[0].router.has_value());
    const auto reports = source.last_reports();
    REQUIRE(reports.size() == 1);
    CHECK(reports[0].ok);
    CHECK(reports[0].bgp_protocols == 2);
    REQUIRE(reports[0].status.has_value());
    CHECK(reports[0].status->version == "1.6.8");
    CHECK(source.graceful_restart_notes().empty()); // started without -R
  }
  SECTION("a second socket that is missing makes the read an error naming it")
  {
    const std::string missing = d.dir() + "/bird6.ctl";
    BirdSource source({d.socket(), missing});
    CHECK(source.describe() == "BIRD control sockets " + d.socket() + ", " + missing);
    auto r = source.read(SteadyClock::now() + 5s);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == "BIRD control socket " + missing
                         + " does not exist (is BIRD running? calico-node creates it; another path: --socket PATH)");
    const auto reports = source.last_reports();
    REQUIRE(reports.size() == 2);
    CHECK(reports[0].ok);
    CHECK(reports[0].sessions.size() == 2); // what answered is still reported
    CHECK_FALSE(reports[1].ok);
  }
  SECTION("defaults are Calico's pair")
  {
    BirdSource source({});
    CHECK(source.sockets() == std::vector<std::string>{"/var/run/calico/bird.ctl", "/var/run/calico/bird6.ctl"});
  }
}

namespace {

std::string read_fixture(const std::string& relative)
{
  const char* env = std::getenv("BGPWATCH_FIXTURES");
  std::string dir = env ? env : "";
  if (dir.empty()) {
    const std::string here = __FILE__;
    const std::string root = here.substr(0, here.rfind("tests/collector/"));
    dir = (root.empty() ? std::string(".") : root) + "/fixtures";
  }
  std::ifstream in(dir + "/bird/" + relative, std::ios::binary);
  REQUIRE(in.good());
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Replays bytes a real BIRD 2.0.12 sent (fixtures/bird/2.0/established) on a
// Unix socket, for one connection: BIRD 2 is not installable next to the
// `bird` package, and only the socket-pair rule is under test here.
class Bird2Replay
{
public:
  explicit Bird2Replay(std::string path) : m_path(std::move(path))
  {
    const std::string status = read_fixture("2.0/established/bird-status.raw");
    const std::string all = read_fixture("2.0/established/bird-protocols-all.raw");
    const auto first_line = [](const std::string& s) { return s.substr(0, s.find('\n') + 1); };
    const auto after_first = [](const std::string& s) { return s.substr(s.find('\n') + 1); };
    m_greeting = first_line(status);
    m_replies = {{"show status", after_first(status)}, {"show protocols all", after_first(all)}};
    m_fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(m_fd >= 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof(a.sun_path), "%s", m_path.c_str());
    REQUIRE(::bind(m_fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0);
    REQUIRE(::listen(m_fd, 4) == 0);
    m_thread = std::thread([this] { serve_one(); });
  }
  ~Bird2Replay()
  {
    ::shutdown(m_fd, SHUT_RDWR);
    m_thread.join();
    ::close(m_fd);
    ::unlink(m_path.c_str());
  }

private:
  void serve_one()
  {
    const int c = ::accept(m_fd, nullptr, nullptr);
    if (c < 0) {
      return;
    }
    (void)!::write(c, m_greeting.data(), m_greeting.size());
    std::string buf;
    char chunk[256];
    ssize_t n = 0;
    while ((n = ::read(c, chunk, sizeof(chunk))) > 0) {
      buf.append(chunk, static_cast<std::size_t>(n));
      std::size_t nl = 0;
      while ((nl = buf.find('\n')) != std::string::npos) {
        const std::string command = buf.substr(0, nl);
        buf.erase(0, nl + 1);
        for (const auto& [cmd, reply] : m_replies) {
          if (cmd == command) {
            (void)!::write(c, reply.data(), reply.size());
          }
        }
      }
    }
    ::close(c);
  }

  std::string m_path;
  int m_fd = -1;
  std::string m_greeting;
  std::vector<std::pair<std::string, std::string>> m_replies;
  std::thread m_thread;
};

} // namespace

TEST_CASE("bird source: Calico's pair with BIRD 2 needs no bird6.ctl; with BIRD 1.6 it does")
{
  const std::string dir = make_temp_dir();
  SECTION("BIRD 2 on bird.ctl, no bird6.ctl: fine")
  {
    Bird2Replay bird2(dir + "/bird.ctl");
    BirdSource source({dir + "/bird.ctl", dir + "/bird6.ctl"}, BirdSocketSet::calico_pair);
    auto r = source.read(SteadyClock::now() + 5s);
    REQUIRE(r.has_value());
    REQUIRE(r->size() == 2);
    CHECK((*r)[0].address.to_string() == "10.64.0.1");
    CHECK((*r)[1].address.to_string() == "2620:0:861:101::1");
    CHECK((*r)[0].local_as == 64601u);
    CHECK((*r)[0].uptime_seconds == 22); // BIRD's own clock from its show status
    const auto reports = source.last_reports();
    REQUIRE(reports.size() == 2);
    CHECK(reports[0].status->version == "2.0.12");
    CHECK(reports[1].skipped);
    CHECK(reports[1].ok);
  }
  SECTION("the same sockets given explicitly: bird6.ctl must answer")
  {
    Bird2Replay bird2(dir + "/bird.ctl");
    BirdSource source({dir + "/bird.ctl", dir + "/bird6.ctl"});
    auto r = source.read(SteadyClock::now() + 5s);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().starts_with("BIRD control socket " + dir + "/bird6.ctl does not exist"));
  }
  SECTION("BIRD 1.6 on bird.ctl: a missing bird6.ctl is an error")
  {
    auto& d = daemon();
    BirdSource source({d.socket(), dir + "/bird6.ctl"}, BirdSocketSet::calico_pair);
    auto r = source.read(SteadyClock::now() + 5s);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().starts_with("BIRD control socket " + dir + "/bird6.ctl does not exist"));
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

TEST_CASE("bird source: graceful restart recovery after `bird -R` is reported")
{
  BirdDaemon recovering(true);
  BirdSource source({recovering.socket()});
  auto r = source.read(SteadyClock::now() + 5s);
  REQUIRE(r.has_value());
  const auto reports = source.last_reports();
  REQUIRE(reports.size() == 1);
  REQUIRE(reports[0].status.has_value());
  CHECK(reports[0].status->graceful_restart_recovery);
  CHECK(reports[0].status->graceful_restart_waiting == 2u); // both BGP protocols hold the lock
  const auto notes = source.graceful_restart_notes();
  REQUIRE(notes.size() == 1);
  const std::string prefix = "BIRD 1.6.8 at " + recovering.socket()
                             + ": graceful restart recovery in progress (waiting for 2 protocols, wait timer ";
  CHECK(notes[0].starts_with(prefix));
  CHECK(notes[0].ends_with("/240)"));
  // The daemon without -R is not recovering.
  BirdSource plain({daemon().socket()});
  REQUIRE(plain.read(SteadyClock::now() + 5s).has_value());
  CHECK(plain.graceful_restart_notes().empty());
}
