// Integer and table lookups: CRC-32 (IEEE) of a generated buffer.
#include "common.h"

static uint32_t table[256];
static uint8_t buffer[1 << 16];

static void make_table(void) {
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
}

static uint32_t crc32(const uint8_t* p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) c = table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

BENCH_EXPORT int64_t run(void) {
  make_table();
  // Known answer: CRC-32 of "123456789" is 0xCBF43926.
  const uint8_t check[] = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
  if (crc32(check, sizeof check) != 0xCBF43926u) return -1;
  uint64_t seed = 42;
  for (size_t i = 0; i < sizeof buffer; ++i) buffer[i] = (uint8_t)bench_rand(&seed);
  uint64_t acc = 0;
  for (int rep = 0; rep < BENCH_N; ++rep) {
    buffer[(size_t)rep % sizeof buffer] ^= (uint8_t)rep;
    acc = acc * 31 + crc32(buffer, sizeof buffer);
  }
  return (int64_t)acc;
}
