// weft::PluginPool with the C plugins of plugins/abi_test.c: concurrent callers, the bound on
// instances, waiting and its timeout, leases given back on every path.
#include "weft/pool.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>

namespace {

using namespace weft;
using namespace std::chrono_literals;

std::string text(const std::vector<uint8_t>& b) { return std::string(b.begin(), b.end()); }

const std::string k_plugin = std::string(PLUGIN_DIR) + "/abi_test.wasm";
const std::string k_host_plugin = std::string(PLUGIN_DIR) + "/abi_host.wasm";

struct Pool : ::testing::Test {
  Engine engine;
  std::shared_ptr<const CompiledPlugin> compile(const std::string& path = k_plugin,
                                                PluginOptions o = {}) {
    auto m = Manifest::load(path);
    EXPECT_TRUE(m) << m.error().to_string();
    if (!m) return nullptr;
    auto c = CompiledPlugin::create(engine, std::move(*m), std::move(o));
    EXPECT_TRUE(c) << c.error().to_string();
    return c ? *c : nullptr;
  }
  std::unique_ptr<PluginPool> make(PoolOptions o) {
    auto p = PluginPool::create(compile(), o);
    EXPECT_TRUE(p) << p.error().to_string();
    return p ? std::move(*p) : nullptr;
  }
};

TEST_F(Pool, ThreadsGetCorrectOutputs) {
  auto pool = make({.max_instances = 3, .wait_timeout = 10s});
  ASSERT_TRUE(pool);
  constexpr int threads = 6, calls = 40;
  std::atomic<int> good = 0;
  std::vector<std::string> failures(threads);
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&, t] {
      for (int i = 0; i < calls; ++i) {
        std::string in = "thread " + std::to_string(t) + " call " + std::to_string(i);
        auto out = pool->call("upper", in);
        std::string want = in;
        std::transform(want.begin(), want.end(), want.begin(),
                       [](char c) { return char(std::toupper(c)); });
        if (!out) {
          failures[t] = out.error().to_string();
        } else if (text(*out) == want) {
          ++good;
        } else {
          failures[t] = "got '" + text(*out) + "' for '" + in + "'";
        }
      }
    });
  }
  for (auto& th : ts) th.join();
  for (const std::string& f : failures) EXPECT_EQ(f, "");
  EXPECT_EQ(good.load(), threads * calls);
  EXPECT_LE(pool->instances(), 3u);
  EXPECT_EQ(pool->idle(), pool->instances());  // every lease given back
}

TEST_F(Pool, BoundOnConcurrentInstances) {
  auto pool = make({.max_instances = 2, .wait_timeout = 10s});
  ASSERT_TRUE(pool);
  std::atomic<int> active = 0, max_active = 0;
  std::mutex seen_mutex;
  std::set<Plugin*> seen;
  std::vector<std::thread> ts;
  for (int t = 0; t < 5; ++t) {
    ts.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        auto lease = pool->acquire();
        ASSERT_TRUE(lease) << lease.error().to_string();
        int now = ++active;
        int prev = max_active.load();
        while (now > prev && !max_active.compare_exchange_weak(prev, now)) {
        }
        {
          std::lock_guard lock(seen_mutex);
          seen.insert(&lease->plugin());
        }
        ASSERT_TRUE((*lease)->call("echo", "x"));
        // Until the pool has been full once, hold the lease until another thread has taken
        // the other instance: the bound is then reached for sure, not by luck of timing.
        auto give_up = std::chrono::steady_clock::now() + 5s;
        while (max_active.load() < 2 && std::chrono::steady_clock::now() < give_up)
          std::this_thread::sleep_for(1ms);
        --active;
      }
    });
  }
  for (auto& th : ts) th.join();
  EXPECT_LE(max_active.load(), 2);
  EXPECT_EQ(max_active.load(), 2);
  EXPECT_LE(seen.size(), 2u);
  EXPECT_EQ(pool->instances(), 2u);
}

TEST_F(Pool, InstancesAreMadeLazily) {
  auto pool = make({.max_instances = 4});
  ASSERT_TRUE(pool);
  EXPECT_EQ(pool->instances(), 1u);  // the first, made by create()
  {
    auto a = pool->acquire();
    ASSERT_TRUE(a);
    EXPECT_EQ(pool->instances(), 1u);
    auto b = pool->acquire();
    ASSERT_TRUE(b);
    EXPECT_EQ(pool->instances(), 2u);
    EXPECT_NE(&a->plugin(), &b->plugin());
  }
  EXPECT_EQ(pool->idle(), 2u);
  // Sequential calls reuse an idle instance.
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(pool->call("echo", "x"));
  EXPECT_EQ(pool->instances(), 2u);
}

