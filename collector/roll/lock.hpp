// collector/roll/lock.hpp: one roll per site at a time.
//
// A lock has an owner ("root@cumin1001 pid 4242") and a TTL; the holder renews
// it while the roll runs (every TTL/3, on a thread of its own). A second roll
// refuses and names the holder; a lock is taken over only once its last renewal
// is older than its TTL (the holder crashed or lost its network), never earlier.
//   - Kubernetes inventory configured: a coordination.k8s.io/v1 Lease
//     "bgpwatch-roll-SITE" (namespace --lease-namespace), updated with its
//     resourceVersion so two rolls racing for it cannot both win (409);
//   - otherwise a lock file DIR/bgpwatch-roll-SITE.lock (--lock-dir), JSON,
//     read-modify-written under flock(2) so two rolls on one host cannot both win.
#pragma once

#include "bgp/expected.hpp"
#include "collector/inventory/kubernetes_config.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace bgpwatch::collector {

using LockClock = std::chrono::system_clock;

struct LockError
{
  bool held = false;   // someone else holds it (exit 2); else we could not tell (exit 3)
  std::string message; // names the holder and when its lock expires, or what failed
};

// Who holds a lock and until when (the pure decision below works on this).
struct LockState
{
  std::string owner; // empty: free
  LockClock::time_point renewed{};
  std::chrono::milliseconds ttl{0};
};

// Pure: may `me` take a lock in `state` at `now`? Free, ours, or expired.
bool lock_available(const LockState& state, const std::string& me, LockClock::time_point now);

// "held by root@cumin1001 pid 4242 (renewed 2026-12-06T14:50:01Z, expires in 42s)".
std::string describe_holder(const LockState& state, LockClock::time_point now);

class RollLock
{
public:
  virtual ~RollLock() = default;
  // Takes the lock or says who holds it. On success, a note when a stale lock was taken over.
  virtual Expected<std::string, LockError> acquire() = 0;
  // Renews; an error means the lock is no longer ours (or could not be renewed).
  virtual Expected<bool, LockError> renew() = 0;
  // Gives the lock up if it is still ours (best effort).
  virtual void release() = 0;
  // "lock file /run/lock/bgpwatch-roll-eqiad.lock", "Lease kube-system/bgpwatch-roll-eqiad".
  virtual std::string describe() const = 0;
};

// "user@host pid N".
std::string default_lock_owner();

std::unique_ptr<RollLock> make_file_lock(const std::string& dir, const std::string& site, std::string owner,
                                         std::chrono::milliseconds ttl);
std::unique_ptr<RollLock> make_lease_lock(KubernetesEndpoint endpoint, std::string name_space,
                                          const std::string& site, std::string owner,
                                          std::chrono::milliseconds ttl);

// Renews `lock` every ttl/3 on its own thread until destroyed; lost() turns
// true (with the reason) when a renewal fails, and the roll stops.
class LockKeeper
{
public:
  LockKeeper(RollLock& lock, std::chrono::milliseconds ttl);
  ~LockKeeper();
  LockKeeper(const LockKeeper&) = delete;
  LockKeeper& operator=(const LockKeeper&) = delete;
  std::optional<std::string> lost() const;

private:
  RollLock& m_lock;
  std::chrono::milliseconds m_period;
  mutable std::mutex m_mutex;
  std::condition_variable m_cv;
  bool m_stop = false;
  std::optional<std::string> m_lost;
  std::thread m_thread;
};

} // namespace bgpwatch::collector
