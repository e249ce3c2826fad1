// Tests of out-of-bounds memory accesses as traps. With detail::signal_traps the handlers do
// not compare addresses: the access faults in the memory's reservation and the SIGSEGV
// handler turns the fault into the trap (interp/interpreter.cpp, on_fault). Everything here
// holds in both modes; the death tests check that faults which are not the guest's are not
// swallowed.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <csignal>
#include <thread>
#include <vector>

#include "runtime/objects.hpp"
#include "weft/weft.hpp"

namespace {

/*
(module
    (import "host" "reenter" (func $reenter (param i32) (result i32)))
    (import "host" "poke_guard" (func $poke_guard))
    (memory (export "mem") 1 4)
    ;; The bytes 0..n-1 summed, one load per iteration: traps once n passes the size.
    (func (export "sum") (param $n i32) (result i32) (local $i i32) (local $s i32)
      (block
        (loop
          (br_if 1 (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $i))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br 0)))
      (local.get $s))
    (func (export "store64") (param i32 i64) (i64.store (local.get 0) (local.get 1)))
    (func (export "load64") (param i32) (result i64) (i64.load (local.get 0)))
    ;; The largest effective address: the address plus offset 2^32 - 1.
    (func (export "load_far") (param i32) (result i32) (i32.load offset=4294967295 (local.get 0)))
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    ;; Calls the host, which calls "sum" (which may trap inside), then reads at a.
    (func (export "via_host") (param $n i32) (param $a i32) (result i32)
      (i32.add (call $reenter (local.get $n)) (i32.load8_u (local.get $a))))
    (func (export "poke") (call $poke_guard))
  )
*/
const uint8_t trap_wasm[] = {
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x19, 0x05, 0x60,
  0x01, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x00, 0x60, 0x02, 0x7f, 0x7e, 0x00,
  0x60, 0x01, 0x7f, 0x01, 0x7e, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x02,
  0x22, 0x02, 0x04, 0x68, 0x6f, 0x73, 0x74, 0x07, 0x72, 0x65, 0x65, 0x6e,
  0x74, 0x65, 0x72, 0x00, 0x00, 0x04, 0x68, 0x6f, 0x73, 0x74, 0x0a, 0x70,
  0x6f, 0x6b, 0x65, 0x5f, 0x67, 0x75, 0x61, 0x72, 0x64, 0x00, 0x01, 0x03,
  0x08, 0x07, 0x00, 0x02, 0x03, 0x00, 0x00, 0x04, 0x01, 0x05, 0x04, 0x01,
  0x01, 0x01, 0x04, 0x07, 0x44, 0x08, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00,
  0x03, 0x73, 0x75, 0x6d, 0x00, 0x02, 0x07, 0x73, 0x74, 0x6f, 0x72, 0x65,
  0x36, 0x34, 0x00, 0x03, 0x06, 0x6c, 0x6f, 0x61, 0x64, 0x36, 0x34, 0x00,
  0x04, 0x08, 0x6c, 0x6f, 0x61, 0x64, 0x5f, 0x66, 0x61, 0x72, 0x00, 0x05,
  0x04, 0x67, 0x72, 0x6f, 0x77, 0x00, 0x06, 0x08, 0x76, 0x69, 0x61, 0x5f,
  0x68, 0x6f, 0x73, 0x74, 0x00, 0x07, 0x04, 0x70, 0x6f, 0x6b, 0x65, 0x00,
  0x08, 0x0a, 0x5f, 0x07, 0x26, 0x01, 0x02, 0x7f, 0x02, 0x40, 0x03, 0x40,
  0x20, 0x01, 0x20, 0x00, 0x4f, 0x0d, 0x01, 0x20, 0x02, 0x20, 0x01, 0x2d,
  0x00, 0x00, 0x6a, 0x21, 0x02, 0x20, 0x01, 0x41, 0x01, 0x6a, 0x21, 0x01,
  0x0c, 0x00, 0x0b, 0x0b, 0x20, 0x02, 0x0b, 0x09, 0x00, 0x20, 0x00, 0x20,
  0x01, 0x37, 0x03, 0x00, 0x0b, 0x07, 0x00, 0x20, 0x00, 0x29, 0x03, 0x00,
  0x0b, 0x0b, 0x00, 0x20, 0x00, 0x28, 0x02, 0xff, 0xff, 0xff, 0xff, 0x0f,
  0x0b, 0x06, 0x00, 0x20, 0x00, 0x40, 0x00, 0x0b, 0x0c, 0x00, 0x20, 0x00,
  0x10, 0x00, 0x20, 0x01, 0x2d, 0x00, 0x00, 0x6a, 0x0b, 0x04, 0x00, 0x10,
  0x01, 0x0b
};

struct Traps : ::testing::Test {
  void SetUp() override {
    linker.define_func("host", "reenter", [this](int32_t n) -> int32_t {
      auto sum = instance.typed_func<int32_t(int32_t)>("sum");
      auto r = (*sum)(store, n);
      if (!r) {
        inner_trap = r.error().trap;
        return -1;
      }
      return *r;
    });
    linker.define_func("host", "poke_guard", [this]() {
      // Host code touching the guard region: a bug of the host's, not a guest trap.
      auto mem = instance.get_export("mem");
      volatile uint8_t* p = mem->memory()->data() + mem->memory()->size_bytes();
      *p = 1;
    });
    auto m = engine.compile(trap_wasm);
    ASSERT_TRUE(m) << m.error().to_string();
    auto i = linker.instantiate(store, *m);
    ASSERT_TRUE(i) << i.error().to_string();
    instance = *i;
  }
  weft::Engine engine;
  weft::Store store{engine};
  weft::Linker linker{engine};
  weft::Instance instance;
  weft::TrapKind inner_trap = weft::TrapKind::none;
};

}  // namespace

