// Memory-bound: the sieve of Eratosthenes over BENCH_N bytes, repeated.
#include "common.h"

static uint8_t flags[BENCH_N + 1];

static int32_t count_primes(int32_t n) {
  for (int32_t i = 0; i <= n; ++i) flags[i] = 1;
  flags[0] = flags[1] = 0;
  for (int32_t i = 2; (int64_t)i * i <= n; ++i)
    if (flags[i])
      for (int32_t j = i * i; j <= n; j += i) flags[j] = 0;
  int32_t count = 0;
  for (int32_t i = 0; i <= n; ++i) count += flags[i];
  return count;
}

BENCH_EXPORT int64_t run(void) {
  int64_t total = 0;
  for (int rep = 0; rep < 10; ++rep) total += count_primes(BENCH_N);
  // pi(10^6) = 78498, pi(10^5) = 9592
  if (BENCH_N == 1000000 && total != 784980) return -1;
  if (BENCH_N == 100000 && total != 95920) return -1;
  return total;
}
