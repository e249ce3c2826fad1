// Limits of the plugin host, measured (timeout, cancel, memory pages, vars, WASI paths, RSS over
// many plugins), Extism's memory rules (reset between calls, free of the input), and a guest
// passing bad handles to every kernel function that takes one: a clear error or Extism's
// answer, never a crash. After each failure the next call must answer correctly.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include <unistd.h>

#include "weft/plugin.hpp"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WEFT_UNDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(WEFT_UNDER_ASAN)
#define WEFT_UNDER_ASAN 1
#endif

namespace {

using namespace weft;
using Clock = std::chrono::steady_clock;

const std::string k_abi_plugin = std::string(PLUGIN_DIR) + "/abi_test.wasm";

std::string text(const std::vector<uint8_t>& b) { return std::string(b.begin(), b.end()); }

struct Limits : ::testing::Test {
  Engine engine;
  std::unique_ptr<Plugin> make(Manifest m, PluginOptions o = {}) {
    auto c = CompiledPlugin::create(engine, std::move(m), std::move(o));
    EXPECT_TRUE(c) << c.error().to_string();
    if (!c) return nullptr;
    auto p = Plugin::create(*c);
    EXPECT_TRUE(p) << p.error().to_string();
    return p ? std::move(*p) : nullptr;
  }
  std::unique_ptr<Plugin> make_abi(std::optional<uint32_t> max_pages = std::nullopt,
                                   std::optional<uint64_t> max_var_bytes = std::nullopt,
                                   PluginOptions o = {}) {
    auto m = Manifest::load(k_abi_plugin);
    EXPECT_TRUE(m);
    m->max_pages = max_pages;
    m->max_var_bytes = max_var_bytes;
    return make(std::move(*m), std::move(o));
  }
  // The plugin still answers: the guard after every refused or stopped call.
  static void expect_answers(Plugin& p) {
    auto out = p.call("upper", "still alive");
    ASSERT_TRUE(out) << out.error().to_string();
    EXPECT_EQ(text(*out), "STILL ALIVE");
    EXPECT_EQ(p.last_status(), CallStatus::ok);
  }
};

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

TEST_F(Limits, InfiniteLoopStopsWithinTimeoutPlus50ms) {
  auto p = make_abi();
  ASSERT_TRUE(p);
  for (uint64_t timeout : {20, 100}) {
    p->set_timeout_ms(timeout);
    auto t0 = Clock::now();
    auto out = p->call("loop", "");
    double elapsed = ms_since(t0);
    ASSERT_FALSE(out);
    EXPECT_EQ(p->last_status(), CallStatus::timeout);
    EXPECT_GE(elapsed, double(timeout));
    EXPECT_LT(elapsed, double(timeout) + 50) << "timeout " << timeout << " ms";
    std::printf("[ measured ] timeout %llu ms: the call returned after %.1f ms\n",
                static_cast<unsigned long long>(timeout), elapsed);
    p->set_timeout_ms(std::nullopt);
    expect_answers(*p);
  }
}

TEST_F(Limits, CancelFromAnotherThreadStopsTheRunningCall) {
  auto p = make_abi();
  ASSERT_TRUE(p);
  p->set_timeout_ms(10000);  // only so that a broken cancel fails instead of hanging
  CancelHandle cancel = p->cancel_handle();
  Clock::time_point cancelled_at;
  std::atomic<bool> returned = false;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    cancelled_at = Clock::now();
    // cancel() while the plugin is idle does nothing: repeat it until the call has returned,
    // in case the call had not started yet on a loaded machine.
    while (!returned) {
      cancel.cancel();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  auto out = p->call("loop", "");
  auto returned_at = Clock::now();
  returned = true;
  canceller.join();
  ASSERT_FALSE(out);
  EXPECT_EQ(p->last_status(), CallStatus::cancelled);
  double latency = std::chrono::duration<double, std::milli>(returned_at - cancelled_at).count();
  EXPECT_LT(latency, 50.0);
  std::printf("[ measured ] cancel() to the call's return: %.1f ms\n", latency);
  expect_answers(*p);
}

TEST_F(Limits, MemoryGrowPastMaxPagesFailsInsideTheGuest) {
  auto p = make_abi(4);
  ASSERT_TRUE(p);
  // abi_test.wasm starts with 3 pages (stack and its 64 KiB buffer): growing by 1 fits, by 1
  // more does not.
  auto out = p->call("grow", "1");
  ASSERT_TRUE(out) << out.error().to_string();
  EXPECT_EQ(text(*out), "ok");
  out = p->call("grow", "1");  // memory.grow returned -1 and the guest saw it
  ASSERT_TRUE(out) << out.error().to_string();
  EXPECT_EQ(text(*out), "fail");
  expect_answers(*p);
}

TEST_F(Limits, VarLargerThanMaxVarBytesIsRefused) {
  auto p = make_abi(std::nullopt, 4096);
  ASSERT_TRUE(p);
  // "big" (3 bytes) + value + 48 bytes of Extism's per-entry overhead.
  auto out = p->call("big_var", std::to_string(4096 - 48 - 3));
  ASSERT_TRUE(out) << out.error().to_string();
  EXPECT_EQ(p->var("big")->size(), 4096u - 48 - 3);
  out = p->call("big_var", "5000");
  ASSERT_FALSE(out);
  EXPECT_EQ(p->last_status(), CallStatus::trap);
  EXPECT_NE(out.error().message.find("Variable store is full"), std::string::npos) << out.error().message;
  EXPECT_EQ(p->var("big")->size(), 4096u - 48 - 3);  // the old value stays
  expect_answers(*p);
}

#ifdef WEFT_ABI_WASI_PLUGIN
TEST_F(Limits, WasiPathOutsideAllowedPathsIsRefused) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("weft_limits_" + std::to_string(::getpid()));
  fs::create_directories(dir / "inside");
  std::ofstream(dir / "inside" / "file.txt") << "readable";
  std::ofstream(dir / "secret.txt") << "outside";
  auto m = Manifest::load(WEFT_ABI_WASI_PLUGIN);
  ASSERT_TRUE(m);
  m->allowed_paths.push_back(ManifestPath{(dir / "inside").string(), "/data", false});
  PluginOptions o;
  o.wasi = true;
  auto p = make(std::move(*m), std::move(o));
  ASSERT_TRUE(p);
  auto out = p->call("open_path", "file.txt");
  ASSERT_TRUE(out) << out.error().to_string();
  EXPECT_EQ(text(*out), "0");
  // 76: notcapable (docs/WASI.md), for a path climbing out and for an absolute one.
  for (const char* outside : {"../secret.txt", "/etc/passwd", "../inside/../secret.txt"}) {
    out = p->call("open_path", outside);
    ASSERT_TRUE(out) << out.error().to_string();
    EXPECT_EQ(text(*out), "76") << outside;
  }
  expect_answers(*p);
  fs::remove_all(dir);
}
#endif

// 10,000 create/call/destroy cycles after a warm-up of 1,000: the resident set stays flat.
// Under AddressSanitizer (slower allocations, its quarantine) the cycles are 1,000 after 300,
// and the bound is the same.
TEST_F(Limits, ManyPluginsLeaveMemoryFlat) {
#ifdef WEFT_UNDER_ASAN
  const int warmup = 300, cycles = 1000;
#else
  const int warmup = 1000, cycles = 10000;
#endif
  auto m = Manifest::load(k_abi_plugin);
  ASSERT_TRUE(m);
  auto compiled = CompiledPlugin::create(engine, std::move(*m));
  ASSERT_TRUE(compiled);
  auto rss_kib = [] {
    long pages = 0, resident = 0;
    FILE* f = std::fopen("/proc/self/statm", "r");
    if (f) {
      if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
      std::fclose(f);
    }
    return resident * 4;  // 4 KiB pages
  };
  auto cycle = [&](int i) {
    auto p = Plugin::create(*compiled);
    ASSERT_TRUE(p);
    auto out = (*p)->call("echo", "cycle " + std::to_string(i));
    ASSERT_TRUE(out);
    ASSERT_EQ(text(*out), "cycle " + std::to_string(i));
  };
  for (int i = 0; i < warmup; ++i) ASSERT_NO_FATAL_FAILURE(cycle(i));
  long before = rss_kib();
  auto t0 = Clock::now();
  for (int i = 0; i < cycles; ++i) ASSERT_NO_FATAL_FAILURE(cycle(i));
  long after = rss_kib();
  std::printf("[ measured ] %d cycles in %.0f ms: RSS %ld KiB -> %ld KiB (%+ld KiB)\n", cycles,
              ms_since(t0), before, after, after - before);
  ASSERT_GT(before, 0);
  EXPECT_LT(after - before, 2048) << "the resident set grew by " << after - before << " KiB";
}

// ---- Extism's memory rules --------------------------------------------------------------

TEST_F(Limits, ExtismMemoryIsResetBetweenCalls) {
  auto p = make_abi();
  ASSERT_TRUE(p);
  EXPECT_EQ(text(*p->call("keep_handle", "")), "0");
  // The handle kept (in linear memory) from the first call is no longer a block (without the
  // reset it would still be one, of 17 bytes).
  EXPECT_EQ(text(*p->call("keep_handle", "")), "0");
}

// Extism's runtime (pdk.rs, and the kernel's output_set/error_set) frees none of the blocks
// it is given; error_set(0) clears the error.
TEST_F(Limits, NoKernelFunctionConsumesItsHandle) {
  PluginOptions o;
  o.log_level = LogLevel::info;
  int logged = 0;
  o.log_sink = [&logged](LogLevel, std::string_view m) { logged += m == "m"; };
  auto m = Manifest::load(k_abi_plugin);
  ASSERT_TRUE(m);
  m->config["k"] = "value";
  auto p = make(std::move(*m), std::move(o));
  ASSERT_TRUE(p);
  auto out = p->call("consumed", "");
  ASSERT_TRUE(out) << out.error().to_string();
  EXPECT_EQ(text(*out), "1111111");
  EXPECT_EQ(logged, 1);
  EXPECT_EQ(text(*p->var("k")), "v");
}

TEST_F(Limits, FreeingTheInputEmptiesIt) {
  auto p = make_abi();
  ASSERT_TRUE(p);
  EXPECT_EQ(text(*p->call("free_input", "12345")), "5 0");
  expect_answers(*p);
}

// ---- bad handles ------------------------------------------------------------------------

struct BadHandle : Limits {
  std::vector<std::string> logs;
  std::unique_ptr<Plugin> p;
  void SetUp() override {
    PluginOptions o;
    o.log_level = LogLevel::trace;
    o.log_sink = [this](LogLevel, std::string_view m) { logs.emplace_back(m); };
    auto m = Manifest::load(k_abi_plugin);
    ASSERT_TRUE(m);
    m->config["k"] = "v";
    p = make(std::move(*m), std::move(o));
    ASSERT_TRUE(p);
  }
  Result<std::vector<uint8_t>> run(const std::string& which) { return p->call("bad_handle", which); }
  void expect_trap(const std::string& which, const std::string& message) {
    auto out = run(which);
    ASSERT_FALSE(out) << which << " answered " << text(*out);
    EXPECT_EQ(p->last_status(), CallStatus::trap) << which;
    EXPECT_NE(out.error().message.find(message), std::string::npos) << which << ": " << out.error().message;
    expect_answers(*p);
  }
};

TEST_F(BadHandle, FreeOfFreedNeverAllocatedOrZeroIsIgnored) {
  EXPECT_EQ(text(*run("free_twice")), "survived");
}

TEST_F(BadHandle, LengthOfABadHandleIsZero) { EXPECT_EQ(text(*run("length")), "0"); }

TEST_F(BadHandle, LoadAndStoreOutsideTheMemoryTrap) {
  expect_trap("load_past_end", "load_u8: offset 1099511627776 out of bounds");
  expect_trap("store_past_end", "store_u64: offset");
  expect_trap("input_load_past_end", "input_load_u64: offset out of bounds");
}

TEST_F(BadHandle, LoadInsideTheMemoryButPastABlockReads) {
  // As Extism's kernel: load/store take any offset inside the memory, blocks or not.
  // The last 4 bytes of a zeroed 1 KiB block, then the first 4 of the block that follows
  // ("k" and its zeroed padding).
  auto out = run("load_u64_straddling_end");
  ASSERT_TRUE(out) << out.error().to_string();
  EXPECT_EQ(text(*out), std::to_string(uint64_t{'k'} << 32));
}

TEST_F(BadHandle, OutputSetOutOfRangeFailsTheCall) {
  auto out = run("output_set_out_of_range");
  ASSERT_FALSE(out);
  EXPECT_EQ(p->last_status(), CallStatus::guest_error);
  EXPECT_NE(out.error().message.find("the output is outside the plugin's memory"), std::string::npos)
      << out.error().message;
  expect_answers(*p);
  // A freed block's bytes are still in the memory: the output is what they were.
  out = run("output_set_freed");
  ASSERT_TRUE(out) << out.error().to_string();
  EXPECT_EQ(text(*out), "freed");
}

TEST_F(BadHandle, ErrorSetOfABadHandleIsAClearError) {
  auto out = run("error_set_freed");
  ASSERT_FALSE(out);
  EXPECT_EQ(p->last_status(), CallStatus::guest_error);
  EXPECT_NE(out.error().message.find("called error_set with"), std::string::npos) << out.error().message;
  EXPECT_NE(out.error().message.find("which is not a live block (it returned 1)"), std::string::npos);
  out = run("error_set_never");
  ASSERT_FALSE(out);
  EXPECT_EQ(p->last_status(), CallStatus::guest_error);
  EXPECT_NE(out.error().message.find("error_set with 12345"), std::string::npos) << out.error().message;
  expect_answers(*p);
}

TEST_F(BadHandle, ConfigVarAndLogWithBadHandlesTrapAsInExtism) {
  // Extism's runtime (pdk.rs): "invalid handle offset for config key: N", and so on.
  expect_trap("config_get_freed", "invalid handle offset for config key");
  expect_trap("config_get_never", "invalid handle offset for config key: 12345");
  expect_trap("var_get_freed", "invalid handle offset for var key");
  expect_trap("var_set_freed_key", "invalid handle offset for var key");
  expect_trap("var_set_never_value", "invalid handle offset for var value: 12345");
  expect_trap("log_freed", "invalid handle offset for log message");
  EXPECT_TRUE(logs.empty());
}

TEST_F(BadHandle, LogOfABadHandleBelowTheLevelIsNotRead) {
  // Extism checks the level first: a message that would not be logged is not read.
  p->set_log_level(LogLevel::error);
  auto out = run("log_freed");
  ASSERT_TRUE(out) << out.error().to_string();
  EXPECT_EQ(text(*out), "logged");
}

TEST_F(BadHandle, ErrorGetIsZeroWithoutAnError) { EXPECT_EQ(text(*run("error_get")), "0"); }

}  // namespace