TEST_F(Traps, a_load_past_the_end_in_a_hot_loop_traps_and_the_store_goes_on) {
  auto sum = instance.typed_func<int32_t(int32_t)>("sum");
  auto store64 = instance.typed_func<void(int32_t, int64_t)>("store64");
  ASSERT_TRUE((*store64)(store, 65528, 0x0101010101010101));
  auto ok = (*sum)(store, 65536);  // every byte of the page
  ASSERT_TRUE(ok) << ok.error().to_string();
  EXPECT_EQ(*ok, 8);
  for (int round = 0; round < 3; ++round) {
    auto r = (*sum)(store, 65537);  // one byte past the end
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, weft::ErrorKind::trap);
    EXPECT_EQ(r.error().trap, weft::TrapKind::memory_out_of_bounds);
  }
  EXPECT_EQ(*(*sum)(store, 65536), 8);
}

TEST_F(Traps, a_store_partly_past_the_end_writes_nothing) {
  auto store64 = instance.typed_func<void(int32_t, int64_t)>("store64");
  auto load64 = instance.typed_func<int64_t(int32_t)>("load64");
  ASSERT_TRUE((*store64)(store, 65528, 0x1122334455667788));
  for (int32_t at : {65529, 65532, 65535, 65536, -1}) {
    auto r = (*store64)(store, at, -1);
    ASSERT_FALSE(r) << at;
    EXPECT_EQ(r.error().trap, weft::TrapKind::memory_out_of_bounds) << at;
    EXPECT_EQ(*(*load64)(store, 65528), 0x1122334455667788) << at;
  }
}

TEST_F(Traps, the_farthest_address_traps) {
  auto load_far = instance.typed_func<int32_t(int32_t)>("load_far");
  for (int32_t a : {0, 1, 65536, -1, -16}) {
    auto r = (*load_far)(store, a);
    ASSERT_FALSE(r) << a;
    EXPECT_EQ(r.error().trap, weft::TrapKind::memory_out_of_bounds) << a;
  }
}

