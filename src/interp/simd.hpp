// weft: the semantics of every SIMD (v128) instruction of kind `simple` in opcodes_simd.def.
//
// One function per instruction, named like its Op enumerator, over clang/GCC vector types:
// a v128 is `V` (two u64 lanes, the bits only) and each function views it in the lane shape
// it needs (vec<int8_t>, vec<float>, ...); a cast between vector types of one size keeps the
// bits. Scalar operands and results use numeric.hpp's types (i32 -> uint32_t, i64 ->
// uint64_t, f32 -> float, f64 -> double). No SIMD instruction traps.
//
// The portable code is plain vector extensions and lane loops, which clang compiles to the
// target's vector instructions where it can. Where that is not enough, an intrinsic is used
// under `#if WEFT_SIMD_SSE4_1` (or _SSSE3, _SSE2; AVX2 adds nothing at 128 bits today),
// chosen at build time by WEFT_SIMD_ISA (CMakeLists.txt); the portable code stays as
// the fallback, and tests/unit/simd_test.cpp checks the same lanes whatever was selected.
// Lane order is the host's memory order: weft requires a little-endian host.
//
// https://webassembly.github.io/spec/core/exec/numerics.html (vector sections)
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "interp/numeric.hpp"

// WEFT_SIMD_PORTABLE (WEFT_SIMD_ISA=portable) turns the intrinsics off, to test the fallback.
#if defined(__SSE2__) && !defined(WEFT_SIMD_PORTABLE)
#define WEFT_SIMD_SSE2 1
#include <emmintrin.h>
#endif
#if defined(__SSSE3__) && !defined(WEFT_SIMD_PORTABLE)
#define WEFT_SIMD_SSSE3 1
#include <tmmintrin.h>
#endif
#if defined(__SSE4_1__) && !defined(WEFT_SIMD_PORTABLE)
#define WEFT_SIMD_SSE4_1 1
#include <smmintrin.h>
#endif

static_assert(std::endian::native == std::endian::little,
              "weft's v128 lanes need a little-endian host");

// Code compiled for different ISAs may meet in one program (the unit tests check every
// variant against the library): an inline namespace per variant keeps their names apart.
#if defined(WEFT_SIMD_PORTABLE)
#define WEFT_SIMD_VARIANT portable
#elif WEFT_SIMD_SSE4_1
#define WEFT_SIMD_VARIANT sse4_1
#elif WEFT_SIMD_SSSE3
#define WEFT_SIMD_VARIANT ssse3
#elif WEFT_SIMD_SSE2
#define WEFT_SIMD_VARIANT sse2
#else
#define WEFT_SIMD_VARIANT portable
#endif

