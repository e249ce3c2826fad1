// Floating point and memory: dense matrix multiplication, BENCH_N x BENCH_N.
#include "common.h"

static double a[BENCH_N * BENCH_N], b[BENCH_N * BENCH_N], c[BENCH_N * BENCH_N];

BENCH_EXPORT int64_t run(void) {
  const int n = BENCH_N;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      a[i * n + j] = (double)(i - j) / n;
      b[i * n + j] = (double)(i + j) / n;
      c[i * n + j] = 0;
    }
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < n; ++k) {
      double aik = a[i * n + k];
      for (int j = 0; j < n; ++j) c[i * n + j] += aik * b[k * n + j];
    }
  // Check one element against its closed form: sum_k (i-k)(k+j) / n^2.
  int i = n / 3, j = n / 5;
  double want = 0;
  for (int k = 0; k < n; ++k) want += (double)(i - k) * (double)(k + j);
  want /= (double)n * n;
  double got = c[i * n + j];
  if (got - want > 1e-6 || want - got > 1e-6) return -1;
  double magnitude = 0;
  for (int d = 0; d < n * n; ++d) magnitude += c[d] < 0 ? -c[d] : c[d];
  return (int64_t)(magnitude * 1000);
}
