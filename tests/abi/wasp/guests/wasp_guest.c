// A Wasp guest for tests/abi/wasp: the convention's helpers (allocate, deallocate,
// get_string_size), functions of every marshalled type, callbacks into the host, and ways to
// misbehave (traps, bad pointers, a lying allocator). Built with
//   clang --target=wasm32 -nostdlib -O2 -Wl,--no-entry -Wl,--export-dynamic
// so it has no libc: its allocator is its own, and counts what is live, so the tests can
// check that the host frees every block it allocates and frees them with the right size.
#include <stddef.h>
#include <stdint.h>

#define EXPORT(name) __attribute__((export_name(#name)))
#define IMPORT(module, name) __attribute__((import_module(#module), import_name(#name)))

// ---- the allocator: size classes of powers of two, a free list each ---------------------

extern unsigned char __heap_base;
static uintptr_t heap_top = 0;
static void* free_lists[32];
static int32_t live_blocks = 0;
static int32_t size_mismatches = 0;
static int32_t bad_alloc_mode = 0;  // 1: allocate returns 0; 2: a pointer past the memory
static int32_t allocations_before_failing = -1;  // >= 0: that many succeed, then 0 (once)
static int32_t string_size_override = -1;

// Each block starts with a header of 8 bytes: the size class and the size asked for.
typedef struct {
  uint32_t size_class;
  uint32_t requested;
} header_t;

static uint32_t class_of(uint32_t size) {
  uint32_t c = 3;
  while ((1u << c) < size + sizeof(header_t)) ++c;
  return c;
}

static void* raw_alloc(uint32_t size) {
  uint32_t c = class_of(size);
  header_t* h;
  if (free_lists[c]) {
    h = (header_t*)free_lists[c];
    free_lists[c] = *(void**)(h + 1);
  } else {
    if (!heap_top) heap_top = ((uintptr_t)&__heap_base + 7) & ~(uintptr_t)7;
    uintptr_t end = heap_top + (1u << c);
    uintptr_t have = __builtin_wasm_memory_size(0) * 65536u;
    if (end > have) {
      uintptr_t pages = (end - have + 65535) / 65536;
      if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) return 0;
    }
    h = (header_t*)heap_top;
    heap_top = end;
  }
  h->size_class = c;
  h->requested = size;
  ++live_blocks;
  return h + 1;
}

static void raw_free(void* p, uint32_t size) {
  if (!p) return;
  header_t* h = (header_t*)p - 1;
  if (h->requested != size) ++size_mismatches;
  *(void**)(h + 1) = free_lists[h->size_class];
  free_lists[h->size_class] = h;
  --live_blocks;
}

EXPORT(allocate) void* allocate(int32_t size) {
  if (bad_alloc_mode == 1) return 0;
  if (bad_alloc_mode == 2) return (void*)(uintptr_t)0xFFFFFF00u;
  if (allocations_before_failing == 0) {
    allocations_before_failing = -1;
    return 0;
  }
  if (allocations_before_failing > 0) --allocations_before_failing;
  return raw_alloc((uint32_t)size);
}
EXPORT(deallocate) void deallocate(void* p, int32_t size) { raw_free(p, (uint32_t)size); }

static uint32_t c_strlen(const char* s) {
  uint32_t n = 0;
  while (s[n]) ++n;
  return n;
}
EXPORT(get_string_size) int32_t get_string_size(const char* s) {
  if (string_size_override >= 0) return string_size_override;
  return (int32_t)c_strlen(s);
}

EXPORT(live_allocations) int32_t live_allocations(void) { return live_blocks; }
EXPORT(deallocate_size_mismatches) int32_t deallocate_size_mismatches(void) {
  return size_mismatches;
}
EXPORT(set_bad_alloc) void set_bad_alloc(int32_t mode) { bad_alloc_mode = mode; }
EXPORT(fail_allocation_after) void fail_allocation_after(int32_t n) {
  allocations_before_failing = n;
}
EXPORT(set_string_size_override) void set_string_size_override(int32_t n) {
  string_size_override = n;
}

// ---- helpers ----------------------------------------------------------------------------

