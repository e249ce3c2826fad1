// weft: evaluation of constant expressions (global initializers, segment offsets and items).
// https://webassembly.github.io/spec/core/valid/instructions.html#constant-expressions
#pragma once

#include <cstdint>

#include "runtime/objects.hpp"
#include "wasm/module.hpp"

namespace weft::detail {

/// The value of a constant expression in the runtime's representation: i32 and f32 are
/// zero-extended, references are the pointer bits, a v128 takes both words.
struct ConstValue {
  ValType type = ValType::i32;
  uint64_t bits[2] = {0, 0};
};

/// Evaluates `expr` in the context of `instance`: ref.func names instance.funcs, global.get
/// reads instance.globals (which must already hold the globals it refers to). The validator
/// has checked the expression, so an error here means the two disagree (kind invalid).
Result<ConstValue> eval_const(const wasm::ConstExpr& expr, const InstanceImpl& instance);

}  // namespace weft::detail
