// Tests of the engine's execution limits: fuel (deterministic metering) and interruption
// from another thread.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "weft/weft.hpp"

namespace {

/*
(module
  (func (export "spin") (loop (br 0)))
  (func (export "count") (param i32) (result i32) (local i32)
    (block
      (loop
        (br_if 1 (i32.ge_u (local.get 1) (local.get 0)))
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br 0)))
    (local.get 1)))
*/
const uint8_t limits_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x09, 0x02, 0x60,
    0x00, 0x00, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x03, 0x03, 0x02, 0x00, 0x01,
    0x07, 0x10, 0x02, 0x04, 0x73, 0x70, 0x69, 0x6e, 0x00, 0x00, 0x05, 0x63,
    0x6f, 0x75, 0x6e, 0x74, 0x00, 0x01, 0x0a, 0x26, 0x02, 0x07, 0x00, 0x03,
    0x40, 0x0c, 0x00, 0x0b, 0x0b, 0x1c, 0x01, 0x01, 0x7f, 0x02, 0x40, 0x03,
    0x40, 0x20, 0x01, 0x20, 0x00, 0x4f, 0x0d, 0x01, 0x20, 0x01, 0x41, 0x01,
    0x6a, 0x21, 0x01, 0x0c, 0x00, 0x0b, 0x0b, 0x20, 0x01, 0x0b
};

struct Limits : ::testing::Test {
  void SetUp() override {
    auto m = engine.compile(limits_wasm);
    ASSERT_TRUE(m) << m.error().to_string();
    auto i = linker.instantiate(store, *m);
    ASSERT_TRUE(i) << i.error().to_string();
    instance = *i;
  }
  weft::Engine engine;
  weft::Store store{engine};
  weft::Linker linker{engine};
  weft::Instance instance;
};

}  // namespace

TEST_F(Limits, metering_is_off_by_default) { EXPECT_FALSE(store.fuel().has_value()); }

TEST_F(Limits, an_endless_loop_runs_out_of_fuel) {
  store.set_fuel(10000);
  auto spin = instance.typed_func<void()>("spin");
  ASSERT_TRUE(spin);
  auto r = (*spin)(store);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().trap, weft::TrapKind::out_of_fuel);
  EXPECT_EQ(store.fuel(), 0u);
  // Still out of fuel until more is added; then the store runs again.
  auto count = instance.typed_func<int32_t(int32_t)>("count");
  EXPECT_FALSE((*count)(store, 1));
  store.set_fuel(1000);
  auto ok = (*count)(store, 3);
  ASSERT_TRUE(ok) << ok.error().to_string();
  EXPECT_EQ(*ok, 3);
}

TEST_F(Limits, fuel_is_deterministic_and_proportional_to_work) {
  auto count = instance.typed_func<int32_t(int32_t)>("count");
  store.set_fuel(1'000'000);
  ASSERT_TRUE((*count)(store, 10));
  uint64_t used10 = 1'000'000 - *store.fuel();
  store.set_fuel(1'000'000);
  ASSERT_TRUE((*count)(store, 10));
  EXPECT_EQ(1'000'000 - *store.fuel(), used10);
  store.set_fuel(1'000'000);
  ASSERT_TRUE((*count)(store, 20));
  uint64_t used20 = 1'000'000 - *store.fuel();
  EXPECT_GT(used20, used10);
  // Each iteration pays the loop body's instructions, so doubling the work about doubles it.
  EXPECT_LT(used20, 3 * used10);
}

TEST_F(Limits, interrupt_from_another_thread_stops_an_endless_loop) {
  auto spin = instance.typed_func<void()>("spin");
  std::thread stopper([this] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    store.interrupt();
  });
  auto r = (*spin)(store);
  stopper.join();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().trap, weft::TrapKind::interrupted);
  // The request was consumed: the next call runs.
  auto count = instance.typed_func<int32_t(int32_t)>("count");
  auto ok = (*count)(store, 5);
  ASSERT_TRUE(ok) << ok.error().to_string();
  EXPECT_EQ(*ok, 5);
}

TEST_F(Limits, a_pending_interrupt_stops_the_next_call_until_cleared) {
  store.interrupt();
  store.clear_interrupt();
  auto count = instance.typed_func<int32_t(int32_t)>("count");
  EXPECT_TRUE((*count)(store, 2));
  store.interrupt();
  auto r = (*count)(store, 2);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().trap, weft::TrapKind::interrupted);
}

