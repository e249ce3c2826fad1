// Tests of the interpreter and of the lowering's tricky spots (deferred locals, result
// retargeting, branch value moves, multi-value, deep recursion), through the public API.
#include <gtest/gtest.h>

#include "weft/weft.hpp"

namespace {

// The module below, assembled with wat2wasm 1.0.32:
/*
(module
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  ;; iterative sum with a loop: locals retargeted, br_if back-edge
  (func (export "sum") (param $n i32) (result i64) (local $i i32) (local $acc i64)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $acc))
  ;; a deferred local.get must see the value from before the local.set
  (func (export "swap_order") (param $a i32) (param $b i32) (result i32)
    (local.get $a)
    (local.set $a (local.get $b))
    (local.get $a)
    (i32.sub))
  ;; local.tee keeps the value and writes the local
  (func (export "tee") (param $a i32) (result i32) (local $t i32)
    (i32.add (local.tee $t (i32.mul (local.get $a) (i32.const 3))) (local.get $t)))
  ;; br_table with a value to different depths
  (func (export "table") (param i32) (result i32)
    (block $a (result i32)
      (block $b (result i32)
        (block $c (result i32)
          (br_table $a $b $c (i32.const 100) (local.get 0)))
        (return (i32.add (i32.const 3))))
      (return (i32.add (i32.const 2))))
    (i32.add (i32.const 1)))
  ;; multi-value block and function results
  (func $pair (param i32) (result i32 i32) (local.get 0) (i32.add (local.get 0) (i32.const 1)))
  (func (export "multi") (param i32) (result i32)
    (local.get 0)
    (block (param i32) (result i32 i32) (call $pair))
    (i32.mul))
  ;; return of locals in swapped order (results overlap the locals)
  (func (export "swap") (param i32 i32) (result i32 i32) (local.get 1) (local.get 0))
  ;; infinite recursion traps cleanly
  (func $deep (export "deep") (param i32) (result i32) (call $deep (i32.add (local.get 0) (i32.const 1))))
  ;; br_if carrying a value out of a block, fall-through keeps the stack
  (func (export "brif") (param i32) (result i32)
    (block (result i32)
      (drop (br_if 0 (i32.const 7) (local.get 0)))
      (i32.const 9)))
  ;; select and a deferred local under a call
  (func $id (param i32) (result i32) (local.get 0))
  (func (export "sel") (param i32 i32) (result i32)
    (local.get 0)
    (local.set 0 (call $id (local.get 1)))
    (select (i32.const 1000) (local.get 0)))
  (memory 1 3)
  (func (export "mem") (param i32) (result i32)
    (i32.store (i32.const 8) (local.get 0))
    (drop (memory.grow (i32.const 1)))
    (i32.add (i32.load (i32.const 8)) (memory.size)))
  (func (export "oob") (result i32) (i32.load (i32.const 65535)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (table 2 funcref)
  (elem (i32.const 0) $id $fib)
  (type $t (func (param i32) (result i32)))
  (func (export "indirect") (param i32 i32) (result i32)
    (call_indirect (type $t) (local.get 1) (local.get 0)))
  ;; a value below a nested block stays put while the block runs
  (func (export "nested") (param i32) (result i32)
    (local.get 0)
    (block (local.set 0 (i32.const 50)))
    (local.get 0)
    (i32.add))
  ;; loop with params carrying a counter
  (func (export "loopparam") (param i32) (result i32)
    (i32.const 0)
    (loop (param i32) (result i32)
      (i32.add (i32.const 2))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if 0 (i32.gt_s (local.get 0) (i32.const 0)))))
)
*/
const uint8_t interp_wasm[] = {
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x22, 0x06, 0x60, 0x01, 0x7f, 0x01, 0x7f,
  0x60, 0x01, 0x7f, 0x01, 0x7e, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x02, 0x7f,
  0x7f, 0x60, 0x02, 0x7f, 0x7f, 0x02, 0x7f, 0x7f, 0x60, 0x00, 0x01, 0x7f, 0x03, 0x13, 0x12, 0x00,
  0x01, 0x02, 0x00, 0x00, 0x03, 0x00, 0x04, 0x00, 0x00, 0x00, 0x02, 0x00, 0x05, 0x02, 0x02, 0x00,
  0x00, 0x04, 0x04, 0x01, 0x70, 0x00, 0x02, 0x05, 0x04, 0x01, 0x01, 0x01, 0x03, 0x07, 0x7d, 0x10,
  0x03, 0x66, 0x69, 0x62, 0x00, 0x00, 0x03, 0x73, 0x75, 0x6d, 0x00, 0x01, 0x0a, 0x73, 0x77, 0x61,
  0x70, 0x5f, 0x6f, 0x72, 0x64, 0x65, 0x72, 0x00, 0x02, 0x03, 0x74, 0x65, 0x65, 0x00, 0x03, 0x05,
  0x74, 0x61, 0x62, 0x6c, 0x65, 0x00, 0x04, 0x05, 0x6d, 0x75, 0x6c, 0x74, 0x69, 0x00, 0x06, 0x04,
  0x73, 0x77, 0x61, 0x70, 0x00, 0x07, 0x04, 0x64, 0x65, 0x65, 0x70, 0x00, 0x08, 0x04, 0x62, 0x72,
  0x69, 0x66, 0x00, 0x09, 0x03, 0x73, 0x65, 0x6c, 0x00, 0x0b, 0x03, 0x6d, 0x65, 0x6d, 0x00, 0x0c,
  0x03, 0x6f, 0x6f, 0x62, 0x00, 0x0d, 0x03, 0x64, 0x69, 0x76, 0x00, 0x0e, 0x08, 0x69, 0x6e, 0x64,
  0x69, 0x72, 0x65, 0x63, 0x74, 0x00, 0x0f, 0x06, 0x6e, 0x65, 0x73, 0x74, 0x65, 0x64, 0x00, 0x10,
  0x09, 0x6c, 0x6f, 0x6f, 0x70, 0x70, 0x61, 0x72, 0x61, 0x6d, 0x00, 0x11, 0x09, 0x08, 0x01, 0x00,
  0x41, 0x00, 0x0b, 0x02, 0x0a, 0x00, 0x0a, 0xa7, 0x02, 0x12, 0x1c, 0x00, 0x20, 0x00, 0x41, 0x02,
  0x49, 0x04, 0x7f, 0x20, 0x00, 0x05, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x10, 0x00, 0x20, 0x00, 0x41,
  0x02, 0x6b, 0x10, 0x00, 0x6a, 0x0b, 0x0b, 0x26, 0x02, 0x01, 0x7f, 0x01, 0x7e, 0x02, 0x40, 0x03,
  0x40, 0x20, 0x01, 0x20, 0x00, 0x4f, 0x0d, 0x01, 0x20, 0x02, 0x20, 0x01, 0xad, 0x7c, 0x21, 0x02,
  0x20, 0x01, 0x41, 0x01, 0x6a, 0x21, 0x01, 0x0c, 0x00, 0x0b, 0x0b, 0x20, 0x02, 0x0b, 0x0b, 0x00,
  0x20, 0x00, 0x20, 0x01, 0x21, 0x00, 0x20, 0x00, 0x6b, 0x0b, 0x0e, 0x01, 0x01, 0x7f, 0x20, 0x00,
  0x41, 0x03, 0x6c, 0x22, 0x01, 0x20, 0x01, 0x6a, 0x0b, 0x20, 0x00, 0x02, 0x7f, 0x02, 0x7f, 0x02,
  0x7f, 0x41, 0xe4, 0x00, 0x20, 0x00, 0x0e, 0x02, 0x02, 0x01, 0x00, 0x0b, 0x41, 0x03, 0x6a, 0x0f,
  0x0b, 0x41, 0x02, 0x6a, 0x0f, 0x0b, 0x41, 0x01, 0x6a, 0x0b, 0x09, 0x00, 0x20, 0x00, 0x20, 0x00,
  0x41, 0x01, 0x6a, 0x0b, 0x0a, 0x00, 0x20, 0x00, 0x02, 0x03, 0x10, 0x05, 0x0b, 0x6c, 0x0b, 0x06,
  0x00, 0x20, 0x01, 0x20, 0x00, 0x0b, 0x09, 0x00, 0x20, 0x00, 0x41, 0x01, 0x6a, 0x10, 0x08, 0x0b,
  0x0e, 0x00, 0x02, 0x7f, 0x41, 0x07, 0x20, 0x00, 0x0d, 0x00, 0x1a, 0x41, 0x09, 0x0b, 0x0b, 0x04,
  0x00, 0x20, 0x00, 0x0b, 0x10, 0x00, 0x20, 0x00, 0x20, 0x01, 0x10, 0x0a, 0x21, 0x00, 0x41, 0xe8,
  0x07, 0x20, 0x00, 0x1b, 0x0b, 0x16, 0x00, 0x41, 0x08, 0x20, 0x00, 0x36, 0x02, 0x00, 0x41, 0x01,
  0x40, 0x00, 0x1a, 0x41, 0x08, 0x28, 0x02, 0x00, 0x3f, 0x00, 0x6a, 0x0b, 0x09, 0x00, 0x41, 0xff,
  0xff, 0x03, 0x28, 0x02, 0x00, 0x0b, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6d, 0x0b, 0x09, 0x00,
  0x20, 0x01, 0x20, 0x00, 0x11, 0x00, 0x00, 0x0b, 0x0e, 0x00, 0x20, 0x00, 0x02, 0x40, 0x41, 0x32,
  0x21, 0x00, 0x0b, 0x20, 0x00, 0x6a, 0x0b, 0x18, 0x00, 0x41, 0x00, 0x03, 0x00, 0x41, 0x02, 0x6a,
  0x20, 0x00, 0x41, 0x01, 0x6b, 0x21, 0x00, 0x20, 0x00, 0x41, 0x00, 0x4a, 0x0d, 0x00, 0x0b, 0x0b
};

class InterpreterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto m = engine.compile(interp_wasm);
    ASSERT_TRUE(m) << m.error().to_string();
    module.emplace(*m);
    auto i = linker.instantiate(store, *module);
    ASSERT_TRUE(i) << i.error().to_string();
    instance = *i;
  }
  int32_t call1(const char* name, int32_t a) {
    auto f = instance.typed_func<int32_t(int32_t)>(name);
    EXPECT_TRUE(f) << name;
    auto r = (*f)(store, a);
    EXPECT_TRUE(r) << name << ": " << r.error().to_string();
    return r ? *r : -1;
  }
  int32_t call2(const char* name, int32_t a, int32_t b) {
    auto f = instance.typed_func<int32_t(int32_t, int32_t)>(name);
    EXPECT_TRUE(f) << name;
    auto r = (*f)(store, a, b);
    EXPECT_TRUE(r) << name << ": " << r.error().to_string();
    return r ? *r : -1;
  }
  weft::Engine engine;
  weft::Store store{engine};
  weft::Linker linker{engine};
  std::optional<weft::Module> module;
  weft::Instance instance;
};

}  // namespace

