// weft bench: runs a workload under weft. Usage: weft_bench FILE.wasm REPS
// Compiles once, then for each repetition instantiates in a fresh store and times run().
// Prints "<result> <milliseconds>" per repetition, and "compile <milliseconds>" first, in CPU
// time of this thread (a busy machine does not count against it).
#include <time.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <vector>

#include "weft/weft.hpp"

namespace {
double cpu_ms() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: weft_bench FILE.wasm [REPS]\n");
    return 64;
  }
  int reps = argc > 2 ? std::atoi(argv[2]) : 1;
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "weft_bench: cannot read %s\n", argv[1]);
    return 66;
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
  weft::Engine engine;
  double t0 = cpu_ms();
  auto module = engine.compile(bytes);
  double compile_ms = cpu_ms() - t0;
  if (!module) {
    std::fprintf(stderr, "weft_bench: %s\n", module.error().to_string().c_str());
    return 1;
  }
  std::printf("compile %.3f\n", compile_ms);
  weft::Linker linker(engine);
  for (int i = 0; i < reps; ++i) {
    weft::Store store(engine);
    auto instance = linker.instantiate(store, *module);
    if (!instance) {
      std::fprintf(stderr, "weft_bench: %s\n", instance.error().to_string().c_str());
      return 1;
    }
    auto run = instance->typed_func<int64_t()>("run");
    if (!run) {
      std::fprintf(stderr, "weft_bench: %s\n", run.error().to_string().c_str());
      return 1;
    }
    double t1 = cpu_ms();
    auto r = (*run)(store);
    double ms = cpu_ms() - t1;
    if (!r) {
      std::fprintf(stderr, "weft_bench: %s\n", r.error().to_string().c_str());
      return 2;
    }
    std::printf("%" PRId64 " %.3f\n", *r, ms);
  }
  return 0;
}
