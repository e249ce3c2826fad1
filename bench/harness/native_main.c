// weft bench: runs a workload compiled natively, with the same flags as its wasm build.
// Prints "<result> <milliseconds>" for one run of run(), in CPU time of the process (so that
// a busy machine does not count against it); the runner starts a fresh process for each
// repetition, as it takes a fresh instance for each wasm run.
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

int64_t run(void);

int main(void) {
  struct timespec t0, t1;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
  int64_t r = run();
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
  double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
  printf("%" PRId64 " %.3f\n", r, ms);
  return 0;
}
