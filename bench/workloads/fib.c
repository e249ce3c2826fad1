// Recursion: calls and returns dominate.
#include "common.h"

static int32_t fib(int32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

BENCH_EXPORT int64_t run(void) {
  // BENCH_N is the argument: fib(30) = 832040, fib(20) = 6765.
  volatile int32_t n = BENCH_N;
  int32_t r = fib(n);
  if (BENCH_N == 30 && r != 832040) return -1;
  if (BENCH_N == 20 && r != 6765) return -1;
  return r;
}
