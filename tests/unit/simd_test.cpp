// Tests of the SIMD semantics (src/interp/simd.hpp) on the lanes the spec testsuite covers
// thinly, and of the SIMD lowering's tricky spots (overlapping homes, retargeted lane
// replacement, v128 across blocks, calls and the API). tests/simd builds this file again with
// the intrinsics turned off (WEFT_SIMD_PORTABLE) and with SSE4.1, so every path is checked.
#include "interp/simd.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "weft/weft.hpp"

namespace simd = weft::interp::simd;
using simd::V;

namespace {

// Every simple SIMD instruction of opcodes_simd.def has a function in simd::.
#define SIMD_HAS(name) static_assert(sizeof(&simd::name) > 0);
#define SIMD_OP_simple(name) SIMD_HAS(name)
#define SIMD_OP_load(name)
#define SIMD_OP_store(name)
#define SIMD_OP_special(name)
#define WEFT_OP(name, prefix, code, text, imm, sig, kind, feature) SIMD_OP_##kind(name)
#include "wasm/opcodes_simd.def"
#undef WEFT_OP

template <class E>
V make(std::initializer_list<E> lanes) {
  simd::vec<E> v{};
  int i = 0;
  for (E x : lanes) v[i++] = x;
  return (V)v;
}

template <class E>
E lane(V v, int i) {
  return ((simd::vec<E>)v)[i];
}

template <class F>
uint64_t fbits(F x) {
  if constexpr (sizeof(F) == 4)
    return std::bit_cast<uint32_t>(x);
  else
    return std::bit_cast<uint64_t>(x);
}

constexpr float f32_nan = std::numeric_limits<float>::quiet_NaN();
constexpr float f32_inf = std::numeric_limits<float>::infinity();
constexpr double f64_nan = std::numeric_limits<double>::quiet_NaN();

}  // namespace

TEST(simd, isa_is_named) { EXPECT_NE(std::string(simd::isa_name), ""); }

TEST(simd, q15mulr_rounds_and_saturates) {
  V a = make<int16_t>({-32768, 16384, -16384, 1, -1, 32767, 0x4000, -32768});
  V b = make<int16_t>({-32768, 16384, 16384, 1, 1, 32767, 1, 1});
  V r = simd::i16x8_q15mulr_sat_s(a, b);
  EXPECT_EQ(lane<int16_t>(r, 0), 32767);  // the only overflow saturates
  EXPECT_EQ(lane<int16_t>(r, 1), 8192);
  EXPECT_EQ(lane<int16_t>(r, 2), -8192);
  EXPECT_EQ(lane<int16_t>(r, 3), 0);  // (1 + 0x4000) >> 15
  EXPECT_EQ(lane<int16_t>(r, 4), 0);  // (-1 + 0x4000) >> 15
  EXPECT_EQ(lane<int16_t>(r, 5), 32766);
  EXPECT_EQ(lane<int16_t>(r, 6), 1);  // 0x4000 + 0x4000 rounds up
  EXPECT_EQ(lane<int16_t>(r, 7), -1);
}

TEST(simd, narrowing_saturates_signed_input) {
  V a = make<int16_t>({-129, -128, 127, 128, 255, 256, -1, 0});
  V r = simd::i8x16_narrow_i16x8_s(a, a);
  EXPECT_EQ(lane<int8_t>(r, 0), -128);
  EXPECT_EQ(lane<int8_t>(r, 3), 127);
  EXPECT_EQ(lane<int8_t>(r, 8), -128);  // b's lanes follow a's
  V u = simd::i8x16_narrow_i16x8_u(a, a);
  EXPECT_EQ(lane<uint8_t>(u, 0), 0);  // negative is 0 for the unsigned narrow
  EXPECT_EQ(lane<uint8_t>(u, 3), 128);
  EXPECT_EQ(lane<uint8_t>(u, 4), 255);
  EXPECT_EQ(lane<uint8_t>(u, 5), 255);
  EXPECT_EQ(lane<uint8_t>(u, 6), 0);
  V w =
      simd::i16x8_narrow_i32x4_u(make<int32_t>({-5, 70000, 65535, 3}), make<int32_t>({1, 2, 3, 4}));
  EXPECT_EQ(lane<uint16_t>(w, 0), 0);
  EXPECT_EQ(lane<uint16_t>(w, 1), 65535);
  EXPECT_EQ(lane<uint16_t>(w, 2), 65535);
  EXPECT_EQ(lane<uint16_t>(w, 7), 4);
}

