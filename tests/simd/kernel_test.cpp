// Runs the SIMD guest kernel (kernel.c, built for wasm32 with -msimd128) under weft and checks
// every export against the same C code built natively, on deterministic buffers of awkward
// lengths (empty, below one vector, not a multiple of 16, above 255 vectors, the whole buffer).
#include "kernel.h"

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "weft/weft.hpp"

namespace {

int failures = 0;

void check(const char* what, uint32_t len, uint32_t got, uint32_t want) {
  if (got == want) return;
  std::fprintf(stderr, "FAIL %s len=%u: weft %u, native %u\n", what, len, got, want);
  ++failures;
}

}  // namespace

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : WEFT_SIMD_KERNEL_WASM;
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  if (bytes.empty()) {
    std::fprintf(stderr, "cannot read %s\n", path);
    return 1;
  }
  weft::Engine engine;
  weft::Store store(engine);
  weft::Linker linker(engine);
  auto module = engine.compile(bytes);
  if (!module) {
    std::fprintf(stderr, "compile: %s\n", module.error().to_string().c_str());
    return 1;
  }
  auto instance = linker.instantiate(store, *module);
  if (!instance) {
    std::fprintf(stderr, "instantiate: %s\n", instance.error().to_string().c_str());
    return 1;
  }
  auto buffer_fn = instance->typed_func<uint32_t()>("kernel_buffer");
  auto count_simd = instance->typed_func<uint32_t(uint32_t, uint32_t, uint32_t)>("count_byte_simd");
  auto count_scalar =
      instance->typed_func<uint32_t(uint32_t, uint32_t, uint32_t)>("count_byte_scalar");
  auto sum_simd = instance->typed_func<uint32_t(uint32_t, uint32_t)>("checksum_simd");
  auto sum_scalar = instance->typed_func<uint32_t(uint32_t, uint32_t)>("checksum_scalar");
  auto memory = instance->get_memory("memory");
  if (!buffer_fn || !count_simd || !count_scalar || !sum_simd || !sum_scalar || !memory) {
    std::fprintf(stderr, "the kernel lacks an export\n");
    return 1;
  }
  const uint32_t base = *(*buffer_fn)(store);
  auto view = memory->view(base, WEFT_KERNEL_BUFFER);
  if (!view) {
    std::fprintf(stderr, "kernel buffer out of bounds\n");
    return 1;
  }

  // Text-like bytes (a skewed distribution, with many '\n' and ' ') from a fixed LCG.
  std::vector<uint8_t> data(WEFT_KERNEL_BUFFER);
  uint32_t x = 12345;
  for (uint8_t& b : data) {
    x = x * 1103515245u + 12345u;
    uint32_t r = x >> 16;
    b = (r % 7 == 0) ? '\n' : (r % 5 == 0) ? ' ' : static_cast<uint8_t>(r);
  }
  std::copy(data.begin(), data.end(), view->begin());

  const uint32_t lengths[] = {
      0, 1, 15, 16, 17, 100, 4079, 4080, 4081, 65537, WEFT_KERNEL_BUFFER - 3, WEFT_KERNEL_BUFFER};
  const uint32_t offsets[] = {0, 1, 7};
  const uint32_t needles[] = {'\n', ' ', 0, 0xFF};
  int runs = 0;
  for (uint32_t off : offsets) {
    for (uint32_t len : lengths) {
      if (off + len > WEFT_KERNEL_BUFFER) continue;
      const uint8_t* p = data.data() + off;
      for (uint32_t c : needles) {
        uint32_t want = count_byte_scalar(p, len, c);
        check("count_byte_simd (native)", len, count_byte_simd(p, len, c), want);
        check("count_byte_simd", len, *(*count_simd)(store, base + off, len, c), want);
        check("count_byte_scalar", len, *(*count_scalar)(store, base + off, len, c), want);
        runs += 3;
      }
      uint32_t want = checksum_scalar(p, len);
      check("checksum_simd (native)", len, checksum_simd(p, len), want);
      check("checksum_simd", len, *(*sum_simd)(store, base + off, len), want);
      check("checksum_scalar", len, *(*sum_scalar)(store, base + off, len), want);
      runs += 3;
    }
  }
  std::printf("%d comparisons, %d failures\n", runs, failures);
  return failures == 0 ? 0 : 1;
}