TEST_F(Pool, WaitTimeoutIsAnError) {
  auto pool = make({.max_instances = 4, .wait_timeout = 100ms});
  ASSERT_TRUE(pool);
  std::vector<PluginPool::Lease> held;
  for (int i = 0; i < 4; ++i) {
    auto l = pool->acquire();
    ASSERT_TRUE(l) << l.error().to_string();
    held.push_back(std::move(*l));
  }
  auto start = std::chrono::steady_clock::now();
  auto out = pool->call("echo", "x");
  auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message, "plugin pool: all 4 instances busy for 100 ms");
  EXPECT_GE(waited, 100ms);
  EXPECT_LT(waited, 10s);
  // An explicit timeout, and zero: no wait at all.
  auto l = pool->acquire(20ms);
  ASSERT_FALSE(l);
  EXPECT_EQ(l.error().message, "plugin pool: all 4 instances busy for 20 ms");
  ASSERT_FALSE(pool->acquire(0ms));
  // One given back: the next caller gets it.
  held.pop_back();
  auto again = pool->call("echo", "back");
  ASSERT_TRUE(again) << again.error().to_string();
  EXPECT_EQ(text(*again), "back");
}

TEST_F(Pool, WaiterGetsAnInstanceGivenBack) {
  auto pool = make({.max_instances = 1, .wait_timeout = 10s});
  ASSERT_TRUE(pool);
  auto lease = pool->acquire();
  ASSERT_TRUE(lease);
  std::atomic<bool> got = false;
  std::thread waiter([&] {
    auto out = pool->call("echo", "waited");
    got = out && text(*out) == "waited";
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(got.load());  // still waiting: the only instance is leased
  lease->reset();
  waiter.join();
  EXPECT_TRUE(got.load());
}

TEST_F(Pool, LeaseGivenBackWhenAnExceptionUnwinds) {
  auto pool = make({.max_instances = 1, .wait_timeout = 0ms});
  ASSERT_TRUE(pool);
  try {
    auto lease = pool->acquire();
    ASSERT_TRUE(lease);
    ASSERT_FALSE(pool->acquire());  // busy while held
    throw std::runtime_error("the caller failed while holding the lease");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(pool->idle(), 1u);
  auto lease = pool->acquire();
  ASSERT_TRUE(lease) << lease.error().to_string();
  // Moving a lease moves the instance; only the last owner gives it back.
  PluginPool::Lease moved = std::move(*lease);
  EXPECT_FALSE(*lease);
  EXPECT_EQ(pool->idle(), 0u);
  ASSERT_TRUE(moved);
  moved.reset();
  EXPECT_EQ(pool->idle(), 1u);
}

TEST_F(Pool, TrappedInstanceIsReusedFresh) {
  // Fuel rather than a timeout stops the endless loop: deterministic, however loaded the
  // machine is.
  PluginOptions o;
  o.fuel = 1'000'000;
  auto pool = PluginPool::create(compile(k_plugin, o), {.max_instances = 1});
  ASSERT_TRUE(pool);
  EXPECT_EQ(text(*(*pool)->call("counter", "")), "1");
  EXPECT_EQ(text(*(*pool)->call("counter", "")), "2");
  auto trapped = (*pool)->call("trap", "");
  ASSERT_FALSE(trapped);
  EXPECT_EQ(trapped.error().trap, TrapKind::unreachable);
  EXPECT_EQ(text(*(*pool)->call("counter", "")), "1");  // the same (only) instance, pristine
  EXPECT_EQ(text(*(*pool)->call("counter", "")), "2");
  auto stopped = (*pool)->call("loop", "");
  ASSERT_FALSE(stopped);
  EXPECT_EQ(stopped.error().trap, TrapKind::out_of_fuel);
  EXPECT_EQ(text(*(*pool)->call("counter", "")), "1");
  EXPECT_EQ((*pool)->instances(), 1u);
}

TEST_F(Pool, DestroyedWhileIdle) {
  auto compiled = compile();
  ASSERT_TRUE(compiled);
  {
    auto pool = PluginPool::create(compiled, {.max_instances = 2});
    ASSERT_TRUE(pool);
    ASSERT_TRUE((*pool)->call("echo", "x"));
  }
  // The instances are gone and released the compiled plugin.
  EXPECT_EQ(compiled.use_count(), 1);
}

TEST_F(Pool, LeaseOutlivesThePool) {
  auto compiled = compile();
  ASSERT_TRUE(compiled);
  std::optional<PluginPool::Lease> kept;
  {
    auto pool = PluginPool::create(compiled, {.max_instances = 2});
    ASSERT_TRUE(pool);
    auto l = (*pool)->acquire();
    ASSERT_TRUE(l);
    kept.emplace(std::move(*l));
  }
  auto out = (*kept)->call("echo", "still here");
  ASSERT_TRUE(out);
  EXPECT_EQ(text(*out), "still here");
  kept.reset();
  EXPECT_EQ(compiled.use_count(), 1);
}

TEST_F(Pool, CreateErrors) {
  auto none = PluginPool::create(nullptr);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().kind, ErrorKind::usage);
  auto zero = PluginPool::create(compile(), {.max_instances = 0});
  ASSERT_FALSE(zero);
  EXPECT_NE(zero.error().message.find("max_instances must be at least 1"), std::string::npos);
  // The host function abi_host.wasm imports is not defined: the first instance fails.
  auto unlinkable = PluginPool::create(compile(k_host_plugin));
  ASSERT_FALSE(unlinkable);
  EXPECT_EQ(unlinkable.error().kind, ErrorKind::unlinkable);
}

}  // namespace
