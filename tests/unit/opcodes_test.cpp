// Tests of the opcode table: lookups round-trip and alignments follow the access width.
#include "wasm/opcodes.hpp"

#include <gtest/gtest.h>

using namespace weft::wasm;

TEST(opcodes, lookup_round_trips_every_instruction) {
  for (size_t i = 0; i < op_count; ++i) {
    Op op = static_cast<Op>(i);
    const OpInfo& info = op_info(op);
    auto found = lookup_op(info.prefix, info.code);
    ASSERT_TRUE(found.has_value()) << info.text;
    EXPECT_EQ(*found, op) << info.text;
  }
}

TEST(opcodes, unknown_opcodes_are_not_found) {
  EXPECT_FALSE(lookup_op(0, 0x06).has_value());
  EXPECT_FALSE(lookup_op(0, 0xFF).has_value());
  EXPECT_FALSE(lookup_op(0xFC, 18).has_value());
  EXPECT_FALSE(lookup_op(0xFC, 1000).has_value());
}

TEST(opcodes, natural_alignment_follows_access_width) {
  EXPECT_EQ(natural_alignment(Op::i32_load), 2u);
  EXPECT_EQ(natural_alignment(Op::i64_load), 3u);
  EXPECT_EQ(natural_alignment(Op::i32_load8_u), 0u);
  EXPECT_EQ(natural_alignment(Op::i64_load16_s), 1u);
  EXPECT_EQ(natural_alignment(Op::i64_load32_u), 2u);
  EXPECT_EQ(natural_alignment(Op::i64_store32), 2u);
  EXPECT_EQ(natural_alignment(Op::f64_store), 3u);
  EXPECT_EQ(natural_alignment(Op::i32_store16), 1u);
}

TEST(opcodes, names_are_the_spec_spelling) {
  EXPECT_EQ(op_name(Op::i32_add), "i32.add");
  EXPECT_EQ(op_name(Op::memory_grow), "memory.grow");
  EXPECT_EQ(op_name(Op::i64_trunc_sat_f64_u), "i64.trunc_sat_f64_u");
}

// SIMD (prefix 0xFD): the final WebAssembly 2.0 numbering, checked against wabt 1.0.32.

TEST(opcodes, simd_lookups_use_the_final_numbering) {
  EXPECT_EQ(lookup_op(0xFD, 0), Op::v128_load);
  EXPECT_EQ(lookup_op(0xFD, 11), Op::v128_store);
  EXPECT_EQ(lookup_op(0xFD, 12), Op::v128_const);
  EXPECT_EQ(lookup_op(0xFD, 13), Op::i8x16_shuffle);
  EXPECT_EQ(lookup_op(0xFD, 14), Op::i8x16_swizzle);
  EXPECT_EQ(lookup_op(0xFD, 15), Op::i8x16_splat);
  EXPECT_EQ(lookup_op(0xFD, 34), Op::f64x2_replace_lane);
  EXPECT_EQ(lookup_op(0xFD, 76), Op::f64x2_ge);
  EXPECT_EQ(lookup_op(0xFD, 82), Op::v128_bitselect);
  EXPECT_EQ(lookup_op(0xFD, 83), Op::v128_any_true);
  EXPECT_EQ(lookup_op(0xFD, 84), Op::v128_load8_lane);
  EXPECT_EQ(lookup_op(0xFD, 91), Op::v128_store64_lane);
  EXPECT_EQ(lookup_op(0xFD, 93), Op::v128_load64_zero);
  EXPECT_EQ(lookup_op(0xFD, 94), Op::f32x4_demote_f64x2_zero);
  EXPECT_EQ(lookup_op(0xFD, 95), Op::f64x2_promote_low_f32x4);
  EXPECT_EQ(lookup_op(0xFD, 130), Op::i16x8_q15mulr_sat_s);
  EXPECT_EQ(lookup_op(0xFD, 155), Op::i16x8_avgr_u);
  EXPECT_EQ(lookup_op(0xFD, 186), Op::i32x4_dot_i16x8_s);
  EXPECT_EQ(lookup_op(0xFD, 214), Op::i64x2_eq);
  EXPECT_EQ(lookup_op(0xFD, 235), Op::f32x4_pmax);
  EXPECT_EQ(lookup_op(0xFD, 248), Op::i32x4_trunc_sat_f32x4_s);
  EXPECT_EQ(lookup_op(0xFD, 253), Op::i32x4_trunc_sat_f64x2_u_zero);
  EXPECT_EQ(lookup_op(0xFD, 255), Op::f64x2_convert_low_i32x4_u);
  // A multi-byte LEB128 code decodes to the same u32: 0xFD 0x80 0x01 is code 128.
  EXPECT_EQ(lookup_op(0xFD, 128), Op::i16x8_abs);
}

TEST(opcodes, simd_gaps_and_relaxed_simd_are_not_found) {
  for (uint32_t code : {154u, 162u, 165u, 166u, 175u, 176u, 178u, 179u, 180u, 187u,
                        194u, 197u, 198u, 207u, 208u, 210u, 211u, 212u, 226u, 238u}) {
    EXPECT_FALSE(lookup_op(0xFD, code).has_value()) << code;
  }
  EXPECT_FALSE(lookup_op(0xFD, 256).has_value());  // i8x16.relaxed_swizzle, not in 2.0
  EXPECT_FALSE(lookup_op(0xFD, 511).has_value());
  EXPECT_FALSE(lookup_op(0xFD, 512).has_value());
  EXPECT_FALSE(lookup_op(0xFD, 0xFFFFFFFFu).has_value());
}