TEST(simd, trunc_sat_lanes) {
  V r = simd::i32x4_trunc_sat_f32x4_s(make<float>({f32_nan, 3e9f, -3e9f, -1.9f}));
  EXPECT_EQ(lane<int32_t>(r, 0), 0);
  EXPECT_EQ(lane<int32_t>(r, 1), INT32_MAX);
  EXPECT_EQ(lane<int32_t>(r, 2), INT32_MIN);
  EXPECT_EQ(lane<int32_t>(r, 3), -1);
  V u = simd::i32x4_trunc_sat_f32x4_u(make<float>({-0.9f, -1.0f, 5e9f, 4294967040.0f}));
  EXPECT_EQ(lane<uint32_t>(u, 0), 0u);
  EXPECT_EQ(lane<uint32_t>(u, 1), 0u);
  EXPECT_EQ(lane<uint32_t>(u, 2), UINT32_MAX);
  EXPECT_EQ(lane<uint32_t>(u, 3), 4294967040u);
  V z = simd::i32x4_trunc_sat_f64x2_u_zero(make<double>({4294967295.9, f64_nan}));
  EXPECT_EQ(lane<uint32_t>(z, 0), UINT32_MAX);
  EXPECT_EQ(lane<uint32_t>(z, 1), 0u);
  EXPECT_EQ(lane<uint32_t>(z, 2), 0u);
  EXPECT_EQ(lane<uint32_t>(z, 3), 0u);
}

TEST(simd, nearest_ties_to_even_and_keeps_the_sign) {
  V r = simd::f32x4_nearest(make<float>({0.5f, 1.5f, 2.5f, -0.5f}));
  EXPECT_EQ(fbits(lane<float>(r, 0)), fbits(0.0f));
  EXPECT_EQ(lane<float>(r, 1), 2.0f);
  EXPECT_EQ(lane<float>(r, 2), 2.0f);
  EXPECT_EQ(fbits(lane<float>(r, 3)), fbits(-0.0f));
  V d = simd::f64x2_nearest(make<double>({-2.5, 4503599627370497.0}));
  EXPECT_EQ(lane<double>(d, 0), -2.0);
  EXPECT_EQ(lane<double>(d, 1), 4503599627370497.0);
  V c = simd::f32x4_ceil(make<float>({-0.5f, 0.1f, f32_inf, -f32_inf}));
  EXPECT_EQ(fbits(lane<float>(c, 0)), fbits(-0.0f));
  EXPECT_EQ(lane<float>(c, 1), 1.0f);
  EXPECT_EQ(lane<float>(c, 2), f32_inf);
  V t = simd::f32x4_trunc(make<float>({-0.7f, f32_nan, 0, 0}));
  EXPECT_EQ(fbits(lane<float>(t, 0)), fbits(-0.0f));
  EXPECT_TRUE(std::isnan(lane<float>(t, 1)));
}

TEST(simd, min_max_order_zeros_and_propagate_nan) {
  V a = make<float>({0.0f, -0.0f, f32_nan, 1.0f});
  V b = make<float>({-0.0f, 0.0f, 1.0f, f32_nan});
  V mn = simd::f32x4_min(a, b);
  V mx = simd::f32x4_max(a, b);
  EXPECT_EQ(fbits(lane<float>(mn, 0)), fbits(-0.0f));
  EXPECT_EQ(fbits(lane<float>(mn, 1)), fbits(-0.0f));
  EXPECT_EQ(fbits(lane<float>(mx, 0)), fbits(0.0f));
  EXPECT_EQ(fbits(lane<float>(mx, 1)), fbits(0.0f));
  EXPECT_TRUE(std::isnan(lane<float>(mn, 2)));
  EXPECT_TRUE(std::isnan(lane<float>(mn, 3)));
  EXPECT_TRUE(std::isnan(lane<float>(mx, 2)));
  EXPECT_TRUE(std::isnan(lane<float>(mx, 3)));
  V dm = simd::f64x2_min(make<double>({-0.0, f64_nan}), make<double>({0.0, 2.0}));
  EXPECT_EQ(fbits(lane<double>(dm, 0)), fbits(-0.0));
  EXPECT_TRUE(std::isnan(lane<double>(dm, 1)));
}