namespace weft::interp::simd {
inline namespace WEFT_SIMD_VARIANT {

#define WEFT_SIMD_FN [[gnu::always_inline]] inline

/// A 16-byte vector of lanes of E.
template <class E>
using vec __attribute__((vector_size(16))) = E;

/// A v128 value: its 128 bits, as two 64-bit lanes.
using V = vec<uint64_t>;

/// The ISA the semantics were compiled for (for reports and tests).
inline constexpr const char* isa_name =
#if defined(WEFT_SIMD_PORTABLE)
    "portable";
#elif defined(__AVX2__)
    "avx2";
#elif defined(__SSE4_1__)
    "sse4.1";
#elif defined(__SSE2__)
    "sse2";
#else
    "portable";
#endif

namespace detail {

template <class E>
inline constexpr int lanes = 16 / sizeof(E);

template <class E>
WEFT_SIMD_FN vec<E> as(V v) noexcept {
  return (vec<E>)v;
}
template <class E>
WEFT_SIMD_FN V bits(vec<E> v) noexcept {
  return (V)v;
}

template <class E>
WEFT_SIMD_FN V splat(E x) noexcept {
  vec<E> r;
  for (int i = 0; i < lanes<E>; ++i) r[i] = x;
  return bits(r);
}

/// Lanes where the mask is all ones from a, the others from b.
WEFT_SIMD_FN V select(V mask, V a, V b) noexcept { return (a & mask) | (b & ~mask); }

template <class E>
WEFT_SIMD_FN V lt(V a, V b) noexcept {
  return (V)(as<E>(a) < as<E>(b));
}

template <class E>
WEFT_SIMD_FN V min(V a, V b) noexcept {
  return select(lt<E>(a, b), a, b);
}
template <class E>
WEFT_SIMD_FN V max(V a, V b) noexcept {
  return select(lt<E>(b, a), a, b);
}

template <class U>  // unsigned lanes
WEFT_SIMD_FN V avgr(V a, V b) noexcept {
  vec<U> x = as<U>(a), y = as<U>(b);
  return bits<U>((x | y) - ((x ^ y) >> 1));
}

template <class S>  // signed lanes
WEFT_SIMD_FN V abs(V a) noexcept {
  using U = std::make_unsigned_t<S>;
  vec<U> m = (vec<U>)(as<S>(a) >> (sizeof(S) * 8 - 1));
  vec<U> x = as<U>(a);
  return bits<U>((x ^ m) - m);
}

template <class U>
WEFT_SIMD_FN V neg(V a) noexcept {
  return bits<U>(vec<U>{} - as<U>(a));
}

template <class E>
WEFT_SIMD_FN E clamp(int64_t x) noexcept {
  constexpr int64_t lo = std::numeric_limits<E>::min();
  constexpr int64_t hi = std::numeric_limits<E>::max();
  return static_cast<E>(x < lo ? lo : x > hi ? hi : x);
}

template <class E>
WEFT_SIMD_FN V add_sat(V a, V b) noexcept {
  vec<E> x = as<E>(a), y = as<E>(b), r;
  for (int i = 0; i < lanes<E>; ++i) r[i] = clamp<E>(int64_t{x[i]} + int64_t{y[i]});
  return bits(r);
}
template <class E>
WEFT_SIMD_FN V sub_sat(V a, V b) noexcept {
  vec<E> x = as<E>(a), y = as<E>(b), r;
  for (int i = 0; i < lanes<E>; ++i) r[i] = clamp<E>(int64_t{x[i]} - int64_t{y[i]});
  return bits(r);
}

template <class E>
WEFT_SIMD_FN uint32_t all_true(V a) noexcept {
  vec<E> x = as<E>(a);
  for (int i = 0; i < lanes<E>; ++i)
    if (x[i] == 0) return 0;
  return 1;
}

template <class S>  // signed lanes
WEFT_SIMD_FN uint32_t bitmask(V a) noexcept {
  vec<S> x = as<S>(a);
  uint32_t r = 0;
  for (int i = 0; i < lanes<S>; ++i) r |= static_cast<uint32_t>(x[i] < 0) << i;
  return r;
}

/// Narrowing: the lanes of a then b, each saturated to N.
template <class N, class W>
WEFT_SIMD_FN V narrow(V a, V b) noexcept {
  vec<W> x = as<W>(a), y = as<W>(b);
  vec<N> r;
  constexpr int n = lanes<W>;
  for (int i = 0; i < n; ++i) {
    r[i] = clamp<N>(x[i]);
    r[i + n] = clamp<N>(y[i]);
  }
  return bits(r);
}

/// Widening of the low (first = 0) or high half: lanes of S (signedness decides), to W.
template <class W, class S, int first>
WEFT_SIMD_FN V extend(V a) noexcept {
  vec<S> x = as<S>(a);
  vec<W> r;
  for (int i = 0; i < lanes<W>; ++i) r[i] = static_cast<W>(x[i + first]);
  return bits(r);
}

template <class W, class S>
WEFT_SIMD_FN V extadd_pairwise(V a) noexcept {
  vec<S> x = as<S>(a);
  vec<W> r;
  for (int i = 0; i < lanes<W>; ++i)
    r[i] = static_cast<W>(static_cast<W>(x[2 * i]) + static_cast<W>(x[2 * i + 1]));
  return bits(r);
}

/// Extended multiplication of the low or high halves. The product fits W exactly.
template <class W, class S, int first>
WEFT_SIMD_FN V extmul(V a, V b) noexcept {
  vec<S> x = as<S>(a), y = as<S>(b);
  vec<W> r;
  using P = std::conditional_t<std::is_signed_v<S>, int64_t, uint64_t>;
  for (int i = 0; i < lanes<W>; ++i)
    r[i] = static_cast<W>(static_cast<P>(x[i + first]) * static_cast<P>(y[i + first]));
  return bits(r);
}

template <class U, unsigned lane_bits>
WEFT_SIMD_FN V shl(V a, uint32_t n) noexcept {
  return bits<U>(as<U>(a) << static_cast<U>(n & (lane_bits - 1)));
}
template <class E, unsigned lane_bits>
WEFT_SIMD_FN V shr(V a, uint32_t n) noexcept {
  return bits<E>(as<E>(a) >> static_cast<E>(n & (lane_bits - 1)));
}

template <class F, class Fn>
WEFT_SIMD_FN V map_float(V a, Fn fn) noexcept {
  vec<F> x = as<F>(a);
  vec<F> r;
  for (int i = 0; i < lanes<F>; ++i) r[i] = fn(x[i]);
  return bits(r);
}

template <class F, class Fn>
WEFT_SIMD_FN V zip_float(V a, V b, Fn fn) noexcept {
  vec<F> x = as<F>(a), y = as<F>(b);
  vec<F> r;
  for (int i = 0; i < lanes<F>; ++i) r[i] = fn(x[i], y[i]);
  return bits(r);
}

/// abs and neg touch only the sign bits, so NaN payloads survive.
template <class F, class U>
WEFT_SIMD_FN V fabs(V a) noexcept {
  return bits<U>(as<U>(a) & ~num::detail::sign_bit<F>);
}
template <class F, class U>
WEFT_SIMD_FN V fneg(V a) noexcept {
  return bits<U>(as<U>(a) ^ num::detail::sign_bit<F>);
}

/// pmin(a, b) = b < a ? b : a; pmax(a, b) = a < b ? b : a (bit-exact, no NaN processing).
template <class F>
WEFT_SIMD_FN V pmin(V a, V b) noexcept {
  return select((V)(as<F>(b) < as<F>(a)), b, a);
}
template <class F>
WEFT_SIMD_FN V pmax(V a, V b) noexcept {
  return select((V)(as<F>(a) < as<F>(b)), b, a);
}

}  // namespace detail

using detail::as;
using detail::bits;

// ---- splat --------------------------------------------------------------------------------
WEFT_SIMD_FN V i8x16_splat(uint32_t x) noexcept {
  return detail::splat<uint8_t>(static_cast<uint8_t>(x));
}
WEFT_SIMD_FN V i16x8_splat(uint32_t x) noexcept {
  return detail::splat<uint16_t>(static_cast<uint16_t>(x));
}
WEFT_SIMD_FN V i32x4_splat(uint32_t x) noexcept { return detail::splat<uint32_t>(x); }
WEFT_SIMD_FN V i64x2_splat(uint64_t x) noexcept { return detail::splat<uint64_t>(x); }
WEFT_SIMD_FN V f32x4_splat(float x) noexcept { return detail::splat<float>(x); }
WEFT_SIMD_FN V f64x2_splat(double x) noexcept { return detail::splat<double>(x); }

// ---- swizzle ------------------------------------------------------------------------------
WEFT_SIMD_FN V i8x16_swizzle(V a, V s) noexcept {
#if WEFT_SIMD_SSSE3
  // pshufb zeroes a lane whose index has its top bit set: saturate indexes >= 16 up to it.
  __m128i idx = _mm_adds_epu8((__m128i)s, _mm_set1_epi8(0x70));
  return (V)_mm_shuffle_epi8((__m128i)a, idx);
#else
  vec<uint8_t> x = as<uint8_t>(a), i = as<uint8_t>(s), r;
  for (int k = 0; k < 16; ++k) r[k] = i[k] < 16 ? x[i[k] & 15] : 0;
  return bits(r);
#endif
}

/// i8x16.shuffle with its 16 lane indexes (each < 32, checked by the validator).
WEFT_SIMD_FN V shuffle(V a, V b, const uint8_t* lanes) noexcept {
#if WEFT_SIMD_SSSE3
  // Two pshufb: indexes 0-15 pick from a (+0x70 keeps them below 0x80, 16-31 reach it and
  // give zero); index - 16 picks from b (0-15 wrap to >= 0xF0 and give zero).
  __m128i s = _mm_loadu_si128(reinterpret_cast<const __m128i*>(lanes));
  __m128i from_a = _mm_shuffle_epi8((__m128i)a, _mm_adds_epu8(s, _mm_set1_epi8(0x70)));
  __m128i from_b = _mm_shuffle_epi8((__m128i)b, _mm_sub_epi8(s, _mm_set1_epi8(16)));
  return (V)_mm_or_si128(from_a, from_b);
#else
  uint8_t ab[32];
  std::memcpy(ab, &a, 16);
  std::memcpy(ab + 16, &b, 16);
  vec<uint8_t> r;
  for (int k = 0; k < 16; ++k) r[k] = ab[lanes[k] & 31];
  return bits(r);
#endif
}

// ---- comparisons --------------------------------------------------------------------------
#define WEFT_SIMD_CMP(shape, E_s, E_u)                                                     \
  WEFT_SIMD_FN V shape##_eq(V a, V b) noexcept { return (V)(as<E_u>(a) == as<E_u>(b)); }   \
  WEFT_SIMD_FN V shape##_ne(V a, V b) noexcept { return (V)(as<E_u>(a) != as<E_u>(b)); }   \
  WEFT_SIMD_FN V shape##_lt_s(V a, V b) noexcept { return (V)(as<E_s>(a) < as<E_s>(b)); }  \
  WEFT_SIMD_FN V shape##_gt_s(V a, V b) noexcept { return (V)(as<E_s>(a) > as<E_s>(b)); }  \
  WEFT_SIMD_FN V shape##_le_s(V a, V b) noexcept { return (V)(as<E_s>(a) <= as<E_s>(b)); } \
  WEFT_SIMD_FN V shape##_ge_s(V a, V b) noexcept { return (V)(as<E_s>(a) >= as<E_s>(b)); }
#define WEFT_SIMD_CMP_U(shape, E_u)                                                        \
  WEFT_SIMD_FN V shape##_lt_u(V a, V b) noexcept { return (V)(as<E_u>(a) < as<E_u>(b)); }  \
  WEFT_SIMD_FN V shape##_gt_u(V a, V b) noexcept { return (V)(as<E_u>(a) > as<E_u>(b)); }  \
  WEFT_SIMD_FN V shape##_le_u(V a, V b) noexcept { return (V)(as<E_u>(a) <= as<E_u>(b)); } \
  WEFT_SIMD_FN V shape##_ge_u(V a, V b) noexcept { return (V)(as<E_u>(a) >= as<E_u>(b)); }
WEFT_SIMD_CMP(i8x16, int8_t, uint8_t)
WEFT_SIMD_CMP_U(i8x16, uint8_t)
WEFT_SIMD_CMP(i16x8, int16_t, uint16_t)
WEFT_SIMD_CMP_U(i16x8, uint16_t)
WEFT_SIMD_CMP(i32x4, int32_t, uint32_t)
WEFT_SIMD_CMP_U(i32x4, uint32_t)
WEFT_SIMD_CMP(i64x2, int64_t, uint64_t)
#undef WEFT_SIMD_CMP
#undef WEFT_SIMD_CMP_U

// Float comparisons: ordered, except ne (true when either is NaN), as in C.
#define WEFT_SIMD_FCMP(shape, F)                                                     \
  WEFT_SIMD_FN V shape##_eq(V a, V b) noexcept { return (V)(as<F>(a) == as<F>(b)); } \
  WEFT_SIMD_FN V shape##_ne(V a, V b) noexcept { return (V)(as<F>(a) != as<F>(b)); } \
  WEFT_SIMD_FN V shape##_lt(V a, V b) noexcept { return (V)(as<F>(a) < as<F>(b)); }  \
  WEFT_SIMD_FN V shape##_gt(V a, V b) noexcept { return (V)(as<F>(a) > as<F>(b)); }  \
  WEFT_SIMD_FN V shape##_le(V a, V b) noexcept { return (V)(as<F>(a) <= as<F>(b)); } \
  WEFT_SIMD_FN V shape##_ge(V a, V b) noexcept { return (V)(as<F>(a) >= as<F>(b)); }
WEFT_SIMD_FCMP(f32x4, float)
WEFT_SIMD_FCMP(f64x2, double)
#undef WEFT_SIMD_FCMP

// ---- bitwise ------------------------------------------------------------------------------
WEFT_SIMD_FN V v128_not(V a) noexcept { return ~a; }
WEFT_SIMD_FN V v128_and(V a, V b) noexcept { return a & b; }
WEFT_SIMD_FN V v128_andnot(V a, V b) noexcept { return a & ~b; }
WEFT_SIMD_FN V v128_or(V a, V b) noexcept { return a | b; }
WEFT_SIMD_FN V v128_xor(V a, V b) noexcept { return a ^ b; }
WEFT_SIMD_FN V v128_bitselect(V a, V b, V c) noexcept { return detail::select(c, a, b); }
WEFT_SIMD_FN uint32_t v128_any_true(V a) noexcept { return (a[0] | a[1]) != 0; }

// ---- integer lanes ------------------------------------------------------------------------
WEFT_SIMD_FN V i8x16_abs(V a) noexcept { return detail::abs<int8_t>(a); }
WEFT_SIMD_FN V i16x8_abs(V a) noexcept { return detail::abs<int16_t>(a); }
WEFT_SIMD_FN V i32x4_abs(V a) noexcept { return detail::abs<int32_t>(a); }
WEFT_SIMD_FN V i64x2_abs(V a) noexcept { return detail::abs<int64_t>(a); }
WEFT_SIMD_FN V i8x16_neg(V a) noexcept { return detail::neg<uint8_t>(a); }
WEFT_SIMD_FN V i16x8_neg(V a) noexcept { return detail::neg<uint16_t>(a); }
WEFT_SIMD_FN V i32x4_neg(V a) noexcept { return detail::neg<uint32_t>(a); }
WEFT_SIMD_FN V i64x2_neg(V a) noexcept { return detail::neg<uint64_t>(a); }

WEFT_SIMD_FN V i8x16_popcnt(V a) noexcept {
  // Per nibble, from a 16-entry table (pshufb where available).
#if WEFT_SIMD_SSSE3
  const __m128i table = _mm_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m128i low = _mm_set1_epi8(0x0F);
  __m128i x = (__m128i)a;
  __m128i lo = _mm_shuffle_epi8(table, _mm_and_si128(x, low));
  __m128i hi = _mm_shuffle_epi8(table, _mm_and_si128(_mm_srli_epi16(x, 4), low));
  return (V)_mm_add_epi8(lo, hi);
#else
  vec<uint8_t> x = as<uint8_t>(a), r;
  for (int i = 0; i < 16; ++i)
    r[i] = static_cast<uint8_t>(std::popcount(static_cast<uint8_t>(x[i])));
  return bits(r);
#endif
}

WEFT_SIMD_FN uint32_t i8x16_all_true(V a) noexcept { return detail::all_true<uint8_t>(a); }
WEFT_SIMD_FN uint32_t i16x8_all_true(V a) noexcept { return detail::all_true<uint16_t>(a); }
WEFT_SIMD_FN uint32_t i32x4_all_true(V a) noexcept { return detail::all_true<uint32_t>(a); }
WEFT_SIMD_FN uint32_t i64x2_all_true(V a) noexcept { return detail::all_true<uint64_t>(a); }

WEFT_SIMD_FN uint32_t i8x16_bitmask(V a) noexcept {
#if WEFT_SIMD_SSE2
  return static_cast<uint32_t>(_mm_movemask_epi8((__m128i)a));
#else
  return detail::bitmask<int8_t>(a);
#endif
}
WEFT_SIMD_FN uint32_t i16x8_bitmask(V a) noexcept { return detail::bitmask<int16_t>(a); }
WEFT_SIMD_FN uint32_t i32x4_bitmask(V a) noexcept { return detail::bitmask<int32_t>(a); }
WEFT_SIMD_FN uint32_t i64x2_bitmask(V a) noexcept { return detail::bitmask<int64_t>(a); }

WEFT_SIMD_FN V i8x16_narrow_i16x8_s(V a, V b) noexcept {
  return detail::narrow<int8_t, int16_t>(a, b);
}
WEFT_SIMD_FN V i8x16_narrow_i16x8_u(V a, V b) noexcept {
  return detail::narrow<uint8_t, int16_t>(a, b);
}
WEFT_SIMD_FN V i16x8_narrow_i32x4_s(V a, V b) noexcept {
  return detail::narrow<int16_t, int32_t>(a, b);
}
WEFT_SIMD_FN V i16x8_narrow_i32x4_u(V a, V b) noexcept {
  return detail::narrow<uint16_t, int32_t>(a, b);
}

WEFT_SIMD_FN V i16x8_extend_low_i8x16_s(V a) noexcept {
  return detail::extend<int16_t, int8_t, 0>(a);
}
WEFT_SIMD_FN V i16x8_extend_high_i8x16_s(V a) noexcept {
  return detail::extend<int16_t, int8_t, 8>(a);
}
WEFT_SIMD_FN V i16x8_extend_low_i8x16_u(V a) noexcept {
  return detail::extend<uint16_t, uint8_t, 0>(a);
}
WEFT_SIMD_FN V i16x8_extend_high_i8x16_u(V a) noexcept {
  return detail::extend<uint16_t, uint8_t, 8>(a);
}
WEFT_SIMD_FN V i32x4_extend_low_i16x8_s(V a) noexcept {
  return detail::extend<int32_t, int16_t, 0>(a);
}
WEFT_SIMD_FN V i32x4_extend_high_i16x8_s(V a) noexcept {
  return detail::extend<int32_t, int16_t, 4>(a);
}
WEFT_SIMD_FN V i32x4_extend_low_i16x8_u(V a) noexcept {
  return detail::extend<uint32_t, uint16_t, 0>(a);
}
WEFT_SIMD_FN V i32x4_extend_high_i16x8_u(V a) noexcept {
  return detail::extend<uint32_t, uint16_t, 4>(a);
}
WEFT_SIMD_FN V i64x2_extend_low_i32x4_s(V a) noexcept {
  return detail::extend<int64_t, int32_t, 0>(a);
}
WEFT_SIMD_FN V i64x2_extend_high_i32x4_s(V a) noexcept {
  return detail::extend<int64_t, int32_t, 2>(a);
}
WEFT_SIMD_FN V i64x2_extend_low_i32x4_u(V a) noexcept {
  return detail::extend<uint64_t, uint32_t, 0>(a);
}
WEFT_SIMD_FN V i64x2_extend_high_i32x4_u(V a) noexcept {
  return detail::extend<uint64_t, uint32_t, 2>(a);
}

WEFT_SIMD_FN V i16x8_extadd_pairwise_i8x16_s(V a) noexcept {
  return detail::extadd_pairwise<int16_t, int8_t>(a);
}
WEFT_SIMD_FN V i16x8_extadd_pairwise_i8x16_u(V a) noexcept {
  return detail::extadd_pairwise<uint16_t, uint8_t>(a);
}
WEFT_SIMD_FN V i32x4_extadd_pairwise_i16x8_s(V a) noexcept {
  return detail::extadd_pairwise<int32_t, int16_t>(a);
}
WEFT_SIMD_FN V i32x4_extadd_pairwise_i16x8_u(V a) noexcept {
  return detail::extadd_pairwise<uint32_t, uint16_t>(a);
}

WEFT_SIMD_FN V i16x8_extmul_low_i8x16_s(V a, V b) noexcept {
  return detail::extmul<int16_t, int8_t, 0>(a, b);
}
WEFT_SIMD_FN V i16x8_extmul_high_i8x16_s(V a, V b) noexcept {
  return detail::extmul<int16_t, int8_t, 8>(a, b);
}
WEFT_SIMD_FN V i16x8_extmul_low_i8x16_u(V a, V b) noexcept {
  return detail::extmul<uint16_t, uint8_t, 0>(a, b);
}
WEFT_SIMD_FN V i16x8_extmul_high_i8x16_u(V a, V b) noexcept {
  return detail::extmul<uint16_t, uint8_t, 8>(a, b);
}
WEFT_SIMD_FN V i32x4_extmul_low_i16x8_s(V a, V b) noexcept {
  return detail::extmul<int32_t, int16_t, 0>(a, b);
}
WEFT_SIMD_FN V i32x4_extmul_high_i16x8_s(V a, V b) noexcept {
  return detail::extmul<int32_t, int16_t, 4>(a, b);
}
WEFT_SIMD_FN V i32x4_extmul_low_i16x8_u(V a, V b) noexcept {
  return detail::extmul<uint32_t, uint16_t, 0>(a, b);
}
WEFT_SIMD_FN V i32x4_extmul_high_i16x8_u(V a, V b) noexcept {
  return detail::extmul<uint32_t, uint16_t, 4>(a, b);
}
WEFT_SIMD_FN V i64x2_extmul_low_i32x4_s(V a, V b) noexcept {
  return detail::extmul<int64_t, int32_t, 0>(a, b);
}
WEFT_SIMD_FN V i64x2_extmul_high_i32x4_s(V a, V b) noexcept {
  return detail::extmul<int64_t, int32_t, 2>(a, b);
}
WEFT_SIMD_FN V i64x2_extmul_low_i32x4_u(V a, V b) noexcept {
  return detail::extmul<uint64_t, uint32_t, 0>(a, b);
}
WEFT_SIMD_FN V i64x2_extmul_high_i32x4_u(V a, V b) noexcept {
  return detail::extmul<uint64_t, uint32_t, 2>(a, b);
}

WEFT_SIMD_FN V i8x16_shl(V a, uint32_t n) noexcept { return detail::shl<uint8_t, 8>(a, n); }
WEFT_SIMD_FN V i8x16_shr_s(V a, uint32_t n) noexcept { return detail::shr<int8_t, 8>(a, n); }
WEFT_SIMD_FN V i8x16_shr_u(V a, uint32_t n) noexcept { return detail::shr<uint8_t, 8>(a, n); }
WEFT_SIMD_FN V i16x8_shl(V a, uint32_t n) noexcept { return detail::shl<uint16_t, 16>(a, n); }
WEFT_SIMD_FN V i16x8_shr_s(V a, uint32_t n) noexcept { return detail::shr<int16_t, 16>(a, n); }
WEFT_SIMD_FN V i16x8_shr_u(V a, uint32_t n) noexcept { return detail::shr<uint16_t, 16>(a, n); }
WEFT_SIMD_FN V i32x4_shl(V a, uint32_t n) noexcept { return detail::shl<uint32_t, 32>(a, n); }
WEFT_SIMD_FN V i32x4_shr_s(V a, uint32_t n) noexcept { return detail::shr<int32_t, 32>(a, n); }
WEFT_SIMD_FN V i32x4_shr_u(V a, uint32_t n) noexcept { return detail::shr<uint32_t, 32>(a, n); }
WEFT_SIMD_FN V i64x2_shl(V a, uint32_t n) noexcept { return detail::shl<uint64_t, 64>(a, n); }
WEFT_SIMD_FN V i64x2_shr_s(V a, uint32_t n) noexcept { return detail::shr<int64_t, 64>(a, n); }
WEFT_SIMD_FN V i64x2_shr_u(V a, uint32_t n) noexcept { return detail::shr<uint64_t, 64>(a, n); }

// Wrapping arithmetic is done on unsigned lanes.
#define WEFT_SIMD_ARITH(shape, U)                                                        \
  WEFT_SIMD_FN V shape##_add(V a, V b) noexcept { return bits<U>(as<U>(a) + as<U>(b)); } \
  WEFT_SIMD_FN V shape##_sub(V a, V b) noexcept { return bits<U>(as<U>(a) - as<U>(b)); }
WEFT_SIMD_ARITH(i8x16, uint8_t)
WEFT_SIMD_ARITH(i16x8, uint16_t)
WEFT_SIMD_ARITH(i32x4, uint32_t)
WEFT_SIMD_ARITH(i64x2, uint64_t)
#undef WEFT_SIMD_ARITH
WEFT_SIMD_FN V i16x8_mul(V a, V b) noexcept {
  return bits<uint16_t>(as<uint16_t>(a) * as<uint16_t>(b));
}
WEFT_SIMD_FN V i32x4_mul(V a, V b) noexcept {
  return bits<uint32_t>(as<uint32_t>(a) * as<uint32_t>(b));
}
WEFT_SIMD_FN V i64x2_mul(V a, V b) noexcept {
  return bits<uint64_t>(as<uint64_t>(a) * as<uint64_t>(b));
}

#if WEFT_SIMD_SSE2
WEFT_SIMD_FN V i8x16_add_sat_s(V a, V b) noexcept {
  return (V)_mm_adds_epi8((__m128i)a, (__m128i)b);
}
WEFT_SIMD_FN V i8x16_add_sat_u(V a, V b) noexcept {
  return (V)_mm_adds_epu8((__m128i)a, (__m128i)b);
}
WEFT_SIMD_FN V i8x16_sub_sat_s(V a, V b) noexcept {
  return (V)_mm_subs_epi8((__m128i)a, (__m128i)b);
}
WEFT_SIMD_FN V i8x16_sub_sat_u(V a, V b) noexcept {
  return (V)_mm_subs_epu8((__m128i)a, (__m128i)b);
}
WEFT_SIMD_FN V i16x8_add_sat_s(V a, V b) noexcept {
  return (V)_mm_adds_epi16((__m128i)a, (__m128i)b);
}
WEFT_SIMD_FN V i16x8_add_sat_u(V a, V b) noexcept {
  return (V)_mm_adds_epu16((__m128i)a, (__m128i)b);
}
WEFT_SIMD_FN V i16x8_sub_sat_s(V a, V b) noexcept {
  return (V)_mm_subs_epi16((__m128i)a, (__m128i)b);
}
WEFT_SIMD_FN V i16x8_sub_sat_u(V a, V b) noexcept {
  return (V)_mm_subs_epu16((__m128i)a, (__m128i)b);
}
#else
WEFT_SIMD_FN V i8x16_add_sat_s(V a, V b) noexcept { return detail::add_sat<int8_t>(a, b); }
WEFT_SIMD_FN V i8x16_add_sat_u(V a, V b) noexcept { return detail::add_sat<uint8_t>(a, b); }
WEFT_SIMD_FN V i8x16_sub_sat_s(V a, V b) noexcept { return detail::sub_sat<int8_t>(a, b); }
WEFT_SIMD_FN V i8x16_sub_sat_u(V a, V b) noexcept { return detail::sub_sat<uint8_t>(a, b); }
WEFT_SIMD_FN V i16x8_add_sat_s(V a, V b) noexcept { return detail::add_sat<int16_t>(a, b); }
WEFT_SIMD_FN V i16x8_add_sat_u(V a, V b) noexcept { return detail::add_sat<uint16_t>(a, b); }
WEFT_SIMD_FN V i16x8_sub_sat_s(V a, V b) noexcept { return detail::sub_sat<int16_t>(a, b); }
WEFT_SIMD_FN V i16x8_sub_sat_u(V a, V b) noexcept { return detail::sub_sat<uint16_t>(a, b); }
#endif

#define WEFT_SIMD_MINMAX(shape, S, U)                                              \
  WEFT_SIMD_FN V shape##_min_s(V a, V b) noexcept { return detail::min<S>(a, b); } \
  WEFT_SIMD_FN V shape##_min_u(V a, V b) noexcept { return detail::min<U>(a, b); } \
  WEFT_SIMD_FN V shape##_max_s(V a, V b) noexcept { return detail::max<S>(a, b); } \
  WEFT_SIMD_FN V shape##_max_u(V a, V b) noexcept { return detail::max<U>(a, b); }
WEFT_SIMD_MINMAX(i8x16, int8_t, uint8_t)
WEFT_SIMD_MINMAX(i16x8, int16_t, uint16_t)
WEFT_SIMD_MINMAX(i32x4, int32_t, uint32_t)
#undef WEFT_SIMD_MINMAX

WEFT_SIMD_FN V i8x16_avgr_u(V a, V b) noexcept { return detail::avgr<uint8_t>(a, b); }
WEFT_SIMD_FN V i16x8_avgr_u(V a, V b) noexcept { return detail::avgr<uint16_t>(a, b); }

/// (a * b + 2^14) >> 15, saturated: only -32768 * -32768 overflows.
WEFT_SIMD_FN V i16x8_q15mulr_sat_s(V a, V b) noexcept {
  vec<int16_t> x = as<int16_t>(a), y = as<int16_t>(b), r;
  for (int i = 0; i < 8; ++i) {
    int32_t p = (int32_t{x[i]} * int32_t{y[i]} + 0x4000) >> 15;
    r[i] = static_cast<int16_t>(p > 32767 ? 32767 : p);
  }
  return bits(r);
}

/// Pairwise products summed; only two -32768 * -32768 products overflow, and wrap.
WEFT_SIMD_FN V i32x4_dot_i16x8_s(V a, V b) noexcept {
#if WEFT_SIMD_SSE2
  return (V)_mm_madd_epi16((__m128i)a, (__m128i)b);
#else
  vec<int16_t> x = as<int16_t>(a), y = as<int16_t>(b);
  vec<uint32_t> r;
  for (int i = 0; i < 4; ++i)
    r[i] =
        static_cast<uint32_t>(int64_t{x[2 * i]} * y[2 * i] + int64_t{x[2 * i + 1]} * y[2 * i + 1]);
  return bits(r);
#endif
}

// ---- float lanes --------------------------------------------------------------------------
WEFT_SIMD_FN V f32x4_abs(V a) noexcept { return detail::fabs<float, uint32_t>(a); }
WEFT_SIMD_FN V f64x2_abs(V a) noexcept { return detail::fabs<double, uint64_t>(a); }
WEFT_SIMD_FN V f32x4_neg(V a) noexcept { return detail::fneg<float, uint32_t>(a); }
WEFT_SIMD_FN V f64x2_neg(V a) noexcept { return detail::fneg<double, uint64_t>(a); }

WEFT_SIMD_FN V f32x4_sqrt(V a) noexcept {
#if WEFT_SIMD_SSE2
  return (V)_mm_sqrt_ps((__m128)a);
#else
  return detail::map_float<float>(a, [](float x) { return num::f32_sqrt(x); });
#endif
}
WEFT_SIMD_FN V f64x2_sqrt(V a) noexcept {
#if WEFT_SIMD_SSE2
  return (V)_mm_sqrt_pd((__m128d)a);
#else
  return detail::map_float<double>(a, [](double x) { return num::f64_sqrt(x); });
#endif
}

#define WEFT_SIMD_FARITH(shape, F)                                                       \
  WEFT_SIMD_FN V shape##_add(V a, V b) noexcept { return bits<F>(as<F>(a) + as<F>(b)); } \
  WEFT_SIMD_FN V shape##_sub(V a, V b) noexcept { return bits<F>(as<F>(a) - as<F>(b)); } \
  WEFT_SIMD_FN V shape##_mul(V a, V b) noexcept { return bits<F>(as<F>(a) * as<F>(b)); } \
  WEFT_SIMD_FN V shape##_div(V a, V b) noexcept { return bits<F>(as<F>(a) / as<F>(b)); } \
  WEFT_SIMD_FN V shape##_pmin(V a, V b) noexcept { return detail::pmin<F>(a, b); }       \
  WEFT_SIMD_FN V shape##_pmax(V a, V b) noexcept { return detail::pmax<F>(a, b); }
WEFT_SIMD_FARITH(f32x4, float)
WEFT_SIMD_FARITH(f64x2, double)
#undef WEFT_SIMD_FARITH

// min/max: NaN in, NaN out; -0 < +0 (numeric.hpp's scalar rules, lane by lane).
WEFT_SIMD_FN V f32x4_min(V a, V b) noexcept {
  return detail::zip_float<float>(a, b, [](float x, float y) { return num::f32_min(x, y); });
}
WEFT_SIMD_FN V f32x4_max(V a, V b) noexcept {
  return detail::zip_float<float>(a, b, [](float x, float y) { return num::f32_max(x, y); });
}
WEFT_SIMD_FN V f64x2_min(V a, V b) noexcept {
  return detail::zip_float<double>(a, b, [](double x, double y) { return num::f64_min(x, y); });
}
WEFT_SIMD_FN V f64x2_max(V a, V b) noexcept {
  return detail::zip_float<double>(a, b, [](double x, double y) { return num::f64_max(x, y); });
}

// Rounding: roundps/roundpd with an explicit mode (not MXCSR's) where SSE4.1 is there.
#if WEFT_SIMD_SSE4_1
WEFT_SIMD_FN V f32x4_ceil(V a) noexcept {
  return (V)_mm_round_ps((__m128)a, _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC);
}
WEFT_SIMD_FN V f32x4_floor(V a) noexcept {
  return (V)_mm_round_ps((__m128)a, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
}
WEFT_SIMD_FN V f32x4_trunc(V a) noexcept {
  return (V)_mm_round_ps((__m128)a, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
}
WEFT_SIMD_FN V f32x4_nearest(V a) noexcept {
  return (V)_mm_round_ps((__m128)a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
}
WEFT_SIMD_FN V f64x2_ceil(V a) noexcept {
  return (V)_mm_round_pd((__m128d)a, _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC);
}
WEFT_SIMD_FN V f64x2_floor(V a) noexcept {
  return (V)_mm_round_pd((__m128d)a, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
}
WEFT_SIMD_FN V f64x2_trunc(V a) noexcept {
  return (V)_mm_round_pd((__m128d)a, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
}
WEFT_SIMD_FN V f64x2_nearest(V a) noexcept {
  return (V)_mm_round_pd((__m128d)a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
}
#else
WEFT_SIMD_FN V f32x4_ceil(V a) noexcept {
  return detail::map_float<float>(a, [](float x) { return num::f32_ceil(x); });
}
WEFT_SIMD_FN V f32x4_floor(V a) noexcept {
  return detail::map_float<float>(a, [](float x) { return num::f32_floor(x); });
}
WEFT_SIMD_FN V f32x4_trunc(V a) noexcept {
  return detail::map_float<float>(a, [](float x) { return num::f32_trunc(x); });
}
WEFT_SIMD_FN V f32x4_nearest(V a) noexcept {
  return detail::map_float<float>(a, [](float x) { return num::f32_nearest(x); });
}
WEFT_SIMD_FN V f64x2_ceil(V a) noexcept {
  return detail::map_float<double>(a, [](double x) { return num::f64_ceil(x); });
}
WEFT_SIMD_FN V f64x2_floor(V a) noexcept {
  return detail::map_float<double>(a, [](double x) { return num::f64_floor(x); });
}
WEFT_SIMD_FN V f64x2_trunc(V a) noexcept {
  return detail::map_float<double>(a, [](double x) { return num::f64_trunc(x); });
}
WEFT_SIMD_FN V f64x2_nearest(V a) noexcept {
  return detail::map_float<double>(a, [](double x) { return num::f64_nearest(x); });
}
#endif

// ---- conversions --------------------------------------------------------------------------
WEFT_SIMD_FN V f32x4_demote_f64x2_zero(V a) noexcept {
  vec<double> x = as<double>(a);
  vec<float> r = {num::f32_demote_f64(x[0]), num::f32_demote_f64(x[1]), 0.0f, 0.0f};
  return bits(r);
}
WEFT_SIMD_FN V f64x2_promote_low_f32x4(V a) noexcept {
  vec<float> x = as<float>(a);
  vec<double> r = {num::f64_promote_f32(x[0]), num::f64_promote_f32(x[1])};
  return bits(r);
}
WEFT_SIMD_FN V i32x4_trunc_sat_f32x4_s(V a) noexcept {
  vec<float> x = as<float>(a);
  vec<uint32_t> r;
  for (int i = 0; i < 4; ++i) r[i] = num::i32_trunc_sat_f32_s(x[i]);
  return bits(r);
}
WEFT_SIMD_FN V i32x4_trunc_sat_f32x4_u(V a) noexcept {
  vec<float> x = as<float>(a);
  vec<uint32_t> r;
  for (int i = 0; i < 4; ++i) r[i] = num::i32_trunc_sat_f32_u(x[i]);
  return bits(r);
}
WEFT_SIMD_FN V i32x4_trunc_sat_f64x2_s_zero(V a) noexcept {
  vec<double> x = as<double>(a);
  vec<uint32_t> r = {num::i32_trunc_sat_f64_s(x[0]), num::i32_trunc_sat_f64_s(x[1]), 0, 0};
  return bits(r);
}
WEFT_SIMD_FN V i32x4_trunc_sat_f64x2_u_zero(V a) noexcept {
  vec<double> x = as<double>(a);
  vec<uint32_t> r = {num::i32_trunc_sat_f64_u(x[0]), num::i32_trunc_sat_f64_u(x[1]), 0, 0};
  return bits(r);
}
WEFT_SIMD_FN V f32x4_convert_i32x4_s(V a) noexcept {
  vec<uint32_t> x = as<uint32_t>(a);
  vec<float> r;
  for (int i = 0; i < 4; ++i) r[i] = num::f32_convert_i32_s(x[i]);
  return bits(r);
}
WEFT_SIMD_FN V f32x4_convert_i32x4_u(V a) noexcept {
  vec<uint32_t> x = as<uint32_t>(a);
  vec<float> r;
  for (int i = 0; i < 4; ++i) r[i] = num::f32_convert_i32_u(x[i]);
  return bits(r);
}
WEFT_SIMD_FN V f64x2_convert_low_i32x4_s(V a) noexcept {
  vec<uint32_t> x = as<uint32_t>(a);
  vec<double> r = {num::f64_convert_i32_s(x[0]), num::f64_convert_i32_s(x[1])};
  return bits(r);
}
WEFT_SIMD_FN V f64x2_convert_low_i32x4_u(V a) noexcept {
  vec<uint32_t> x = as<uint32_t>(a);
  vec<double> r = {num::f64_convert_i32_u(x[0]), num::f64_convert_i32_u(x[1])};
  return bits(r);
}

#undef WEFT_SIMD_FN

}  // namespace WEFT_SIMD_VARIANT
}  // namespace weft::interp::simd
