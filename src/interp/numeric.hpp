// weft: the semantics of every scalar instruction of kind `simple` in opcodes.def.
//
// One function per instruction, named like its Op enumerator, over the C++ types
// i32 -> uint32_t, i64 -> uint64_t, f32 -> float, f64 -> double. Comparisons return a
// uint32_t 0 or 1. Every function is defined for every input (no UB, no exceptions): an
// instruction that can trap has a `check<op>(args...)` that the interpreter calls first, and
// its value function returns an arbitrary value for the inputs that check() rejects.
//
// https://webassembly.github.io/spec/core/exec/numerics.html
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "wasm/opcodes.hpp"
#include "weft/result.hpp"

namespace weft::interp::num {

// The attributes every function here carries: always inlined into the interpreter's handlers.
#define WEFT_NUM_FN [[gnu::always_inline]] inline constexpr
// For the few that call <cmath>, which is not constexpr in C++20.
#define WEFT_NUM_FN_RT [[gnu::always_inline]] inline

namespace detail {

/// The unsigned integer of the same width as a float type (its bits).
template <class F>
using Bits = std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>;

template <class F>
inline constexpr Bits<F> sign_bit = Bits<F>{1} << (sizeof(F) * 8 - 1);

template <class F>
WEFT_NUM_FN Bits<F> bits_of(F x) noexcept {
  return std::bit_cast<Bits<F>>(x);
}

template <class F>
WEFT_NUM_FN bool is_nan(F x) noexcept {
  return x != x;
}

/// 2^n, exactly, in F.
template <class F>
WEFT_NUM_FN F pow2(int n) noexcept {
  F r = 1;
  for (int i = 0; i < n; ++i) r *= 2;
  return r;
}

template <class F>
WEFT_NUM_FN F fabs_bits(F x) noexcept {
  return std::bit_cast<F>(static_cast<Bits<F>>(std::bit_cast<Bits<F>>(x) & ~sign_bit<F>));
}

template <class F>
WEFT_NUM_FN F fneg_bits(F x) noexcept {
  return std::bit_cast<F>(static_cast<Bits<F>>(std::bit_cast<Bits<F>>(x) ^ sign_bit<F>));
}

template <class F>
WEFT_NUM_FN F copysign_bits(F magnitude, F sign) noexcept {
  const Bits<F> m = std::bit_cast<Bits<F>>(magnitude) & ~sign_bit<F>;
  const Bits<F> s = std::bit_cast<Bits<F>>(sign) & sign_bit<F>;
  return std::bit_cast<F>(static_cast<Bits<F>>(m | s));
}

/// min and max: a NaN operand gives a quiet NaN (the hardware add quiets it), and -0 < +0,
/// which is what OR-ing (min) or AND-ing (max) the bits of two equal values gives.
template <class F>
WEFT_NUM_FN F fmin(F a, F b) noexcept {
  if (is_nan(a) || is_nan(b)) return a + b;
  if (a == b) {  // equal values differ at most in the sign of a zero
    return std::bit_cast<F>(static_cast<Bits<F>>(bits_of(a) | bits_of(b)));
  }
  return a < b ? a : b;
}

template <class F>
WEFT_NUM_FN F fmax(F a, F b) noexcept {
  if (is_nan(a) || is_nan(b)) return a + b;
  if (a == b) {  // equal values differ at most in the sign of a zero
    return std::bit_cast<F>(static_cast<Bits<F>>(bits_of(a) & bits_of(b)));
  }
  return a > b ? a : b;
}

/// Round half to even, without depending on the FPU rounding mode: trunc, x - trunc(x) and
/// trunc(x) +- 1 are all exact below 2^mantissa, where every larger float is an integer.
template <class F>
WEFT_NUM_FN_RT F nearest(F x) noexcept {
  constexpr F integral_from = pow2<F>(std::numeric_limits<F>::digits - 1);
  if (is_nan(x)) return x + x;
  if (!(fabs_bits(x) < integral_from)) return x;  // already an integer, or infinite
  const F t = std::trunc(x);
  const F frac = fabs_bits(x - t);
  F r = t;
  const bool t_is_odd = (static_cast<int64_t>(t) & 1) != 0;
  if (frac > F(0.5) || (frac == F(0.5) && t_is_odd)) r = t + copysign_bits(F(1), x);
  return copysign_bits(r, x);  // a zero result keeps the sign of x: nearest(-0.5) = -0
}

/// Whether truncating x toward zero gives a value of I. NaN is not in range. The bounds are
/// powers of two, exact in F; the signed lower bound is exclusive -2^(N-1) - 1 when F can
/// represent it, else inclusive -2^(N-1) (no F lies strictly between the two).
template <class I, class F>
WEFT_NUM_FN bool trunc_in_range(F x) noexcept {
  constexpr int value_bits = std::numeric_limits<I>::digits;  // 31, 32, 63 or 64
  constexpr F upper = pow2<F>(value_bits);                    // exclusive
  if constexpr (std::is_unsigned_v<I>) {
    return x > F(-1) && x < upper;
  } else if constexpr (std::numeric_limits<F>::digits > value_bits) {
    return x > -upper - F(1) && x < upper;
  } else {
    return x >= -upper && x < upper;
  }
}

/// Trapping truncation; the caller checked trunc_check first. 0 for what it would reject.
template <class I, class F>
WEFT_NUM_FN I trunc(F x) noexcept {
  return trunc_in_range<I>(x) ? static_cast<I>(x) : I{0};
}

template <class I, class F>
WEFT_NUM_FN TrapKind trunc_check(F x) noexcept {
  if (is_nan(x)) return TrapKind::invalid_conversion_to_integer;
  if (!trunc_in_range<I>(x)) return TrapKind::integer_overflow;
  return TrapKind::none;
}

/// Saturating truncation: NaN gives 0, out-of-range values the nearest bound.
template <class I, class F>
WEFT_NUM_FN I trunc_sat(F x) noexcept {
  if (is_nan(x)) return I{0};
  if (trunc_in_range<I>(x)) return static_cast<I>(x);
  return x < F(0) ? std::numeric_limits<I>::min() : std::numeric_limits<I>::max();
}

/// An unsigned integer to the nearest F, ties to even, computed on the bits so that it does
/// not depend on the compiler's choice of instructions (no double rounding through double)
/// or on the rounding mode.
template <class F>
WEFT_NUM_FN F u64_to_float(uint64_t x) noexcept {
  constexpr int digits = std::numeric_limits<F>::digits;  // 24 or 53, with the hidden bit
  constexpr int mantissa_bits = digits - 1;
  constexpr int bias = std::numeric_limits<F>::max_exponent - 1;
  if (x <= (uint64_t{1} << digits)) return static_cast<F>(x);  // exact
  int msb = 63 - std::countl_zero(x);
  const int shift = msb - mantissa_bits;  // > 0 here
  const uint64_t rest = x & ((uint64_t{1} << shift) - 1);
  const uint64_t half = uint64_t{1} << (shift - 1);
  uint64_t m = x >> shift;
  if (rest > half || (rest == half && (m & 1) != 0)) {
    ++m;
    if ((m >> digits) != 0) {  // carried into a new leading bit
      m >>= 1;
      ++msb;
    }
  }
  const uint64_t mantissa = m & ((uint64_t{1} << mantissa_bits) - 1);
  const uint64_t exponent = static_cast<uint64_t>(msb) + bias;
  return std::bit_cast<F>(static_cast<Bits<F>>((exponent << mantissa_bits) | mantissa));
}

template <class F>
WEFT_NUM_FN F s64_to_float(int64_t x) noexcept {
  // The magnitude in unsigned arithmetic, so that INT64_MIN needs no special case.
  const uint64_t magnitude =
      x < 0 ? uint64_t{0} - static_cast<uint64_t>(x) : static_cast<uint64_t>(x);
  const F r = u64_to_float<F>(magnitude);
  return x < 0 ? fneg_bits(r) : r;
}

template <class S, class U>
WEFT_NUM_FN TrapKind div_s_check(U a, U b) noexcept {
  if (b == 0) return TrapKind::integer_divide_by_zero;
  if (static_cast<S>(a) == std::numeric_limits<S>::min() && static_cast<S>(b) == -1) {
    return TrapKind::integer_overflow;
  }
  return TrapKind::none;
}

template <class U>
WEFT_NUM_FN TrapKind divisor_check(U b) noexcept {
  return b == 0 ? TrapKind::integer_divide_by_zero : TrapKind::none;
}

/// Signed division; INT_MIN / -1 gives INT_MIN and x / 0 gives 0 (both trap in wasm).
template <class S, class U>
WEFT_NUM_FN U div_s(U a, U b) noexcept {
  if (b == 0) return 0;
  if (static_cast<S>(b) == -1) return static_cast<U>(U{0} - a);  // wraps, no signed overflow
  return static_cast<U>(static_cast<S>(a) / static_cast<S>(b));
}

/// Signed remainder; x rem_s -1 is 0, including INT_MIN (which would be UB in C++).
template <class S, class U>
WEFT_NUM_FN U rem_s(U a, U b) noexcept {
  if (b == 0 || static_cast<S>(b) == -1) return 0;
  return static_cast<U>(static_cast<S>(a) % static_cast<S>(b));
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// i32 comparisons

/// i32.eqz
WEFT_NUM_FN uint32_t i32_eqz(uint32_t a) noexcept { return a == 0; }
WEFT_NUM_FN uint32_t i32_eq(uint32_t a, uint32_t b) noexcept { return a == b; }
WEFT_NUM_FN uint32_t i32_ne(uint32_t a, uint32_t b) noexcept { return a != b; }
WEFT_NUM_FN uint32_t i32_lt_s(uint32_t a, uint32_t b) noexcept {
  return static_cast<int32_t>(a) < static_cast<int32_t>(b);
}
WEFT_NUM_FN uint32_t i32_lt_u(uint32_t a, uint32_t b) noexcept { return a < b; }
WEFT_NUM_FN uint32_t i32_gt_s(uint32_t a, uint32_t b) noexcept {
  return static_cast<int32_t>(a) > static_cast<int32_t>(b);
}
WEFT_NUM_FN uint32_t i32_gt_u(uint32_t a, uint32_t b) noexcept { return a > b; }
WEFT_NUM_FN uint32_t i32_le_s(uint32_t a, uint32_t b) noexcept {
  return static_cast<int32_t>(a) <= static_cast<int32_t>(b);
}
WEFT_NUM_FN uint32_t i32_le_u(uint32_t a, uint32_t b) noexcept { return a <= b; }
WEFT_NUM_FN uint32_t i32_ge_s(uint32_t a, uint32_t b) noexcept {
  return static_cast<int32_t>(a) >= static_cast<int32_t>(b);
}
WEFT_NUM_FN uint32_t i32_ge_u(uint32_t a, uint32_t b) noexcept { return a >= b; }

// i64 comparisons

WEFT_NUM_FN uint32_t i64_eqz(uint64_t a) noexcept { return a == 0; }
WEFT_NUM_FN uint32_t i64_eq(uint64_t a, uint64_t b) noexcept { return a == b; }
WEFT_NUM_FN uint32_t i64_ne(uint64_t a, uint64_t b) noexcept { return a != b; }
WEFT_NUM_FN uint32_t i64_lt_s(uint64_t a, uint64_t b) noexcept {
  return static_cast<int64_t>(a) < static_cast<int64_t>(b);
}
WEFT_NUM_FN uint32_t i64_lt_u(uint64_t a, uint64_t b) noexcept { return a < b; }
WEFT_NUM_FN uint32_t i64_gt_s(uint64_t a, uint64_t b) noexcept {
  return static_cast<int64_t>(a) > static_cast<int64_t>(b);
}
WEFT_NUM_FN uint32_t i64_gt_u(uint64_t a, uint64_t b) noexcept { return a > b; }
WEFT_NUM_FN uint32_t i64_le_s(uint64_t a, uint64_t b) noexcept {
  return static_cast<int64_t>(a) <= static_cast<int64_t>(b);
}
WEFT_NUM_FN uint32_t i64_le_u(uint64_t a, uint64_t b) noexcept { return a <= b; }
WEFT_NUM_FN uint32_t i64_ge_s(uint64_t a, uint64_t b) noexcept {
  return static_cast<int64_t>(a) >= static_cast<int64_t>(b);
}
WEFT_NUM_FN uint32_t i64_ge_u(uint64_t a, uint64_t b) noexcept { return a >= b; }

// float comparisons: IEEE, so any comparison with a NaN is false except ne.

WEFT_NUM_FN uint32_t f32_eq(float a, float b) noexcept { return a == b; }
WEFT_NUM_FN uint32_t f32_ne(float a, float b) noexcept { return a != b; }
WEFT_NUM_FN uint32_t f32_lt(float a, float b) noexcept { return a < b; }
WEFT_NUM_FN uint32_t f32_gt(float a, float b) noexcept { return a > b; }
WEFT_NUM_FN uint32_t f32_le(float a, float b) noexcept { return a <= b; }
WEFT_NUM_FN uint32_t f32_ge(float a, float b) noexcept { return a >= b; }
WEFT_NUM_FN uint32_t f64_eq(double a, double b) noexcept { return a == b; }
WEFT_NUM_FN uint32_t f64_ne(double a, double b) noexcept { return a != b; }
WEFT_NUM_FN uint32_t f64_lt(double a, double b) noexcept { return a < b; }
WEFT_NUM_FN uint32_t f64_gt(double a, double b) noexcept { return a > b; }
WEFT_NUM_FN uint32_t f64_le(double a, double b) noexcept { return a <= b; }
WEFT_NUM_FN uint32_t f64_ge(double a, double b) noexcept { return a >= b; }

// ---------------------------------------------------------------------------------------------
// i32 arithmetic: unsigned wrap-around; shift and rotate counts are taken modulo 32.

WEFT_NUM_FN uint32_t i32_clz(uint32_t a) noexcept {
  return static_cast<uint32_t>(std::countl_zero(a));
}
WEFT_NUM_FN uint32_t i32_ctz(uint32_t a) noexcept {
  return static_cast<uint32_t>(std::countr_zero(a));
}
WEFT_NUM_FN uint32_t i32_popcnt(uint32_t a) noexcept {
  return static_cast<uint32_t>(std::popcount(a));
}
WEFT_NUM_FN uint32_t i32_add(uint32_t a, uint32_t b) noexcept { return a + b; }
WEFT_NUM_FN uint32_t i32_sub(uint32_t a, uint32_t b) noexcept { return a - b; }
WEFT_NUM_FN uint32_t i32_mul(uint32_t a, uint32_t b) noexcept { return a * b; }
/// Traps (see check) on b = 0 and on INT32_MIN / -1.
WEFT_NUM_FN uint32_t i32_div_s(uint32_t a, uint32_t b) noexcept {
  return detail::div_s<int32_t>(a, b);
}
/// Traps on b = 0.
WEFT_NUM_FN uint32_t i32_div_u(uint32_t a, uint32_t b) noexcept { return b == 0 ? 0 : a / b; }
/// Traps on b = 0; INT32_MIN rem_s -1 is 0.
WEFT_NUM_FN uint32_t i32_rem_s(uint32_t a, uint32_t b) noexcept {
  return detail::rem_s<int32_t>(a, b);
}
/// Traps on b = 0.
WEFT_NUM_FN uint32_t i32_rem_u(uint32_t a, uint32_t b) noexcept { return b == 0 ? 0 : a % b; }
WEFT_NUM_FN uint32_t i32_and(uint32_t a, uint32_t b) noexcept { return a & b; }
WEFT_NUM_FN uint32_t i32_or(uint32_t a, uint32_t b) noexcept { return a | b; }
WEFT_NUM_FN uint32_t i32_xor(uint32_t a, uint32_t b) noexcept { return a ^ b; }
WEFT_NUM_FN uint32_t i32_shl(uint32_t a, uint32_t b) noexcept { return a << (b & 31); }
/// Arithmetic shift; C++20 defines >> of a negative value as one.
WEFT_NUM_FN uint32_t i32_shr_s(uint32_t a, uint32_t b) noexcept {
  return static_cast<uint32_t>(static_cast<int32_t>(a) >> (b & 31));
}
WEFT_NUM_FN uint32_t i32_shr_u(uint32_t a, uint32_t b) noexcept { return a >> (b & 31); }
WEFT_NUM_FN uint32_t i32_rotl(uint32_t a, uint32_t b) noexcept {
  return std::rotl(a, static_cast<int>(b & 31));
}
WEFT_NUM_FN uint32_t i32_rotr(uint32_t a, uint32_t b) noexcept {
  return std::rotr(a, static_cast<int>(b & 31));
}

// i64 arithmetic

WEFT_NUM_FN uint64_t i64_clz(uint64_t a) noexcept {
  return static_cast<uint64_t>(std::countl_zero(a));
}
WEFT_NUM_FN uint64_t i64_ctz(uint64_t a) noexcept {
  return static_cast<uint64_t>(std::countr_zero(a));
}
WEFT_NUM_FN uint64_t i64_popcnt(uint64_t a) noexcept {
  return static_cast<uint64_t>(std::popcount(a));
}
WEFT_NUM_FN uint64_t i64_add(uint64_t a, uint64_t b) noexcept { return a + b; }
WEFT_NUM_FN uint64_t i64_sub(uint64_t a, uint64_t b) noexcept { return a - b; }
WEFT_NUM_FN uint64_t i64_mul(uint64_t a, uint64_t b) noexcept { return a * b; }
/// Traps (see check) on b = 0 and on INT64_MIN / -1.
WEFT_NUM_FN uint64_t i64_div_s(uint64_t a, uint64_t b) noexcept {
  return detail::div_s<int64_t>(a, b);
}
/// Traps on b = 0.
WEFT_NUM_FN uint64_t i64_div_u(uint64_t a, uint64_t b) noexcept { return b == 0 ? 0 : a / b; }
/// Traps on b = 0; INT64_MIN rem_s -1 is 0.
WEFT_NUM_FN uint64_t i64_rem_s(uint64_t a, uint64_t b) noexcept {
  return detail::rem_s<int64_t>(a, b);
}
/// Traps on b = 0.
WEFT_NUM_FN uint64_t i64_rem_u(uint64_t a, uint64_t b) noexcept { return b == 0 ? 0 : a % b; }
WEFT_NUM_FN uint64_t i64_and(uint64_t a, uint64_t b) noexcept { return a & b; }
WEFT_NUM_FN uint64_t i64_or(uint64_t a, uint64_t b) noexcept { return a | b; }
WEFT_NUM_FN uint64_t i64_xor(uint64_t a, uint64_t b) noexcept { return a ^ b; }
WEFT_NUM_FN uint64_t i64_shl(uint64_t a, uint64_t b) noexcept { return a << (b & 63); }
WEFT_NUM_FN uint64_t i64_shr_s(uint64_t a, uint64_t b) noexcept {
  return static_cast<uint64_t>(static_cast<int64_t>(a) >> (b & 63));
}
WEFT_NUM_FN uint64_t i64_shr_u(uint64_t a, uint64_t b) noexcept { return a >> (b & 63); }
WEFT_NUM_FN uint64_t i64_rotl(uint64_t a, uint64_t b) noexcept {
  return std::rotl(a, static_cast<int>(b & 63));
}
WEFT_NUM_FN uint64_t i64_rotr(uint64_t a, uint64_t b) noexcept {
  return std::rotr(a, static_cast<int>(b & 63));
}

// ---------------------------------------------------------------------------------------------
// f32 arithmetic. abs, neg and copysign only touch the sign bit, so NaN payloads survive;
// the rest may return any NaN for a NaN result (the hardware gives a quiet one).

WEFT_NUM_FN float f32_abs(float a) noexcept { return detail::fabs_bits(a); }
WEFT_NUM_FN float f32_neg(float a) noexcept { return detail::fneg_bits(a); }
WEFT_NUM_FN_RT float f32_ceil(float a) noexcept { return std::ceil(a); }
WEFT_NUM_FN_RT float f32_floor(float a) noexcept { return std::floor(a); }
WEFT_NUM_FN_RT float f32_trunc(float a) noexcept { return std::trunc(a); }
/// Round to the nearest integer, ties to even.
WEFT_NUM_FN_RT float f32_nearest(float a) noexcept { return detail::nearest(a); }
WEFT_NUM_FN_RT float f32_sqrt(float a) noexcept { return std::sqrt(a); }
WEFT_NUM_FN float f32_add(float a, float b) noexcept { return a + b; }
WEFT_NUM_FN float f32_sub(float a, float b) noexcept { return a - b; }
WEFT_NUM_FN float f32_mul(float a, float b) noexcept { return a * b; }
WEFT_NUM_FN float f32_div(float a, float b) noexcept { return a / b; }
/// NaN if either is NaN; min(-0, +0) = -0.
WEFT_NUM_FN float f32_min(float a, float b) noexcept { return detail::fmin(a, b); }
/// NaN if either is NaN; max(-0, +0) = +0.
WEFT_NUM_FN float f32_max(float a, float b) noexcept { return detail::fmax(a, b); }
WEFT_NUM_FN float f32_copysign(float a, float b) noexcept { return detail::copysign_bits(a, b); }

// f64 arithmetic

WEFT_NUM_FN double f64_abs(double a) noexcept { return detail::fabs_bits(a); }
WEFT_NUM_FN double f64_neg(double a) noexcept { return detail::fneg_bits(a); }
WEFT_NUM_FN_RT double f64_ceil(double a) noexcept { return std::ceil(a); }
WEFT_NUM_FN_RT double f64_floor(double a) noexcept { return std::floor(a); }
WEFT_NUM_FN_RT double f64_trunc(double a) noexcept { return std::trunc(a); }
/// Round to the nearest integer, ties to even.
WEFT_NUM_FN_RT double f64_nearest(double a) noexcept { return detail::nearest(a); }
WEFT_NUM_FN_RT double f64_sqrt(double a) noexcept { return std::sqrt(a); }
WEFT_NUM_FN double f64_add(double a, double b) noexcept { return a + b; }
WEFT_NUM_FN double f64_sub(double a, double b) noexcept { return a - b; }
WEFT_NUM_FN double f64_mul(double a, double b) noexcept { return a * b; }
WEFT_NUM_FN double f64_div(double a, double b) noexcept { return a / b; }
/// NaN if either is NaN; min(-0, +0) = -0.
WEFT_NUM_FN double f64_min(double a, double b) noexcept { return detail::fmin(a, b); }
/// NaN if either is NaN; max(-0, +0) = +0.
WEFT_NUM_FN double f64_max(double a, double b) noexcept { return detail::fmax(a, b); }
WEFT_NUM_FN double f64_copysign(double a, double b) noexcept { return detail::copysign_bits(a, b); }

// ---------------------------------------------------------------------------------------------
// conversions

WEFT_NUM_FN uint32_t i32_wrap_i64(uint64_t a) noexcept { return static_cast<uint32_t>(a); }
/// Traps (see check) on NaN and when the truncated value is outside i32/u32/i64/u64.
WEFT_NUM_FN uint32_t i32_trunc_f32_s(float a) noexcept {
  return static_cast<uint32_t>(detail::trunc<int32_t>(a));
}
WEFT_NUM_FN uint32_t i32_trunc_f32_u(float a) noexcept { return detail::trunc<uint32_t>(a); }
WEFT_NUM_FN uint32_t i32_trunc_f64_s(double a) noexcept {
  return static_cast<uint32_t>(detail::trunc<int32_t>(a));
}
WEFT_NUM_FN uint32_t i32_trunc_f64_u(double a) noexcept { return detail::trunc<uint32_t>(a); }
WEFT_NUM_FN uint64_t i64_extend_i32_s(uint32_t a) noexcept {
  return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(a)));
}
WEFT_NUM_FN uint64_t i64_extend_i32_u(uint32_t a) noexcept { return a; }
WEFT_NUM_FN uint64_t i64_trunc_f32_s(float a) noexcept {
  return static_cast<uint64_t>(detail::trunc<int64_t>(a));
}
WEFT_NUM_FN uint64_t i64_trunc_f32_u(float a) noexcept { return detail::trunc<uint64_t>(a); }
WEFT_NUM_FN uint64_t i64_trunc_f64_s(double a) noexcept {
  return static_cast<uint64_t>(detail::trunc<int64_t>(a));
}
WEFT_NUM_FN uint64_t i64_trunc_f64_u(double a) noexcept { return detail::trunc<uint64_t>(a); }
/// Integer to float conversions round to nearest, ties to even, in one rounding.
WEFT_NUM_FN float f32_convert_i32_s(uint32_t a) noexcept {
  return detail::s64_to_float<float>(static_cast<int32_t>(a));
}
WEFT_NUM_FN float f32_convert_i32_u(uint32_t a) noexcept { return detail::u64_to_float<float>(a); }
WEFT_NUM_FN float f32_convert_i64_s(uint64_t a) noexcept {
  return detail::s64_to_float<float>(static_cast<int64_t>(a));
}
WEFT_NUM_FN float f32_convert_i64_u(uint64_t a) noexcept { return detail::u64_to_float<float>(a); }
/// Rounds to nearest; out of range values become infinities (IEEE conversion, which clang
/// guarantees), NaN stays NaN.
WEFT_NUM_FN float f32_demote_f64(double a) noexcept { return static_cast<float>(a); }
WEFT_NUM_FN double f64_convert_i32_s(uint32_t a) noexcept {
  return static_cast<double>(static_cast<int32_t>(a));
}
WEFT_NUM_FN double f64_convert_i32_u(uint32_t a) noexcept { return static_cast<double>(a); }
WEFT_NUM_FN double f64_convert_i64_s(uint64_t a) noexcept {
  return detail::s64_to_float<double>(static_cast<int64_t>(a));
}
WEFT_NUM_FN double f64_convert_i64_u(uint64_t a) noexcept {
  return detail::u64_to_float<double>(a);
}
WEFT_NUM_FN double f64_promote_f32(float a) noexcept { return static_cast<double>(a); }
WEFT_NUM_FN uint32_t i32_reinterpret_f32(float a) noexcept { return std::bit_cast<uint32_t>(a); }
WEFT_NUM_FN uint64_t i64_reinterpret_f64(double a) noexcept { return std::bit_cast<uint64_t>(a); }
WEFT_NUM_FN float f32_reinterpret_i32(uint32_t a) noexcept { return std::bit_cast<float>(a); }
WEFT_NUM_FN double f64_reinterpret_i64(uint64_t a) noexcept { return std::bit_cast<double>(a); }

// sign extension

WEFT_NUM_FN uint32_t i32_extend8_s(uint32_t a) noexcept {
  return static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(a)));
}
WEFT_NUM_FN uint32_t i32_extend16_s(uint32_t a) noexcept {
  return static_cast<uint32_t>(static_cast<int32_t>(static_cast<int16_t>(a)));
}
WEFT_NUM_FN uint64_t i64_extend8_s(uint64_t a) noexcept {
  return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int8_t>(a)));
}
WEFT_NUM_FN uint64_t i64_extend16_s(uint64_t a) noexcept {
  return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int16_t>(a)));
}
WEFT_NUM_FN uint64_t i64_extend32_s(uint64_t a) noexcept {
  return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(a)));
}

