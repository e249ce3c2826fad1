// weft bench: what every workload shares. Each workload is freestanding C compiled twice
// with the same flags: to wasm32 (no libc, no WASI, so every engine runs the same module)
// and natively. It exports `int64_t run(void)`, sized by BENCH_N at compile time, and
// returns a checksum that the workload verifies itself where it can (-1 on a wrong result).
#pragma once

#include <stddef.h>
#include <stdint.h>

#if defined(__wasm__)
#define BENCH_EXPORT __attribute__((export_name("run"), visibility("default")))
// The compiler may call these for copies and zeroing; there is no libc to provide them.
void* memcpy(void* dst, const void* src, size_t n);
void* memset(void* dst, int c, size_t n);
void* memmove(void* dst, const void* src, size_t n);
#else
#define BENCH_EXPORT
#include <string.h>
#endif

#ifndef BENCH_N
#define BENCH_N 1
#endif

BENCH_EXPORT int64_t run(void);

/// A small deterministic generator (xorshift64*), so inputs are the same everywhere.
static inline uint64_t bench_rand(uint64_t* state) {
  uint64_t x = *state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *state = x;
  return x * 0x2545F4914F6CDD1DULL;
}

#if defined(__wasm__)
// Fallbacks only: built with -mbulk-memory, the compiler turns copies and fills into
// memory.copy and memory.fill instructions.
__attribute__((weak)) void* memcpy(void* dst, const void* src, size_t n) {
  unsigned char* d = (unsigned char*)dst;
  const unsigned char* s = (const unsigned char*)src;
  while (n--) *d++ = *s++;
  return dst;
}
__attribute__((weak)) void* memset(void* dst, int c, size_t n) {
  unsigned char* d = (unsigned char*)dst;
  while (n--) *d++ = (unsigned char)c;
  return dst;
}
__attribute__((weak)) void* memmove(void* dst, const void* src, size_t n) {
  unsigned char* d = (unsigned char*)dst;
  const unsigned char* s = (const unsigned char*)src;
  if (d < s) {
    while (n--) *d++ = *s++;
  } else {
    d += n;
    s += n;
    while (n--) *--d = *--s;
  }
  return dst;
}
#endif
