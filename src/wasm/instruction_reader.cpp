// weft: reading instructions: opcodes with their feature checks, and immediates.
#include "wasm/instruction_reader.hpp"

#include <cstdio>
#include <optional>
#include <string>

namespace weft::wasm {

namespace {
std::string hex_byte(uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%02llx", static_cast<unsigned long long>(value));
  return buf;
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

}  // namespace

Result<void> skip_immediates(Reader& r, Imm imm, const Features& features) {
  switch (imm) {
    case Imm::none: return {};
    case Imm::block_type: {
      if (r.at_end()) return r.error("unexpected end");
      uint8_t b = *r.position();
      if (b == 0x40) return r.skip(1);
      if (is_valtype_byte(b)) {
        WEFT_TRY_VOID(read_valtype(r, features));
        return {};
      }
      size_t at = r.offset();
      WEFT_TRY(int64_t index, r.s33());
      if (index < 0) return r.error_at(at, "malformed block type");
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

std::string_view feature_name(Feature feature) noexcept {
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
  // Spelled only for an error: formatting it for every instruction read was a quarter of
  // the compile time.
  auto spelled = [&] { return prefix ? hex_byte(prefix) + " " + std::to_string(code) : hex_byte(code); };
  if (!op) return r.error_at(at, "illegal opcode " + spelled());
  Feature feature = op_info(*op).feature;
  if (!feature_enabled(feature, features))
    return r.error_at(at, "illegal opcode " + spelled() + ": " + std::string(op_name(*op)) +
                              " needs the " + std::string(feature_name(feature)) + " feature");
  return *op;
}

Result<ValType> read_valtype(Reader& r, const Features& features) {
  size_t at = r.offset();
  WEFT_TRY(uint8_t b, r.u8());
  switch (b) {
    case 0x7F: return ValType::i32;
    case 0x7E: return ValType::i64;
    case 0x7D: return ValType::f32;
    case 0x7C: return ValType::f64;
    case 0x7B:
      if (features.simd) return ValType::v128;
      return r.error_at(at, "malformed value type: v128 (0x7b) needs the simd feature");
    case 0x70:
    case 0x6F:
      if (features.reference_types) return static_cast<ValType>(b);
      return r.error_at(
          at, "malformed value type: " + std::string(valtype_name(static_cast<ValType>(b))) +
                  " needs the reference_types feature");
  }
  return r.error_at(at, "malformed value type " + hex_byte(b));
}

Result<ValType> read_reftype(Reader& r, const Features& features) {
  size_t at = r.offset();
  WEFT_TRY(uint8_t b, r.u8());
  if (b == 0x70) return ValType::funcref;
  if (b == 0x6F) {
    if (features.reference_types) return ValType::externref;
    return r.error_at(at, "malformed reference type: externref needs the reference_types feature");
  }
  return r.error_at(
      at, "malformed reference type " + hex_byte(b) + ": expected 0x70 (funcref) or 0x6f (externref)");
}

}  // namespace weft::wasm