// saturating truncation: NaN -> 0, out of range -> the nearest bound; never traps.

WEFT_NUM_FN uint32_t i32_trunc_sat_f32_s(float a) noexcept {
  return static_cast<uint32_t>(detail::trunc_sat<int32_t>(a));
}
WEFT_NUM_FN uint32_t i32_trunc_sat_f32_u(float a) noexcept {
  return detail::trunc_sat<uint32_t>(a);
}
WEFT_NUM_FN uint32_t i32_trunc_sat_f64_s(double a) noexcept {
  return static_cast<uint32_t>(detail::trunc_sat<int32_t>(a));
}
WEFT_NUM_FN uint32_t i32_trunc_sat_f64_u(double a) noexcept {
  return detail::trunc_sat<uint32_t>(a);
}
WEFT_NUM_FN uint64_t i64_trunc_sat_f32_s(float a) noexcept {
  return static_cast<uint64_t>(detail::trunc_sat<int64_t>(a));
}
WEFT_NUM_FN uint64_t i64_trunc_sat_f32_u(float a) noexcept {
  return detail::trunc_sat<uint64_t>(a);
}
WEFT_NUM_FN uint64_t i64_trunc_sat_f64_s(double a) noexcept {
  return static_cast<uint64_t>(detail::trunc_sat<int64_t>(a));
}
WEFT_NUM_FN uint64_t i64_trunc_sat_f64_u(double a) noexcept {
  return detail::trunc_sat<uint64_t>(a);
}

