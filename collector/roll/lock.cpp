// collector/roll/lock.cpp: lock file and Kubernetes Lease (see lock.hpp).
#include "collector/roll/lock.hpp"

#include "collector/roll/audit.hpp"
#include "collector/roll/kube_api.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <unistd.h>

namespace bgpwatch::collector {

namespace {

using nlohmann::json;
using std::chrono::milliseconds;

std::string seconds_text(milliseconds d)
{
  return std::to_string((d.count() + 999) / 1000) + "s";
}

// Kubernetes MicroTime: "2026-12-06T14:50:01.250000Z".
std::string micro_time(LockClock::time_point t)
{
  std::string s = rfc3339_ms(t);
  return s.substr(0, s.size() - 1) + "000Z";
}

std::optional<LockClock::time_point> parse_time(const json& v)
{
  if (!v.is_string()) {
    return std::nullopt;
  }
  const std::string s = v.get<std::string>();
  std::tm tm{};
  const char* rest = ::strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (rest == nullptr) {
    return std::nullopt;
  }
  double frac = 0;
  if (*rest == '.') {
    char* end = nullptr;
    frac = std::strtod(rest, &end);
    rest = end;
  }
  if (*rest != 'Z') {
    return std::nullopt; // we only write UTC; anything else is not ours to interpret
  }
  const std::time_t secs = ::timegm(&tm);
  return LockClock::time_point(std::chrono::seconds(secs))
         + std::chrono::duration_cast<LockClock::duration>(std::chrono::duration<double>(frac));
}

// ---- lock file -------------------------------------------------------------

#define BGPWATCH_TRY_LOCK(var, expr)                                                                              \
  auto var##_r = (expr);                                                                                          \
  if (!var##_r) {                                                                                                 \
    return Unexpected(var##_r.error());                                                                           \
  }                                                                                                               \
  const LockState var = *var##_r


class FileLock final : public RollLock
{
public:
  FileLock(std::string path, std::string owner, milliseconds ttl)
    : m_path(std::move(path)), m_owner(std::move(owner)), m_ttl(ttl)
  {
  }
  ~FileLock() override
  {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }

  Expected<std::string, LockError> acquire() override
  {
    m_fd = ::open(m_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (m_fd < 0) {
      return Unexpected(LockError{false, "lock file " + m_path + ": " + std::strerror(errno)});
    }
    return locked([&]() -> Expected<std::string, LockError> {
      BGPWATCH_TRY_LOCK(state, read_state());
      const auto now = LockClock::now();
      if (!lock_available(state, m_owner, now)) {
        return Unexpected(LockError{true, "lock file " + m_path + " " + describe_holder(state, now)});
      }
      if (auto w = write_state(now); !w) {
        return Unexpected(w.error());
      }
      if (!state.owner.empty() && state.owner != m_owner) {
        return "took over the expired lock of " + state.owner + " (last renewed " + rfc3339_ms(state.renewed)
               + ", TTL " + seconds_text(state.ttl) + ")";
      }
      return std::string();
    });
  }

  Expected<bool, LockError> renew() override
  {
    auto r = locked([&]() -> Expected<std::string, LockError> {
      BGPWATCH_TRY_LOCK(state, read_state());
      if (state.owner != m_owner) {
        return Unexpected(LockError{true, "lost the lock file " + m_path + ": now "
                                            + (state.owner.empty() ? std::string("free")
                                                                   : describe_holder(state, LockClock::now()))});
      }
      if (auto w = write_state(LockClock::now()); !w) {
        return Unexpected(w.error());
      }
      return std::string();
    });
    if (!r) {
      return Unexpected(r.error());
    }
    return true;
  }

  void release() override
  {
    if (m_fd < 0) {
      return;
    }
    (void)locked([&]() -> Expected<std::string, LockError> {
      auto state = read_state();
      if (state && state->owner == m_owner) {
        (void)::ftruncate(m_fd, 0);
        (void)::fsync(m_fd);
      }
      return std::string();
    });
  }

  std::string describe() const override
  {
    return "lock file " + m_path;
  }

private:
  template <class F>
  Expected<std::string, LockError> locked(F&& f)
  {
    while (::flock(m_fd, LOCK_EX) != 0) {
      if (errno != EINTR) {
        return Unexpected(LockError{false, "lock file " + m_path + ": flock: " + std::strerror(errno)});
      }
    }
    auto r = f();
    ::flock(m_fd, LOCK_UN);
    return r;
  }

  Expected<LockState, LockError> read_state()
  {
    std::string text;
    char buf[4096];
    for (;;) {
      const ssize_t n = ::pread(m_fd, buf, sizeof buf, static_cast<off_t>(text.size()));
      if (n < 0) {
        return Unexpected(LockError{false, "lock file " + m_path + ": " + std::strerror(errno)});
      }
      if (n == 0) {
        break;
      }
      text.append(buf, static_cast<std::size_t>(n));
    }
    LockState s;
    if (text.find_first_not_of(" \n\t") == std::string::npos) {
      return s; // free
    }
    const json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("owner") || !j["owner"].is_string()
        || !j.contains("ttl_ms") || !j["ttl_ms"].is_number_integer()) {
      // Fail closed: a lock we cannot read is held by someone we cannot name.
      return Unexpected(LockError{true, "lock file " + m_path + " is not a bgpwatch lock (remove it by hand if "
                                                                 "no roll is running)"});
    }
    s.owner = j["owner"].get<std::string>();
    s.ttl = milliseconds(j["ttl_ms"].get<std::int64_t>());
    const auto renewed = parse_time(j.value("renewed", json()));
    if (!renewed) {
      return Unexpected(LockError{true, "lock file " + m_path + " has no readable 'renewed' time"});
    }
    s.renewed = *renewed;
    return s;
  }

  Expected<bool, LockError> write_state(LockClock::time_point now)
  {
    const std::string text = json{{"owner", m_owner},
                                  {"renewed", rfc3339_ms(now)},
                                  {"ttl_ms", m_ttl.count()},
                                  {"pid", static_cast<long>(::getpid())}}
                                .dump()
                              + "\n";
    if (::ftruncate(m_fd, 0) != 0 || ::pwrite(m_fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())
        || ::fsync(m_fd) != 0) {
      return Unexpected(LockError{false, "lock file " + m_path + ": writing: " + std::strerror(errno)});
    }
    return true;
  }

  std::string m_path;
  std::string m_owner;
  milliseconds m_ttl;
  int m_fd = -1;
};

// ---- Kubernetes Lease ------------------------------------------------------

class LeaseLock final : public RollLock
{
public:
  LeaseLock(KubernetesEndpoint endpoint, std::string ns, std::string name, std::string owner, milliseconds ttl)
    : m_endpoint(std::move(endpoint)), m_ns(std::move(ns)), m_name(std::move(name)), m_owner(std::move(owner)),
      m_ttl(ttl)
  {
  }

  Expected<std::string, LockError> acquire() override
  {
    for (int attempt = 0; attempt < 3; ++attempt) {
      auto got = call("GET", item_path(), nullptr);
      if (!got) {
        return Unexpected(got.error());
      }
      const auto now = LockClock::now();
      if (got->status == 404) {
        json lease = {{"apiVersion", "coordination.k8s.io/v1"},
                      {"kind", "Lease"},
                      {"metadata", {{"name", m_name}, {"namespace", m_ns}}},
                      {"spec", spec(now, now, 0)}};
        auto created = call("POST", collection_path(), lease);
        if (!created) {
          return Unexpected(created.error());
        }
        if (created->status == 201 || created->status == 200) {
          if (!is_lease(created->body)) {
            return Unexpected(LockError{false, describe() + ": create answered " + std::to_string(created->status)
                                                   + " without a Lease object (is this a Kubernetes API server?)"});
          }
          m_current = created->body;
          return std::string();
        }
        if (created->status == 409) {
          continue; // someone created it between our GET and POST: look again
        }
        return Unexpected(LockError{false, describe() + ": create: " + created->message()});
      }
      if (got->status != 200) {
        return Unexpected(LockError{false, describe() + ": " + got->message()});
      }
      auto read = state_of(got->body);
      if (!read) {
        // Fail closed: a Lease we cannot read is held by someone we cannot name.
        return Unexpected(LockError{true, describe() + ": " + read.error()
                                              + " (inspect it with kubectl get lease -o yaml; delete it by hand if "
                                                "no roll is running)"});
      }
      const LockState state = *read;
      if (!lock_available(state, m_owner, now)) {
        return Unexpected(LockError{true, describe() + " " + describe_holder(state, now)});
      }
      json lease = got->body;
      const json& old_transitions = lease["spec"]["leaseTransitions"];
      const std::int64_t transitions = (old_transitions.is_number_integer() ? old_transitions.get<std::int64_t>() : 0)
                                       + (state.owner == m_owner || state.owner.empty() ? 0 : 1);
      lease["spec"] = spec(now, now, transitions);
      auto put = call("PUT", item_path(), lease);
      if (!put) {
        return Unexpected(put.error());
      }
      if (put->status == 200) {
        if (!is_lease(put->body)) {
          return Unexpected(LockError{false, describe() + ": update answered 200 without a Lease object"});
        }
        m_current = put->body;
        if (!state.owner.empty() && state.owner != m_owner) {
          return "took over the expired Lease of " + state.owner + " (last renewed " + rfc3339_ms(state.renewed)
                 + ", duration " + seconds_text(state.ttl) + ")";
        }
        return std::string();
      }
      if (put->status != 409) {
        return Unexpected(LockError{false, describe() + ": update: " + put->message()});
      }
      // 409: another roll updated it first; the next GET names it.
    }
    return Unexpected(LockError{true, describe() + " is contended (another roll took it while we tried)"});
  }

  Expected<bool, LockError> renew() override
  {
    json lease = m_current;
    const auto now = LockClock::now();
    // m_current is a Lease (is_lease checked it when it was stored).
    const json& old_acquired = m_current["spec"]["acquireTime"];
    const json acquired = old_acquired.is_string() ? old_acquired : json(micro_time(now));
    lease["spec"]["renewTime"] = micro_time(now);
    lease["spec"]["acquireTime"] = acquired;
    auto put = call("PUT", item_path(), lease);
    if (!put) {
      return Unexpected(put.error());
    }
    if (put->status == 200 && is_lease(put->body)) {
      m_current = put->body;
      return true;
    }
    if (put->status == 409 || put->status == 404) {
      auto got = call("GET", item_path(), nullptr);
      std::string now_held = "gone";
      if (got && got->status == 200) {
        const auto s = state_of(got->body);
        now_held = !s ? s.error() : s->owner.empty() ? "free" : describe_holder(*s, now);
      }
      return Unexpected(LockError{true, "lost " + describe() + ": now " + now_held});
    }
    if (put->status == 200) {
      return Unexpected(LockError{false, describe() + ": renew answered 200 without a Lease object"});
    }
    return Unexpected(LockError{false, describe() + ": renew: " + put->message()});
  }

  void release() override
  {
    if (m_current.is_null()) {
      return;
    }
    json lease = m_current;
    lease["spec"].erase("holderIdentity");
    lease["spec"]["leaseDurationSeconds"] = 1;
    (void)call("PUT", item_path(), lease);
    m_current = nullptr;
  }

  std::string describe() const override
  {
    return "Lease " + m_ns + "/" + m_name;
  }

private:
  std::string collection_path() const
  {
    return "/apis/coordination.k8s.io/v1/namespaces/" + m_ns + "/leases";
  }
  std::string item_path() const
  {
    return collection_path() + "/" + m_name;
  }

  json spec(LockClock::time_point acquired, LockClock::time_point renewed, std::int64_t transitions) const
  {
    return {{"holderIdentity", m_owner},
            {"leaseDurationSeconds", std::max<std::int64_t>(1, (m_ttl.count() + 999) / 1000)},
            {"acquireTime", micro_time(acquired)},
            {"renewTime", micro_time(renewed)},
            {"leaseTransitions", transitions}};
  }

  // A Lease object: a JSON object whose spec is an object (the fields are read by state_of).
  static bool is_lease(const json& lease)
  {
    return lease.is_object() && lease.contains("spec") && lease["spec"].is_object();
  }

  // The holder, duration and renewal of a Lease. The API server omits unset fields; a field
  // that is present with the wrong type is an error, never read as "free".
  static Expected<LockState, std::string> state_of(const json& lease)
  {
    if (!is_lease(lease)) {
      return Unexpected(std::string("the API server's answer is not a Lease with a spec"));
    }
    const json& spec = lease["spec"];
    LockState s;
    if (const auto it = spec.find("holderIdentity"); it != spec.end() && !it->is_null()) {
      if (!it->is_string()) {
        return Unexpected(std::string("spec.holderIdentity is not a string"));
      }
      s.owner = it->get<std::string>();
    }
    if (const auto it = spec.find("leaseDurationSeconds"); it != spec.end() && !it->is_null()) {
      if (!it->is_number_integer() || it->get<std::int64_t>() < 0 || it->get<std::int64_t>() > 1'000'000'000) {
        return Unexpected(std::string("spec.leaseDurationSeconds is not a whole number of seconds"));
      }
      s.ttl = milliseconds(it->get<std::int64_t>() * 1000);
    }
    // No renewTime: treat as renewed long ago (a Lease we cannot date does not block forever).
    s.renewed = LockClock::time_point{};
    if (const auto it = spec.find("renewTime"); it != spec.end() && !it->is_null()) {
      const auto t = parse_time(*it);
      if (!t) {
        return Unexpected(std::string("spec.renewTime is not an RFC 3339 UTC time"));
      }
      s.renewed = *t;
    }
    return s;
  }

  Expected<KubeReply, LockError> call(const std::string& method, const std::string& path, const json& body)
  {
    const auto deadline = SteadyClock::now() + std::chrono::seconds(10);
    auto r = kube_call(m_endpoint, method, path, body, deadline);
    if (!r) {
      return Unexpected(LockError{false, describe() + ": " + r.error()});
    }
    if (r->status == 401 || r->status == 403) {
      return Unexpected(LockError{false, describe() + ": " + method + " refused (" + r->message()
                                           + "): roll needs get/create/update on leases in " + m_ns});
    }
    return *r;
  }

  KubernetesEndpoint m_endpoint;
  std::string m_ns, m_name, m_owner;
  milliseconds m_ttl;
  json m_current;
};

} // namespace

bool lock_available(const LockState& state, const std::string& me, LockClock::time_point now)
{
  return state.owner.empty() || state.owner == me || state.renewed + state.ttl <= now;
}

std::string describe_holder(const LockState& state, LockClock::time_point now)
{
  const auto left = std::chrono::duration_cast<milliseconds>(state.renewed + state.ttl - now);
  return "held by " + state.owner + " (renewed " + rfc3339_ms(state.renewed) + ", expires in "
         + seconds_text(std::max(left, milliseconds(0))) + ")";
}

std::string default_lock_owner()
{
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  std::string user = "uid" + std::to_string(::getuid());
  if (const passwd* pw = ::getpwuid(::getuid()); pw != nullptr && pw->pw_name != nullptr) {
    user = pw->pw_name;
  }
  return user + "@" + host + " pid " + std::to_string(::getpid());
}

std::unique_ptr<RollLock> make_file_lock(const std::string& dir, const std::string& site, std::string owner,
                                         milliseconds ttl)
{
  return std::make_unique<FileLock>(dir + "/bgpwatch-roll-" + site + ".lock", std::move(owner), ttl);
}

std::unique_ptr<RollLock> make_lease_lock(KubernetesEndpoint endpoint, std::string name_space, const std::string& site,
                                          std::string owner, milliseconds ttl)
{
  return std::make_unique<LeaseLock>(std::move(endpoint), std::move(name_space), "bgpwatch-roll-" + site,
                                     std::move(owner), ttl);
}

LockKeeper::LockKeeper(RollLock& lock, milliseconds ttl)
  : m_lock(lock), m_period(std::max(ttl / 3, milliseconds(100)))
{
  m_thread = std::thread([this, ttl] {
    std::unique_lock<std::mutex> g(m_mutex);
    auto last_ok = SteadyClock::now();
    while (!m_stop) {
      if (m_cv.wait_for(g, m_period, [this] { return m_stop; })) {
        break;
      }
      g.unlock();
      auto r = m_lock.renew();
      g.lock();
      if (r) {
        last_ok = SteadyClock::now();
        continue;
      }
      // Someone else holds it now: stop at once. The API or disk failing: keep
      // trying, but give up before the TTL could let another roll in.
      if (r.error().held || SteadyClock::now() - last_ok >= ttl * 2 / 3) {
        m_lost = r.error().message;
        return;
      }
    }
  });
}

LockKeeper::~LockKeeper()
{
  {
    std::lock_guard<std::mutex> g(m_mutex);
    m_stop = true;
  }
  m_cv.notify_all();
  m_thread.join();
}

std::optional<std::string> LockKeeper::lost() const
{
  std::lock_guard<std::mutex> g(m_mutex);
  return m_lost;
}

} // namespace bgpwatch::collector