TEST_F(Traps, the_bounds_move_with_memory_grow) {
  auto sum = instance.typed_func<int32_t(int32_t)>("sum");
  auto grow = instance.typed_func<int32_t(int32_t)>("grow");
  EXPECT_FALSE((*sum)(store, 65537));
  EXPECT_EQ(*(*grow)(store, 1), 1);
  EXPECT_TRUE((*sum)(store, 2 * 65536));
  auto r = (*sum)(store, 2 * 65536 + 1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().trap, weft::TrapKind::memory_out_of_bounds);
  EXPECT_EQ(*(*grow)(store, 2), 2);
  EXPECT_EQ(*(*grow)(store, 1), -1);  // the declared maximum is 4 pages
  EXPECT_TRUE((*sum)(store, 4 * 65536));
  EXPECT_FALSE((*sum)(store, 4 * 65536 + 1));
}

// wasm -> host -> wasm: the inner call traps, the host function returns, and the outer
// function goes on; then the outer one traps itself.
TEST_F(Traps, a_trap_under_a_host_function_leaves_its_caller_running) {
  auto via_host = instance.typed_func<int32_t(int32_t, int32_t)>("via_host");
  auto r = (*via_host)(store, 65537, 0);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(*r, -1);
  EXPECT_EQ(inner_trap, weft::TrapKind::memory_out_of_bounds);
  auto outer = (*via_host)(store, 10, 70000);
  ASSERT_FALSE(outer);
  EXPECT_EQ(outer.error().trap, weft::TrapKind::memory_out_of_bounds);
}

TEST_F(Traps, fuel_after_a_trap_is_deterministic) {
  auto sum = instance.typed_func<int32_t(int32_t)>("sum");
  std::vector<uint64_t> left;
  for (int round = 0; round < 2; ++round) {
    store.set_fuel(uint64_t{1} << 30);
    ASSERT_FALSE((*sum)(store, 65537));
    left.push_back(*store.fuel());
  }
  EXPECT_EQ(left[0], left[1]);
  EXPECT_LT(left[0], uint64_t{1} << 30);
  // A trap consumes at most what the loop did plus the rest of its fuel slice (2^20).
  store.set_fuel(uint64_t{1} << 30);
  ASSERT_TRUE((*sum)(store, 65536));
  const uint64_t whole_run = (uint64_t{1} << 30) - *store.fuel();
  EXPECT_LE((uint64_t{1} << 30) - left[0], whole_run + (uint64_t{1} << 20));
}

TEST(TrapsAcrossThreads, each_thread_gets_its_own_traps) {
  weft::Engine engine;
  auto m = engine.compile(trap_wasm);
  ASSERT_TRUE(m) << m.error().to_string();
  std::vector<std::thread> threads;
  std::vector<int> traps(4, 0), sums(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      weft::Store store{engine};
      weft::Linker linker{engine};
      linker.define_func("host", "reenter", [](int32_t) -> int32_t { return 0; });
      linker.define_func("host", "poke_guard", [] {});
      auto i = linker.instantiate(store, *m);
      if (!i) return;
      auto sum = i->typed_func<int32_t(int32_t)>("sum");
      for (int round = 0; round < 50; ++round) {
        auto r = (*sum)(store, round % 2 ? 65537 : 65536);
        if (!r && r.error().trap == weft::TrapKind::memory_out_of_bounds) ++traps[t];
        if (r && *r == 0) ++sums[t];
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int t = 0; t < 4; ++t) {
    EXPECT_EQ(traps[t], 25) << t;
    EXPECT_EQ(sums[t], 25) << t;
  }
}

// A fault in host code, even in the guard region of the guest's memory, is the host's:
// the process dies of it as it would without weft.
// (Under AddressSanitizer, which keeps explicit bounds checks, its own handler reports the
// fault and exits: a death all the same.)
bool died_of_the_fault(int status) {
  if (weft::detail::signal_traps) return WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV;
  return WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) != 0);
}

TEST_F(Traps, a_fault_in_a_host_function_is_not_a_guest_trap) {
  auto poke = instance.typed_func<void()>("poke");
  EXPECT_EXIT((void)(*poke)(store), died_of_the_fault, "");
}

TEST_F(Traps, a_fault_outside_wasm_kills_the_process) {
  auto mem = instance.get_export("mem");
  volatile uint8_t* p = mem->memory()->data() + mem->memory()->size_bytes();
  EXPECT_EXIT(*p = 1, died_of_the_fault, "");
}
