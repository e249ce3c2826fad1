// weft: evaluation of constant expressions.
//
// WebAssembly 2.0 allows exactly one instruction, but the evaluator is a small stack
// machine so that the extended-const proposal (i32/i64 add, sub, mul) fits without changes
// to its callers; those three are evaluated already.
#include "runtime/const_expr.hpp"

#include <cstring>
#include <string>

namespace weft::detail {

namespace {

/// The operand stack of one expression; extended-const expressions stay tiny.
constexpr size_t max_depth = 64;

Failure bad_expr(const wasm::ConstExpr& expr, const std::string& why) {
  return fail(ErrorKind::invalid, "constant expression: " + why, expr.offset);
}

ConstValue scalar(ValType type, uint64_t bits) {
  ConstValue v;
  v.type = type;
  v.bits[0] = bits;
  return v;
}

/// v128.const is looked up by its encoding, so that this file does not depend on whether
/// the SIMD part of the opcode table names it.
bool is_v128_const(wasm::Op op) {
  static const std::optional<wasm::Op> v128_const = wasm::lookup_op(0xFD, 12);
  return v128_const && *v128_const == op;
}

/// i32/i64 add, sub and mul of extended-const, with wasm's wrapping arithmetic.
std::optional<uint64_t> arith(wasm::Op op, uint64_t a, uint64_t b) {
  switch (op) {
    case wasm::Op::i32_add: return static_cast<uint32_t>(a + b);
    case wasm::Op::i32_sub: return static_cast<uint32_t>(a - b);
    case wasm::Op::i32_mul: return static_cast<uint32_t>(a * b);
    case wasm::Op::i64_add: return a + b;
    case wasm::Op::i64_sub: return a - b;
    case wasm::Op::i64_mul: return a * b;
    default: return std::nullopt;
  }
}

ValType arith_type(wasm::Op op) {
  switch (op) {
    case wasm::Op::i32_add:
    case wasm::Op::i32_sub:
    case wasm::Op::i32_mul: return ValType::i32;
    default: return ValType::i64;
  }
}

}  // namespace

Result<ConstValue> eval_const(const wasm::ConstExpr& expr, const InstanceImpl& instance) {
  ConstValue stack[max_depth];
  size_t depth = 0;
  for (const wasm::ConstInstr& in : expr.instrs) {
    ConstValue v;
    switch (in.op) {
      case wasm::Op::i32_const: v = scalar(ValType::i32, static_cast<uint32_t>(in.value)); break;
      case wasm::Op::i64_const: v = scalar(ValType::i64, in.value); break;
      case wasm::Op::f32_const: v = scalar(ValType::f32, static_cast<uint32_t>(in.value)); break;
      case wasm::Op::f64_const: v = scalar(ValType::f64, in.value); break;
      case wasm::Op::ref_null: v = scalar(in.type, 0); break;
      case wasm::Op::ref_func:
        if (in.value >= instance.funcs.size()) return bad_expr(expr, "unknown function");
        v = scalar(ValType::funcref, reinterpret_cast<uintptr_t>(instance.funcs[in.value]));
        break;
      case wasm::Op::global_get: {
        if (in.value >= instance.globals.size() || instance.globals[in.value] == nullptr)
          return bad_expr(expr, "unknown global " + std::to_string(in.value));
        const GlobalInst& g = *instance.globals[in.value];
        v.type = g.type.type;
        v.bits[0] = g.value[0];
        v.bits[1] = g.value[1];
        break;
      }
      default:
        if (is_v128_const(in.op)) {
          v.type = ValType::v128;
          std::memcpy(v.bits, in.v128.bytes, 16);
          break;
        }
        if (!arith(in.op, 0, 0))
          return bad_expr(expr, std::string(wasm::op_name(in.op)) + " is not constant");
        if (depth < 2)
          return bad_expr(expr, "operand missing for " + std::string(wasm::op_name(in.op)));
        v = scalar(arith_type(in.op),
                   *arith(in.op, stack[depth - 2].bits[0], stack[depth - 1].bits[0]));
        depth -= 2;
        break;
    }
    if (depth == max_depth) return bad_expr(expr, "too deep");
    stack[depth++] = v;
  }
  if (depth != 1) return bad_expr(expr, "expected one value, found " + std::to_string(depth));
  return stack[0];
}

}  // namespace weft::detail
