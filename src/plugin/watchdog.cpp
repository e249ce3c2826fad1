// The shared timer thread of plugin timeouts.
#include "plugin/watchdog.hpp"

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "weft/weft.hpp"

namespace weft::plugin_detail {

struct Watchdog::Impl {
  struct Entry {
    Store* store;
    std::atomic<bool>* fired;
  };
  std::mutex mutex;
  std::condition_variable wake;
  /// Armed calls by (deadline, ticket): the earliest first.
  std::map<std::pair<Clock::time_point, uint64_t>, Entry> armed;
  std::map<uint64_t, Clock::time_point> deadlines;  ///< ticket -> deadline, to disarm
  uint64_t next_ticket = 1;

  void run() {
    std::unique_lock lock(mutex);
    for (;;) {
      if (armed.empty()) {
        wake.wait(lock);
        continue;
      }
      auto first = armed.begin();
      // A copy: the entry may be disarmed (erased) while this thread waits.
      const Clock::time_point deadline = first->first.first;
      if (Clock::now() < deadline) {
        wake.wait_until(lock, deadline);
        continue;  // re-read: the entry may be gone, or an earlier one armed
      }
      // Under the lock, so a call that disarms waits until its store was interrupted.
      first->second.fired->store(true, std::memory_order_relaxed);
      first->second.store->interrupt();
      deadlines.erase(first->first.second);
      armed.erase(first);
    }
  }
};

Watchdog& Watchdog::instance() {
  // Never destroyed: its thread may be waiting when static destructors run at exit.
  static Watchdog* w = [] {
    auto* wd = new Watchdog();
    wd->m_impl = new Impl();
    std::thread([impl = wd->m_impl] { impl->run(); }).detach();
    return wd;
  }();
  return *w;
}

uint64_t Watchdog::arm(Clock::time_point deadline, Store& store, std::atomic<bool>& fired) {
  std::lock_guard lock(m_impl->mutex);
  uint64_t ticket = m_impl->next_ticket++;
  bool earliest = m_impl->armed.empty() || deadline < m_impl->armed.begin()->first.first;
  m_impl->armed.emplace(std::make_pair(deadline, ticket), Impl::Entry{&store, &fired});
  m_impl->deadlines.emplace(ticket, deadline);
  if (earliest) m_impl->wake.notify_one();
  return ticket;
}

void Watchdog::disarm(uint64_t ticket) {
  std::lock_guard lock(m_impl->mutex);
  auto it = m_impl->deadlines.find(ticket);
  if (it == m_impl->deadlines.end()) return;  // fired already
  m_impl->armed.erase(std::make_pair(it->second, ticket));
  m_impl->deadlines.erase(it);
}

}  // namespace weft::plugin_detail
