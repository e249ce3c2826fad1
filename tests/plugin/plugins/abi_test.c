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
ENV("length_unsafe") uint64_t extism_length_unsafe(uint64_t);
ENV("input_offset") uint64_t extism_input_offset(void);
ENV("error_get") uint64_t extism_error_get(void);
ENV("log_info") void extism_log_info(uint64_t);
ENV("log_warn") void extism_log_warn(uint64_t);
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

// ---- Extism's memory rules and bad handles (tests/plugin/limits_test.cpp) ----

static int streq(const uint8_t* a, uint64_t n, const char* b) {
  uint64_t i = 0;
  for (; i < n && b[i]; ++i)
    if (a[i] != (uint8_t)b[i]) return 0;
  return i == n && !b[i];
}

// The Extism memory is reset before every call: a handle kept from the previous call is no
// longer a block. Outputs "<length of the kept handle> <its handle is the new one's>".
static uint64_t kept;
EXPORT("keep_handle") int32_t keep_handle(void) {
  uint64_t before = kept ? extism_length(kept) : 0;
  kept = str_block("kept across calls");
  output_u64(before);
  return 0;
}

// Which kernel functions consume (free) the handle they are given: none, in Extism's runtime.
// Passes a fresh block to each and outputs the block's length afterwards, one digit per call:
// config_get key, var_set key, var_set value, var_get key, log_info, output_set, error_set.
EXPORT("consumed") int32_t consumed(void) {
  uint8_t out[8];
  uint64_t h = str_block("k");
  extism_config_get(h);
  out[0] = (uint8_t)('0' + extism_length(h));
  uint64_t k = str_block("k"), v = str_block("v");
  extism_var_set(k, v);
  out[1] = (uint8_t)('0' + extism_length(k));
  out[2] = (uint8_t)('0' + extism_length(v));
  h = str_block("k");
  extism_var_get(h);
  out[3] = (uint8_t)('0' + extism_length(h));
  h = str_block("m");
  extism_log_info(h);
  out[4] = (uint8_t)('0' + extism_length(h));
  h = str_block("o");
  extism_output_set(h, 1);
  out[5] = (uint8_t)('0' + extism_length(h));
  h = str_block("e");
  extism_error_set(h);
  out[6] = (uint8_t)('0' + extism_length(h));
  extism_error_set(0);  // clears the error: the call succeeds
  output(out, 7);
  return 0;
}

// Sets the var "big" to the number of bytes in the input (decimal); outputs "set".
EXPORT("big_var") int32_t big_var(void) {
  uint64_t n = read_input(), size = 0;
  for (uint64_t i = 0; i < n; ++i) size = size * 10 + (buf[i] - '0');
  uint64_t v = extism_alloc(size);
  extism_var_set(str_block("big"), v);
  output_str("set");
  return 0;
}

// Frees the input block: Extism's kernel then reports an input of length 0. Outputs
// "<input_length before> <input_length after>".
EXPORT("free_input") int32_t free_input(void) {
  uint64_t before = extism_input_length();
  extism_free(extism_input_offset());
  uint64_t after = extism_input_length();
  uint8_t out[48];
  uint64_t m = 0;
  char tmp[24];
  int k;
  for (int pass = 0; pass < 2; ++pass) {
    uint64_t v = pass ? after : before;
    k = 0;
    do {
      tmp[k++] = (char)('0' + v % 10);
      v /= 10;
    } while (v);
    while (k) out[m++] = (uint8_t)tmp[--k];
    if (!pass) out[m++] = ' ';
  }
  output(out, m);
  return 0;
}

// One kernel function called with a handle that was never allocated (12345, inside the
// memory but not a block start), already freed, or 0; the input names the case. The ones that
// answer output the answer; the others trap or fail the call, which the test checks.
EXPORT("bad_handle") int32_t bad_handle(void) {
  uint64_t n = read_input();
  uint64_t pad = str_block("padding so that 12345 is inside the memory");
  for (int i = 0; i < 12; ++i) pad = extism_alloc(1024);
  // Blocks used below are allocated before `freed` is freed, so none of them reuses it.
  uint64_t key = str_block("k"), value = str_block("v");
  uint64_t freed = str_block("freed");
  extism_free(freed);
  const uint64_t never = 12345;
  if (streq(buf, n, "free_twice")) {
    extism_free(freed);
    extism_free(never);
    extism_free(0);
    output_str("survived");
  } else if (streq(buf, n, "length")) {
    output_u64(extism_length(never) + extism_length(freed) + extism_length(0) +
               extism_length_unsafe(never) + extism_length_unsafe(freed));
  } else if (streq(buf, n, "load_past_end")) {
    output_u64(extism_load_u8(1ull << 40));
  } else if (streq(buf, n, "load_u64_straddling_end")) {
    output_u64(extism_load_u64(pad + 1024 - 4));
  } else if (streq(buf, n, "store_past_end")) {
    extism_store_u64(~0ull - 3, 1);
    output_str("stored");
  } else if (streq(buf, n, "input_load_past_end")) {
    output_u64(extism_input_load_u64(n - 4));
  } else if (streq(buf, n, "output_set_out_of_range")) {
    extism_output_set(freed, 1ull << 40);
  } else if (streq(buf, n, "output_set_freed")) {
    output_str("replaced below");
    extism_output_set(freed, 5);
  } else if (streq(buf, n, "error_set_freed")) {
    extism_error_set(freed);
    return 1;
  } else if (streq(buf, n, "error_set_never")) {
    extism_error_set(never);
    return 0;
  } else if (streq(buf, n, "config_get_freed")) {
    output_u64(extism_config_get(freed));
  } else if (streq(buf, n, "config_get_never")) {
    output_u64(extism_config_get(never));
  } else if (streq(buf, n, "var_get_freed")) {
    output_u64(extism_var_get(freed));
  } else if (streq(buf, n, "var_set_freed_key")) {
    extism_var_set(freed, value);
  } else if (streq(buf, n, "var_set_never_value")) {
    extism_var_set(key, never);
  } else if (streq(buf, n, "log_freed")) {
    extism_log_warn(freed);
    output_str("logged");
  } else if (streq(buf, n, "error_get")) {
    output_u64(extism_error_get());
  } else {
    output_str("unknown case");
  }
  return 0;
}

#ifdef WITH_WASI
// Built with -DWITH_WASI: a `wasi: true` plugin. Opens the path in the input relative to
// the first preopen (fd 3) and outputs WASI's errno (0: opened).
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_open"))) int32_t
wasi_path_open(int32_t fd, int32_t dirflags, const char* path, int32_t path_len, int32_t oflags,
               uint64_t rights_base, uint64_t rights_inheriting, int32_t fdflags, int32_t* opened);
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_close"))) int32_t
wasi_fd_close(int32_t fd);
EXPORT("open_path") int32_t open_path(void) {
  uint64_t n = read_input();
  int32_t fd = -1;
  int32_t err = wasi_path_open(3, 0, (const char*)buf, (int32_t)n, 0, 2 /* fd_read */, 0, 0, &fd);
  if (err == 0) wasi_fd_close(fd);
  output_u64((uint64_t)err);
  return 0;
}
#endif
