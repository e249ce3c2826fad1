// Branchy and memory-bound: quicksort of generated integers, then a sortedness check.
#include "common.h"

static int32_t values[BENCH_N];

static void quicksort(int32_t* v, int32_t lo, int32_t hi) {
  while (lo < hi) {
    int32_t pivot = v[lo + (hi - lo) / 2];
    int32_t i = lo, j = hi;
    while (i <= j) {
      while (v[i] < pivot) ++i;
      while (v[j] > pivot) --j;
      if (i <= j) {
        int32_t t = v[i];
        v[i] = v[j];
        v[j] = t;
        ++i;
        --j;
      }
    }
    // Recurse into the smaller half, loop on the larger: the depth stays logarithmic.
    if (j - lo < hi - i) {
      quicksort(v, lo, j);
      lo = i;
    } else {
      quicksort(v, i, hi);
      hi = j;
    }
  }
}

BENCH_EXPORT int64_t run(void) {
  uint64_t seed = 11;
  int64_t sum = 0;
  for (int32_t i = 0; i < BENCH_N; ++i) {
    values[i] = (int32_t)(bench_rand(&seed) % 1000000);
    sum += values[i];
  }
  quicksort(values, 0, BENCH_N - 1);
  int64_t check = 0;
  for (int32_t i = 0; i < BENCH_N; ++i) {
    if (i > 0 && values[i - 1] > values[i]) return -1;
    check += values[i];
  }
  if (check != sum) return -1;
  return values[BENCH_N / 2] + (int64_t)values[BENCH_N - 1] * 1000000;
}