TEST(simd, pmin_pmax_are_plain_comparisons) {
  V a = make<float>({f32_nan, 1.0f, 0.0f, -0.0f});
  V b = make<float>({1.0f, f32_nan, -0.0f, 0.0f});
  V mn = simd::f32x4_pmin(a, b);  // b < a ? b : a
  V mx = simd::f32x4_pmax(a, b);  // a < b ? b : a
  EXPECT_TRUE(std::isnan(lane<float>(mn, 0)));
  EXPECT_EQ(lane<float>(mn, 1), 1.0f);
  EXPECT_EQ(fbits(lane<float>(mn, 2)), fbits(0.0f));  // equal: a
  EXPECT_EQ(fbits(lane<float>(mn, 3)), fbits(-0.0f));
  EXPECT_TRUE(std::isnan(lane<float>(mx, 0)));
  EXPECT_EQ(lane<float>(mx, 1), 1.0f);
  EXPECT_EQ(fbits(lane<float>(mx, 2)), fbits(0.0f));
  EXPECT_EQ(fbits(lane<float>(mx, 3)), fbits(-0.0f));
}

TEST(simd, abs_neg_touch_only_the_sign_bit) {
  V a = make<uint32_t>({0x7FC01234u, 0xFFC00001u, 0x80000000u, 0x3F800000u});
  V r = simd::f32x4_abs(a);
  EXPECT_EQ(lane<uint32_t>(r, 0), 0x7FC01234u);
  EXPECT_EQ(lane<uint32_t>(r, 1), 0x7FC00001u);
  EXPECT_EQ(lane<uint32_t>(r, 2), 0u);
  V n = simd::f32x4_neg(a);
  EXPECT_EQ(lane<uint32_t>(n, 0), 0xFFC01234u);
  EXPECT_EQ(lane<uint32_t>(n, 3), 0xBF800000u);
  V i = simd::i32x4_abs(make<int32_t>({INT32_MIN, -5, 5, 0}));
  EXPECT_EQ(lane<int32_t>(i, 0), INT32_MIN);
  EXPECT_EQ(lane<int32_t>(i, 1), 5);
  V b = simd::i8x16_abs(make<int8_t>({-128, -1, 127}));
  EXPECT_EQ(lane<int8_t>(b, 0), -128);
  EXPECT_EQ(lane<int8_t>(b, 1), 1);
}

TEST(simd, swizzle_zeroes_out_of_range_lanes) {
  V a = make<uint8_t>({10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25});
  V s = make<uint8_t>({0, 15, 16, 255, 128, 0x8F, 3, 31, 1, 2, 3, 4, 5, 6, 7, 8});
  V r = simd::i8x16_swizzle(a, s);
  EXPECT_EQ(lane<uint8_t>(r, 0), 10);
  EXPECT_EQ(lane<uint8_t>(r, 1), 25);
  EXPECT_EQ(lane<uint8_t>(r, 2), 0);
  EXPECT_EQ(lane<uint8_t>(r, 3), 0);
  EXPECT_EQ(lane<uint8_t>(r, 4), 0);
  EXPECT_EQ(lane<uint8_t>(r, 5), 0);  // 0x8F is not 15
  EXPECT_EQ(lane<uint8_t>(r, 6), 13);
  EXPECT_EQ(lane<uint8_t>(r, 7), 0);
  const uint8_t idx[16] = {0, 16, 31, 15, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22};
  V sh = simd::shuffle(a, simd::i8x16_splat(99), idx);
  EXPECT_EQ(lane<uint8_t>(sh, 0), 10);
  EXPECT_EQ(lane<uint8_t>(sh, 1), 99);
  EXPECT_EQ(lane<uint8_t>(sh, 2), 99);
  EXPECT_EQ(lane<uint8_t>(sh, 3), 25);
}

