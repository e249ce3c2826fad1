// weft: a decode-only pass over function bodies.
#include "wasm/body_scanner.hpp"

#include "wasm/reader.hpp"

namespace weft::wasm {

namespace {

Result<void> zero_byte(Reader& r) {
  WEFT_TRY(uint8_t b, r.u8());
  if (b != 0) return r.error("zero byte expected");
  return {};
}

Result<void> skip_immediates(Reader& r, Imm imm) {
  switch (imm) {
    case Imm::none: return {};
    case Imm::block_type: {
      if (r.at_end()) return r.error("unexpected end");
      uint8_t b = *r.position();
      if (b == 0x40 || is_valtype_byte(b)) return r.skip(1);
      WEFT_TRY(int64_t index, r.s33());
      if (index < 0) return r.error("malformed block type");
      return {};
    }
    case Imm::label:
    case Imm::func:
    case Imm::local:
    case Imm::global:
    case Imm::table:
    case Imm::data:
    case Imm::elem: {
      WEFT_TRY_VOID(r.u32());
      return {};
    }
    case Imm::label_table: {
      WEFT_TRY(uint32_t n, r.count(1));
      for (uint64_t i = 0; i <= n; ++i) WEFT_TRY_VOID(r.u32());
      return {};
    }
    case Imm::call_indirect:
    case Imm::table_init:
    case Imm::table_copy:
    case Imm::memarg: {
      WEFT_TRY_VOID(r.u32());
      WEFT_TRY_VOID(r.u32());
      return {};
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
      WEFT_TRY_VOID(r.u32());
      WEFT_TRY_VOID(r.u32());
      return r.skip(1);
    }
    case Imm::ref_null: {
      WEFT_TRY(uint8_t b, r.u8());
      if (b != 0x70 && b != 0x6F) return r.error("malformed reference type");
      return {};
    }
    case Imm::select_t: {
      WEFT_TRY(uint32_t n, r.count(1));
      for (uint32_t i = 0; i < n; ++i) {
        WEFT_TRY(uint8_t b, r.u8());
        if (!is_valtype_byte(b)) return r.error("malformed value type");
      }
      return {};
    }
  }
  return {};
}

}  // namespace

Result<void> scan_body_syntax(const Module& module, const FunctionBody& body) {
  Reader r(std::span<const uint8_t>(module.bytes.data() + body.code_offset,
                                    body.end_offset - body.code_offset),
           body.code_offset);
  uint64_t depth = 1;  // the function's own block
  while (depth > 0) {
    size_t at = r.offset();
    WEFT_TRY(uint8_t b, r.u8());
    uint8_t prefix = 0;
    uint32_t code = b;
    if (b == 0xFC || b == 0xFD) {
      prefix = b;
      WEFT_TRY(code, r.u32());
    }
    auto op = lookup_op(prefix, code);
    if (!op) return r.error_at(at, "illegal opcode");
    WEFT_TRY_VOID(skip_immediates(r, op_info(*op).imm));
    if (*op == Op::block || *op == Op::loop || *op == Op::if_) ++depth;
    if (*op == Op::end) --depth;
  }
  if (!r.at_end()) return r.error("section size mismatch: bytes after the function's end");
  return {};
}

}  // namespace weft::wasm
