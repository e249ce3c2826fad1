// weft::PluginPool: instances of one CompiledPlugin handed to concurrent callers.
#include "weft/pool.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <string>

namespace weft {

namespace plugin_detail {

/// Shared by the pool and its leases, so that a lease may outlive the pool.
struct PoolState {
  std::shared_ptr<const CompiledPlugin> compiled;
  PoolOptions options;

  mutable std::mutex mutex;
  std::condition_variable returned;  ///< an instance came back, or a creation slot freed
  std::vector<std::unique_ptr<Plugin>> idle;
  /// Instances that exist, leased ones and ones being created included.
  size_t instances = 0;
  /// The pool object is gone: returned instances are destroyed, not kept.
  bool closed = false;

  void give_back(std::unique_ptr<Plugin> plugin) noexcept {
    {
      std::lock_guard lock(mutex);
      if (closed) {
        --instances;
      } else {
        idle.push_back(std::move(plugin));  // capacity reserved in create(): cannot throw
      }
    }
    returned.notify_one();
    // When closed, `plugin` is destroyed here, outside the lock.
  }
};

}  // namespace plugin_detail

using plugin_detail::PoolState;

// ---- Lease --------------------------------------------------------------------------------

PluginPool::Lease::Lease(std::shared_ptr<PoolState> pool, std::unique_ptr<Plugin> plugin) noexcept
    : m_pool(std::move(pool)), m_plugin(std::move(plugin)) {}

PluginPool::Lease::Lease(Lease&& other) noexcept = default;

PluginPool::Lease& PluginPool::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    reset();
    m_pool = std::move(other.m_pool);
    m_plugin = std::move(other.m_plugin);
  }
  return *this;
}

PluginPool::Lease::~Lease() { reset(); }

void PluginPool::Lease::reset() noexcept {
  if (m_plugin) m_pool->give_back(std::move(m_plugin));
  m_pool.reset();
}

// ---- PluginPool ---------------------------------------------------------------------------

Result<std::unique_ptr<PluginPool>> PluginPool::create(
    std::shared_ptr<const CompiledPlugin> compiled, PoolOptions options) {
  if (!compiled) return fail(ErrorKind::usage, "plugin pool: no compiled plugin");
  if (options.max_instances == 0)
    return fail(ErrorKind::usage, "plugin pool: max_instances must be at least 1");
  if (options.wait_timeout.count() < 0)
    return fail(ErrorKind::usage, "plugin pool: wait_timeout must not be negative");
  // The first instance now: a plugin that cannot be instantiated (a missing host function)
  // fails here rather than on every call.
  WEFT_TRY(std::unique_ptr<Plugin> first, Plugin::create(compiled));
  auto state = std::make_shared<PoolState>();
  state->compiled = std::move(compiled);
  state->options = options;
  // Every instance fits without reallocating, so giving one back never allocates.
  state->idle.reserve(options.max_instances);
  state->idle.push_back(std::move(first));
  state->instances = 1;
  return std::make_unique<PluginPool>(std::move(state));
}

PluginPool::PluginPool(std::shared_ptr<PoolState> state) : m_state(std::move(state)) {}

PluginPool::~PluginPool() {
  std::vector<std::unique_ptr<Plugin>> idle;
  {
    std::lock_guard lock(m_state->mutex);
    m_state->closed = true;
    m_state->instances -= m_state->idle.size();
    idle.swap(m_state->idle);
  }
  // `idle` is destroyed outside the lock; leased instances die with their leases.
}

Result<PluginPool::Lease> PluginPool::acquire() { return acquire(m_state->options.wait_timeout); }

Result<PluginPool::Lease> PluginPool::acquire(std::chrono::milliseconds timeout) {
  PoolState& s = *m_state;
  // A century stands for "forever" without overflowing the clock's arithmetic.
  auto deadline = std::chrono::steady_clock::now() +
                  std::min<std::chrono::milliseconds>(timeout, std::chrono::hours(24 * 365 * 100));
  std::unique_lock lock(s.mutex);
  for (;;) {
    if (!s.idle.empty()) {
      std::unique_ptr<Plugin> p = std::move(s.idle.back());
      s.idle.pop_back();
      return Lease(m_state, std::move(p));
    }
    if (s.instances < s.options.max_instances) {
      // Reserve the slot, then instantiate without holding the lock: others may lease or
      // give back meanwhile.
      ++s.instances;
      lock.unlock();
      auto p = Plugin::create(s.compiled);
      if (!p) {
        lock.lock();
        --s.instances;
        lock.unlock();
        s.returned.notify_one();  // the slot is free again for a waiter
        return Failure{std::move(p).error()};
      }
      return Lease(m_state, std::move(*p));
    }
    if (s.returned.wait_until(lock, deadline) == std::cv_status::timeout && s.idle.empty() &&
        s.instances >= s.options.max_instances) {
      return fail(ErrorKind::usage, "plugin pool: all " + std::to_string(s.options.max_instances) +
                                        " instances busy for " + std::to_string(timeout.count()) +
                                        " ms");
    }
  }
}

Result<std::vector<uint8_t>> PluginPool::call(std::string_view name,
                                              std::span<const uint8_t> input) {
  WEFT_TRY(Lease lease, acquire());
  return lease->call(name, input);
}

Result<std::vector<uint8_t>> PluginPool::call(std::string_view name, std::string_view input) {
  return call(
      name, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(input.data()), input.size()));
}

const PoolOptions& PluginPool::options() const noexcept { return m_state->options; }

size_t PluginPool::instances() const {
  std::lock_guard lock(m_state->mutex);
  return m_state->instances;
}

size_t PluginPool::idle() const {
  std::lock_guard lock(m_state->mutex);
  return m_state->idle.size();
}

}  // namespace weft