TEST(simd, shifts_take_the_count_modulo_the_lane_width) {
  V a = simd::i8x16_splat(0x81);
  EXPECT_EQ(lane<uint8_t>(simd::i8x16_shl(a, 9), 0), 0x02);
  EXPECT_EQ(lane<uint8_t>(simd::i8x16_shr_u(a, 8), 0), 0x81);
  EXPECT_EQ(lane<uint8_t>(simd::i8x16_shr_s(a, 7 + 64), 0), 0xFF);
  V w = simd::i64x2_splat(0x8000000000000001ull);
  EXPECT_EQ(lane<uint64_t>(simd::i64x2_shr_s(w, 65), 0), 0xC000000000000000ull);
  EXPECT_EQ(lane<uint64_t>(simd::i64x2_shl(w, 64), 1), 0x8000000000000001ull);
  EXPECT_EQ(lane<uint16_t>(simd::i16x8_shr_s(simd::i16x8_splat(0x8000), 0xFFFFFFFFu), 3), 0xFFFF);
}

TEST(simd, dot_product_wraps_on_the_one_overflow) {
  V a = make<int16_t>({-32768, -32768, 1, 2, 32767, 32767, -1, 0});
  V r = simd::i32x4_dot_i16x8_s(a, a);
  EXPECT_EQ(lane<uint32_t>(r, 0), 0x80000000u);
  EXPECT_EQ(lane<int32_t>(r, 1), 5);
  EXPECT_EQ(lane<int32_t>(r, 2), 2 * 32767 * 32767);
  EXPECT_EQ(lane<int32_t>(r, 3), 1);
}

TEST(simd, saturating_arithmetic_and_average) {
  V a = make<int8_t>({127, -128, 100, -100});
  V b = make<int8_t>({1, -1, 100, 100});
  EXPECT_EQ(lane<int8_t>(simd::i8x16_add_sat_s(a, b), 0), 127);
  EXPECT_EQ(lane<int8_t>(simd::i8x16_add_sat_s(a, b), 1), -128);
  EXPECT_EQ(lane<int8_t>(simd::i8x16_sub_sat_s(a, b), 1), -127);
  EXPECT_EQ(lane<int8_t>(simd::i8x16_sub_sat_s(a, b), 3), -128);
  EXPECT_EQ(lane<uint8_t>(simd::i8x16_add_sat_u(simd::i8x16_splat(200), simd::i8x16_splat(100)), 5),
            255);
  EXPECT_EQ(lane<uint8_t>(simd::i8x16_sub_sat_u(simd::i8x16_splat(100), simd::i8x16_splat(200)), 5),
            0);
  EXPECT_EQ(
      lane<uint16_t>(simd::i16x8_add_sat_u(simd::i16x8_splat(65000), simd::i16x8_splat(1000)), 2),
      65535);
  EXPECT_EQ(
      lane<int16_t>(simd::i16x8_sub_sat_s(simd::i16x8_splat(0x8000), simd::i16x8_splat(1)), 2),
      -32768);
  EXPECT_EQ(lane<uint8_t>(simd::i8x16_avgr_u(simd::i8x16_splat(255), simd::i8x16_splat(255)), 0),
            255);
  EXPECT_EQ(lane<uint8_t>(simd::i8x16_avgr_u(simd::i8x16_splat(0), simd::i8x16_splat(1)), 0), 1);
  EXPECT_EQ(lane<uint16_t>(simd::i16x8_avgr_u(simd::i16x8_splat(65535), simd::i16x8_splat(0)), 0),
            32768);
}

TEST(simd, masks_bitmask_all_true_popcnt) {
  V a = make<int8_t>({-1, 0, -128, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -2});
  EXPECT_EQ(simd::i8x16_bitmask(a), 0x8005u);
  EXPECT_EQ(simd::i8x16_all_true(a), 0u);
  EXPECT_EQ(simd::i8x16_all_true(simd::i8x16_splat(1)), 1u);
  EXPECT_EQ(simd::i16x8_bitmask(make<int16_t>({-1, 1, -1})), 0x5u);
  EXPECT_EQ(simd::i32x4_bitmask(make<int32_t>({1, INT32_MIN, 0, -1})), 0xAu);
  EXPECT_EQ(simd::i64x2_bitmask(make<int64_t>({-1, 1})), 0x1u);
  EXPECT_EQ(simd::i64x2_all_true(make<int64_t>({1, 0x100000000ll})), 1u);
  EXPECT_EQ(simd::i32x4_all_true(make<int32_t>({1, 1, 1, 0})), 0u);
  EXPECT_EQ(simd::v128_any_true(make<uint64_t>({0, 1ull << 63})), 1u);
  EXPECT_EQ(simd::v128_any_true(V{0, 0}), 0u);
  V p = simd::i8x16_popcnt(make<uint8_t>({0, 1, 0xFF, 0x80, 0x55, 0xF0}));
  EXPECT_EQ(lane<uint8_t>(p, 0), 0);
  EXPECT_EQ(lane<uint8_t>(p, 1), 1);
  EXPECT_EQ(lane<uint8_t>(p, 2), 8);
  EXPECT_EQ(lane<uint8_t>(p, 3), 1);
  EXPECT_EQ(lane<uint8_t>(p, 4), 4);
  EXPECT_EQ(lane<uint8_t>(p, 5), 4);
}