// ---------------------------------------------------------------------------------------------
// traps

/// Whether an instruction can trap; the interpreter calls check<op> only for these.
template <wasm::Op op>
inline constexpr bool can_trap = false;
template <>
inline constexpr bool can_trap<wasm::Op::i32_div_s> = true;
template <>
inline constexpr bool can_trap<wasm::Op::i32_div_u> = true;
template <>
inline constexpr bool can_trap<wasm::Op::i32_rem_s> = true;
template <>
inline constexpr bool can_trap<wasm::Op::i32_rem_u> = true;
template <>
inline constexpr bool can_trap<wasm::Op::i64_div_s> = true;
template <>
inline constexpr bool can_trap<wasm::Op::i64_div_u> = true;
template <>
inline constexpr bool can_trap<wasm::Op::i64_rem_s> = true;
template <>
inline constexpr bool can_trap<wasm::Op::i64_rem_u> = true;
template <>
inline constexpr bool can_trap<wasm::Op::i32_trunc_f32_s> = true;
template <>
inline constexpr bool can_trap<wasm::Op::i32_trunc_f32_u> = true;
template <>
inline constexpr bool can_trap<wasm::Op::i32_trunc_f64_s> = true;
template <>
inline constexpr bool can_trap<wasm::Op::i32_trunc_f64_u> = true;
template <>
inline constexpr bool can_trap<wasm::Op::i64_trunc_f32_s> = true;
template <>
inline constexpr bool can_trap<wasm::Op::i64_trunc_f32_u> = true;
template <>
inline constexpr bool can_trap<wasm::Op::i64_trunc_f64_s> = true;
template <>
inline constexpr bool can_trap<wasm::Op::i64_trunc_f64_u> = true;

