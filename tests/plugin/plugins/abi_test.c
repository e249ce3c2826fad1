// A test plugin written directly against the extism:host/env ABI (no PDK): each export is a
// plugin function () -> i32 that tests/plugin drives.
#include <stdint.h>

#define ENV(name) __attribute__((import_module("extism:host/env"), import_name(name)))
#define USER(name) __attribute__((import_module("extism:host/user"), import_name(name)))
#define EXPORT(name) __attribute__((export_name(name)))

ENV("alloc") uint64_t extism_alloc(uint64_t);
ENV("free") void extism_free(uint64_t);
ENV("length") uint64_t extism_length(uint64_t);
ENV("load_u8") uint8_t extism_load_u8(uint64_t);
ENV("load_u64") uint64_t extism_load_u64(uint64_t);
ENV("store_u8") void extism_store_u8(uint64_t, uint8_t);
ENV("store_u64") void extism_store_u64(uint64_t, uint64_t);
ENV("input_length") uint64_t extism_input_length(void);
ENV("input_load_u8") uint8_t extism_input_load_u8(uint64_t);
ENV("input_load_u64") uint64_t extism_input_load_u64(uint64_t);
ENV("output_set") void extism_output_set(uint64_t, uint64_t);
ENV("error_set") void extism_error_set(uint64_t);
ENV("config_get") uint64_t extism_config_get(uint64_t);
ENV("var_get") uint64_t extism_var_get(uint64_t);
ENV("var_set") void extism_var_set(uint64_t, uint64_t);
ENV("log_info") void extism_log_info(uint64_t);
ENV("log_debug") void extism_log_debug(uint64_t);
ENV("log_error") void extism_log_error(uint64_t);
ENV("get_log_level") int32_t extism_get_log_level(void);
ENV("http_request") uint64_t extism_http_request(uint64_t, uint64_t);

// No libc: the compiler may still emit calls to these.
void* memcpy(void* d, const void* s, unsigned long n) {
  uint8_t* dp = d;
  const uint8_t* sp = s;
  while (n--) *dp++ = *sp++;
  return d;
}
void* memset(void* d, int c, unsigned long n) {
  uint8_t* dp = d;
  while (n--) *dp++ = (uint8_t)c;
  return d;
}

static uint8_t buf[65536];

static uint64_t read_input(void) {
  uint64_t n = extism_input_length();
  if (n > sizeof buf) n = sizeof buf;
  uint64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w = extism_input_load_u64(i);
    for (int k = 0; k < 8; ++k) buf[i + k] = (uint8_t)(w >> (8 * k));
  }
  for (; i < n; ++i) buf[i] = extism_input_load_u8(i);
  return n;
}

static uint64_t to_block(const uint8_t* p, uint64_t n) {
  uint64_t h = extism_alloc(n);
  for (uint64_t i = 0; i < n; ++i) extism_store_u8(h + i, p[i]);
  return h;
}

static uint64_t slen(const char* s) {
  uint64_t n = 0;
  while (s[n]) ++n;
  return n;
}

static uint64_t str_block(const char* s) { return to_block((const uint8_t*)s, slen(s)); }

static void output(const uint8_t* p, uint64_t n) { extism_output_set(to_block(p, n), n); }
static void output_str(const char* s) { output((const uint8_t*)s, slen(s)); }

static void output_u64(uint64_t v) {
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  uint8_t out[24];
  for (int i = 0; i < n; ++i) out[i] = (uint8_t)tmp[n - 1 - i];
  output(out, (uint64_t)n);
}

EXPORT("echo") int32_t echo(void) {
  uint64_t n = read_input();
  output(buf, n);
  return 0;
}

EXPORT("upper") int32_t upper(void) {
  uint64_t n = read_input();
  for (uint64_t i = 0; i < n; ++i)
    if (buf[i] >= 'a' && buf[i] <= 'z') buf[i] = (uint8_t)(buf[i] - 32);
  output(buf, n);
  return 0;
}

// Outputs the config value named by the input, or "<none>".
EXPORT("config") int32_t config(void) {
  uint64_t n = read_input();
  uint64_t key = to_block(buf, n);
  uint64_t v = extism_config_get(key);
  extism_free(key);
  if (!v) {
    output_str("<none>");
    return 0;
  }
  extism_output_set(v, extism_length(v));
  return 0;
}

// Increments the u64 var "count" and outputs it.
EXPORT("count") int32_t count(void) {
  uint64_t key = str_block("count");
  uint64_t v = extism_var_get(key);
  uint64_t c = 0;
  if (v && extism_length(v) == 8) c = extism_load_u64(v);
  ++c;
  uint64_t nv = extism_alloc(8);
  extism_store_u64(nv, c);
  extism_var_set(key, nv);
  output_u64(c);
  return 0;
}

EXPORT("fail") int32_t fail(void) {
  uint64_t n = read_input();
  static const char prefix[] = "boom: ";
  uint8_t msg[256];
  uint64_t m = 0;
  for (; prefix[m]; ++m) msg[m] = (uint8_t)prefix[m];
  for (uint64_t i = 0; i < n && m < sizeof msg; ++i) msg[m++] = buf[i];
  extism_error_set(to_block(msg, m));
  return 1;
}

EXPORT("rc") int32_t rc(void) { return 7; }

EXPORT("log") int32_t log_(void) {
  uint64_t n = read_input();
  extism_log_info(to_block(buf, n));
  extism_log_debug(str_block("debug line"));
  extism_log_error(str_block("error line"));
  output_u64((uint64_t)extism_get_log_level());
  return 0;
}

#ifdef WITH_HOST_FUNCTION
// Built with -DWITH_HOST_FUNCTION: imports a host function of extism:host/user.
USER("greet") uint64_t host_greet(uint64_t);
EXPORT("greet") int32_t greet(void) {
  uint64_t n = read_input();
  uint64_t h = host_greet(to_block(buf, n));
  extism_output_set(h, extism_length(h));
  return 0;
}
#endif

EXPORT("loop") int32_t loop(void) {
  volatile uint64_t i = 0;
  for (;;) ++i;
  return 0;
}

// A counter in linear memory: 1, 2, 3... while the instance lives.
static uint32_t counter;
EXPORT("counter") int32_t counter_(void) {
  output_u64(++counter);
  return 0;
}

EXPORT("trap") int32_t trap(void) {
  ++counter;
  __builtin_trap();
}

// Grows linear memory by the number of pages in the input (decimal): "ok" or "fail".
EXPORT("grow") int32_t grow(void) {
  uint64_t n = read_input(), pages = 0;
  for (uint64_t i = 0; i < n; ++i) pages = pages * 10 + (buf[i] - '0');
  output_str(__builtin_wasm_memory_grow(0, (unsigned long)pages) == (unsigned long)-1 ? "fail" : "ok");
  return 0;
}

// Allocates an Extism block of the size in the input (decimal): "0" when refused.
EXPORT("big_alloc") int32_t big_alloc(void) {
  uint64_t n = read_input(), size = 0;
  for (uint64_t i = 0; i < n; ++i) size = size * 10 + (buf[i] - '0');
  uint64_t h = extism_alloc(size);
  output_str(h ? "allocated" : "0");
  return 0;
}

EXPORT("http") int32_t http(void) {
  uint64_t r = extism_http_request(str_block("{}"), 0);
  output_u64(r);
  return 0;
}