TEST(simd, conversions_round_like_the_scalar_ones) {
  V f = simd::f32x4_convert_i32x4_u(make<uint32_t>({0xFFFFFFFFu, 0x80000001u, 16777217u, 0}));
  EXPECT_EQ(lane<float>(f, 0), 4294967296.0f);
  EXPECT_EQ(lane<float>(f, 1), 2147483648.0f);
  EXPECT_EQ(lane<float>(f, 2), 16777216.0f);  // ties to even
  V s = simd::f32x4_convert_i32x4_s(make<int32_t>({INT32_MIN, -16777217, 0, 0}));
  EXPECT_EQ(lane<float>(s, 0), -2147483648.0f);
  EXPECT_EQ(lane<float>(s, 1), -16777216.0f);
  V d = simd::f64x2_convert_low_i32x4_u(make<uint32_t>({0xFFFFFFFFu, 1, 7, 7}));
  EXPECT_EQ(lane<double>(d, 0), 4294967295.0);
  EXPECT_EQ(lane<double>(d, 1), 1.0);
  V dm = simd::f32x4_demote_f64x2_zero(make<double>({1e300, 0.1}));
  EXPECT_EQ(lane<float>(dm, 0), f32_inf);
  EXPECT_EQ(lane<float>(dm, 1), 0.1f);
  EXPECT_EQ(lane<uint32_t>(dm, 2), 0u);
  EXPECT_EQ(lane<uint32_t>(dm, 3), 0u);
  V pr = simd::f64x2_promote_low_f32x4(make<float>({0.1f, -0.0f, 9, 9}));
  EXPECT_EQ(lane<double>(pr, 0), static_cast<double>(0.1f));
  EXPECT_EQ(fbits(lane<double>(pr, 1)), fbits(-0.0));
}

TEST(simd, widening_lanes) {
  V a = make<int8_t>({-1, 2, -3, 4, 5, 6, 7, 8, -128, 127, 0, 0, 0, 0, 0, 1});
  EXPECT_EQ(lane<int16_t>(simd::i16x8_extend_low_i8x16_s(a), 0), -1);
  EXPECT_EQ(lane<uint16_t>(simd::i16x8_extend_low_i8x16_u(a), 0), 255);
  EXPECT_EQ(lane<int16_t>(simd::i16x8_extend_high_i8x16_s(a), 0), -128);
  EXPECT_EQ(lane<int16_t>(simd::i16x8_extend_high_i8x16_s(a), 7), 1);
  EXPECT_EQ(lane<int16_t>(simd::i16x8_extadd_pairwise_i8x16_s(a), 0), 1);
  EXPECT_EQ(lane<uint16_t>(simd::i16x8_extadd_pairwise_i8x16_u(a), 0), 257);
  EXPECT_EQ(lane<int16_t>(simd::i16x8_extadd_pairwise_i8x16_s(a), 4), -1);
  V m = simd::i16x8_extmul_low_i8x16_s(a, a);
  EXPECT_EQ(lane<int16_t>(m, 0), 1);
  EXPECT_EQ(lane<int16_t>(simd::i16x8_extmul_high_i8x16_s(a, a), 0), 16384);
  EXPECT_EQ(lane<uint16_t>(simd::i16x8_extmul_low_i8x16_u(a, a), 0), 65025);
  V w = make<int32_t>({-1, INT32_MIN, 3, -4});
  EXPECT_EQ(lane<int64_t>(simd::i64x2_extmul_low_i32x4_s(w, w), 1), 0x4000000000000000ll);
  EXPECT_EQ(lane<uint64_t>(simd::i64x2_extmul_low_i32x4_u(w, w), 0), 0xFFFFFFFE00000001ull);
  EXPECT_EQ(lane<int64_t>(simd::i64x2_extend_high_i32x4_s(w), 1), -4);
  EXPECT_EQ(lane<uint64_t>(simd::i64x2_extend_high_i32x4_u(w), 1), 0xFFFFFFFCull);
}

