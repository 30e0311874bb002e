// tests/collector/roll/test_roll_lock.cpp: one roll per site. The pure rule
// (free, ours, or expired after its TTL), and the lock file: a second holder
// refuses naming the first, a stale lock is taken over, a lost lock is noticed.
#include "collector/roll/lock.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>
#include <unistd.h>

using namespace bgpwatch::collector;
using namespace std::chrono_literals;

namespace {

std::string temp_dir()
{
  char tmpl[] = "/tmp/bgpwatch-lock-XXXXXX";
  REQUIRE(::mkdtemp(tmpl) != nullptr);
  return tmpl;
}

std::string slurp(const std::string& p)
{
  std::ifstream in(p);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

} // namespace

TEST_CASE("roll lock: free, ours, or expired; never earlier")
{
  const auto t0 = LockClock::time_point(std::chrono::seconds(1'764'988'200));
  const LockState free_lock{};
  const LockState held{"root@cumin1001 pid 42", t0, 60s};
  CHECK(lock_available(free_lock, "me", t0));
  CHECK(lock_available(held, "root@cumin1001 pid 42", t0 + 10s));
  CHECK_FALSE(lock_available(held, "me", t0));
  CHECK_FALSE(lock_available(held, "me", t0 + 59s));
  CHECK(lock_available(held, "me", t0 + 60s));
  CHECK(describe_holder(held, t0 + 18s) == "held by root@cumin1001 pid 42 (renewed 2025-12-06T02:30:00.000Z, expires in 42s)");
  CHECK(describe_holder(held, t0 + 90s) == "held by root@cumin1001 pid 42 (renewed 2025-12-06T02:30:00.000Z, expires in 0s)");
}

TEST_CASE("roll lock file: one holder at a time, renew, release")
{
  const std::string dir = temp_dir();
  const std::string path = dir + "/bgpwatch-roll-eqiad.lock";
  auto a = make_file_lock(dir, "eqiad", "alice@host pid 1", 60s);
  auto b = make_file_lock(dir, "eqiad", "bob@host pid 2", 60s);
  auto other_site = make_file_lock(dir, "codfw", "bob@host pid 2", 60s);
  CHECK(a->describe() == "lock file " + path);

  auto got = a->acquire();
  REQUIRE(got.has_value());
  CHECK(got->empty());
  CHECK(slurp(path).find("\"owner\":\"alice@host pid 1\"") != std::string::npos);

  auto refused = b->acquire();
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().held);
  CHECK(refused.error().message.starts_with("lock file " + path + " held by alice@host pid 1 (renewed "));
  CHECK(other_site->acquire().has_value()); // another site, another lock

  CHECK(a->renew().has_value());
  a->release();
  CHECK(slurp(path).empty());
  auto now_b = b->acquire();
  REQUIRE(now_b.has_value());
  CHECK(now_b->empty()); // a released lock is free: no "took over"
  // alice's renewal notices she no longer holds it
  auto lost = a->renew();
  REQUIRE_FALSE(lost.has_value());
  CHECK(lost.error().held);
  CHECK(lost.error().message.starts_with("lost the lock file " + path + ": now held by bob@host pid 2"));
  b->release();
  std::remove(path.c_str());
  std::remove((dir + "/bgpwatch-roll-codfw.lock").c_str());
  ::rmdir(dir.c_str());
}

TEST_CASE("roll lock file: a stale lock is taken over only after its TTL; garbage is not a lock")
{
  const std::string dir = temp_dir();
  const std::string path = dir + "/bgpwatch-roll-eqiad.lock";
  auto a = make_file_lock(dir, "eqiad", "alice@host pid 1", 300ms);
  REQUIRE(a->acquire().has_value()); // alice "crashes": never renews, never releases
  auto b = make_file_lock(dir, "eqiad", "bob@host pid 2", 60s);
  REQUIRE_FALSE(b->acquire().has_value());
  std::this_thread::sleep_for(400ms);
  auto took = b->acquire();
  REQUIRE(took.has_value());
  CHECK(took->starts_with("took over the expired lock of alice@host pid 1 (last renewed "));
  CHECK(took->ends_with(", TTL 1s)"));

  {
    std::ofstream out(path, std::ios::trunc);
    out << "hello\n";
  }
  auto c = make_file_lock(dir, "eqiad", "carol@host pid 3", 60s);
  auto garbage = c->acquire();
  REQUIRE_FALSE(garbage.has_value());
  CHECK(garbage.error().held);
  CHECK(garbage.error().message
        == "lock file " + path + " is not a bgpwatch lock (remove it by hand if no roll is running)");
  std::remove(path.c_str());
  ::rmdir(dir.c_str());

  auto nowhere = make_file_lock("/nonexistent-dir", "eqiad", "me", 60s);
  auto err = nowhere->acquire();
  REQUIRE_FALSE(err.has_value());
  CHECK_FALSE(err.error().held);
  CHECK(err.error().message == "lock file /nonexistent-dir/bgpwatch-roll-eqiad.lock: No such file or directory");
}

TEST_CASE("roll lock keeper: renews while running, reports a lost lock")
{
  const std::string dir = temp_dir();
  const std::string path = dir + "/bgpwatch-roll-eqiad.lock";
  auto a = make_file_lock(dir, "eqiad", "alice@host pid 1", 600ms);
  REQUIRE(a->acquire().has_value());
  {
    LockKeeper keeper(*a, 600ms);
    std::this_thread::sleep_for(900ms); // longer than the TTL: only renewals keep it
    CHECK_FALSE(keeper.lost().has_value());
    auto b = make_file_lock(dir, "eqiad", "bob@host pid 2", 60s);
    CHECK_FALSE(b->acquire().has_value());
    // Someone removes alice's lock by hand and bob takes it: alice's keeper notices.
    {
      std::ofstream out(path, std::ios::trunc);
    }
    REQUIRE(b->acquire().has_value());
    for (int i = 0; i < 20 && !keeper.lost(); ++i) {
      std::this_thread::sleep_for(100ms);
    }
    REQUIRE(keeper.lost().has_value());
    CHECK(keeper.lost()->starts_with("lost the lock file " + path + ": now held by bob@host pid 2"));
  }
  std::remove(path.c_str());
  ::rmdir(dir.c_str());
}