TEST(opcodes, simd_table_is_complete_and_consistent) {
  size_t simd = 0;
  for (size_t i = 0; i < op_count; ++i) {
    const Op op = static_cast<Op>(i);
    const OpInfo& info = op_info(op);
    EXPECT_EQ(info.prefix == 0xFD, info.feature == Feature::simd) << info.text;
    if (info.prefix != 0xFD) continue;
    ++simd;
    EXPECT_LT(info.code, 256u) << info.text;
    // The immediate decides the kind: memarg -> load/store, other immediates -> special.
    if (info.imm == Imm::memarg) {
      EXPECT_TRUE(info.kind == OpKind::load || info.kind == OpKind::store) << info.text;
    } else if (info.imm == Imm::none) {
      EXPECT_EQ(info.kind, OpKind::simple) << info.text;
    } else {
      EXPECT_EQ(info.kind, OpKind::special) << info.text;
    }
    // Every SIMD instruction except v128.const takes or gives a v128.
    if (op == Op::v128_const) continue;
    const SigInfo& sig = sig_info(info.sig);
    bool has_v128 = sig.has_result && sig.result == weft::ValType::v128;
    for (uint8_t p = 0; p < sig.param_count; ++p) has_v128 |= sig.params[p] == weft::ValType::v128;
    EXPECT_TRUE(has_v128) << info.text;
  }
  EXPECT_EQ(simd, 236u);
}

TEST(opcodes, simd_signatures) {
  auto sig = [](Op op) { return op_info(op).sig; };
  EXPECT_EQ(sig(Op::v128_load), Sig::i_v);
  EXPECT_EQ(sig(Op::v128_load32_zero), Sig::i_v);
  EXPECT_EQ(sig(Op::v128_store), Sig::iv_);
  EXPECT_EQ(sig(Op::v128_load16_lane), Sig::iv_v);
  EXPECT_EQ(sig(Op::v128_store16_lane), Sig::iv_);
  EXPECT_EQ(sig(Op::i8x16_shuffle), Sig::vv_v);
  EXPECT_EQ(sig(Op::i64x2_splat), Sig::l_v);
  EXPECT_EQ(sig(Op::f32x4_splat), Sig::f_v);
  EXPECT_EQ(sig(Op::i8x16_extract_lane_s), Sig::v_i);
  EXPECT_EQ(sig(Op::f64x2_extract_lane), Sig::v_d);
  EXPECT_EQ(sig(Op::i64x2_replace_lane), Sig::vl_v);
  EXPECT_EQ(sig(Op::v128_bitselect), Sig::vvv_v);
  EXPECT_EQ(sig(Op::i32x4_shl), Sig::vi_v);
  EXPECT_EQ(sig(Op::i64x2_shr_u), Sig::vi_v);
  EXPECT_EQ(sig(Op::v128_any_true), Sig::v_i);
  EXPECT_EQ(sig(Op::i16x8_bitmask), Sig::v_i);
  EXPECT_EQ(sig(Op::f32x4_convert_i32x4_u), Sig::v_v);
  EXPECT_EQ(sig(Op::i32x4_dot_i16x8_s), Sig::vv_v);
  EXPECT_EQ(op_info(Op::v128_load8_lane).imm, Imm::memarg_lane);
  EXPECT_EQ(op_info(Op::i16x8_replace_lane).imm, Imm::lane);
  EXPECT_EQ(op_info(Op::i8x16_shuffle).imm, Imm::shuffle);
  EXPECT_EQ(op_info(Op::v128_const).imm, Imm::v128);
}

TEST(opcodes, simd_natural_alignment_follows_access_width) {
  EXPECT_EQ(natural_alignment(Op::v128_load), 4u);
  EXPECT_EQ(natural_alignment(Op::v128_store), 4u);
  EXPECT_EQ(natural_alignment(Op::v128_load8x8_s), 3u);
  EXPECT_EQ(natural_alignment(Op::v128_load8x8_u), 3u);
  EXPECT_EQ(natural_alignment(Op::v128_load16x4_s), 3u);
  EXPECT_EQ(natural_alignment(Op::v128_load16x4_u), 3u);
  EXPECT_EQ(natural_alignment(Op::v128_load32x2_s), 3u);
  EXPECT_EQ(natural_alignment(Op::v128_load32x2_u), 3u);
  EXPECT_EQ(natural_alignment(Op::v128_load8_splat), 0u);
  EXPECT_EQ(natural_alignment(Op::v128_load16_splat), 1u);
  EXPECT_EQ(natural_alignment(Op::v128_load32_splat), 2u);
  EXPECT_EQ(natural_alignment(Op::v128_load64_splat), 3u);
  EXPECT_EQ(natural_alignment(Op::v128_load32_zero), 2u);
  EXPECT_EQ(natural_alignment(Op::v128_load64_zero), 3u);
  EXPECT_EQ(natural_alignment(Op::v128_load8_lane), 0u);
  EXPECT_EQ(natural_alignment(Op::v128_load16_lane), 1u);
  EXPECT_EQ(natural_alignment(Op::v128_load32_lane), 2u);
  EXPECT_EQ(natural_alignment(Op::v128_load64_lane), 3u);
  EXPECT_EQ(natural_alignment(Op::v128_store8_lane), 0u);
  EXPECT_EQ(natural_alignment(Op::v128_store16_lane), 1u);
  EXPECT_EQ(natural_alignment(Op::v128_store32_lane), 2u);
  EXPECT_EQ(natural_alignment(Op::v128_store64_lane), 3u);
}
