// A SIMD guest kernel for weft (tests/simd, bench/simd): byte counting and a weighted
// checksum over a buffer, each in two forms: with 16-byte vectors (clang vector extensions,
// which become WebAssembly SIMD instructions under -msimd128 and SSE natively) and scalar
// (auto-vectorization is turned off on those loops, so they stay scalar in the .wasm).
//
// Built for wasm with  clang --target=wasm32 -msimd128 -O2 -nostdlib -Wl,--no-entry
// and natively (linked into the test driver), so the two results can be compared.
#include "kernel.h"

typedef uint8_t u8x16 __attribute__((vector_size(16)));
typedef int8_t i8x16 __attribute__((vector_size(16)));
typedef uint16_t u16x16 __attribute__((vector_size(32)));
typedef uint32_t u32x4 __attribute__((vector_size(16)));
typedef uint16_t u16x8 __attribute__((vector_size(16)));

static u8x16 load16(const uint8_t* p) {
  u8x16 v;
  __builtin_memcpy(&v, p, 16);
  return v;
}

#if defined(__wasm__)
// The buffer the host fills; WEFT_KERNEL_BUFFER bytes.
static uint8_t g_buffer[WEFT_KERNEL_BUFFER];
WEFT_KERNEL_EXPORT uint8_t* kernel_buffer(void) { return g_buffer; }
#endif

WEFT_KERNEL_EXPORT uint32_t count_byte_scalar(const uint8_t* p, uint32_t n, uint32_t c) {
  uint32_t count = 0;
#pragma clang loop vectorize(disable) interleave(disable) unroll(disable)
  for (uint32_t i = 0; i < n; ++i) count += p[i] == (uint8_t)c;
  return count;
}

WEFT_KERNEL_EXPORT uint32_t count_byte_simd(const uint8_t* p, uint32_t n, uint32_t c) {
  const u8x16 needle = (u8x16){} + (uint8_t)c;
  uint32_t count = 0;
  uint32_t i = 0;
  while (i + 16 <= n) {
    // Byte counters: each lane counts up to 255 matches before it is folded into `count`.
    u8x16 acc = {};
    uint32_t blocks = (n - i) / 16;
    if (blocks > 255) blocks = 255;
    for (uint32_t b = 0; b < blocks; ++b, i += 16) acc -= (u8x16)(load16(p + i) == needle);
    u16x16 wide = __builtin_convertvector(acc, u16x16);
    u16x8 sum = __builtin_shufflevector(wide, wide, 0, 1, 2, 3, 4, 5, 6, 7) +
                __builtin_shufflevector(wide, wide, 8, 9, 10, 11, 12, 13, 14, 15);
    for (int k = 0; k < 8; ++k) count += sum[k];
  }
  return count + count_byte_scalar(p + i, n - i, c);
}

// checksum = sum of p[i] * (i % 16 + 1), modulo 2^32.
WEFT_KERNEL_EXPORT uint32_t checksum_scalar(const uint8_t* p, uint32_t n) {
  uint32_t sum = 0;
#pragma clang loop vectorize(disable) interleave(disable) unroll(disable)
  for (uint32_t i = 0; i < n; ++i) sum += (uint32_t)p[i] * (i % 16 + 1);
  return sum;
}

WEFT_KERNEL_EXPORT uint32_t checksum_simd(const uint8_t* p, uint32_t n) {
  const u16x16 weights = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  u32x4 acc = {};
  uint32_t i = 0;
  for (; i + 16 <= n; i += 16) {
    u16x16 w = __builtin_convertvector(load16(p + i), u16x16) * weights;  // <= 4080 each
    u16x8 lo = __builtin_shufflevector(w, w, 0, 1, 2, 3, 4, 5, 6, 7);
    u16x8 hi = __builtin_shufflevector(w, w, 8, 9, 10, 11, 12, 13, 14, 15);
    u16x8 s = lo + hi;  // <= 8160
    u32x4 a = __builtin_convertvector(__builtin_shufflevector(s, s, 0, 1, 2, 3), u32x4);
    u32x4 b = __builtin_convertvector(__builtin_shufflevector(s, s, 4, 5, 6, 7), u32x4);
    acc += a + b;
  }
  uint32_t sum = acc[0] + acc[1] + acc[2] + acc[3];
  // The tail continues the weights where the vector loop stopped (i is a multiple of 16).
  return sum + checksum_scalar(p + i, n - i);
}
