// Tests of constant expression evaluation: the 2.0 forms, and the extended-const arithmetic
// that the evaluator already handles.
#include "runtime/const_expr.hpp"

#include <gtest/gtest.h>

using weft::ValType;
using weft::detail::ConstValue;
using weft::detail::eval_const;
using weft::detail::FuncInst;
using weft::detail::GlobalInst;
using weft::detail::InstanceImpl;
using weft::wasm::ConstExpr;
using weft::wasm::ConstInstr;
using weft::wasm::Op;

namespace {

ConstInstr instr(Op op, uint64_t value = 0, ValType type = ValType::i32) {
  ConstInstr in;
  in.op = op;
  in.value = value;
  in.type = type;
  return in;
}

ConstExpr expr(std::vector<ConstInstr> instrs) {
  ConstExpr e;
  e.instrs = std::move(instrs);
  e.offset = 0x42;
  return e;
}

ConstValue eval_ok(const ConstExpr& e, const InstanceImpl& inst = InstanceImpl{}) {
  auto r = eval_const(e, inst);
  EXPECT_TRUE(r.has_value()) << r.error().to_string();
  return r.has_value() ? *r : ConstValue{};
}

}  // namespace

TEST(const_expr, constants_keep_their_bits) {
  ConstValue a = eval_ok(expr({instr(Op::i32_const, 0xFFFFFFFFu)}));
  EXPECT_EQ(a.type, ValType::i32);
  EXPECT_EQ(a.bits[0], 0xFFFFFFFFu);  // zero-extended
  ConstValue b = eval_ok(expr({instr(Op::i64_const, 0x8000000000000001u)}));
  EXPECT_EQ(b.type, ValType::i64);
  EXPECT_EQ(b.bits[0], 0x8000000000000001u);
  EXPECT_EQ(eval_ok(expr({instr(Op::f32_const, 0x3FC00000u)})).bits[0], 0x3FC00000u);
  EXPECT_EQ(eval_ok(expr({instr(Op::f64_const, 0x4002000000000000u)})).type, ValType::f64);
}

TEST(const_expr, references_and_globals_come_from_the_instance) {
  FuncInst f0, f1;
  GlobalInst g;
  g.type = weft::GlobalType{ValType::i64, false};
  g.value[0] = 77;
  InstanceImpl inst;
  inst.funcs = {&f0, &f1};
  inst.globals = {&g};

  ConstValue null = eval_ok(expr({instr(Op::ref_null, 0, ValType::externref)}), inst);
  EXPECT_EQ(null.type, ValType::externref);
  EXPECT_EQ(null.bits[0], 0u);
  ConstValue ref = eval_ok(expr({instr(Op::ref_func, 1)}), inst);
  EXPECT_EQ(ref.type, ValType::funcref);
  EXPECT_EQ(ref.bits[0], reinterpret_cast<uintptr_t>(&f1));
  ConstValue got = eval_ok(expr({instr(Op::global_get, 0)}), inst);
  EXPECT_EQ(got.type, ValType::i64);
  EXPECT_EQ(got.bits[0], 77u);
}

TEST(const_expr, extended_const_arithmetic_wraps) {
  ConstValue sum = eval_ok(
      expr({instr(Op::i32_const, 0xFFFFFFFFu), instr(Op::i32_const, 2), instr(Op::i32_add)}));
  EXPECT_EQ(sum.type, ValType::i32);
  EXPECT_EQ(sum.bits[0], 1u);
  ConstValue diff =
      eval_ok(expr({instr(Op::i32_const, 0), instr(Op::i32_const, 1), instr(Op::i32_sub)}));
  EXPECT_EQ(diff.bits[0], 0xFFFFFFFFu);
  ConstValue prod =
      eval_ok(expr({instr(Op::i64_const, 3), instr(Op::i64_const, 5), instr(Op::i64_mul),
                    instr(Op::i64_const, 1), instr(Op::i64_sub)}));
  EXPECT_EQ(prod.type, ValType::i64);
  EXPECT_EQ(prod.bits[0], 14u);
}

TEST(const_expr, malformed_expressions_are_errors_not_crashes) {
  InstanceImpl inst;
  for (const ConstExpr& e : {expr({}), expr({instr(Op::i32_const, 1), instr(Op::i32_const, 2)}),
                             expr({instr(Op::i32_const, 1), instr(Op::i32_add)}),
                             expr({instr(Op::i32_const, 1), instr(Op::i32_eqz)}),
                             expr({instr(Op::ref_func, 0)}), expr({instr(Op::global_get, 3)})}) {
    auto r = eval_const(e, inst);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().kind, weft::ErrorKind::invalid);
    EXPECT_EQ(r.error().offset, 0x42u);
  }
}

TEST(const_expr, v128_const_uses_both_words) {
  auto op = weft::wasm::lookup_op(0xFD, 12);
  if (!op) GTEST_SKIP() << "the opcode table has no v128.const";
  ConstInstr in = instr(*op);
  for (uint8_t i = 0; i < 16; ++i) in.v128.bytes[i] = i;
  ConstValue v = eval_ok(expr({in}));
  EXPECT_EQ(v.type, ValType::v128);
  EXPECT_EQ(v.bits[0], 0x0706050403020100u);
  EXPECT_EQ(v.bits[1], 0x0F0E0D0C0B0A0908u);
}
