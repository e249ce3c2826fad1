// weft: a pool of plugin instances shared by threads.
//
//   auto compiled = weft::CompiledPlugin::create(engine, *manifest, options);
//   auto pool = weft::PluginPool::create(*compiled, {.max_instances = 8});
//   auto out = (*pool)->call("greet", bytes);            // from any thread
//   if (auto lease = (*pool)->acquire()) {                // or hold one instance for a while
//     (*lease)->set_config({{"k", "v"}});
//     auto r = (*lease)->call("greet", bytes);
//   }                                                     // the instance goes back here
//
// A Plugin runs one call at a time; a pool hands instances of one CompiledPlugin to
// concurrent callers, creating them as needed up to a bound. See docs/PLUGINS.md, "Pool".
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "weft/plugin.hpp"
#include "weft/result.hpp"

namespace weft {

struct PoolOptions {
  /// The most instances that exist at once (at least 1).
  size_t max_instances = 4;
  /// How long acquire() and call() wait for an instance when all are busy.
  std::chrono::milliseconds wait_timeout{1000};
};

namespace plugin_detail {
struct PoolState;
}

/// Instances of one CompiledPlugin for concurrent callers. Thread-safe. Instances are made
/// lazily (the first one by create(), so that a plugin that cannot be instantiated fails
/// there) and kept until the pool and every lease are gone. An instance keeps its config and
/// vars from one lease to the next; one whose last call trapped, timed out or was cancelled
/// is handed out again (Plugin re-instantiates it on its next call).
class PluginPool {
 public:
  /// Exclusive use of one instance; gives it back to the pool when destroyed (or reset()).
  /// A lease may outlive its PluginPool: the instance is then destroyed with the lease.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

    Plugin& plugin() const noexcept { return *m_plugin; }
    Plugin& operator*() const noexcept { return *m_plugin; }
    Plugin* operator->() const noexcept { return m_plugin.get(); }
    /// Gives the instance back now; the lease is then empty.
    void reset() noexcept;
    explicit operator bool() const noexcept { return m_plugin != nullptr; }

   private:
    friend class PluginPool;
    Lease(std::shared_ptr<plugin_detail::PoolState> pool, std::unique_ptr<Plugin> plugin) noexcept;
    std::shared_ptr<plugin_detail::PoolState> m_pool;
    std::unique_ptr<Plugin> m_plugin;
  };

  /// A pool over `compiled`; instantiates the first instance now. Fails (usage) when
  /// `compiled` is null or max_instances is 0, or with the error of that first instantiation
  /// (an unlinkable plugin, a trap in `_initialize`).
  static Result<std::unique_ptr<PluginPool>> create(std::shared_ptr<const CompiledPlugin> compiled,
                                                    PoolOptions options = {});
  ~PluginPool();
  PluginPool(const PluginPool&) = delete;
  PluginPool& operator=(const PluginPool&) = delete;

  /// An idle instance, a new one when none is idle and fewer than max_instances exist, or
  /// the first one given back within the wait timeout. Fails with "plugin pool: all N
  /// instances busy for T ms", or with the error of a new instance's instantiation.
  Result<Lease> acquire();
  Result<Lease> acquire(std::chrono::milliseconds timeout);

  /// Leases an instance, calls `name` with `input` on it (Plugin::call) and gives it back.
  Result<std::vector<uint8_t>> call(std::string_view name, std::span<const uint8_t> input);
  Result<std::vector<uint8_t>> call(std::string_view name, std::string_view input);

  const PoolOptions& options() const noexcept;
  /// How many instances exist (idle or leased); at most max_instances.
  size_t instances() const;
  /// How many instances are idle.
  size_t idle() const;

  explicit PluginPool(std::shared_ptr<plugin_detail::PoolState> state);

 private:
  std::shared_ptr<plugin_detail::PoolState> m_state;
};

}  // namespace weft
