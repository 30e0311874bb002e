// collector/gate/netconf_source.cpp: one NETCONF session per router, each
// closable on its own (see gate_netconf_source.hpp).
#include "collector/gate/netconf_source.hpp"

#include "collector/base/barrier.hpp"

namespace bgpwatch::collector {

namespace {

std::string slot_key(const RouterConfig& router)
{
  // As the Poller keys its sessions: a router whose host/port changed is another session.
  return router.name + "\n" + router.host + "\n" + std::to_string(router.port);
}

bgp::RouterObservation not_polled(const RouterConfig& router, std::string why)
{
  bgp::RouterObservation o;
  o.router = router.name;
  o.readable = false;
  o.error = router.name + ": " + std::move(why);
  o.polled_at = bgp::WallClock::now();
  return o;
}

} // namespace

GateNetconfSource::GateNetconfSource(const NetconfConfig& config) : m_config(config)
{
}

GateNetconfSource::~GateNetconfSource()
{
  std::vector<std::thread> closers;
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
    for (auto& [key, slot] : m_slots) {
      close_slot_locked(slot);
    }
    closers.swap(m_closers);
  }
  for (auto& t : closers) {
    t.join();
  }
}

void GateNetconfSource::close_slot_locked(Slot& slot)
{
  if (slot.busy || !slot.source) {
    return;
  }
  std::shared_ptr<NetconfSource> source = std::move(slot.source);
  m_closed_opened += source->poller().sessions_opened();
  ++m_closing;
  m_closers.emplace_back([this, source = std::move(source)]() mutable {
    source.reset(); // ~Poller: <close-session/>, then SSH disconnect
    std::lock_guard lock(m_mutex);
    --m_closing;
    m_closed_cv.notify_all();
  });
}

std::vector<bgp::RouterObservation> GateNetconfSource::poll(const std::vector<RouterConfig>& routers,
                                                            SteadyClock::time_point deadline)
{
  std::vector<bgp::RouterObservation> out(routers.size());
  std::vector<std::shared_ptr<NetconfSource>> sources(routers.size());
  std::vector<Slot*> slots(routers.size(), nullptr);
  {
    std::lock_guard lock(m_mutex);
    for (std::size_t i = 0; i < routers.size(); ++i) {
      if (m_stopping) {
        out[i] = not_polled(routers[i], "not polled: bgpwatch is stopping");
        continue;
      }
      Slot& slot = m_slots[slot_key(routers[i])]; // std::map: the reference stays valid
      if (!slot.source) {
        slot.source = std::make_shared<NetconfSource>(m_config, 1);
      }
      // The slot is idle here (busy is set below): its poller is not in use.
      slot.source->poller().set_neighbor_detail(m_neighbor_detail);
      slot.busy = true;
      sources[i] = slot.source;
      slots[i] = &slot;
    }
  }
  // One thread per router: a slow router holds its own thread, never the others'.
  std::vector<std::thread> threads;
  threads.reserve(routers.size());
  for (std::size_t i = 0; i < routers.size(); ++i) {
    if (!sources[i]) {
      continue;
    }
    threads.emplace_back([&, i] {
      guard_thread("NETCONF poll", [&] {
        auto observations = sources[i]->poll({routers[i]}, deadline);
        out[i] = observations.empty() ? not_polled(routers[i], "no observation (internal error)")
                                      : std::move(observations.front());
        sources[i].reset(); // the slot's reference is now the only one: closing it closes the session
        std::lock_guard lock(m_mutex);
        slots[i]->busy = false;
        if (m_stopping) {
          close_slot_locked(*slots[i]);
        }
      });
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  return out;
}

void GateNetconfSource::want_neighbor_detail(std::map<std::string, std::vector<bgp::Address>> peers)
{
  std::lock_guard lock(m_mutex);
  m_neighbor_detail = std::move(peers);
}

std::string GateNetconfSource::describe() const
{
  // The words of NetconfSource::describe: the same source, seen by the user.
  return "NETCONF as '" + m_config.username + "' (host keys from " + m_config.known_hosts + ")";
}

SourceInfo GateNetconfSource::info() const
{
  return {bgp::Source::netconf,
          describe(),
          {{"username", {m_config.username}, false}, {"known_hosts", {m_config.known_hosts}, false}}};
}

std::uint64_t GateNetconfSource::sessions_opened() const
{
  std::lock_guard lock(m_mutex);
  std::uint64_t n = m_closed_opened;
  for (const auto& [key, slot] : m_slots) {
    if (slot.source) {
      n += slot.source->poller().sessions_opened();
    }
  }
  return n;
}

void GateNetconfSource::close_idle()
{
  std::lock_guard lock(m_mutex);
  m_stopping = true;
  for (auto& [key, slot] : m_slots) {
    close_slot_locked(slot);
  }
}

bool GateNetconfSource::wait_closes(SteadyClock::time_point deadline)
{
  std::unique_lock lock(m_mutex);
  return m_closed_cv.wait_until(lock, deadline, [this] { return m_closing == 0; });
}

} // namespace bgpwatch::collector
