// One timer thread for every plugin call with a timeout, instead of a thread per call: a
// call arms a deadline, and disarms it when it returns; the thread interrupts the store of
// any call whose deadline passes first.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace weft {
class Store;
}

namespace weft::plugin_detail {

class Watchdog {
 public:
  using Clock = std::chrono::steady_clock;

  /// The process's watchdog; its thread starts on first use and lives until exit.
  static Watchdog& instance();

  /// From `deadline` on, interrupts `store` and sets `fired`, unless disarmed before.
  /// Returns the ticket that disarms it.
  uint64_t arm(Clock::time_point deadline, Store& store, std::atomic<bool>& fired);
  /// After this returns, the watchdog no longer touches the store or the flag of `ticket`
  /// (it may already have fired: check the flag).
  void disarm(uint64_t ticket);

 private:
  Watchdog() = default;
  struct Impl;
  Impl* m_impl = nullptr;
};

}  // namespace weft::plugin_detail