static void copy(void* dst, const void* src, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) ((unsigned char*)dst)[i] = ((const unsigned char*)src)[i];
}
static char* new_string(uint32_t len) {
  char* s = allocate((int32_t)len + 1);
  s[len] = 0;
  return s;
}
static uint32_t bytes_length(const uint8_t* p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint8_t* new_bytes(uint32_t len) {
  uint8_t* p = allocate((int32_t)len + 4);
  p[0] = (uint8_t)len;
  p[1] = (uint8_t)(len >> 8);
  p[2] = (uint8_t)(len >> 16);
  p[3] = (uint8_t)(len >> 24);
  return p;
}

// ---- numbers ------------------------------------------------------------------------------

static int32_t touched = 0;
EXPORT(touch) void touch(void) { ++touched; }
EXPORT(touches) int32_t touches(void) { return touched; }
EXPORT(add_i32) int32_t add_i32(int32_t a, int32_t b) { return a + b; }
EXPORT(add_u32) uint32_t add_u32(uint32_t a, uint32_t b) { return a + b; }
EXPORT(add_i64) int64_t add_i64(int64_t a, int64_t b) { return a + b; }
EXPORT(add_u64) uint64_t add_u64(uint64_t a, uint64_t b) { return a + b; }
EXPORT(mul_f32) float mul_f32(float a, float b) { return a * b; }
EXPORT(mul_f64) double mul_f64(double a, double b) { return a * b; }
EXPORT(neg_i8) int8_t neg_i8(int8_t a) { return (int8_t)-a; }
EXPORT(inc_u8) uint8_t inc_u8(uint8_t a) { return (uint8_t)(a + 1); }
EXPORT(neg_i16) int16_t neg_i16(int16_t a) { return (int16_t)-a; }
EXPORT(inc_u16) uint16_t inc_u16(uint16_t a) { return (uint16_t)(a + 1); }
EXPORT(is_positive) int32_t is_positive(int32_t a) { return a > 0; }

// ---- strings ------------------------------------------------------------------------------

EXPORT(str_len) int32_t str_len(const char* s) { return (int32_t)c_strlen(s); }
// The byte at index i, to see what was copied in beyond an embedded NUL.
EXPORT(byte_at) int32_t byte_at(const char* s, int32_t i) { return (unsigned char)s[i]; }
EXPORT(is_null) int32_t is_null(const char* s) { return s == 0; }
EXPORT(echo) char* echo(const char* s) {
  uint32_t n = c_strlen(s);
  char* out = new_string(n);
  copy(out, s, n);
  return out;
}
EXPORT(greet) char* greet(const char* name) {
  static const char hello[] = "Hello, ";
  uint32_t h = sizeof hello - 1, n = c_strlen(name);
  char* out = new_string(h + n + 1);
  copy(out, hello, h);
  copy(out + h, name, n);
  out[h + n] = '!';
  return out;
}
EXPORT(concat) char* concat(const char* a, const char* b) {
  uint32_t na = c_strlen(a), nb = c_strlen(b);
  char* out = new_string(na + nb);
  copy(out, a, na);
  copy(out + na, b, nb);
  return out;
}
EXPORT(repeat) char* repeat(const char* s, int32_t times) {
  uint32_t n = c_strlen(s);
  char* out = new_string(n * (uint32_t)times);
  for (int32_t i = 0; i < times; ++i) copy(out + n * (uint32_t)i, s, n);
  return out;
}

// ---- byte arrays --------------------------------------------------------------------------

EXPORT(bytes_len) uint32_t bytes_len(const uint8_t* p) { return bytes_length(p); }
EXPORT(bytes_sum) uint32_t bytes_sum(const uint8_t* p) {
  uint32_t n = bytes_length(p), sum = 0;
  for (uint32_t i = 0; i < n; ++i) sum += p[4 + i];
  return sum;
}
EXPORT(reverse_bytes) uint8_t* reverse_bytes(const uint8_t* p) {
  uint32_t n = bytes_length(p);
  uint8_t* out = new_bytes(n);
  for (uint32_t i = 0; i < n; ++i) out[4 + i] = p[4 + n - 1 - i];
  return out;
}
// A string's bytes, without the NUL.
EXPORT(string_to_bytes) uint8_t* string_to_bytes(const char* s) {
  uint32_t n = c_strlen(s);
  uint8_t* out = new_bytes(n);
  copy(out + 4, s, n);
  return out;
}

// Every kind at once: a + b + strlen(s) + the byte count + the sum of the bytes + d.
EXPORT(mix)
double mix(int32_t a, int64_t b, const char* s, const uint8_t* bytes, float f, double d) {
  return (double)a + (double)b + (double)c_strlen(s) + (double)bytes_length(bytes) +
         (double)bytes_sum(bytes) + (double)f + d;
}

// ---- errors -------------------------------------------------------------------------------

IMPORT(env, raise_error) void raise_error(const char* message, int32_t length);

EXPORT(fail_with) int32_t fail_with(const char* message) {
  raise_error(message, (int32_t)c_strlen(message));
  return -1;
}
EXPORT(fail_string) char* fail_string(const char* message) {
  raise_error(message, (int32_t)c_strlen(message));
  return 0;
}
// Raises an error, then recovers from it by raising another: Wasp keeps the last.
EXPORT(fail_twice) void fail_twice(void) {
  static const char first[] = "first";
  static const char second[] = "second";
  raise_error(first, sizeof first - 1);
  raise_error(second, sizeof second - 1);
}
EXPORT(fail_bad_message) void fail_bad_message(void) { raise_error((const char*)0xFFFFFFF0u, 64); }
EXPORT(do_trap) int32_t do_trap(const char* unused) {
  (void)unused;
  __builtin_trap();
}
EXPORT(divide) int32_t divide(int32_t a, int32_t b) { return a / b; }
EXPORT(spin) void spin(void) {
  volatile int32_t forever = 1;
  while (forever) {
  }
}
EXPORT(null_string) char* null_string(void) { return 0; }
EXPORT(wild_pointer) char* wild_pointer(void) { return (char*)(uintptr_t)0xFFFFFFF0u; }
// A byte array whose length runs past the end of memory.
EXPORT(overlong_bytes) uint8_t* overlong_bytes(void) {
  uint8_t* p = new_bytes(0);
  p[0] = p[1] = p[2] = 0xFF;
  p[3] = 0x7F;
  return p;
}

// ---- callbacks ----------------------------------------------------------------------------

IMPORT(plugin, log) void host_log(const char* message);
IMPORT(plugin, add) int32_t host_add(int32_t a, int32_t b);
IMPORT(plugin, upper) char* host_upper(const char* s);
IMPORT(plugin, checksum) uint8_t* host_checksum(const uint8_t* bytes);
IMPORT(plugin, fails) int32_t host_fails(int32_t x);
IMPORT(metrics, record) void host_record(const char* name, int64_t value, double weight);
IMPORT(metrics, scale) float host_scale(float x, uint64_t factor);

IMPORT(plugin, version) char* host_version(void);
EXPORT(call_version) char* call_version(void) { return host_version(); }
EXPORT(call_log) void call_log(const char* s) { host_log(s); }
EXPORT(call_log_wild) void call_log_wild(void) { host_log((const char*)0xFFFFFFF0u); }
EXPORT(call_add) int32_t call_add(int32_t a, int32_t b) { return host_add(a, b); }
// The host's string comes back to the host as this function's result (so freed by it).
EXPORT(call_upper) char* call_upper(const char* s) { return host_upper(s); }
// The host's byte array is freed here, with the size its prefix implies.
EXPORT(call_checksum) uint32_t call_checksum(const uint8_t* p) {
  uint8_t* r = host_checksum(p);
  uint32_t n = bytes_length(r), v = 0;
  for (uint32_t i = 0; i < n; ++i) v = v * 256 + r[4 + i];
  deallocate(r, (int32_t)n + 4);
  return v;
}
EXPORT(call_fails) int32_t call_fails(int32_t x) { return host_fails(x); }
EXPORT(call_record) void call_record(const char* name, int64_t value, double weight) {
  host_record(name, value, weight);
}
EXPORT(call_scale) float call_scale(float x, uint64_t factor) { return host_scale(x, factor); }
