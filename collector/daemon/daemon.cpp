// collector/daemon/daemon.cpp: see daemon.hpp.
#include "collector/daemon/daemon.hpp"

#include "bgp/timeparse.hpp"
#include "collector/base/barrier.hpp"

#include "collector/daemon/state.hpp"
#include "collector/http/server.hpp"
#include "collector/inventory/inventory.hpp"
#include "collector/base/logging.hpp"
#include "collector/base/secret_file.hpp"
#include "collector/daemon/metrics.hpp"
#include "collector/sources/local_checks.hpp"
#include "collector/sources/poller.hpp"
#include "collector/render/json_text.hpp"
#include "collector/http/url_query.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <spdlog/spdlog.h>

#include <charconv>
#include <csignal>
#include <cstdio>
#include <list>
#include <malloc.h>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <thread>
#include <unistd.h>

namespace bgpwatch::collector {

namespace asio = boost::asio;

namespace {

// SIGTERM to exit: 5 s (SPEC). In-flight polls get this long to finish and
// the sessions the rest; past it the process exits anyway.
constexpr auto k_drain_timeout = std::chrono::milliseconds(2500);
constexpr auto k_exit_deadline = std::chrono::milliseconds(4500);

// The inventory is not documented thread-safe; node refreshes and
// /v1/nodes look-ups run on workers, so they take turns.
struct SharedInventory
{
  explicit SharedInventory(const Config& config) : inventory(config)
  {
  }
  std::mutex mutex;
  Inventory inventory;
};

bool same_routers(const Config& a, const Config& b)
{
  const auto ra = a.all_routers();
  const auto rb = b.all_routers();
  if (ra.size() != rb.size()) {
    return false;
  }
  for (std::size_t i = 0; i < ra.size(); ++i) {
    if (ra[i].name != rb[i].name || ra[i].host != rb[i].host || ra[i].port != rb[i].port) {
      return false;
    }
  }
  return true;
}

bool same_netconf(const NetconfConfig& a, const NetconfConfig& b)
{
  return a.username == b.username && a.private_key == b.private_key && a.known_hosts == b.known_hosts
         && a.connect_timeout == b.connect_timeout && a.rpc_timeout == b.rpc_timeout
         && a.max_reply_bytes == b.max_reply_bytes;
}

std::size_t worker_count(std::size_t routers)
{
  // Enough that a few dead routers (each holding a worker up to its
  // connect timeout) cannot starve the healthy ones; bounded regardless.
  return std::clamp<std::size_t>(routers / 2 + 2, 4, 32);
}

std::string path_of(const std::string& target)
{
  const auto q = target.find('?');
  return q == std::string::npos ? target : target.substr(0, q);
}

HttpResponse json_response(unsigned status, const nlohmann::json& j)
{
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = json_text(j) + "\n";
  return r;
}

HttpResponse error_response(unsigned status, const std::string& message)
{
  return json_response(status, {{"error", message}});
}

} // namespace

Backoff collector_backoff(std::chrono::milliseconds interval)
{
  Backoff b;
  b.base = std::chrono::milliseconds(1000);
  b.cap = std::max(b.base, interval / 2);
  return b;
}

struct Daemon::Impl
{
  Impl(DaemonOptions options_, Config config_)
    : options(std::move(options_)), config(std::make_shared<Config>(std::move(config_))), signals(io)
  {
  }

  struct Schedule
  {
    explicit Schedule(asio::io_context& io) : timer(io)
    {
    }
    RouterConfig router;
    asio::steady_timer timer;
    bool in_flight = false;
    bool removed = false;
    SteadyClock::time_point next{};
  };

  // A held GET /v1/sessions?after=T (long-poll): answered when a poll of
  // one of `only` (any router when empty) newer than `after` lands, or at
  // `timer`'s expiry, or at shutdown, whichever comes first.
  struct SessionsWaiter
  {
    explicit SessionsWaiter(asio::io_context& io) : timer(io)
    {
    }
    std::set<std::string> only;
    bgp::WallClock::time_point after{};
    std::function<void(HttpResponse)> respond;
    asio::steady_timer timer;
    bool answered = false;
  };