/// The trap an instruction raises on these operands, or TrapKind::none. Division: by zero is
/// integer_divide_by_zero, INT_MIN / -1 integer_overflow. Truncation: NaN is
/// invalid_conversion_to_integer, out of range integer_overflow.
template <wasm::Op op, class... A>
WEFT_NUM_FN TrapKind check(A... args) noexcept {
  using wasm::Op;
  if constexpr (op == Op::i32_div_s) {
    return detail::div_s_check<int32_t, uint32_t>(args...);
  } else if constexpr (op == Op::i64_div_s) {
    return detail::div_s_check<int64_t, uint64_t>(args...);
  } else if constexpr (op == Op::i32_div_u || op == Op::i32_rem_s || op == Op::i32_rem_u) {
    return [](uint32_t, uint32_t b) { return detail::divisor_check(b); }(args...);
  } else if constexpr (op == Op::i64_div_u || op == Op::i64_rem_s || op == Op::i64_rem_u) {
    return [](uint64_t, uint64_t b) { return detail::divisor_check(b); }(args...);
  } else if constexpr (op == Op::i32_trunc_f32_s) {
    return detail::trunc_check<int32_t, float>(args...);
  } else if constexpr (op == Op::i32_trunc_f32_u) {
    return detail::trunc_check<uint32_t, float>(args...);
  } else if constexpr (op == Op::i32_trunc_f64_s) {
    return detail::trunc_check<int32_t, double>(args...);
  } else if constexpr (op == Op::i32_trunc_f64_u) {
    return detail::trunc_check<uint32_t, double>(args...);
  } else if constexpr (op == Op::i64_trunc_f32_s) {
    return detail::trunc_check<int64_t, float>(args...);
  } else if constexpr (op == Op::i64_trunc_f32_u) {
    return detail::trunc_check<uint64_t, float>(args...);
  } else if constexpr (op == Op::i64_trunc_f64_s) {
    return detail::trunc_check<int64_t, double>(args...);
  } else if constexpr (op == Op::i64_trunc_f64_u) {
    return detail::trunc_check<uint64_t, double>(args...);
  } else {
    static_assert(!can_trap<op>, "a trapping instruction without a check");
    ((void)args, ...);
    return TrapKind::none;
  }
}

#undef WEFT_NUM_FN
#undef WEFT_NUM_FN_RT

}  // namespace weft::interp::num