TEST_F(InterpreterTest, recursion) {
  EXPECT_EQ(call1("fib", 0), 0);
  EXPECT_EQ(call1("fib", 1), 1);
  EXPECT_EQ(call1("fib", 20), 6765);
}

TEST_F(InterpreterTest, loop_with_retargeted_locals) {
  auto f = instance.typed_func<int64_t(int32_t)>("sum");
  ASSERT_TRUE(f);
  EXPECT_EQ(*(*f)(store, 100000), 4999950000LL);
}

TEST_F(InterpreterTest, deferred_local_get_sees_the_old_value) {
  EXPECT_EQ(call2("swap_order", 10, 3), 7);  // a - b after a := b would be 0
}

TEST_F(InterpreterTest, local_tee) { EXPECT_EQ(call1("tee", 5), 30); }

TEST_F(InterpreterTest, br_table_with_values) {
  EXPECT_EQ(call1("table", 0), 101);
  EXPECT_EQ(call1("table", 1), 102);
  EXPECT_EQ(call1("table", 2), 103);
  EXPECT_EQ(call1("table", 99), 103);
}

TEST_F(InterpreterTest, multi_value) { EXPECT_EQ(call1("multi", 6), 42); }

TEST_F(InterpreterTest, returned_locals_do_not_clobber_each_other) {
  auto f = instance.get_func("swap");
  ASSERT_TRUE(f);
  weft::Value args[] = {weft::Value::i32(1), weft::Value::i32(2)};
  auto r = f->call(store, args);
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].i32(), 2);
  EXPECT_EQ((*r)[1].i32(), 1);
}

