// A test plugin for HTTP, written directly against the extism:host/env ABI (no PDK, no libc):
// http_test.cpp drives it against its own HTTP server.
//
// The input of "request" and "headers" is the request JSON of http_request, then, after a
// first newline, the request body if there is one.
#include <stdint.h>

#define ENV(name) __attribute__((import_module("extism:host/env"), import_name(name)))
#define EXPORT(name) __attribute__((export_name(name)))

ENV("alloc") uint64_t extism_alloc(uint64_t);
ENV("length") uint64_t extism_length(uint64_t);
ENV("load_u8") uint8_t extism_load_u8(uint64_t);
ENV("store_u8") void extism_store_u8(uint64_t, uint8_t);
ENV("input_length") uint64_t extism_input_length(void);
ENV("input_load_u8") uint8_t extism_input_load_u8(uint64_t);
ENV("output_set") void extism_output_set(uint64_t, uint64_t);
ENV("http_request") uint64_t extism_http_request(uint64_t, uint64_t);
ENV("http_status_code") int32_t extism_http_status_code(void);
ENV("http_headers") uint64_t extism_http_headers(void);

static uint8_t buf[65536];

static uint64_t read_input(void) {
  uint64_t n = extism_input_length();
  if (n > sizeof buf) n = sizeof buf;
  for (uint64_t i = 0; i < n; ++i) buf[i] = extism_input_load_u8(i);
  return n;
}

static uint64_t to_block(const uint8_t* p, uint64_t n) {
  if (n == 0) return 0;
  uint64_t h = extism_alloc(n);
  for (uint64_t i = 0; i < n; ++i) extism_store_u8(h + i, p[i]);
  return h;
}

// Sends the request in the input; returns the response body's handle (0 when empty).
static uint64_t send(void) {
  uint64_t n = read_input();
  uint64_t json_len = 0;
  while (json_len < n && buf[json_len] != '\n') ++json_len;
  uint64_t req = to_block(buf, json_len);
  uint64_t body = json_len < n ? to_block(buf + json_len + 1, n - json_len - 1) : 0;
  return extism_http_request(req, body);
}

// Outputs "<status>\n<body>".
EXPORT("request") int32_t request(void) {
  uint64_t body = send();
  uint64_t body_len = body ? extism_length(body) : 0;
  uint32_t status = (uint32_t)extism_http_status_code();
  char digits[12];
  int d = 0;
  do {
    digits[d++] = (char)('0' + status % 10);
    status /= 10;
  } while (status);
  uint64_t out = extism_alloc((uint64_t)d + 1 + body_len);
  uint64_t o = out;
  while (d) extism_store_u8(o++, (uint8_t)digits[--d]);
  extism_store_u8(o++, '\n');
  for (uint64_t i = 0; i < body_len; ++i) extism_store_u8(o++, extism_load_u8(body + i));
  extism_output_set(out, o - out);
  return 0;
}

// Outputs the http_headers block after the request, or "<none>" when it is 0.
EXPORT("headers") int32_t headers(void) {
  send();
  uint64_t h = extism_http_headers();
  if (!h) {
    static const uint8_t none[] = "<none>";
    extism_output_set(to_block(none, sizeof none - 1), sizeof none - 1);
    return 0;
  }
  extism_output_set(h, extism_length(h));
  return 0;
}