  int run();
  bool has_news(const std::set<std::string>& only, bgp::WallClock::time_point after) const;
  void answer_waiter(const std::shared_ptr<SessionsWaiter>& w);
  void wake_waiters();
  void apply_config(std::shared_ptr<const Config> next, bool first);
  void schedule(const std::shared_ptr<Schedule>& s);
  void poll(const std::shared_ptr<Schedule>& s);
  void refresh_nodes();
  void trim_memory();
  void trim_if_worthwhile();
  void reload();
  void begin_shutdown(int signo);
  void finish_shutdown();
  void wait_signal();
  void handle(const HttpRequest& req, std::function<void(HttpResponse)> respond);

  std::chrono::milliseconds interval() const
  {
    return config->collector.interval;
  }

  DaemonOptions options;
  std::shared_ptr<const Config> config;
  asio::io_context io;
  asio::signal_set signals;
  std::unique_ptr<HttpServer> http; // made by run(), with TLS when collector.tls is set
  std::string token;                // collector.token_file's token; empty: no token required
  std::unique_ptr<asio::thread_pool> workers;
  std::shared_ptr<Poller> poller;
  std::shared_ptr<SharedInventory> inventory;
  CollectorState state;
  std::map<std::string, std::shared_ptr<Schedule>> schedules;
  std::unique_ptr<asio::steady_timer> node_timer;
  std::unique_ptr<asio::steady_timer> drain_timer;
  std::unique_ptr<asio::steady_timer> trim_timer;
  std::size_t rss_after_trim = 0;
  std::size_t in_flight = 0;
  bool stopping = false;
  std::mt19937_64 rng{std::random_device{}()};
  std::list<std::shared_ptr<SessionsWaiter>> waiters;
};

// Long-polls held at once: at most half the server's connections, so that
// /metrics and /healthz always find a slot. Past it a request is answered at
// once (the client then reads at its own interval).
constexpr std::size_t k_max_waiters = HttpLimits{}.max_connections / 2;
// The longest a long-poll is held, whatever ?wait= asks.
constexpr std::chrono::milliseconds k_max_wait{60'000};

bool Daemon::Impl::has_news(const std::set<std::string>& only, bgp::WallClock::time_point after) const
{
  for (const auto& r : state.routers()) {
    // polled_at is published with millisecond precision (format_rfc3339):
    // compare at that precision, or the poll the client already has would
    // always look newer than its own published stamp.
    if (r.polled && (only.empty() || only.contains(r.name))
        && std::chrono::floor<std::chrono::milliseconds>(r.polled_at) > after) {
      return true;
    }
  }
  return false;
}

void Daemon::Impl::answer_waiter(const std::shared_ptr<SessionsWaiter>& w)
{
  if (w->answered) {
    return;
  }
  w->answered = true;
  w->timer.cancel();
  waiters.remove(w);
  HttpResponse r;
  r.content_type = "application/json";
  r.stream = state.sessions_stream(bgp::WallClock::now(), w->only);
  w->respond(std::move(r));
}

void Daemon::Impl::wake_waiters()
{
  // Copy: answer_waiter removes from the list.
  std::vector<std::shared_ptr<SessionsWaiter>> ready;
  for (const auto& w : waiters) {
    if (has_news(w->only, w->after)) {
      ready.push_back(w);
    }
  }
  for (const auto& w : ready) {
    answer_waiter(w);
  }
}

void Daemon::Impl::apply_config(std::shared_ptr<const Config> next, bool first)
{
  // The backoff cap follows the interval: a new interval needs a new Poller.
  const bool new_poller = first || !same_netconf(config->netconf, next->netconf) || !same_routers(*config, *next)
                          || config->collector.interval != next->collector.interval;
  config = std::move(next);
  state.set_config(*config);
  inventory = std::make_shared<SharedInventory>(*config);
  const auto routers = config->all_routers();
  if (new_poller) {
    // In-flight polls keep the old Poller alive through their shared_ptr;
    // its sessions close when the last of them finishes.
    poller = std::make_shared<Poller>(config->netconf, std::max<std::size_t>(4, worker_count(routers.size())),
                                      collector_backoff(interval()));
    // Route-level facts (issue 14) for /v1/*, the metrics and the clients'
    // --require routes: the whole neighbor table every 6th poll, moving
    // peers in between (detail_plan.hpp; the figures in README).
    poller->set_collector_detail(DetailPolicy{});
  }
  std::map<std::string, std::shared_ptr<Schedule>> next_schedules;
  std::uniform_int_distribution<std::int64_t> phase(0, std::max<std::int64_t>(0, interval().count() - 1));
  for (const auto& r : routers) {
    auto it = schedules.find(r.name);
    if (it != schedules.end()) {
      it->second->router = r;
      next_schedules[r.name] = it->second;
      schedules.erase(it);
      continue;
    }
    auto s = std::make_shared<Schedule>(io);
    s->router = r;
    // Own phase per router (jitter): spreads the load over the interval.
    s->next = SteadyClock::now() + std::chrono::milliseconds(phase(rng));
    next_schedules[r.name] = s;
    schedule(s);
  }
  for (auto& [name, s] : schedules) {
    s->removed = true;
    s->timer.cancel();
  }
  schedules = std::move(next_schedules);
}

void Daemon::Impl::schedule(const std::shared_ptr<Schedule>& s)
{
  s->timer.expires_at(s->next);
  s->timer.async_wait([this, s](const boost::system::error_code& ec) {
    if (ec || stopping || s->removed) {
      return;
    }
    // Keep the cadence: next = previous + interval (never a burst to catch up).
    s->next += interval();
    if (s->next < SteadyClock::now()) {
      s->next = SteadyClock::now() + interval();
    }
    if (s->in_flight) {
      spdlog::debug("{} previous poll still running: skipping this one", peer_context(s->router.name, "-"));
    } else {
      poll(s);
    }
    schedule(s);
  });
}

void Daemon::Impl::poll(const std::shared_ptr<Schedule>& s)
{
  s->in_flight = true;
  ++in_flight;
  // A poll may use one interval, plus the connect timeout when it has to
  // (re)open the session: a router that answers in 8 s of a 10 s interval
  // must still be readable right after a reconnect. Overlap is impossible
  // (in_flight skips the slot), and nobody else waits for it.
  const auto deadline = SteadyClock::now() + interval() + config->netconf.connect_timeout;
  asio::post(*workers, [this, s, p = poller, router = s->router, deadline] {
    // The exception barrier: the Poller turns a router's errors into its
    // observation; anything else ends the daemon with exit 3 and one line.
    std::vector<PollResult> results;
    guard_thread("collector poll worker", [&] { results = p->poll_detailed({router}, deadline); });
    PollResult result = results.empty() ? PollResult{} : std::move(results.front());
    if (results.empty()) {
      result.observation.router = router.name;
      result.observation.error = "no result from the poller";
      result.observation.polled_at = bgp::WallClock::now();
    }
    asio::post(io, [this, s, result = std::move(result)]() mutable {
      s->in_flight = false;
      --in_flight;
      const std::string name = result.observation.router;
      const auto* before = state.router(name);
      const bool was_up = before != nullptr && before->polled && before->up;
      const bool readable = result.observation.readable;
      const std::size_t count = result.observation.sessions.size();
      // record() keeps its own copy; the worker-parsed sessions are freed
      // when it returns, before the check below.
      const auto changes = state.record(std::move(result.observation), result.duration);
      // Long-polls waiting for this router's news get it now, before the
      // trim and the logging.
      wake_waiters();
      trim_if_worthwhile();
      // Failures are logged by the Poller (with backoff); recoveries here.
      if (readable && !was_up) {
        spdlog::info("router={} poll ok ({} sessions, {} ms)", name, count, result.duration.count());
      }
      for (const auto& c : changes) {
        // OpenBGPD logmsg.c: Connect<->Active churn is noise.
        const bool churn = (c.transition.from == bgp::SessionState::connect
                            && c.transition.to == bgp::SessionState::active)
                           || (c.transition.from == bgp::SessionState::active
                               && c.transition.to == bgp::SessionState::connect);
        if (!churn) {
          spdlog::info("{} state {} -> {}{}", peer_context(c.router, c.session.address.to_string()),
                       bgp::to_string(c.transition.from), bgp::to_string(c.transition.to),
                       c.transition.flaps_delta > 0 ? " (+" + std::to_string(c.transition.flaps_delta) + " flaps)"
                                                    : std::string());
        }
      }
      if (stopping && in_flight == 0) {
        finish_shutdown();
      }
    });
  });
}

void Daemon::Impl::refresh_nodes()
{
  if (stopping) {
    return;
  }
  const auto deadline = SteadyClock::now() + std::max(interval(), std::chrono::milliseconds(10'000));
  asio::post(*workers, [this, inv = inventory, deadline] {
    std::unique_lock lock(inv->mutex);
    Expected<std::vector<Node>, InventoryError> nodes = Unexpected(InventoryError{});
    guard_thread("collector inventory worker", [&] { nodes = inv->inventory.nodes(std::nullopt, deadline); });
    lock.unlock();
    asio::post(io, [this, inv, nodes = std::move(nodes)]() mutable {
      if (inv != inventory) {
        return; // a reload replaced the inventory meanwhile
      }
      if (nodes) {
        state.set_nodes(std::move(*nodes));
      } else {
        spdlog::warn("inventory: {} (keeping the previous node list)", nodes.error().message);
      }
    });
  });
  // Nodes change slowly; a minute (or six intervals) is fresh enough.
  node_timer->expires_after(std::max(6 * interval(), std::chrono::milliseconds(60'000)));
  node_timer->async_wait([this](const boost::system::error_code& ec) {
    if (!ec) {
      refresh_nodes();
    }
  });
}

// How much RSS may grow past its level after the last trim before a poll
// triggers another. A poll's garbage (DOM pages, session lists) is a few MB
// and the next poll reuses it, so trimming it per poll only costs page
// faults (+0.2 core in the scale benchmark); when every router's first reply
// lands at once (start-up, a network blip) it is tens of MB. glibc's own
// counters cannot tell: a trimmed free chunk still counts as free.
static constexpr std::size_t k_trim_after_growth_bytes = 16u << 20;

static std::size_t resident_bytes()
{
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) {
    return 0;
  }
  unsigned long size = 0;
  unsigned long resident = 0;
  const int n = std::fscanf(f, "%lu %lu", &size, &resident);
  std::fclose(f);
  return n == 2 ? resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)) : 0;
}

void Daemon::Impl::trim_if_worthwhile()
{
  if (resident_bytes() > rss_after_trim + k_trim_after_growth_bytes) {
    ::malloc_trim(0);
    rss_after_trim = resident_bytes();
  }
}

void Daemon::Impl::trim_memory()
{
  // Each poll parses a reply of up to tens of MB on a worker; the freed
  // memory stays in the worker's malloc arena. Give it back once per
  // interval whatever its size (not per poll: the next parse would fault it
  // all back in), and sooner when there is much (trim_if_worthwhile).
  ::malloc_trim(0);
  rss_after_trim = resident_bytes();
  trim_timer->expires_after(interval());
  trim_timer->async_wait([this](const boost::system::error_code& ec) {
    if (!ec && !stopping) {
      trim_memory();
    }
  });
}

void Daemon::Impl::reload()
{
  auto next = load_config_file(options.config_path);
  if (!next) {
    spdlog::error("SIGHUP: configuration refused, keeping the running one: {}", next.error().to_string());
    return;
  }
  if (next->collector.listen != config->collector.listen && !options.listen) {
    spdlog::warn("SIGHUP: collector.listen changed to {}: takes effect after a restart", next->collector.listen);
  }
  const auto tls_of = [](const Config& c) {
    return c.collector.tls ? c.collector.tls->cert + "\n" + c.collector.tls->key : std::string();
  };
  if (tls_of(*next) != tls_of(*config) || next->collector.token_file != config->collector.token_file) {
    spdlog::warn("SIGHUP: collector.tls/token_file changed: takes effect after a restart");
  }
  const auto routers = next->all_routers().size();
  apply_config(std::make_shared<const Config>(std::move(*next)), false);
  node_timer->cancel();
  refresh_nodes();
  spdlog::info("SIGHUP: configuration reloaded from {} ({} routers)", options.config_path, routers);
}

void Daemon::Impl::wait_signal()
{
  signals.async_wait([this](const boost::system::error_code& ec, int signo) {
    if (ec) {
      return;
    }
    if (signo == SIGHUP) {
      reload();
      wait_signal();
      return;
    }
    begin_shutdown(signo);
  });
}

void Daemon::Impl::begin_shutdown(int signo)
{
  if (stopping) {
    return;
  }
  stopping = true;
  spdlog::info("signal {}: stopping ({} polls in flight)", signo, in_flight);
  // Whatever happens below, the process is gone within 5 s.
  std::thread([] {
    std::this_thread::sleep_for(k_exit_deadline);
    static const char msg[] = "bgpwatch collect: shutdown took too long, exiting\n";
    (void)!::write(STDERR_FILENO, msg, sizeof msg - 1);
    ::_exit(0);
  }).detach();
  if (http) {
    http->stop_accepting();
  }
  // Held long-polls get the state as it is: nothing newer will come.
  while (!waiters.empty()) {
    answer_waiter(waiters.front());
  }
  for (auto& [name, s] : schedules) {
    s->timer.cancel();
  }
  node_timer->cancel();
  trim_timer->cancel();
  signals.cancel();
  if (in_flight == 0) {
    finish_shutdown();
    return;
  }
  drain_timer = std::make_unique<asio::steady_timer>(io, k_drain_timeout);
  drain_timer->async_wait([this](const boost::system::error_code& ec) {
    if (!ec) {
      spdlog::warn("{} polls still running after {} ms: not waiting for them", in_flight, k_drain_timeout.count());
      finish_shutdown();
    }
  });
}

void Daemon::Impl::finish_shutdown()
{
  if (drain_timer) {
    drain_timer->cancel();
  }
  io.stop();
}

void Daemon::Impl::handle(const HttpRequest& req, std::function<void(HttpResponse)> respond)
{
  if (req.method != "GET" && req.method != "HEAD") {
    HttpResponse r = error_response(405, "method " + req.method + " not allowed: this API is read-only");
    r.allow = "GET, HEAD";
    respond(r);
    return;
  }
  if (req.target.empty() || req.target.front() != '/') {
    respond(error_response(400, "bad request target"));
    return;
  }
  const std::string path = path_of(req.target);
  // collector.token_file: everything but the liveness probe needs the token.
  if (!token.empty() && path != "/healthz" && !bearer_matches(req.authorization, token)) {
    HttpResponse r = error_response(401, req.authorization.empty() ? "this collector requires a bearer token"
                                                                   : "bad bearer token");
    r.www_authenticate = "Bearer realm=\"bgpwatch\"";
    respond(r);
    return;
  }
  const auto now = bgp::WallClock::now();
  if (path == "/metrics") {
    HttpResponse r;
    r.content_type = std::string(MetricsWriter::k_content_type);
    r.stream = state.metrics_stream();
    respond(std::move(r));
    return;
  }
  if (path == "/healthz") {
    std::size_t up = 0;
    for (const auto& r : state.routers()) {
      up += r.polled && r.up ? 1 : 0;
    }
    respond(json_response(200, {{"status", "ok"}, {"routers", state.routers().size()}, {"routers_up", up}}));
    return;
  }
  if (path == "/v1/sessions") {
    // ?router=NAME (repeatable): only those routers, as --collector clients
    // ask. A name the collector does not poll matches nothing: the client
    // sees it missing from "routers" and says which one.
    // ?after=INSTANT (a polled_at it has seen) makes it a long-poll: the
    // answer waits until one of those routers has a poll newer than that,
    // at most ?wait=MS (default one collector interval, at most 60 s), so a
    // --collector client sees a poll as soon as it lands instead of up to
    // its own interval later. Without after=, the answer is immediate.
    std::set<std::string> only;
    std::optional<bgp::WallClock::time_point> after;
    std::chrono::milliseconds wait = std::min(interval(), k_max_wait);
    for (const auto& [key, value] : parse_query(req.target)) {
      if (key == "router") {
        only.insert(value);
      } else if (key == "after") {
        const auto t = bgp::parse_instant(value);
        if (!t) {
          respond(error_response(400, "after: " + t.error()));
          return;
        }
        after = *t;
      } else if (key == "wait") {
        std::int64_t ms = -1;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
        if (ec != std::errc{} || end != value.data() + value.size() || ms < 0) {
          respond(error_response(400, "wait: '" + value + "' is not a number of milliseconds"));
          return;
        }
        wait = std::min(std::chrono::milliseconds(ms), k_max_wait);
      } else {
        respond(error_response(400, "unknown query parameter '" + key
                                      + "' (router=NAME, after=INSTANT, wait=MS)"));
        return;
      }
    }
    if (after && wait.count() > 0 && !stopping && waiters.size() < k_max_waiters && !has_news(only, *after)) {
      auto w = std::make_shared<SessionsWaiter>(io);
      w->only = std::move(only);
      w->after = *after;
      w->respond = std::move(respond);
      waiters.push_back(w);
      w->timer.expires_after(wait);
      w->timer.async_wait([this, w](const boost::system::error_code& ec) {
        if (!ec) {
          answer_waiter(w);
        }
      });
      return;
    }
    HttpResponse r;
    r.content_type = "application/json";
    r.stream = state.sessions_stream(now, only);
    respond(std::move(r));
    return;
  }
  static constexpr std::string_view k_nodes = "/v1/nodes/";
  if (path.starts_with(k_nodes)) {
    const std::string name = path.substr(k_nodes.size());
    if (name.empty() || name.find('/') != std::string::npos) {
      respond(error_response(404, "no such resource: " + path));
      return;
    }
    // The inventory may ask Kubernetes or DNS: on a worker, answer later.
    const auto deadline = SteadyClock::now() + std::chrono::milliseconds(10'000);
    asio::post(*workers, [this, inv = inventory, name, deadline, respond = std::move(respond)]() mutable {
      Expected<Node, InventoryError> node = Unexpected(InventoryError{});
      guard_thread("collector inventory worker", [&] {
        std::lock_guard lock(inv->mutex);
        node = inv->inventory.resolve(name, deadline);
      });
      asio::post(io, [this, node = std::move(node), name, respond = std::move(respond)] {
        if (!node) {
          respond(error_response(404, "node " + name + ": " + node.error().message));
          return;
        }
        const auto max_age = std::chrono::duration_cast<std::chrono::seconds>(3 * interval());
        respond(json_response(200, state.node_json(*node, bgp::WallClock::now(), max_age)));
      });
    });
    return;
  }
  respond(error_response(404, "no such resource: " + path));
}

int Daemon::Impl::run()
{
  // Few malloc arenas: worker threads each parsing large replies would
  // otherwise each keep a private arena at its high-water mark.
  ::mallopt(M_ARENA_MAX, 2);
  // Replies and their parse buffers are MBs each and short-lived: mmap them
  // (freed = returned at once). Left dynamic, glibc raises the threshold to
  // the largest block freed so far and keeps every such block in an arena
  // until the next trim: 20-40 MB more at start-up, when every router's
  // first reply lands together. 1 MiB keeps the per-poll session vectors
  // (~1 MB for 2,000 peers) in the heap: at 256 KiB each poll faulted them
  // in anew, +50% CPU in the scale benchmark. A fixed threshold also fixes
  // the trim threshold.
  ::mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
  ::mallopt(M_TRIM_THRESHOLD, 8 * 1024 * 1024);
  const std::string listen = options.listen.value_or(config->collector.listen);
  boost::asio::ip::tcp::endpoint endpoint;
  std::string error;
  if (!parse_listen_address(listen, endpoint, error)) {
    spdlog::error("{}", error);
    return 2;
  }
  // Local mistakes first, before any socket: exit 2 with the file named.
  if (auto local = check_netconf_local(config->netconf); !local) {
    spdlog::error("{}", local.error());
    return 2;
  }
  std::shared_ptr<asio::ssl::context> tls;
  if (config->collector.tls) {
    auto cert = read_readable_file(config->collector.tls->cert, "collector.tls.cert");
    if (!cert) {
      spdlog::error("{}", cert.error());
      return 2;
    }
    auto key = read_secret_file(config->collector.tls->key, "collector.tls.key");
    if (!key) {
      spdlog::error("{}", key.error());
      return 2;
    }
    if (!make_tls_server_context(*cert, *key, tls, error)) {
      spdlog::error("collector.tls ({}, {}): {}", config->collector.tls->cert, config->collector.tls->key, error);
      return 2;
    }
  }
  if (config->collector.token_file) {
    auto t = read_secret_file(*config->collector.token_file, "collector.token_file");
    if (!t) {
      spdlog::error("{}", t.error());
      return 2;
    }
    token = std::move(*t);
  }
  http = std::make_unique<HttpServer>(
    io, [this](const HttpRequest& req, std::function<void(HttpResponse)> respond) { handle(req, std::move(respond)); },
    HttpLimits{}, tls);
  if (!http->listen(endpoint, error)) {
    spdlog::error("{}", error);
    return 2;
  }
  const auto routers = config->all_routers();
  workers = std::make_unique<asio::thread_pool>(worker_count(routers.size()));
  node_timer = std::make_unique<asio::steady_timer>(io);
  trim_timer = std::make_unique<asio::steady_timer>(io);
  apply_config(config, true);
  signals.add(SIGTERM);
  signals.add(SIGINT);
  signals.add(SIGHUP);
  wait_signal();
  refresh_nodes();
  trim_memory();
  const auto bound = http->local_endpoint();
  spdlog::info("listening on {}:{} ({} routers every {} ms{}{})", bound.address().to_string(), bound.port(),
               routers.size(), interval().count(), tls ? ", HTTPS" : "", token.empty() ? "" : ", bearer token required");
  io.run();
  // The io thread is done: no new polls start. Let running ones end, then
  // close every NETCONF session (<close-session>) as the Poller goes away.
  workers->stop();
  workers->join();
  schedules.clear();
  poller.reset();
  spdlog::info("stopped");
  return 0;
}

Daemon::Daemon(DaemonOptions options, Config config) : m_impl(std::make_unique<Impl>(std::move(options), std::move(config)))
{
}

Daemon::~Daemon() = default;

int Daemon::run()
{
  return m_impl->run();
}

} // namespace bgpwatch::collector