TEST_F(InterpreterTest, deep_recursion_traps_and_the_store_stays_usable) {
  auto f = instance.typed_func<int32_t(int32_t)>("deep");
  ASSERT_TRUE(f);
  auto r = (*f)(store, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, weft::ErrorKind::trap);
  EXPECT_EQ(r.error().trap, weft::TrapKind::call_stack_exhausted);
  EXPECT_EQ(call1("fib", 10), 55);
}

TEST_F(InterpreterTest, br_if_value_and_fall_through) {
  EXPECT_EQ(call1("brif", 1), 7);
  EXPECT_EQ(call1("brif", 0), 9);
}

TEST_F(InterpreterTest, deferred_local_survives_a_call) {
  EXPECT_EQ(call2("sel", 5, 8), 5);  // select(old local 0 = 5, 1000, new local 0 = 8)
  EXPECT_EQ(call2("sel", 5, 0), 1000);
}

TEST_F(InterpreterTest, memory_grow_and_load) { EXPECT_EQ(call1("mem", 40), 42); }

TEST_F(InterpreterTest, traps_have_kinds) {
  auto oob = instance.typed_func<int32_t()>("oob");
  ASSERT_TRUE(oob);
  auto r = (*oob)(store);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().trap, weft::TrapKind::memory_out_of_bounds);
  auto div = instance.typed_func<int32_t(int32_t, int32_t)>("div");
  auto d0 = (*div)(store, 1, 0);
  ASSERT_FALSE(d0);
  EXPECT_EQ(d0.error().trap, weft::TrapKind::integer_divide_by_zero);
  auto ov = (*div)(store, INT32_MIN, -1);
  ASSERT_FALSE(ov);
  EXPECT_EQ(ov.error().trap, weft::TrapKind::integer_overflow);
  EXPECT_EQ(call2("div", -7, 2), -3);
}

