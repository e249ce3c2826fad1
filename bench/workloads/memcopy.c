// Memory-bound: copying and comparing buffers with word-sized loops.
#include "common.h"

#define WORDS (1 << 16)
static uint64_t src[WORDS], dst[WORDS];

static void copy_words(uint64_t* d, const uint64_t* s, size_t n) {
  for (size_t i = 0; i < n; ++i) d[i] = s[i];
}

BENCH_EXPORT int64_t run(void) {
  uint64_t seed = 3;
  for (size_t i = 0; i < WORDS; ++i) src[i] = bench_rand(&seed);
  uint64_t acc = 0;
  for (int rep = 0; rep < BENCH_N; ++rep) {
    size_t shift = (size_t)rep % 64;
    copy_words(dst, src + shift, WORDS - shift);
    for (size_t i = 0; i < WORDS - shift; i += 4096) acc += dst[i] ^ (uint64_t)rep;
    if (dst[0] != src[shift]) return -1;
  }
  return (int64_t)acc;
}
