// weft SIMD-vs-scalar benchmark: the guest kernel of tests/simd (kernel.c, built for wasm32
// with -msimd128 -O2) run under weft, the vector form against the scalar form of each kernel
// on the same 1 MiB buffer. Each measurement is the median of --runs runs, in the thread's
// CPU time (CLOCK_THREAD_CPUTIME_ID: the machine is shared, and wall time counts the other
// processes' slices too); the native build of the same code is timed too, for scale.
//
//   weft_simd_bench [--runs N] [--size BYTES] [kernel.wasm]
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "kernel.h"
#include "weft/weft.hpp"

namespace {

double cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double median_seconds(int runs, const std::function<uint32_t()>& fn, uint32_t& result) {
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) {
    double start = cpu_seconds();
    result = fn();
    t.push_back(cpu_seconds() - start);
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 7;
  uint32_t size = WEFT_KERNEL_BUFFER;
  std::string path = WEFT_SIMD_KERNEL_WASM;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--runs") && i + 1 < argc)
      runs = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--size") && i + 1 < argc)
      size = static_cast<uint32_t>(std::atol(argv[++i]));
    else
      path = argv[i];
  }
  if (runs < 1 || size > WEFT_KERNEL_BUFFER) {
    std::fprintf(stderr, "usage: weft_simd_bench [--runs N] [--size BYTES<=%u] [kernel.wasm]\n",
                 WEFT_KERNEL_BUFFER);
    return 2;
  }
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  weft::Engine engine;
  weft::Store store(engine);
  weft::Linker linker(engine);
  auto module = engine.compile(bytes);
  if (!module) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(), module.error().to_string().c_str());
    return 1;
  }
  auto instance = linker.instantiate(store, *module);
  if (!instance) return 1;
  auto buffer_fn = instance->typed_func<uint32_t()>("kernel_buffer");
  auto count_simd = instance->typed_func<uint32_t(uint32_t, uint32_t, uint32_t)>("count_byte_simd");
  auto count_scalar =
      instance->typed_func<uint32_t(uint32_t, uint32_t, uint32_t)>("count_byte_scalar");
  auto sum_simd = instance->typed_func<uint32_t(uint32_t, uint32_t)>("checksum_simd");
  auto sum_scalar = instance->typed_func<uint32_t(uint32_t, uint32_t)>("checksum_scalar");
  auto memory = instance->get_memory("memory");
  if (!buffer_fn || !count_simd || !count_scalar || !sum_simd || !sum_scalar || !memory) return 1;
  const uint32_t base = *(*buffer_fn)(store);
  auto view = memory->view(base, size);
  if (!view) return 1;
  std::vector<uint8_t> data(size);
  uint32_t x = 12345;
  for (uint8_t& b : data) {
    x = x * 1103515245u + 12345u;
    uint32_t r = x >> 16;
    b = (r % 7 == 0) ? '\n' : (r % 5 == 0) ? ' ' : static_cast<uint8_t>(r);
  }
  std::copy(data.begin(), data.end(), view->begin());

  struct Row {
    const char* name;
    std::function<uint32_t()> weft_simd, weft_scalar, native_simd, native_scalar;
  };
  const uint8_t* p = data.data();
  Row rows[] = {
      {"count_byte", [&] { return *(*count_simd)(store, base, size, '\n'); },
       [&] { return *(*count_scalar)(store, base, size, '\n'); },
       [&] { return count_byte_simd(p, size, '\n'); },
       [&] { return count_byte_scalar(p, size, '\n'); }},
      {"checksum", [&] { return *(*sum_simd)(store, base, size); },
       [&] { return *(*sum_scalar)(store, base, size); }, [&] { return checksum_simd(p, size); },
       [&] { return checksum_scalar(p, size); }},
  };
  std::printf("weft SIMD-vs-scalar, %u bytes, median CPU time of %d runs\n", size, runs);
  std::printf("%-11s %12s %12s %8s   %12s %12s\n", "kernel", "weft simd", "weft scalar", "ratio",
              "native simd", "native scal.");
  int bad = 0;
  for (const Row& r : rows) {
    uint32_t a, b, c, d;
    double ws = median_seconds(runs, r.weft_simd, a);
    double wc = median_seconds(runs, r.weft_scalar, b);
    double ns = median_seconds(runs, r.native_simd, c);
    double nc = median_seconds(runs, r.native_scalar, d);
    if (a != b || a != c || a != d) {
      std::fprintf(stderr, "%s: results differ: %u %u %u %u\n", r.name, a, b, c, d);
      bad = 1;
    }
    std::printf("%-11s %9.3f ms %9.3f ms %7.1fx   %9.3f ms %9.3f ms\n", r.name, ws * 1e3, wc * 1e3,
                wc / ws, ns * 1e3, nc * 1e3);
  }
  return bad;
}