// ---- lowering and execution through the public API -----------------------------------------

namespace {

// The module below, assembled with wat2wasm 1.0.32:
/*
(module
  (memory 1)
  (data (i32.const 16) "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10")
  ;; replace_lane retargeted to the local it reads: (v with lane 1 = x), lanes 1 and 0 summed
  (func (export "replace_self") (param $x i32) (result i32) (local $v v128)
    (local.set $v (i32x4.splat (i32.const 10)))
    (local.set $v (i32x4.replace_lane 1 (local.get $v) (local.get $x)))
    (i32.add (i32x4.extract_lane 1 (local.get $v)) (i32x4.extract_lane 0 (local.get $v))))
  ;; a lane load whose result home overlaps its operands' homes
  (func (export "load_lane") (param $addr i32) (result i64)
    (i64x2.extract_lane 1
      (v128.load32_lane 2 (local.get $addr) (v128.const i32x4 1 2 3 4))))
  ;; v128 through a block result, br_if, select, a call and back
  (func $swap (param v128) (result v128) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
(local.get 0) (local.get 0))) (func (export "flow") (param $c i32) (result i32) (local $a v128)
    (local.set $a (v128.const i64x2 1 2))
    (block (result v128)
      (br_if 0 (call $swap (local.get $a)) (local.get $c))
      (drop)
      (local.get $a))
    (select (result v128) (local.get $a) (local.get $c))
    (i64x2.extract_lane 0)
    (i32.wrap_i64))
  ;; a v128 parameter and result through the API: lanes reversed by a swizzle
  (func (export "reverse") (param v128) (result v128)
    (i8x16.swizzle (local.get 0) (v128.const i8x16 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0)))
  ;; v128 store of a loaded vector, then a lane store and extract
  (func (export "store") (result i32)
    (v128.store offset=32 (i32.const 0) (v128.load (i32.const 16)))
    (v128.store8_lane 15 (i32.const 0) (v128.load (i32.const 32)))
    (i32.load8_u (i32.const 0)))
)
*/
const uint8_t lowering_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x14, 0x04, 0x60, 0x01, 0x7f, 0x01, 0x7f,
    0x60, 0x01, 0x7f, 0x01, 0x7e, 0x60, 0x01, 0x7b, 0x01, 0x7b, 0x60, 0x00, 0x01, 0x7f, 0x03, 0x07,
    0x06, 0x00, 0x01, 0x02, 0x00, 0x02, 0x03, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x35, 0x05, 0x0c,
    0x72, 0x65, 0x70, 0x6c, 0x61, 0x63, 0x65, 0x5f, 0x73, 0x65, 0x6c, 0x66, 0x00, 0x00, 0x09, 0x6c,
    0x6f, 0x61, 0x64, 0x5f, 0x6c, 0x61, 0x6e, 0x65, 0x00, 0x01, 0x04, 0x66, 0x6c, 0x6f, 0x77, 0x00,
    0x03, 0x07, 0x72, 0x65, 0x76, 0x65, 0x72, 0x73, 0x65, 0x00, 0x04, 0x05, 0x73, 0x74, 0x6f, 0x72,
    0x65, 0x00, 0x05, 0x0a, 0xc4, 0x01, 0x06, 0x1e, 0x01, 0x01, 0x7b, 0x41, 0x0a, 0xfd, 0x11, 0x21,
    0x01, 0x20, 0x01, 0x20, 0x00, 0xfd, 0x1c, 0x01, 0x21, 0x01, 0x20, 0x01, 0xfd, 0x1b, 0x01, 0x20,
    0x01, 0xfd, 0x1b, 0x00, 0x6a, 0x0b, 0x1e, 0x00, 0x20, 0x00, 0xfd, 0x0c, 0x01, 0x00, 0x00, 0x00,
    0x02, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xfd, 0x56, 0x02, 0x00,
    0x02, 0xfd, 0x1d, 0x01, 0x0b, 0x18, 0x00, 0x20, 0x00, 0x20, 0x00, 0xfd, 0x0d, 0x08, 0x09, 0x0a,
    0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0b, 0x31, 0x01,
    0x01, 0x7b, 0xfd, 0x0c, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x21, 0x01, 0x02, 0x7b, 0x20, 0x01, 0x10, 0x02, 0x20, 0x00, 0x0d, 0x00,
    0x1a, 0x20, 0x01, 0x0b, 0x20, 0x01, 0x20, 0x00, 0x1c, 0x01, 0x7b, 0xfd, 0x1d, 0x00, 0xa7, 0x0b,
    0x18, 0x00, 0x20, 0x00, 0xfd, 0x0c, 0x0f, 0x0e, 0x0d, 0x0c, 0x0b, 0x0a, 0x09, 0x08, 0x07, 0x06,
    0x05, 0x04, 0x03, 0x02, 0x01, 0x00, 0xfd, 0x0e, 0x0b, 0x20, 0x00, 0x41, 0x00, 0x41, 0x10, 0xfd,
    0x00, 0x04, 0x00, 0xfd, 0x0b, 0x04, 0x20, 0x41, 0x00, 0x41, 0x20, 0xfd, 0x00, 0x04, 0x00, 0xfd,
    0x58, 0x00, 0x00, 0x0f, 0x41, 0x00, 0x2d, 0x00, 0x00, 0x0b, 0x0b, 0x16, 0x01, 0x00, 0x41, 0x10,
    0x0b, 0x10, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
    0x0f, 0x10};

