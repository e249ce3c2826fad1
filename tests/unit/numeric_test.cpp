// Tests of the scalar instruction semantics (src/interp/numeric.hpp), after the spec's
// Numerics chapter and the edge cases of the testsuite's i32/i64/f32/f64/conversions.wast.
#include "interp/numeric.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <tuple>
#include <type_traits>
#include <vector>

#include "weft/value.hpp"

namespace num = weft::interp::num;
using weft::TrapKind;
using weft::wasm::Op;

namespace {

// ---------------------------------------------------------------------------------------------
// Every simple scalar instruction of opcodes.def has a function with its signature.

namespace sig {
using c_i32 = uint32_t;
using c_i64 = uint64_t;
using c_f32 = float;
using c_f64 = double;
using c_v128 = weft::V128;
using c_none = void;

template <int N, class R, class P0, class P1, class P2>
struct Fn;
template <class R, class P0, class P1, class P2>
struct Fn<0, R, P0, P1, P2> {
  using type = R() noexcept;
};
template <class R, class P0, class P1, class P2>
struct Fn<1, R, P0, P1, P2> {
  using type = R(P0) noexcept;
};
template <class R, class P0, class P1, class P2>
struct Fn<2, R, P0, P1, P2> {
  using type = R(P0, P1) noexcept;
};
template <class R, class P0, class P1, class P2>
struct Fn<3, R, P0, P1, P2> {
  using type = R(P0, P1, P2) noexcept;
};

#define WEFT_SIG(name, n, p0, p1, p2, r) using name = Fn<n, c_##r, c_##p0, c_##p1, c_##p2>::type;
#include "wasm/signatures.def"
#undef WEFT_SIG
}  // namespace sig

// Dispatch on the kind and feature tokens of opcodes.def: only simple scalar instructions
// expand to a use of num::name. A simple instruction of a new feature fails to compile here
// until it is sorted into scalar or SIMD.
#define NUM_OP_simple(name, sig, feature) NUM_OP_simple_##feature(name, sig)
#define NUM_OP_load(name, sig, feature)
#define NUM_OP_store(name, sig, feature)
#define NUM_OP_special(name, sig, feature)
#define NUM_OP_simple_mvp(name, sig) NUM_SCALAR(name, sig)
#define NUM_OP_simple_sign_extension(name, sig) NUM_SCALAR(name, sig)
#define NUM_OP_simple_saturating_float_to_int(name, sig) NUM_SCALAR(name, sig)
#define NUM_OP_simple_simd(name, sig)  // vector semantics live elsewhere
#define WEFT_OP(name, prefix, code, text, imm, sig, kind, feature) NUM_OP_##kind(name, sig, feature)

// The static check: num::name exists and has exactly the type of the op's signature.
#define NUM_SCALAR(name, s)                                  \
  static_assert(std::is_same_v<decltype(num::name), sig::s>, \
                "num::" #name " is missing or does not have the signature " #s);
#include "wasm/opcodes.def"
#undef NUM_SCALAR

// Interesting operands of each type, for the sweep below (run under UBSan).
// clang-format off
template <class T>
std::vector<T> samples() {
  if constexpr (std::is_same_v<T, uint32_t>) {
    return {0u, 1u, 2u, 7u, 31u, 32u, 33u, 0x7FFFFFFFu, 0x80000000u, 0x80000001u, 0xFFFFFFFEu,
            0xFFFFFFFFu, 0x12345678u};
  } else if constexpr (std::is_same_v<T, uint64_t>) {
    return {0ull, 1ull, 2ull, 63ull, 64ull, 65ull, 0x7FFFFFFFull, 0x80000000ull, 0xFFFFFFFFull,
            0x7FFFFFFFFFFFFFFFull, 0x8000000000000000ull, 0x8000000000000001ull,
            0xFFFFFFFFFFFFFFFFull, 0x0123456789ABCDEFull};
  } else {
    using L = std::numeric_limits<T>;
    return {T(0), -T(0), T(0.5), T(-0.5), T(1.5), T(-1), T(2147483647.0), T(-2147483648.0),
            T(4294967296.0), T(9.3e18), T(-9.3e18), T(1.9e19), L::max(), L::lowest(), L::min(),
            L::denorm_min(), L::infinity(), -L::infinity(), L::quiet_NaN(), L::signaling_NaN(),
            -L::quiet_NaN()};
  }
}
// clang-format on

// Calls f on every combination of samples, including operands that check() rejects (the value
// function must stay UB-free there too), and checks that an op that cannot trap never reports
// a trap.
template <Op op, class R, class... P>
int sweep(R (*f)(P...) noexcept) {
  int calls = 0;
  if constexpr (sizeof...(P) == 1) {
    for (auto a : samples<P...>()) {
      TrapKind t = num::check<op>(a);
      if (!num::can_trap<op>) EXPECT_EQ(t, TrapKind::none);
      (void)f(a);  // must be UB-free even where it would trap
      ++calls;
    }
  } else {
    using P0 = std::tuple_element_t<0, std::tuple<P...>>;
    using P1 = std::tuple_element_t<1, std::tuple<P...>>;
    for (auto a : samples<P0>()) {
      for (auto b : samples<P1>()) {
        TrapKind t = num::check<op>(a, b);
        if (!num::can_trap<op>) EXPECT_EQ(t, TrapKind::none);
        (void)f(a, b);
        ++calls;
      }
    }
  }
  return calls;
}

TEST(numeric, every_scalar_op_runs_on_edge_operands) {
  int ops = 0;
  int trapping = 0;
#define NUM_SCALAR(name, s)                  \
  EXPECT_GT(sweep<Op::name>(&num::name), 0); \
  ++ops;                                     \
  trapping += num::can_trap<Op::name>;
#include "wasm/opcodes.def"
#undef NUM_SCALAR
  EXPECT_EQ(ops, 136);  // the simple scalar instructions of WebAssembly 2.0
  EXPECT_EQ(trapping, 16);
}

#undef WEFT_OP

// ---------------------------------------------------------------------------------------------
// helpers

uint32_t bits(float f) { return std::bit_cast<uint32_t>(f); }
uint64_t bits(double d) { return std::bit_cast<uint64_t>(d); }
float f32b(uint32_t b) { return std::bit_cast<float>(b); }
double f64b(uint64_t b) { return std::bit_cast<double>(b); }
bool is_quiet_nan(float f) { return std::isnan(f) && (bits(f) & 0x00400000u) != 0; }
bool is_quiet_nan(double d) { return std::isnan(d) && (bits(d) & 0x0008000000000000ull) != 0; }

constexpr float f32_inf = std::numeric_limits<float>::infinity();
constexpr double f64_inf = std::numeric_limits<double>::infinity();
const float f32_snan = f32b(0x7FA00000u);  // signaling, payload 0x200000
const double f64_snan = f64b(0x7FF4000000000000ull);

// ---------------------------------------------------------------------------------------------
// integers

TEST(numeric, integer_comparisons_are_signed_or_unsigned) {
  EXPECT_EQ(num::i32_eqz(0), 1u);
  EXPECT_EQ(num::i32_eqz(0x80000000u), 0u);
  EXPECT_EQ(num::i64_eqz(0), 1u);
  EXPECT_EQ(num::i32_lt_s(0x80000000u, 0), 1u);
  EXPECT_EQ(num::i32_lt_u(0x80000000u, 0), 0u);
  EXPECT_EQ(num::i32_ge_s(0xFFFFFFFFu, 0), 0u);
  EXPECT_EQ(num::i32_ge_u(0xFFFFFFFFu, 0), 1u);
  EXPECT_EQ(num::i64_lt_s(0x8000000000000000ull, 1), 1u);
  EXPECT_EQ(num::i64_gt_u(0x8000000000000000ull, 1), 1u);
  EXPECT_EQ(num::i64_le_s(0xFFFFFFFFFFFFFFFFull, 0xFFFFFFFFFFFFFFFFull), 1u);
}

TEST(numeric, add_sub_mul_wrap_around) {
  EXPECT_EQ(num::i32_add(0x7FFFFFFFu, 1), 0x80000000u);
  EXPECT_EQ(num::i32_sub(0, 1), 0xFFFFFFFFu);
  EXPECT_EQ(num::i32_mul(0x10000u, 0x10000u), 0u);
  EXPECT_EQ(num::i64_add(0xFFFFFFFFFFFFFFFFull, 2), 1ull);
  EXPECT_EQ(num::i64_mul(0x8000000000000000ull, 0xFFFFFFFFFFFFFFFFull), 0x8000000000000000ull);
}

TEST(numeric, division_traps_on_zero_and_signed_overflow) {
  EXPECT_EQ(num::check<Op::i32_div_s>(1u, 0u), TrapKind::integer_divide_by_zero);
  EXPECT_EQ(num::check<Op::i32_div_u>(1u, 0u), TrapKind::integer_divide_by_zero);
  EXPECT_EQ(num::check<Op::i32_rem_s>(1u, 0u), TrapKind::integer_divide_by_zero);
  EXPECT_EQ(num::check<Op::i32_rem_u>(1u, 0u), TrapKind::integer_divide_by_zero);
  EXPECT_EQ(num::check<Op::i64_div_s>(1ull, 0ull), TrapKind::integer_divide_by_zero);
  EXPECT_EQ(num::check<Op::i64_div_u>(1ull, 0ull), TrapKind::integer_divide_by_zero);
  EXPECT_EQ(num::check<Op::i64_rem_s>(1ull, 0ull), TrapKind::integer_divide_by_zero);
  EXPECT_EQ(num::check<Op::i64_rem_u>(1ull, 0ull), TrapKind::integer_divide_by_zero);
  EXPECT_EQ(num::check<Op::i32_div_s>(0x80000000u, 0xFFFFFFFFu), TrapKind::integer_overflow);
  EXPECT_EQ(num::check<Op::i64_div_s>(0x8000000000000000ull, ~0ull), TrapKind::integer_overflow);
  // rem_s of INT_MIN by -1 is 0, not a trap; div_u of INT_MIN by -1 is 0.
  EXPECT_EQ(num::check<Op::i32_rem_s>(0x80000000u, 0xFFFFFFFFu), TrapKind::none);
  EXPECT_EQ(num::i32_rem_s(0x80000000u, 0xFFFFFFFFu), 0u);
  EXPECT_EQ(num::check<Op::i64_rem_s>(0x8000000000000000ull, ~0ull), TrapKind::none);
  EXPECT_EQ(num::i64_rem_s(0x8000000000000000ull, ~0ull), 0ull);
  EXPECT_EQ(num::i32_div_u(0x80000000u, 0xFFFFFFFFu), 0u);
  EXPECT_EQ(num::check<Op::i32_div_s>(0x80000001u, 0xFFFFFFFFu), TrapKind::none);
  EXPECT_EQ(num::i32_div_s(0x80000001u, 0xFFFFFFFFu), 0x7FFFFFFFu);
  // Signed division truncates toward zero; the remainder has the dividend's sign.
  EXPECT_EQ(num::i32_div_s(static_cast<uint32_t>(-7), 2), static_cast<uint32_t>(-3));
  EXPECT_EQ(num::i32_rem_s(static_cast<uint32_t>(-7), 2), static_cast<uint32_t>(-1));
  EXPECT_EQ(num::i32_rem_s(7, static_cast<uint32_t>(-2)), 1u);
  EXPECT_EQ(num::i64_div_u(~0ull, 2), 0x7FFFFFFFFFFFFFFFull);
  EXPECT_EQ(num::i64_rem_u(~0ull, 10), 5ull);
  EXPECT_EQ(num::check<Op::i32_add>(1u, 0u), TrapKind::none);
}

TEST(numeric, shifts_take_the_count_modulo_the_width) {
  EXPECT_EQ(num::i32_shl(1, 32), 1u);
  EXPECT_EQ(num::i32_shl(1, 33), 2u);
  EXPECT_EQ(num::i32_shl(1, 0xFFFFFFFFu), 0x80000000u);
  EXPECT_EQ(num::i32_shr_s(0x80000000u, 31), 0xFFFFFFFFu);
  EXPECT_EQ(num::i32_shr_s(0x80000000u, 32), 0x80000000u);
  EXPECT_EQ(num::i32_shr_u(0x80000000u, 63), 1u);
  EXPECT_EQ(num::i64_shl(1, 64), 1ull);
  EXPECT_EQ(num::i64_shl(1, 127), 0x8000000000000000ull);
  EXPECT_EQ(num::i64_shr_s(0x8000000000000000ull, 63), ~0ull);
  EXPECT_EQ(num::i64_shr_u(0x8000000000000000ull, 0xFFFFFFFFFFFFFFFFull), 1ull);
}

TEST(numeric, rotates_take_the_count_modulo_the_width) {
  EXPECT_EQ(num::i32_rotl(0xFE00DC00u, 4), 0xE00DC00Fu);
  EXPECT_EQ(num::i32_rotl(0xABCD9876u, 1), 0x579B30EDu);
  EXPECT_EQ(num::i32_rotl(0x00008000u, 37), 0x00100000u);
  EXPECT_EQ(num::i32_rotl(1, 32), 1u);
  EXPECT_EQ(num::i32_rotr(0xB0C1D2E3u, 0x0005), 0x1D860E97u);
  EXPECT_EQ(num::i32_rotr(0xFF00CC00u, 1), 0x7F806600u);
  EXPECT_EQ(num::i32_rotr(1, 0xFFFFFFFFu), 2u);
  EXPECT_EQ(num::i64_rotl(0xABD1234EF567809Cull, 63), 0x55E891A77AB3C04Eull);
  EXPECT_EQ(num::i64_rotl(1, 64), 1ull);
  EXPECT_EQ(num::i64_rotr(0xABCD1234EF567809ull, 53), 0x6891A77AB3C04D5Eull);
  EXPECT_EQ(num::i64_rotr(1, 65), 0x8000000000000000ull);
}

TEST(numeric, bit_counts_of_zero_are_the_width) {
  EXPECT_EQ(num::i32_clz(0), 32u);
  EXPECT_EQ(num::i32_ctz(0), 32u);
  EXPECT_EQ(num::i64_clz(0), 64ull);
  EXPECT_EQ(num::i64_ctz(0), 64ull);
  EXPECT_EQ(num::i32_clz(0x80000000u), 0u);
  EXPECT_EQ(num::i32_clz(1), 31u);
  EXPECT_EQ(num::i32_ctz(0x80000000u), 31u);
  EXPECT_EQ(num::i64_clz(1), 63ull);
  EXPECT_EQ(num::i64_ctz(0x8000000000000000ull), 63ull);
}

TEST(numeric, popcnt) {
  EXPECT_EQ(num::i32_popcnt(0), 0u);
  EXPECT_EQ(num::i32_popcnt(0xFFFFFFFFu), 32u);
  EXPECT_EQ(num::i32_popcnt(0xAAAAAAAAu), 16u);
  EXPECT_EQ(num::i64_popcnt(~0ull), 64ull);
  EXPECT_EQ(num::i64_popcnt(0x8000800080008000ull), 4ull);
}

TEST(numeric, sign_extension) {
  EXPECT_EQ(num::i32_extend8_s(0x7F), 0x7Fu);
  EXPECT_EQ(num::i32_extend8_s(0x80), 0xFFFFFF80u);
  EXPECT_EQ(num::i32_extend8_s(0x12345680u), 0xFFFFFF80u);
  EXPECT_EQ(num::i32_extend16_s(0x8000), 0xFFFF8000u);
  EXPECT_EQ(num::i32_extend16_s(0xFFFF7FFFu), 0x7FFFu);
  EXPECT_EQ(num::i64_extend8_s(0x0123456789ABCDEFull), 0xFFFFFFFFFFFFFFEFull);
  EXPECT_EQ(num::i64_extend16_s(0x8000), 0xFFFFFFFFFFFF8000ull);
  EXPECT_EQ(num::i64_extend16_s(0xFFFFFFFFFFFF7FFFull), 0x7FFFull);
  EXPECT_EQ(num::i64_extend32_s(0x80000000ull), 0xFFFFFFFF80000000ull);
  EXPECT_EQ(num::i64_extend32_s(0xFFFFFFFF7FFFFFFFull), 0x7FFFFFFFull);
  EXPECT_EQ(num::i64_extend_i32_s(0x80000000u), 0xFFFFFFFF80000000ull);
  EXPECT_EQ(num::i64_extend_i32_u(0x80000000u), 0x80000000ull);
  EXPECT_EQ(num::i32_wrap_i64(0xFFFFFFFF00000001ull), 1u);
}

// ---------------------------------------------------------------------------------------------
// floats

TEST(numeric, min_max_order_signed_zeros) {
  EXPECT_EQ(bits(num::f32_min(-0.0f, 0.0f)), bits(-0.0f));
  EXPECT_EQ(bits(num::f32_min(0.0f, -0.0f)), bits(-0.0f));
  EXPECT_EQ(bits(num::f32_max(-0.0f, 0.0f)), bits(0.0f));
  EXPECT_EQ(bits(num::f32_max(0.0f, -0.0f)), bits(0.0f));
  EXPECT_EQ(bits(num::f64_min(-0.0, 0.0)), bits(-0.0));
  EXPECT_EQ(bits(num::f64_min(0.0, -0.0)), bits(-0.0));
  EXPECT_EQ(bits(num::f64_max(-0.0, 0.0)), bits(0.0));
  EXPECT_EQ(bits(num::f64_max(0.0, -0.0)), bits(0.0));
  EXPECT_EQ(num::f32_min(1.0f, -f32_inf), -f32_inf);
  EXPECT_EQ(num::f32_max(1.0f, -f32_inf), 1.0f);
  EXPECT_EQ(num::f64_min(-1.0, 2.0), -1.0);
  EXPECT_EQ(num::f64_max(-1.0, 2.0), 2.0);
}

TEST(numeric, min_max_propagate_a_quiet_nan) {
  const float qn = std::numeric_limits<float>::quiet_NaN();
  const double qd = std::numeric_limits<double>::quiet_NaN();
  for (float x : {0.0f, -0.0f, 1.0f, -f32_inf, f32_inf}) {
    EXPECT_TRUE(is_quiet_nan(num::f32_min(x, qn)));
    EXPECT_TRUE(is_quiet_nan(num::f32_min(qn, x)));
    EXPECT_TRUE(is_quiet_nan(num::f32_max(x, f32_snan)));
    EXPECT_TRUE(is_quiet_nan(num::f32_max(f32_snan, x)));
  }
  for (double x : {0.0, -0.0, 1.0, -f64_inf, f64_inf}) {
    EXPECT_TRUE(is_quiet_nan(num::f64_min(x, qd)));
    EXPECT_TRUE(is_quiet_nan(num::f64_max(qd, x)));
    EXPECT_TRUE(is_quiet_nan(num::f64_min(f64_snan, x)));
    EXPECT_TRUE(is_quiet_nan(num::f64_max(x, f64_snan)));
  }
  EXPECT_TRUE(is_quiet_nan(num::f32_min(f32_snan, f32_snan)));
  EXPECT_TRUE(is_quiet_nan(num::f64_max(-qd, f64_snan)));
}

TEST(numeric, nearest_rounds_half_to_even) {
  EXPECT_EQ(bits(num::f32_nearest(0.5f)), bits(0.0f));
  EXPECT_EQ(num::f32_nearest(1.5f), 2.0f);
  EXPECT_EQ(num::f32_nearest(2.5f), 2.0f);
  EXPECT_EQ(num::f32_nearest(3.5f), 4.0f);
  EXPECT_EQ(bits(num::f32_nearest(-0.5f)), bits(-0.0f));
  EXPECT_EQ(num::f32_nearest(-1.5f), -2.0f);
  EXPECT_EQ(num::f32_nearest(-2.5f), -2.0f);
  EXPECT_EQ(num::f32_nearest(0.49999997f), 0.0f);
  EXPECT_EQ(num::f32_nearest(1.4999999f), 1.0f);
  EXPECT_EQ(bits(num::f32_nearest(-0.1f)), bits(-0.0f));
  EXPECT_EQ(bits(num::f32_nearest(-0.0f)), bits(-0.0f));
  EXPECT_EQ(num::f32_nearest(8388607.5f), 8388608.0f);  // 2^23 - 0.5, the last fraction
  EXPECT_EQ(num::f32_nearest(-8388607.5f), -8388608.0f);
  EXPECT_EQ(num::f32_nearest(8388609.0f), 8388609.0f);
  EXPECT_EQ(num::f32_nearest(f32_inf), f32_inf);
  EXPECT_EQ(num::f32_nearest(-f32_inf), -f32_inf);
  EXPECT_TRUE(is_quiet_nan(num::f32_nearest(f32_snan)));
  EXPECT_EQ(bits(num::f64_nearest(0.5)), bits(0.0));
  EXPECT_EQ(num::f64_nearest(1.5), 2.0);
  EXPECT_EQ(num::f64_nearest(2.5), 2.0);
  EXPECT_EQ(bits(num::f64_nearest(-0.5)), bits(-0.0));
  EXPECT_EQ(num::f64_nearest(-3.5), -4.0);
  EXPECT_EQ(num::f64_nearest(4503599627370495.5), 4503599627370496.0);  // 2^52 - 0.5
  EXPECT_EQ(num::f64_nearest(0.49999999999999994), 0.0);
  EXPECT_EQ(num::f64_nearest(f64_inf), f64_inf);
  EXPECT_TRUE(is_quiet_nan(num::f64_nearest(f64_snan)));
}

TEST(numeric, ceil_floor_trunc_sqrt) {
  EXPECT_EQ(num::f32_ceil(1.1f), 2.0f);
  EXPECT_EQ(bits(num::f32_ceil(-0.5f)), bits(-0.0f));
  EXPECT_EQ(num::f32_floor(-1.1f), -2.0f);
  EXPECT_EQ(bits(num::f32_floor(0.5f)), bits(0.0f));
  EXPECT_EQ(bits(num::f32_trunc(-0.9f)), bits(-0.0f));
  EXPECT_EQ(num::f64_ceil(-1.5), -1.0);
  EXPECT_EQ(num::f64_floor(1.5), 1.0);
  EXPECT_EQ(num::f64_trunc(-1.5), -1.0);
  EXPECT_EQ(num::f32_sqrt(4.0f), 2.0f);
  EXPECT_EQ(bits(num::f64_sqrt(-0.0)), bits(-0.0));
  EXPECT_TRUE(std::isnan(num::f64_sqrt(-1.0)));
  EXPECT_TRUE(std::isnan(num::f32_ceil(f32_snan)));
  EXPECT_TRUE(std::isnan(num::f64_floor(f64_snan)));
}

TEST(numeric, abs_neg_copysign_touch_only_the_sign_bit) {
  EXPECT_EQ(bits(num::f32_abs(f32b(0xFFA00001u))), 0x7FA00001u);  // signaling NaN stays so
  EXPECT_EQ(bits(num::f32_neg(f32b(0x7FA00001u))), 0xFFA00001u);
  EXPECT_EQ(bits(num::f32_neg(0.0f)), bits(-0.0f));
  EXPECT_EQ(bits(num::f32_copysign(f32b(0x7FC00123u), -1.0f)), 0xFFC00123u);
  EXPECT_EQ(bits(num::f32_copysign(1.0f, f32b(0xFFC00000u))), bits(-1.0f));
  EXPECT_EQ(bits(num::f64_abs(f64b(0xFFF4000000000001ull))), 0x7FF4000000000001ull);
  EXPECT_EQ(bits(num::f64_neg(f64b(0x7FF4000000000001ull))), 0xFFF4000000000001ull);
  EXPECT_EQ(bits(num::f64_copysign(f64b(0xFFF8000000000005ull), 0.0)), 0x7FF8000000000005ull);
  EXPECT_EQ(bits(num::f64_copysign(2.0, -0.0)), bits(-2.0));
}

TEST(numeric, float_arithmetic_and_comparisons_are_ieee) {
  const float n = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(num::f32_add(0.1f, 0.2f), 0.1f + 0.2f);
  EXPECT_EQ(num::f64_div(1.0, 0.0), f64_inf);
  EXPECT_TRUE(std::isnan(num::f32_div(0.0f, 0.0f)));
  EXPECT_TRUE(std::isnan(num::f64_sub(f64_inf, f64_inf)));
  EXPECT_EQ(num::f32_eq(n, n), 0u);
  EXPECT_EQ(num::f32_ne(n, n), 1u);
  EXPECT_EQ(num::f32_lt(n, 1.0f), 0u);
  EXPECT_EQ(num::f32_ge(n, 1.0f), 0u);
  EXPECT_EQ(num::f64_eq(0.0, -0.0), 1u);
  EXPECT_EQ(num::f64_lt(-0.0, 0.0), 0u);
  EXPECT_EQ(num::f64_le(-f64_inf, 0.0), 1u);
}

TEST(numeric, reinterpret_keeps_the_bits) {
  EXPECT_EQ(num::i32_reinterpret_f32(f32b(0x7FA00001u)), 0x7FA00001u);
  EXPECT_EQ(bits(num::f32_reinterpret_i32(0xFFA00001u)), 0xFFA00001u);
  EXPECT_EQ(num::i64_reinterpret_f64(-0.0), 0x8000000000000000ull);
  EXPECT_EQ(bits(num::f64_reinterpret_i64(0x7FF4000000000001ull)), 0x7FF4000000000001ull);
}

// ---------------------------------------------------------------------------------------------
// float -> integer

TEST(numeric, i32_trunc_f32_boundaries) {
  EXPECT_EQ(num::check<Op::i32_trunc_f32_s>(-2147483648.0f), TrapKind::none);
  EXPECT_EQ(num::i32_trunc_f32_s(-2147483648.0f), 0x80000000u);
  EXPECT_EQ(num::check<Op::i32_trunc_f32_s>(-2147483904.0f), TrapKind::integer_overflow);
  EXPECT_EQ(num::check<Op::i32_trunc_f32_s>(2147483520.0f), TrapKind::none);  // largest below
  EXPECT_EQ(num::i32_trunc_f32_s(2147483520.0f), 2147483520u);
  EXPECT_EQ(num::check<Op::i32_trunc_f32_s>(2147483648.0f), TrapKind::integer_overflow);
  EXPECT_EQ(num::i32_trunc_f32_s(-1.9f), static_cast<uint32_t>(-1));
  EXPECT_EQ(num::check<Op::i32_trunc_f32_u>(-0.99999994f), TrapKind::none);
  EXPECT_EQ(num::i32_trunc_f32_u(-0.99999994f), 0u);
  EXPECT_EQ(num::check<Op::i32_trunc_f32_u>(-1.0f), TrapKind::integer_overflow);
  EXPECT_EQ(num::check<Op::i32_trunc_f32_u>(4294967040.0f), TrapKind::none);
  EXPECT_EQ(num::i32_trunc_f32_u(4294967040.0f), 4294967040u);
  EXPECT_EQ(num::check<Op::i32_trunc_f32_u>(4294967296.0f), TrapKind::integer_overflow);
  for (Op op : {Op::i32_trunc_f32_s, Op::i32_trunc_f32_u}) {
    auto chk = op == Op::i32_trunc_f32_s ? num::check<Op::i32_trunc_f32_s, float>
                                         : num::check<Op::i32_trunc_f32_u, float>;
    EXPECT_EQ(chk(std::numeric_limits<float>::quiet_NaN()),
              TrapKind::invalid_conversion_to_integer);
    EXPECT_EQ(chk(-std::numeric_limits<float>::quiet_NaN()),
              TrapKind::invalid_conversion_to_integer);
    EXPECT_EQ(chk(f32_snan), TrapKind::invalid_conversion_to_integer);
    EXPECT_EQ(chk(f32_inf), TrapKind::integer_overflow);
    EXPECT_EQ(chk(-f32_inf), TrapKind::integer_overflow);
  }
}

TEST(numeric, i32_trunc_f64_boundaries) {
  EXPECT_EQ(num::check<Op::i32_trunc_f64_s>(-2147483648.9), TrapKind::none);
  EXPECT_EQ(num::i32_trunc_f64_s(-2147483648.9), 0x80000000u);
  EXPECT_EQ(num::check<Op::i32_trunc_f64_s>(-2147483649.0), TrapKind::integer_overflow);
  EXPECT_EQ(num::check<Op::i32_trunc_f64_s>(2147483647.9), TrapKind::none);
  EXPECT_EQ(num::i32_trunc_f64_s(2147483647.9), 0x7FFFFFFFu);
  EXPECT_EQ(num::check<Op::i32_trunc_f64_s>(2147483648.0), TrapKind::integer_overflow);
  EXPECT_EQ(num::check<Op::i32_trunc_f64_u>(-0.9), TrapKind::none);
  EXPECT_EQ(num::i32_trunc_f64_u(-0.9), 0u);
  EXPECT_EQ(num::check<Op::i32_trunc_f64_u>(-1.0), TrapKind::integer_overflow);
  EXPECT_EQ(num::check<Op::i32_trunc_f64_u>(4294967295.9), TrapKind::none);
  EXPECT_EQ(num::i32_trunc_f64_u(4294967295.9), 0xFFFFFFFFu);
  EXPECT_EQ(num::check<Op::i32_trunc_f64_u>(4294967296.0), TrapKind::integer_overflow);
  EXPECT_EQ(num::check<Op::i32_trunc_f64_u>(1e16), TrapKind::integer_overflow);
  EXPECT_EQ(num::check<Op::i32_trunc_f64_s>(std::numeric_limits<double>::quiet_NaN()),
            TrapKind::invalid_conversion_to_integer);
  EXPECT_EQ(num::check<Op::i32_trunc_f64_u>(f64_snan), TrapKind::invalid_conversion_to_integer);
  EXPECT_EQ(num::check<Op::i32_trunc_f64_u>(-f64_inf), TrapKind::integer_overflow);
}

TEST(numeric, i64_trunc_boundaries) {
  EXPECT_EQ(num::check<Op::i64_trunc_f32_s>(-9223372036854775808.0f), TrapKind::none);
  EXPECT_EQ(num::i64_trunc_f32_s(-9223372036854775808.0f), 0x8000000000000000ull);
  EXPECT_EQ(num::check<Op::i64_trunc_f32_s>(-9223373136366403584.0f), TrapKind::integer_overflow);
  EXPECT_EQ(num::check<Op::i64_trunc_f32_s>(9223371487098961920.0f), TrapKind::none);
  EXPECT_EQ(num::i64_trunc_f32_s(9223371487098961920.0f), 9223371487098961920ull);
  EXPECT_EQ(num::check<Op::i64_trunc_f32_s>(9223372036854775808.0f), TrapKind::integer_overflow);
  EXPECT_EQ(num::check<Op::i64_trunc_f32_u>(-0.99999994f), TrapKind::none);
  EXPECT_EQ(num::check<Op::i64_trunc_f32_u>(-1.0f), TrapKind::integer_overflow);
  EXPECT_EQ(num::check<Op::i64_trunc_f32_u>(18446742974197923840.0f), TrapKind::none);
  EXPECT_EQ(num::i64_trunc_f32_u(18446742974197923840.0f), 18446742974197923840ull);
  EXPECT_EQ(num::check<Op::i64_trunc_f32_u>(18446744073709551616.0f), TrapKind::integer_overflow);
  EXPECT_EQ(num::check<Op::i64_trunc_f64_s>(-9223372036854775808.0), TrapKind::none);
  EXPECT_EQ(num::i64_trunc_f64_s(-9223372036854775808.0), 0x8000000000000000ull);
  EXPECT_EQ(num::check<Op::i64_trunc_f64_s>(-9223372036854777856.0), TrapKind::integer_overflow);
  EXPECT_EQ(num::check<Op::i64_trunc_f64_s>(9223372036854774784.0), TrapKind::none);
  EXPECT_EQ(num::i64_trunc_f64_s(9223372036854774784.0), 9223372036854774784ull);
  EXPECT_EQ(num::check<Op::i64_trunc_f64_s>(9223372036854775808.0), TrapKind::integer_overflow);
  EXPECT_EQ(num::check<Op::i64_trunc_f64_u>(-0.9999999999999999), TrapKind::none);
  EXPECT_EQ(num::check<Op::i64_trunc_f64_u>(-1.0), TrapKind::integer_overflow);
  EXPECT_EQ(num::check<Op::i64_trunc_f64_u>(18446744073709549568.0), TrapKind::none);
  EXPECT_EQ(num::i64_trunc_f64_u(18446744073709549568.0), 18446744073709549568ull);
  EXPECT_EQ(num::check<Op::i64_trunc_f64_u>(18446744073709551616.0), TrapKind::integer_overflow);
  EXPECT_EQ(num::check<Op::i64_trunc_f32_s>(std::numeric_limits<float>::quiet_NaN()),
            TrapKind::invalid_conversion_to_integer);
  EXPECT_EQ(num::check<Op::i64_trunc_f64_u>(-std::numeric_limits<double>::quiet_NaN()),
            TrapKind::invalid_conversion_to_integer);
  EXPECT_EQ(num::check<Op::i64_trunc_f64_s>(f64_inf), TrapKind::integer_overflow);
}

TEST(numeric, trunc_sat_saturates_and_maps_nan_to_zero) {
  const float fn = std::numeric_limits<float>::quiet_NaN();
  const double dn = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(num::i32_trunc_sat_f32_s(fn), 0u);
  EXPECT_EQ(num::i32_trunc_sat_f32_s(-fn), 0u);
  EXPECT_EQ(num::i32_trunc_sat_f32_s(-2147483904.0f), 0x80000000u);
  EXPECT_EQ(num::i32_trunc_sat_f32_s(-2147483648.0f), 0x80000000u);
  EXPECT_EQ(num::i32_trunc_sat_f32_s(2147483648.0f), 0x7FFFFFFFu);
  EXPECT_EQ(num::i32_trunc_sat_f32_s(-f32_inf), 0x80000000u);
  EXPECT_EQ(num::i32_trunc_sat_f32_s(-1.5f), static_cast<uint32_t>(-1));
  EXPECT_EQ(num::i32_trunc_sat_f32_u(-1.0f), 0u);
  EXPECT_EQ(num::i32_trunc_sat_f32_u(-f32_inf), 0u);
  EXPECT_EQ(num::i32_trunc_sat_f32_u(4294967296.0f), 0xFFFFFFFFu);
  EXPECT_EQ(num::i32_trunc_sat_f32_u(4294967040.0f), 4294967040u);
  EXPECT_EQ(num::i32_trunc_sat_f32_u(f32_snan), 0u);
  EXPECT_EQ(num::i32_trunc_sat_f64_s(-2147483649.0), 0x80000000u);
  EXPECT_EQ(num::i32_trunc_sat_f64_s(2147483647.9), 0x7FFFFFFFu);
  EXPECT_EQ(num::i32_trunc_sat_f64_s(1e300), 0x7FFFFFFFu);
  EXPECT_EQ(num::i32_trunc_sat_f64_s(dn), 0u);
  EXPECT_EQ(num::i32_trunc_sat_f64_u(4294967295.9), 0xFFFFFFFFu);
  EXPECT_EQ(num::i32_trunc_sat_f64_u(4294967296.0), 0xFFFFFFFFu);
  EXPECT_EQ(num::i32_trunc_sat_f64_u(-0.9), 0u);
  EXPECT_EQ(num::i32_trunc_sat_f64_u(-1e300), 0u);
  EXPECT_EQ(num::i64_trunc_sat_f32_s(9223372036854775808.0f), 0x7FFFFFFFFFFFFFFFull);
  EXPECT_EQ(num::i64_trunc_sat_f32_s(-9223373136366403584.0f), 0x8000000000000000ull);
  EXPECT_EQ(num::i64_trunc_sat_f32_s(fn), 0ull);
  EXPECT_EQ(num::i64_trunc_sat_f32_u(18446744073709551616.0f), ~0ull);
  EXPECT_EQ(num::i64_trunc_sat_f32_u(-f32_inf), 0ull);
  EXPECT_EQ(num::i64_trunc_sat_f64_s(9223372036854775808.0), 0x7FFFFFFFFFFFFFFFull);
  EXPECT_EQ(num::i64_trunc_sat_f64_s(-9223372036854775808.0), 0x8000000000000000ull);
  EXPECT_EQ(num::i64_trunc_sat_f64_s(-f64_inf), 0x8000000000000000ull);
  EXPECT_EQ(num::i64_trunc_sat_f64_s(dn), 0ull);
  EXPECT_EQ(num::i64_trunc_sat_f64_u(18446744073709551616.0), ~0ull);
  EXPECT_EQ(num::i64_trunc_sat_f64_u(18446744073709549568.0), 18446744073709549568ull);
  EXPECT_EQ(num::i64_trunc_sat_f64_u(f64_inf), ~0ull);
  EXPECT_EQ(num::i64_trunc_sat_f64_u(-dn), 0ull);
}

// ---------------------------------------------------------------------------------------------
// integer -> float: one rounding, to nearest, ties to even

TEST(numeric, convert_i64_to_f32_rounds_once) {
  // 2^63 + 2^39 + 1: just above the midpoint between two floats. Through double it would
  // first round to the midpoint 2^63 + 2^39, then to even 2^63.
  EXPECT_EQ(bits(num::f32_convert_i64_u(0x8000008000000001ull)), bits(0x1.000002p+63f));
  EXPECT_EQ(bits(num::f32_convert_i64_u(0x8000008000000000ull)), bits(0x1p+63f));  // tie: even
  EXPECT_EQ(bits(num::f32_convert_i64_u(0x8000018000000000ull)), bits(0x1.000004p+63f));
  EXPECT_EQ(bits(num::f32_convert_i64_u(~0ull)), bits(0x1p+64f));
  EXPECT_EQ(bits(num::f32_convert_i64_u(0xFFFFFF7FFFFFFFFFull)), bits(0x1.fffffep+63f));
  EXPECT_EQ(num::f32_convert_i64_u(0), 0.0f);
  EXPECT_EQ(num::f32_convert_i64_u(16777217), 16777216.0f);
  EXPECT_EQ(num::f32_convert_i64_u(16777219), 16777220.0f);
  EXPECT_EQ(bits(num::f32_convert_i64_s(0x7FFFFF4000000001ull)), bits(0x1.fffffep+62f));
  EXPECT_EQ(bits(num::f32_convert_i64_s(0x8000004000000001ull)), bits(-0x1.fffffep+62f));
  EXPECT_EQ(bits(num::f32_convert_i64_s(0x0020000020000001ull)), bits(0x1.000002p+53f));
  EXPECT_EQ(bits(num::f32_convert_i64_s(0xFFDFFFFFDFFFFFFFull)), bits(-0x1.000002p+53f));
  EXPECT_EQ(bits(num::f32_convert_i64_s(0x8000000000000000ull)), bits(-0x1p+63f));
  EXPECT_EQ(bits(num::f32_convert_i64_s(~0ull)), bits(-1.0f));
  EXPECT_EQ(bits(num::f32_convert_i64_s(0)), bits(0.0f));
}

TEST(numeric, convert_to_float_rounds_to_nearest_even) {
  EXPECT_EQ(num::f32_convert_i32_s(0x80000000u), -2147483648.0f);
  EXPECT_EQ(num::f32_convert_i32_s(0x7FFFFFFFu), 2147483648.0f);
  EXPECT_EQ(num::f32_convert_i32_s(static_cast<uint32_t>(-16777217)), -16777216.0f);
  EXPECT_EQ(num::f32_convert_i32_s(16777219), 16777220.0f);
  EXPECT_EQ(num::f32_convert_i32_u(0xFFFFFFFFu), 4294967296.0f);
  EXPECT_EQ(num::f32_convert_i32_u(0x80000080u), 2147483648.0f);  // tie: even
  EXPECT_EQ(num::f32_convert_i32_u(0x80000081u), 2147483904.0f);
  EXPECT_EQ(num::f32_convert_i32_u(0x80000180u), 2147484160.0f);  // tie: even, upward
  EXPECT_EQ(num::f64_convert_i32_s(0x80000000u), -2147483648.0);
  EXPECT_EQ(num::f64_convert_i32_u(0xFFFFFFFFu), 4294967295.0);
  EXPECT_EQ(bits(num::f64_convert_i64_u(0x8000000000000401ull)), bits(0x1.0000000000001p+63));
  EXPECT_EQ(bits(num::f64_convert_i64_u(0x8000000000000400ull)), bits(0x1p+63));
  EXPECT_EQ(bits(num::f64_convert_i64_u(~0ull)), bits(0x1p+64));
  EXPECT_EQ(bits(num::f64_convert_i64_u(9007199254740993ull)), bits(9007199254740992.0));
  EXPECT_EQ(bits(num::f64_convert_i64_u(9007199254740995ull)), bits(9007199254740996.0));
  EXPECT_EQ(bits(num::f64_convert_i64_s(0x8000000000000000ull)), bits(-0x1p+63));
  EXPECT_EQ(bits(num::f64_convert_i64_s(static_cast<uint64_t>(-9007199254740993ll))),
            bits(-9007199254740992.0));
  EXPECT_EQ(bits(num::f64_convert_i64_s(0x7FFFFFFFFFFFFDFFull)), bits(0x1.fffffffffffffp+62));
  EXPECT_EQ(bits(num::f64_convert_i64_s(0x7FFFFFFFFFFFFE00ull)), bits(0x1p+63));  // tie: even
  EXPECT_EQ(num::f64_convert_i64_s(~0ull), -1.0);
}

TEST(numeric, convert_matches_the_hardware_on_many_values) {
  // A sweep of bit patterns around every power of two and rounding boundary, against the
  // compiler's direct conversion (a single correctly rounded instruction on x86-64).
  for (int shift = 0; shift < 64; ++shift) {
    for (uint64_t low : {0ull, 1ull, 0x3FFull, 0x400ull, 0x401ull, 0x7FFull, 0x800ull,
                         0x7FFFFFFFFFull, 0x8000000000ull, 0x8000000001ull, 0xFFFFFFFFFFull}) {
      for (uint64_t x : {(1ull << shift) + low, (1ull << shift) - low, ~0ull - low}) {
        EXPECT_EQ(bits(num::f32_convert_i64_u(x)), bits(static_cast<float>(x))) << x;
        EXPECT_EQ(bits(num::f64_convert_i64_u(x)), bits(static_cast<double>(x))) << x;
        const auto s = static_cast<int64_t>(x);
        EXPECT_EQ(bits(num::f32_convert_i64_s(x)), bits(static_cast<float>(s))) << s;
        EXPECT_EQ(bits(num::f64_convert_i64_s(x)), bits(static_cast<double>(s))) << s;
        const auto u32 = static_cast<uint32_t>(x);
        EXPECT_EQ(bits(num::f32_convert_i32_u(u32)), bits(static_cast<float>(u32))) << u32;
        EXPECT_EQ(bits(num::f32_convert_i32_s(u32)),
                  bits(static_cast<float>(static_cast<int32_t>(u32))))
            << u32;
      }
    }
  }
}

TEST(numeric, demote_and_promote) {
  EXPECT_EQ(num::f32_demote_f64(0x1.fffffefffffffp+127), 0x1.fffffep+127f);
  EXPECT_EQ(num::f32_demote_f64(0x1.ffffffp+127), f32_inf);
  EXPECT_EQ(num::f32_demote_f64(-1e300), -f32_inf);
  EXPECT_EQ(bits(num::f32_demote_f64(-0.0)), bits(-0.0f));
  EXPECT_EQ(num::f32_demote_f64(0x1.000001p+0), 1.0f);  // tie: even
  EXPECT_TRUE(std::isnan(num::f32_demote_f64(f64_snan)));
  EXPECT_EQ(num::f64_promote_f32(0x1.fffffep+127f), 0x1.fffffep+127);
  EXPECT_EQ(num::f64_promote_f32(-f32_inf), -f64_inf);
  EXPECT_TRUE(std::isnan(num::f64_promote_f32(f32_snan)));
}

// ---------------------------------------------------------------------------------------------
// compile-time: the constexpr functions are usable in constant expressions

static_assert(num::i32_add(0xFFFFFFFFu, 1) == 0);
static_assert(num::i32_rotl(0x80000001u, 1) == 3);
static_assert(num::i64_clz(0) == 64);
static_assert(num::f32_convert_i64_u(0x8000008000000001ull) == 0x1.000002p+63f);
static_assert(num::i32_trunc_sat_f64_u(-5.0) == 0);
static_assert(num::check<Op::i32_div_s>(0x80000000u, 0xFFFFFFFFu) == TrapKind::integer_overflow);
static_assert(num::check<Op::i32_trunc_f32_s>(-2147483904.0f) == TrapKind::integer_overflow);
static_assert(!num::can_trap<Op::i32_add> && num::can_trap<Op::i64_trunc_f64_u>);

}  // namespace
