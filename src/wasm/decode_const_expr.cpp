// weft: constant expressions (global initializers, segment offsets, element items).
// https://webassembly.github.io/spec/core/valid/instructions.html#constant-expressions
//
// The whole expression is decoded, whatever instructions it holds, so that a malformed
// instruction is reported as malformed even after a non-constant one; then it is validated:
// every instruction constant, then exactly one value of the expected type.
#include <cstring>

#include "wasm/decoder_internal.hpp"

namespace weft::wasm::decoder {

bool feature_enabled(Feature feature, const Features& f) noexcept {
  switch (feature) {
    case Feature::mvp: return true;
    case Feature::sign_extension: return f.sign_extension;
    case Feature::saturating_float_to_int: return f.saturating_float_to_int;
    case Feature::multi_value: return f.multi_value;
    case Feature::bulk_memory: return f.bulk_memory;
    case Feature::reference_types: return f.reference_types;
    case Feature::simd: return f.simd;
  }
  return false;
}

namespace {

std::string_view feature_name(Feature feature) {
  switch (feature) {
    case Feature::mvp: return "mvp";
    case Feature::sign_extension: return "sign_extension";
    case Feature::saturating_float_to_int: return "saturating_float_to_int";
    case Feature::multi_value: return "multi_value";
    case Feature::bulk_memory: return "bulk_memory";
    case Feature::reference_types: return "reference_types";
    case Feature::simd: return "simd";
  }
  return "unknown";
}

Result<void> zero_byte(Reader& r) {
  size_t at = r.offset();
  WEFT_TRY(uint8_t b, r.u8());
  if (b != 0) return r.error_at(at, "zero byte expected: a reserved memory index must be 0x00");
  return {};
}

Result<void> u32s(Reader& r, int n) {
  for (int i = 0; i < n; ++i) WEFT_TRY_VOID(r.u32());
  return {};
}

/// Reads past the immediates of a non-constant instruction, checking their encoding.
Result<void> skip_immediates(Reader& r, Imm imm, const Features& features) {
  switch (imm) {
    case Imm::none: return {};
    case Imm::block_type: {
      WEFT_TRY_VOID(r.s33());
      return {};
    }
    case Imm::label:
    case Imm::func:
    case Imm::local:
    case Imm::global:
    case Imm::table:
    case Imm::data:
    case Imm::elem: return u32s(r, 1);
    case Imm::call_indirect:
    case Imm::memarg:
    case Imm::table_init:
    case Imm::table_copy: return u32s(r, 2);
    case Imm::label_table: {
      WEFT_TRY(uint32_t n, r.count(1));
      for (uint32_t i = 0; i < n; ++i) WEFT_TRY_VOID(r.u32());
      return u32s(r, 1);
    }
    case Imm::memory: return zero_byte(r);
    case Imm::memory_init: {
      WEFT_TRY_VOID(r.u32());
      return zero_byte(r);
    }
    case Imm::memory_copy: {
      WEFT_TRY_VOID(zero_byte(r));
      return zero_byte(r);
    }
    case Imm::i32: {
      WEFT_TRY_VOID(r.s32());
      return {};
    }
    case Imm::i64: {
      WEFT_TRY_VOID(r.s64());
      return {};
    }
    case Imm::f32: return r.skip(4);
    case Imm::f64: return r.skip(8);
    case Imm::v128:
    case Imm::shuffle: return r.skip(16);
    case Imm::lane: return r.skip(1);
    case Imm::memarg_lane: {
      WEFT_TRY_VOID(u32s(r, 2));
      return r.skip(1);
    }
    case Imm::ref_null: {
      WEFT_TRY_VOID(read_reftype(r, features));
      return {};
    }
    case Imm::select_t: {
      WEFT_TRY(uint32_t n, r.count(1));
      for (uint32_t i = 0; i < n; ++i) WEFT_TRY_VOID(read_valtype(r, features));
      return {};
    }
  }
  return {};
}

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

Result<Op> read_opcode(Reader& r, const Features& features) {
  size_t at = r.offset();
  WEFT_TRY(uint8_t b, r.u8());
  uint8_t prefix = 0;
  uint32_t code = b;
  if (b == 0xFC || b == 0xFD) {
    prefix = b;
    WEFT_TRY(code, r.u32());
  }
  std::optional<Op> op = lookup_op(prefix, code);
  std::string spelled = prefix ? hex(prefix) + " " + std::to_string(code) : hex(code);
  if (!op) return r.error_at(at, "illegal opcode " + spelled);
  Feature feature = op_info(*op).feature;
  if (!feature_enabled(feature, features))
    return r.error_at(at, "illegal opcode " + spelled + ": " + std::string(op_name(*op)) +
                              " needs the " + std::string(feature_name(feature)) + " feature");
  return *op;
}

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