// The handlers carry the fuel in slices of 2^20 units (interpreter.cpp, fuel_slice): runs of
// several million units must count exactly as short ones do, and stop exactly where the
// fuel ends.
TEST_F(Limits, fuel_is_exact_across_many_slices) {
  auto count = instance.typed_func<int32_t(int32_t)>("count");
  const uint64_t lots = uint64_t{1} << 40;
  auto used = [&](int32_t n) -> uint64_t {
    store.set_fuel(lots);
    auto r = (*count)(store, n);
    EXPECT_TRUE(r) << r.error().to_string();
    return lots - *store.fuel();
  };
  const uint64_t u10 = used(10), u20 = used(20);
  const uint64_t per_iteration = (u20 - u10) / 10;
  ASSERT_EQ(u20 - u10, 10 * per_iteration);
  const int32_t n = 3'000'000;  // several slices
  const uint64_t big = used(n);
  EXPECT_EQ(big, u10 + (n - 10) * per_iteration);
  // Exactly enough fuel runs to the end and leaves none; one unit less stops.
  store.set_fuel(big);
  auto ok = (*count)(store, n);
  ASSERT_TRUE(ok) << ok.error().to_string();
  EXPECT_EQ(*ok, n);
  EXPECT_EQ(store.fuel(), 0u);
  store.set_fuel(big - 1);
  auto r = (*count)(store, n);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().trap, weft::TrapKind::out_of_fuel);
  EXPECT_EQ(store.fuel(), 0u);
}

TEST_F(Limits, an_interrupted_metered_run_keeps_its_unspent_fuel) {
  const uint64_t lots = uint64_t{1} << 50;
  store.set_fuel(lots);
  auto spin = instance.typed_func<void()>("spin");
  std::thread stopper([this] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    store.interrupt();
  });
  auto r = (*spin)(store);
  stopper.join();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().trap, weft::TrapKind::interrupted);
  ASSERT_TRUE(store.fuel().has_value());
  EXPECT_LT(*store.fuel(), lots);
  EXPECT_GT(*store.fuel(), lots / 2);
}

/*
(module
  (import "host" "tick" (func $tick (param i32)))
  (func (export "run") (param i32) (result i32) (local i32)
    (block
      (loop
        (br_if 1 (i32.ge_u (local.get 1) (local.get 0)))
        (call $tick (local.get 1))
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br 0)))
    (local.get 1)))
*/
const uint8_t tick_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0a, 0x02, 0x60,
    0x01, 0x7f, 0x00, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x02, 0x0d, 0x01, 0x04,
    0x68, 0x6f, 0x73, 0x74, 0x04, 0x74, 0x69, 0x63, 0x6b, 0x00, 0x00, 0x03,
    0x02, 0x01, 0x01, 0x07, 0x07, 0x01, 0x03, 0x72, 0x75, 0x6e, 0x00, 0x01,
    0x0a, 0x22, 0x01, 0x20, 0x01, 0x01, 0x7f, 0x02, 0x40, 0x03, 0x40, 0x20,
    0x01, 0x20, 0x00, 0x4f, 0x0d, 0x01, 0x20, 0x01, 0x10, 0x00, 0x20, 0x01,
    0x41, 0x01, 0x6a, 0x21, 0x01, 0x0c, 0x00, 0x0b, 0x0b, 0x20, 0x01, 0x0b
};

// An interrupt requested by a host function stops the guest as soon as the host function
// returns, not when the handlers' fuel slice next runs out.
TEST(StoreLimits, an_interrupt_from_a_host_function_stops_at_its_return) {
  weft::Engine engine;
  weft::Store store{engine};
  weft::Linker linker{engine};
  int32_t last = -1;
  linker.define_func("host", "tick", [&](int32_t i) {
    last = i;
    if (i == 5) store.interrupt();
  });
  auto m = engine.compile(tick_wasm);
  ASSERT_TRUE(m) << m.error().to_string();
  auto inst = linker.instantiate(store, *m);
  ASSERT_TRUE(inst) << inst.error().to_string();
  auto run = inst->typed_func<int32_t(int32_t)>("run");
  ASSERT_TRUE(run);
  auto r = (*run)(store, 100);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().trap, weft::TrapKind::interrupted);
  EXPECT_EQ(last, 5);
  // The request was consumed; with metering on, the same holds.
  store.set_fuel(1'000'000);
  auto again = (*run)(store, 100);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().trap, weft::TrapKind::interrupted);
  auto ok = (*run)(store, 3);
  ASSERT_TRUE(ok) << ok.error().to_string();
  EXPECT_EQ(*ok, 3);
}

TEST(StoreLimits, memory_limit_caps_creation_and_growth) {
  weft::Engine engine;
  weft::Store store(engine);
  EXPECT_EQ(store.memory_limit_pages(), engine.config().max_memory_pages);
  store.set_memory_limit_pages(4);
  EXPECT_EQ(store.memory_limit_pages(), 4u);
  EXPECT_FALSE(store.create_memory(weft::MemoryType{weft::Limits{5, std::nullopt}}));
  auto m = store.create_memory(weft::MemoryType{weft::Limits{2, std::nullopt}});
  ASSERT_TRUE(m) << m.error().to_string();
  EXPECT_EQ(m->grow(2), 2u);
  EXPECT_FALSE(m->grow(1).has_value());  // a fifth page is past the store's limit
  EXPECT_EQ(m->size_pages(), 4u);
}