TEST_F(InterpreterTest, call_indirect) {
  EXPECT_EQ(call2("indirect", 0, 9), 9);
  EXPECT_EQ(call2("indirect", 1, 9), 34);
  auto f = instance.typed_func<int32_t(int32_t, int32_t)>("indirect");
  auto r = (*f)(store, 2, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().trap, weft::TrapKind::undefined_element);
}

TEST_F(InterpreterTest, value_below_a_block_is_not_disturbed) { EXPECT_EQ(call1("nested", 7), 57); }

TEST_F(InterpreterTest, loop_parameters) { EXPECT_EQ(call1("loopparam", 5), 10); }

TEST(interpreter, host_functions_receive_arguments_and_can_trap) {
  // (module (import "env" "add" (func $add (param i32 i32) (result i32)))
  //   (func (export "f") (param i32) (result i32) (call $add (local.get 0) (i32.const 2))))
  const uint8_t wasm[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0c, 0x02,
                          0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x01, 0x7f,
                          0x02, 0x0b, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x03, 0x61, 0x64, 0x64,
                          0x00, 0x00, 0x03, 0x02, 0x01, 0x01, 0x07, 0x05, 0x01, 0x01, 0x66,
                          0x00, 0x01, 0x0a, 0x0a, 0x01, 0x08, 0x00, 0x20, 0x00, 0x41, 0x02,
                          0x10, 0x00, 0x0b};
  weft::Engine engine;
  weft::Store store(engine);
  weft::Linker linker(engine);
  linker.define_func("env", "add", [](int32_t a, int32_t b) -> weft::Result<int32_t> {
    if (a < 0) return weft::fail(weft::ErrorKind::usage, "negative input");
    return a + b;
  });
  auto m = engine.compile(wasm);
  ASSERT_TRUE(m) << m.error().to_string();
  auto inst = linker.instantiate(store, *m);
  ASSERT_TRUE(inst) << inst.error().to_string();
  auto f = inst->typed_func<int32_t(int32_t)>("f");
  ASSERT_TRUE(f);
  EXPECT_EQ(*(*f)(store, 40), 42);
  auto r = (*f)(store, -1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().trap, weft::TrapKind::host_error);
  EXPECT_NE(r.error().message.find("negative input"), std::string::npos);
}
