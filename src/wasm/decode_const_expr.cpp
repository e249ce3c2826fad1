// weft: constant expressions (global initializers, segment offsets, element items).
// https://webassembly.github.io/spec/core/valid/instructions.html#constant-expressions
//
// The whole expression is decoded, whatever instructions it holds, so that a malformed
// instruction is reported as malformed even after a non-constant one; then it is validated:
// every instruction constant, then exactly one value of the expected type.
#include <cstring>

#include "wasm/decoder_internal.hpp"

namespace weft::wasm::decoder {

namespace {

/// Decodes the immediate of a constant instruction; false if `op` is not constant.
Result<bool> read_const_instr(Reader& r, Op op, const Features& features, ConstInstr& out) {
  out.op = op;
  switch (op) {
    case Op::i32_const: {
      WEFT_TRY(int32_t v, r.s32());
      out.type = ValType::i32;
      out.value = static_cast<uint32_t>(v);
      return true;
    }
    case Op::i64_const: {
      WEFT_TRY(int64_t v, r.s64());
      out.type = ValType::i64;
      out.value = static_cast<uint64_t>(v);
      return true;
    }
    case Op::f32_const: {
      WEFT_TRY(out.value, r.f32_bits());
      out.type = ValType::f32;
      return true;
    }
    case Op::f64_const: {
      WEFT_TRY(out.value, r.f64_bits());
      out.type = ValType::f64;
      return true;
    }
    case Op::v128_const: {
      WEFT_TRY(auto bytes, r.bytes(16));
      std::memcpy(out.v128.bytes, bytes.data(), 16);
      out.type = ValType::v128;
      return true;
    }
    case Op::ref_null: {
      WEFT_TRY(out.type, read_reftype(r, features));
      return true;
    }
    case Op::ref_func: {
      WEFT_TRY(out.value, r.u32());
      out.type = ValType::funcref;
      return true;
    }
    case Op::global_get: {
      WEFT_TRY(out.value, r.u32());
      return true;  // the type is the global's, known when validating
    }
    default: return false;
  }
}

/// Validates the instructions of a constant expression whose instructions are all constant.
void validate_const_expr(ConstExpr& e, const std::vector<size_t>& offsets, Context& ctx,
                         ValType expected, std::string_view what) {
  const Module& m = ctx.module;
  for (size_t i = 0; i < e.instrs.size(); ++i) {
    ConstInstr& in = e.instrs[i];
    if (in.op == Op::global_get) {
      if (in.value >= m.imported_globals) {
        ctx.invalid(offsets[i], "unknown global " + std::to_string(in.value) + ": " +
                                    std::string(what) + " may only read imported globals (" +
                                    std::to_string(m.imported_globals) + " here)");
        return;
      }
      const GlobalType& g = m.global_types[in.value];
      if (g.mutable_) {
        ctx.invalid(offsets[i], "constant expression required: " + std::string(what) +
                                    " reads mutable global " + std::to_string(in.value));
        return;
      }
      in.type = g.type;
    } else if (in.op == Op::ref_func && in.value >= m.func_types.size()) {
      ctx.invalid(offsets[i], "unknown function " + std::to_string(in.value) + " in " +
                                  std::string(what) + " (the module has " +
                                  std::to_string(m.func_types.size()) + " functions)");
      return;
    }
  }
  if (e.instrs.size() != 1) {
    ctx.invalid(e.offset, "type mismatch: " + std::string(what) + " must produce one " +
                              std::string(valtype_name(expected)) + " but produces " +
                              std::to_string(e.instrs.size()) + " values");
    return;
  }
  if (e.instrs[0].type != expected)
    ctx.invalid(e.offset, "type mismatch: " + std::string(what) + " has type " +
                              std::string(valtype_name(e.instrs[0].type)) + ", expected " +
                              std::string(valtype_name(expected)));
}

}  // namespace

Result<ConstExpr> decode_const_expr(Reader& r, Context& ctx, ValType expected,
                                    std::string_view what) {
  ConstExpr e;
  e.offset = r.offset();
  std::vector<size_t> offsets;
  std::optional<Op> non_const;
  size_t non_const_at = 0;
  uint32_t depth = 0;  // blocks opened by non-constant instructions, to find the final `end`
  for (;;) {
    size_t at = r.offset();
    WEFT_TRY(Op op, read_opcode(r, ctx.features));
    if (op == Op::end) {
      if (depth == 0) break;
      --depth;
      continue;
    }
    ConstInstr in;
    WEFT_TRY(bool constant, read_const_instr(r, op, ctx.features, in));
    if (constant) {
      e.instrs.push_back(in);
      offsets.push_back(at);
      continue;
    }
    if (!non_const) {
      non_const = op;
      non_const_at = at;
    }
    WEFT_TRY_VOID(skip_immediates(r, op_info(op).imm, ctx.features));
    if (op == Op::block || op == Op::loop || op == Op::if_) ++depth;
  }
  if (non_const)
    ctx.invalid(non_const_at, "constant expression required: " + std::string(what) + " contains " +
                                  std::string(op_name(*non_const)) +
                                  "; only t.const, ref.null, ref.func and global.get are allowed");
  else
    validate_const_expr(e, offsets, ctx, expected, what);
  return e;
}

}  // namespace weft::wasm::decoder
