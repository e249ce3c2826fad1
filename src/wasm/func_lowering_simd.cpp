// weft: validation and lowering of the special SIMD instructions: v128.const, shuffle, lane
// extraction and replacement, lane loads and stores. The simple, load and store SIMD
// instructions go through lower_generic like the scalar ones.
#include <cstring>

#include "wasm/func_lowering.hpp"

namespace weft::wasm {

using interp::IOp;

namespace {

/// The lane width in bytes of a lane instruction.
uint32_t lane_bytes(Op op) {
  switch (op) {
    case Op::i8x16_extract_lane_s:
    case Op::i8x16_extract_lane_u:
    case Op::i8x16_replace_lane:
    case Op::v128_load8_lane:
    case Op::v128_store8_lane: return 1;
    case Op::i16x8_extract_lane_s:
    case Op::i16x8_extract_lane_u:
    case Op::i16x8_replace_lane:
    case Op::v128_load16_lane:
    case Op::v128_store16_lane: return 2;
    case Op::i32x4_extract_lane:
    case Op::i32x4_replace_lane:
    case Op::f32x4_extract_lane:
    case Op::f32x4_replace_lane:
    case Op::v128_load32_lane:
    case Op::v128_store32_lane: return 4;
    default: return 8;
  }
}

IOp lane_get_op(Op op) {
  switch (op) {
    case Op::i8x16_extract_lane_s: return IOp::lane_get8_s;
    case Op::i8x16_extract_lane_u: return IOp::lane_get8_u;
    case Op::i16x8_extract_lane_s: return IOp::lane_get16_s;
    case Op::i16x8_extract_lane_u: return IOp::lane_get16_u;
    case Op::i32x4_extract_lane:
    case Op::f32x4_extract_lane: return IOp::lane_get32;
    default: return IOp::lane_get64;
  }
}

IOp by_width(uint32_t bytes, IOp w1, IOp w2, IOp w4, IOp w8) {
  switch (bytes) {
    case 1: return w1;
    case 2: return w2;
    case 4: return w4;
    default: return w8;
  }
}

}  // namespace

Result<void> FuncLowering::lower_simd(Op op) {
  const OpInfo& info = op_info(op);
  const SigInfo& sig = sig_info(info.sig);
  auto invalid_lane = [&](uint32_t lane) {
    return invalid("invalid lane index " + std::to_string(lane) + " for " + std::string(info.text));
  };

  if (op == Op::v128_const) {
    WEFT_TRY(std::span<const uint8_t> bytes, m_reader.bytes(16));
    uint32_t words[4];
    std::memcpy(words, bytes.data(), 16);
    push(ValType::v128);
    emit_op(IOp::const128);
    size_t dst_field = m_code.size();
    emit_slot(m_stack.back().home);
    for (uint32_t w : words) emit_u32(w);
    mark_producer(dst_field);
    return {};
  }

  if (op == Op::i8x16_shuffle) {
    WEFT_TRY(std::span<const uint8_t> lanes, m_reader.bytes(16));
    for (uint8_t l : lanes)
      if (l >= 32) return invalid_lane(l);
    uint32_t words[4];
    std::memcpy(words, lanes.data(), 16);
    WEFT_TRY(StackEntry b, pop(ValType::v128));
    WEFT_TRY(StackEntry a, pop(ValType::v128));
    push(ValType::v128);
    emit_op(IOp::shuffle);
    size_t dst_field = m_code.size();
    emit_slot(m_stack.back().home);
    emit_slot(a.src);
    emit_slot(b.src);
    for (uint32_t w : words) emit_u32(w);
    mark_producer(dst_field);
    return {};
  }

  const uint32_t width = lane_bytes(op);
  const uint32_t lane_count = 16 / width;

  if (info.imm == Imm::lane) {
    WEFT_TRY(uint8_t lane, m_reader.u8());
    if (lane >= lane_count) return invalid_lane(lane);
    if (sig.param_count == 1) {  // extract_lane: v128 -> scalar
      WEFT_TRY(StackEntry v, pop(ValType::v128));
      push(sig.result);
      emit_op(lane_get_op(op));
      size_t dst_field = m_code.size();
      emit_slot(m_stack.back().home);
      emit_slot(v.src);
      emit_u32(lane * width);
      mark_producer(dst_field);
      return {};
    }
    // replace_lane: v128 scalar -> v128
    WEFT_TRY(StackEntry x, pop(sig.params[1]));
    WEFT_TRY(StackEntry v, pop(ValType::v128));
    push(ValType::v128);
    emit_op(by_width(width, IOp::lane_set8, IOp::lane_set16, IOp::lane_set32, IOp::lane_set64));
    size_t dst_field = m_code.size();
    emit_slot(m_stack.back().home);
    emit_slot(v.src);
    emit_u32(lane * width);
    emit_slot(x.src);
    mark_producer(dst_field);
    return {};
  }

  if (info.imm == Imm::memarg_lane) {
    WEFT_TRY(uint32_t align, m_reader.u32());
    WEFT_TRY(uint32_t offset, m_reader.u32());
    WEFT_TRY(uint8_t lane, m_reader.u8());
    WEFT_TRY_VOID(need_memory(0));
    if (align > natural_alignment(op))
      return invalid("alignment must not be larger than natural: 2^" + std::to_string(align) +
                     " for " + std::string(info.text));
    if (lane >= lane_count) return invalid_lane(lane);
    WEFT_TRY(StackEntry v, pop(ValType::v128));
    WEFT_TRY(StackEntry addr, pop(ValType::i32));
    if (sig.has_result) {  // load lane
      push(ValType::v128);
      emit_op(
          by_width(width, IOp::load8_lane, IOp::load16_lane, IOp::load32_lane, IOp::load64_lane));
      size_t dst_field = m_code.size();
      emit_slot(m_stack.back().home);
      emit_slot(addr.src);
      emit_slot(v.src);
      emit_u32(offset);
      emit_u32(lane * width);
      mark_producer(dst_field);
    } else {
      emit_op(by_width(width, IOp::store8_lane, IOp::store16_lane, IOp::store32_lane,
                       IOp::store64_lane));
      emit_slot(addr.src);
      emit_slot(v.src);
      emit_u32(offset);
      emit_u32(lane * width);
    }
    return {};
  }
  return invalid(std::string(info.text) + " is not a special SIMD instruction");
}

}  // namespace weft::wasm