class SimdLowering : public ::testing::Test {
 protected:
  void SetUp() override {
    auto m = engine.compile(lowering_wasm);
    ASSERT_TRUE(m) << m.error().to_string();
    module.emplace(*m);
    auto i = linker.instantiate(store, *module);
    ASSERT_TRUE(i) << i.error().to_string();
    instance = *i;
  }
  weft::Engine engine;
  weft::Store store{engine};
  weft::Linker linker{engine};
  std::optional<weft::Module> module;
  weft::Instance instance;
};

}  // namespace

TEST_F(SimdLowering, replace_lane_retargeted_to_its_own_local) {
  auto f = instance.typed_func<int32_t(int32_t)>("replace_self");
  ASSERT_TRUE(f);
  EXPECT_EQ(*(*f)(store, 7), 17);
}

TEST_F(SimdLowering, lane_load_with_overlapping_homes) {
  auto f = instance.typed_func<int64_t(int32_t)>("load_lane");
  ASSERT_TRUE(f);
  EXPECT_EQ(*(*f)(store, 16), 0x0000000404030201ll);
  auto oob = (*f)(store, 65534);
  ASSERT_FALSE(oob);
  EXPECT_EQ(oob.error().trap, weft::TrapKind::memory_out_of_bounds);
}

TEST_F(SimdLowering, v128_through_blocks_branches_select_and_calls) {
  auto f = instance.typed_func<int32_t(int32_t)>("flow");
  ASSERT_TRUE(f);
  EXPECT_EQ(*(*f)(store, 1), 2);
  EXPECT_EQ(*(*f)(store, 0), 1);
}

TEST_F(SimdLowering, v128_parameter_and_result_through_the_api) {
  auto f = instance.get_func("reverse");
  ASSERT_TRUE(f);
  weft::V128 in;
  for (uint8_t i = 0; i < 16; ++i) in.bytes[i] = i;
  weft::Value args[] = {weft::Value::v128(in)};
  weft::Value results[1];
  auto r = f->call(store, args, results);
  ASSERT_TRUE(r) << r.error().to_string();
  for (int i = 0; i < 16; ++i) EXPECT_EQ(results[0].v128().bytes[i], 15 - i);
}

TEST_F(SimdLowering, stores_and_lane_stores) {
  auto f = instance.typed_func<int32_t()>("store");
  ASSERT_TRUE(f);
  EXPECT_EQ(*(*f)(store), 16);
}

TEST(SimdFeature, off_refuses_v128) {
  weft::EngineConfig config;
  config.features.simd = false;
  weft::Engine engine(config);
  auto m = engine.compile(lowering_wasm);
  EXPECT_FALSE(m);
}
