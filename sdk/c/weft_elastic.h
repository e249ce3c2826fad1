/* weft_elastic.h: the guest side of the elastic ingest ABI, version 1.0 (docs/abi/elastic.md),
 * header-only, for C99 and C++ built for wasm32 (clang --target=wasm32 -nostdlib, or
 * wasm32-wasi with a libc).
 *
 *   #include "weft_elastic.h"
 *
 *   static int32_t on_register(const char* config, size_t len) { ... return 0; }  // optional
 *   static int32_t on_process(void) {
 *     weft_elastic_put_string("seen", "yes", 3);
 *     weft_elastic_emit_current();        // no emit at all: the event is dropped
 *     return 0;                           // non-zero: the event fails
 *   }
 *   WEFT_ELASTIC_PLUGIN(on_process)       // the ABI marker, `process`, and `malloc`
 *   WEFT_ELASTIC_REGISTER(on_register)    // optional: `register`
 *
 * Memory: the host hands the guest buffers it allocated with the guest's exported `malloc`
 * (field values, the configuration); the helpers here free them. By default the plugin
 * carries its own allocator (first-fit free list over memory.grow, from __heap_base) and the
 * memcpy/memset/memmove/memcmp the compiler may call, so -nostdlib builds link. Define
 * WEFT_ELASTIC_USE_LIBC before the include to use the libc's malloc/free instead (wasm32-wasi):
 * `malloc` is then exported through a wrapper.
 *
 * Field keys are dotted paths ("http.request.method"); a literal dot in a name is written
 * "\." and a backslash "\\" (weft_elastic_key_escape makes a one-segment key of any name).
 */
#ifndef WEFT_ELASTIC_H
#define WEFT_ELASTIC_H

#include <stddef.h>
#include <stdint.h>
#ifdef WEFT_ELASTIC_USE_LIBC
#include <stdlib.h>
#include <string.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define WEFT_ELASTIC_ABI_MAJOR 1
#define WEFT_ELASTIC_ABI_MINOR 0

/* Host function statuses (Elastic's), and two of the SDK's own (>= 100). */
enum {
  WEFT_ELASTIC_OK = 0,
  WEFT_ELASTIC_INTERNAL_FAILURE = 1,
  WEFT_ELASTIC_INVALID_ARGUMENT = 2,
  WEFT_ELASTIC_NOT_FOUND = 3,
  WEFT_ELASTIC_WRONG_TYPE = 100, /* the field exists but is not of the type asked for */
  WEFT_ELASTIC_NO_MEMORY = 101   /* malloc failed in the guest */
};

/* Log levels of elastic_log (Elastic's). */
enum {
  WEFT_ELASTIC_LOG_DEBUG = 0,
  WEFT_ELASTIC_LOG_INFO = 1,
  WEFT_ELASTIC_LOG_WARN = 2,
  WEFT_ELASTIC_LOG_ERROR = 3,
  WEFT_ELASTIC_LOG_CRITICAL = 4
};

/* ---- the host functions (import module "elastic") ------------------------------------- */

#define WEFT_ELASTIC__IMPORT(name) __attribute__((import_module("elastic"), import_name(#name)))
/* The field's value as JSON text in a block from the guest's malloc (the guest frees it). */
int32_t elastic_get_field(const char* key, size_t key_len, char** ret_ptr, size_t* ret_len)
    WEFT_ELASTIC__IMPORT(elastic_get_field);
/* Sets the field to a JSON value (any JSON: object, array, string, number, true/false/null). */
int32_t elastic_put_field(const char* key, size_t key_len, const char* json, size_t json_len)
    WEFT_ELASTIC__IMPORT(elastic_put_field);
int32_t elastic_remove_field(const char* key, size_t key_len) WEFT_ELASTIC__IMPORT(elastic_remove_field);
int32_t elastic_get_current_time_nanoseconds(uint64_t* ret) WEFT_ELASTIC__IMPORT(elastic_get_current_time_nanoseconds);
int32_t elastic_log(int32_t level, const char* msg, size_t len) WEFT_ELASTIC__IMPORT(elastic_log);
/* A weft.elastic.v1.Event (protobuf) laid over the current event; len 0: the current event. */
int32_t elastic_emit_event(const uint8_t* event, size_t len) WEFT_ELASTIC__IMPORT(elastic_emit_event);

#ifndef WEFT_ELASTIC_USE_LIBC
void* malloc(size_t size);
void free(void* ptr);
#endif

/* ---- small string helpers (no libc needed) --------------------------------------------- */

static inline size_t weft_elastic_strlen(const char* s) {
  size_t n = 0;
  while (s[n]) ++n;
  return n;
}

static inline void weft_elastic__copy(char* dst, const char* src, size_t n) {
  for (size_t i = 0; i < n; ++i) dst[i] = src[i];
}

/* ---- JSON strings ------------------------------------------------------------------------ */

/* Writes `s` (len bytes of UTF-8) as a JSON string literal, quotes included, into `out`
 * (NULL: only measures); returns its length. At most 6 * len + 2 bytes. */
static inline size_t weft_elastic_json_quote(const char* s, size_t len, char* out) {
  static const char hex[] = "0123456789abcdef";
  size_t n = 0;
#define WEFT_ELASTIC__PUT(c) \
  do {                       \
    if (out) out[n] = (c);   \
    ++n;                     \
  } while (0)
  WEFT_ELASTIC__PUT('"');
  for (size_t i = 0; i < len; ++i) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') {
      WEFT_ELASTIC__PUT('\\');
      WEFT_ELASTIC__PUT((char)c);
    } else if (c == '\n') {
      WEFT_ELASTIC__PUT('\\');
      WEFT_ELASTIC__PUT('n');
    } else if (c == '\t') {
      WEFT_ELASTIC__PUT('\\');
      WEFT_ELASTIC__PUT('t');
    } else if (c == '\r') {
      WEFT_ELASTIC__PUT('\\');
      WEFT_ELASTIC__PUT('r');
    } else if (c < 0x20) {
      WEFT_ELASTIC__PUT('\\');
      WEFT_ELASTIC__PUT('u');
      WEFT_ELASTIC__PUT('0');
      WEFT_ELASTIC__PUT('0');
      WEFT_ELASTIC__PUT(hex[c >> 4]);
      WEFT_ELASTIC__PUT(hex[c & 15]);
    } else {
      WEFT_ELASTIC__PUT((char)c);
    }
  }
  WEFT_ELASTIC__PUT('"');
#undef WEFT_ELASTIC__PUT
  return n;
}

static inline int weft_elastic__hex4(const char* p, uint32_t* v) {
  uint32_t r = 0;
  for (int i = 0; i < 4; ++i) {
    char c = p[i];
    uint32_t d = c >= '0' && c <= '9' ? (uint32_t)(c - '0')
                 : c >= 'a' && c <= 'f' ? (uint32_t)(c - 'a' + 10)
                 : c >= 'A' && c <= 'F' ? (uint32_t)(c - 'A' + 10)
                                        : 16u;
    if (d == 16u) return 0;
    r = r << 4 | d;
  }
  *v = r;
  return 1;
}

/* Decodes the JSON string literal json[0..len) (quotes included) into `out` as UTF-8, which
 * needs at most len bytes (unescaping never grows the text), and sets *out_len. Returns 1,
 * or 0 when the text is not one string literal (escapes checked, lone surrogates refused). */
static inline int weft_elastic_json_unquote(const char* json, size_t len, char* out, size_t* out_len) {
  if (len < 2 || json[0] != '"' || json[len - 1] != '"') return 0;
  size_t n = 0;
  for (size_t i = 1; i + 1 < len; ++i) {
    char c = json[i];
    if (c == '"') return 0;
    if (c != '\\') {
      out[n++] = c;
      continue;
    }
    if (i + 2 >= len) return 0;
    c = json[++i];
    switch (c) {
      case '"': case '\\': case '/': out[n++] = c; break;
      case 'b': out[n++] = '\b'; break;
      case 'f': out[n++] = '\f'; break;
      case 'n': out[n++] = '\n'; break;
      case 'r': out[n++] = '\r'; break;
      case 't': out[n++] = '\t'; break;
      case 'u': {
        uint32_t cp, lo;
        if (i + 4 >= len || !weft_elastic__hex4(json + i + 1, &cp)) return 0;
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          if (i + 6 >= len || json[i + 1] != '\\' || json[i + 2] != 'u' ||
              !weft_elastic__hex4(json + i + 3, &lo) || lo < 0xDC00 || lo > 0xDFFF)
            return 0;
          i += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          return 0;
        }
        if (cp < 0x80) {
          out[n++] = (char)cp;
        } else if (cp < 0x800) {
          out[n++] = (char)(0xC0 | cp >> 6);
          out[n++] = (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
          out[n++] = (char)(0xE0 | cp >> 12);
          out[n++] = (char)(0x80 | (cp >> 6 & 0x3F));
          out[n++] = (char)(0x80 | (cp & 0x3F));
        } else {
          out[n++] = (char)(0xF0 | cp >> 18);
          out[n++] = (char)(0x80 | (cp >> 12 & 0x3F));
          out[n++] = (char)(0x80 | (cp >> 6 & 0x3F));
          out[n++] = (char)(0x80 | (cp & 0x3F));
        }
        break;
      }
      default: return 0;
    }
  }
  *out_len = n;
  return 1;
}

/* Writes `name` as a one-segment field key (dots and backslashes escaped) into `out` (NULL:
 * only measures); returns its length, at most 2 * len. */
static inline size_t weft_elastic_key_escape(const char* name, size_t len, char* out) {
  size_t n = 0;
  for (size_t i = 0; i < len; ++i) {
    if (name[i] == '.' || name[i] == '\\') {
      if (out) out[n] = '\\';
      ++n;
    }
    if (out) out[n] = name[i];
    ++n;
  }
  return n;
}

/* ---- fields -------------------------------------------------------------------------------- */

/* The field `key` (NUL-terminated) as JSON text: *json is the guest's (free() it), not
 * NUL-terminated. OK, NOT_FOUND, or INVALID_ARGUMENT (a malformed key). */
static inline int32_t weft_elastic_get_json(const char* key, char** json, size_t* len) {
  *json = 0;
  *len = 0;
  return elastic_get_field(key, weft_elastic_strlen(key), json, len);
}

/* The string field `key`, decoded, as a NUL-terminated block from malloc (free() it); *len
 * (may be NULL) is its length, which counts any NUL inside. WRONG_TYPE when the value is not
 * a string. */
static inline int32_t weft_elastic_get_string(const char* key, char** out, size_t* len) {
  char* json;
  size_t json_len, n = 0;
  *out = 0;
  int32_t st = weft_elastic_get_json(key, &json, &json_len);
  if (st != WEFT_ELASTIC_OK) return st;
  char* s = (char*)malloc(json_len + 1);
  if (!s) {
    free(json);
    return WEFT_ELASTIC_NO_MEMORY;
  }
  int ok = weft_elastic_json_unquote(json, json_len, s, &n);
  free(json);
  if (!ok) {
    free(s);
    return WEFT_ELASTIC_WRONG_TYPE;
  }
  s[n] = 0;
  *out = s;
  if (len) *len = n;
  return WEFT_ELASTIC_OK;
}

/* The integer field `key` (a JSON number without fraction or exponent, in int64 range). */
static inline int32_t weft_elastic_get_i64(const char* key, int64_t* out) {
  char* json;
  size_t len;
  int32_t st = weft_elastic_get_json(key, &json, &len);
  if (st != WEFT_ELASTIC_OK) return st;
  size_t i = 0;
  int neg = len > 0 && json[0] == '-';
  if (neg) ++i;
  uint64_t v = 0, limit = neg ? (uint64_t)1 << 63 : ((uint64_t)1 << 63) - 1;
  int ok = i < len;
  for (; ok && i < len; ++i) {
    unsigned d = (unsigned)(json[i] - '0');
    if (d > 9 || v > (limit - d) / 10) ok = 0;
    else v = v * 10 + d;
  }
  free(json);
  if (!ok) return WEFT_ELASTIC_WRONG_TYPE;
  *out = neg ? (int64_t)(0 - v) : (int64_t)v;
  return WEFT_ELASTIC_OK;
}

/* Sets `key` to the JSON text json[0..len) (checked by the host: INVALID_ARGUMENT if not JSON,
 * or if an intermediate of the key exists and is not an object). */
static inline int32_t weft_elastic_put_json(const char* key, const char* json, size_t len) {
  return elastic_put_field(key, weft_elastic_strlen(key), json, len);
}

/* Sets `key` to the string s[0..len) (UTF-8), quoted here. */
static inline int32_t weft_elastic_put_string(const char* key, const char* s, size_t len) {
  size_t n = weft_elastic_json_quote(s, len, 0);
  char* json = (char*)malloc(n);
  if (!json) return WEFT_ELASTIC_NO_MEMORY;
  weft_elastic_json_quote(s, len, json);
  int32_t st = weft_elastic_put_json(key, json, n);
  free(json);
  return st;
}

static inline int32_t weft_elastic_put_i64(const char* key, int64_t v) {
  char buf[24];
  size_t n = sizeof buf;
  uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
  do {
    buf[--n] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  if (v < 0) buf[--n] = '-';
  return weft_elastic_put_json(key, buf + n, sizeof buf - n);
}

static inline int32_t weft_elastic_put_bool(const char* key, int v) {
  return v ? weft_elastic_put_json(key, "true", 4) : weft_elastic_put_json(key, "false", 5);
}

static inline int32_t weft_elastic_remove(const char* key) {
  return elastic_remove_field(key, weft_elastic_strlen(key));
}

/* ---- logging and time ---------------------------------------------------------------------- */

/* An error-level message (ERROR or CRITICAL) also becomes the reason of the event's error
 * when process (or register) then returns non-zero. */
static inline int32_t weft_elastic_log(int32_t level, const char* msg) {
  return elastic_log(level, msg, weft_elastic_strlen(msg));
}

static inline uint64_t weft_elastic_now_ns(void) {
  uint64_t t = 0;
  elastic_get_current_time_nanoseconds(&t);
  return t;
}

/* ---- emitting events ------------------------------------------------------------------------ */

typedef struct {
  const char* key;   /* NUL-terminated */
  const char* value; /* NUL-terminated */
} weft_elastic_kv;

/* An output event, laid over the current event: every member left 0/NULL keeps the current
 * event's part (its tag, time, record as changed by put/remove, metadata). */
typedef struct {
  const char* tag; /* NUL-terminated, or NULL */
  int has_timestamp;
  int64_t seconds;
  uint32_t nanos; /* below 1,000,000,000 */
  const char* fields_json; /* the whole new record (a JSON object), or NULL */
  size_t fields_json_len;
  const weft_elastic_kv* metadata; /* entries set (after the removals) */
  size_t metadata_count;
  const char* const* remove_metadata; /* keys removed */
  size_t remove_metadata_count;
} weft_elastic_event;

/* An event with every member unset (the current event as it stands); `= {0}` also does in C. */
static inline weft_elastic_event weft_elastic_event_init(void) {
  weft_elastic_event e;
  e.tag = 0;
  e.has_timestamp = 0;
  e.seconds = 0;
  e.nanos = 0;
  e.fields_json = 0;
  e.fields_json_len = 0;
  e.metadata = 0;
  e.metadata_count = 0;
  e.remove_metadata = 0;
  e.remove_metadata_count = 0;
  return e;
}

static inline size_t weft_elastic__varint(uint64_t v, uint8_t* out) {
  size_t n = 0;
  do {
    uint8_t b = (uint8_t)(v & 0x7F);
    v >>= 7;
    if (v) b |= 0x80;
    if (out) out[n] = b;
    ++n;
  } while (v);
  return n;
}

/* A length-delimited field: key, length, then the caller writes `len` bytes. */
static inline size_t weft_elastic__ld_head(uint32_t field, size_t len, uint8_t* out) {
  size_t n = weft_elastic__varint((uint64_t)(field << 3 | 2), out);
  return n + weft_elastic__varint(len, out ? out + n : 0);
}

static inline size_t weft_elastic__ld_bytes(uint32_t field, const char* s, size_t len, uint8_t* out) {
  size_t n = weft_elastic__ld_head(field, len, out);
  if (out) weft_elastic__copy((char*)out + n, s, len);
  return n + len;
}

/* Encodes `e` as a weft.elastic.v1.Event (proto/weft_elastic.proto) into `out` (NULL: only
 * measures); returns the encoded length. */
static inline size_t weft_elastic_encode_event(const weft_elastic_event* e, uint8_t* out) {
  size_t n = 0;
#define WEFT_ELASTIC__AT (out ? out + n : 0)
  if (e->tag) n += weft_elastic__ld_bytes(1, e->tag, weft_elastic_strlen(e->tag), WEFT_ELASTIC__AT);
  if (e->has_timestamp) {
    uint8_t ts[24];
    size_t k = 0;
    ts[k++] = 0x08; /* seconds, varint (two's complement for negative values) */
    k += weft_elastic__varint((uint64_t)e->seconds, ts + k);
    ts[k++] = 0x10; /* nanos */
    k += weft_elastic__varint(e->nanos, ts + k);
    n += weft_elastic__ld_bytes(2, (const char*)ts, k, WEFT_ELASTIC__AT);
  }
  if (e->fields_json) n += weft_elastic__ld_bytes(3, e->fields_json, e->fields_json_len, WEFT_ELASTIC__AT);
  for (size_t i = 0; i < e->metadata_count; ++i) {
    size_t kl = weft_elastic_strlen(e->metadata[i].key), vl = weft_elastic_strlen(e->metadata[i].value);
    /* a map entry is a message {1: key, 2: value} */
    size_t entry = weft_elastic__ld_bytes(1, 0, kl, 0) + weft_elastic__ld_bytes(2, 0, vl, 0);
    n += weft_elastic__ld_head(4, entry, WEFT_ELASTIC__AT);
    n += weft_elastic__ld_bytes(1, e->metadata[i].key, kl, WEFT_ELASTIC__AT);
    n += weft_elastic__ld_bytes(2, e->metadata[i].value, vl, WEFT_ELASTIC__AT);
  }
  for (size_t i = 0; i < e->remove_metadata_count; ++i)
    n += weft_elastic__ld_bytes(5, e->remove_metadata[i], weft_elastic_strlen(e->remove_metadata[i]),
                                WEFT_ELASTIC__AT);
#undef WEFT_ELASTIC__AT
  return n;
}

/* Outputs the current event as it stands. */
static inline int32_t weft_elastic_emit_current(void) { return elastic_emit_event(0, 0); }

/* Outputs `e` laid over the current event. */
static inline int32_t weft_elastic_emit(const weft_elastic_event* e) {
  size_t n = weft_elastic_encode_event(e, 0);
  if (n == 0) return elastic_emit_event(0, 0);
  uint8_t* buf = (uint8_t*)malloc(n);
  if (!buf) return WEFT_ELASTIC_NO_MEMORY;
  weft_elastic_encode_event(e, buf);
  int32_t st = elastic_emit_event(buf, n);
  free(buf);
  return st;
}

/* Outputs a new record (a JSON object) with the current event's tag, time and metadata. */
static inline int32_t weft_elastic_emit_record(const char* json, size_t len) {
  weft_elastic_event e = weft_elastic_event_init();
  e.fields_json = json;
  e.fields_json_len = len;
  return weft_elastic_emit(&e);
}

/* Outputs the current event under another tag. */
static inline int32_t weft_elastic_emit_tagged(const char* tag) {
  weft_elastic_event e = weft_elastic_event_init();
  e.tag = tag;
  return weft_elastic_emit(&e);
}

/* ---- configuration (register) -------------------------------------------------------------- */

static inline size_t weft_elastic__skip_ws(const char* s, size_t len, size_t i) {
  while (i < len && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) ++i;
  return i;
}

/* The end of the string literal starting at s[i] ('"'), just past its closing quote; 0 if none. */
static inline size_t weft_elastic__string_end(const char* s, size_t len, size_t i) {
  if (i >= len || s[i] != '"') return 0;
  for (++i; i < len; ++i) {
    if (s[i] == '\\') ++i;
    else if (s[i] == '"') return i + 1;
  }
  return 0;
}

/* The value of `key` in the configuration register received (a JSON object of strings), as
 * a NUL-terminated block from malloc (free() it). NOT_FOUND when absent, INVALID_ARGUMENT
 * when the configuration is not such an object. */
static inline int32_t weft_elastic_config_get(const char* config, size_t len, const char* key, char** out) {
  size_t key_len = weft_elastic_strlen(key);
  *out = 0;
  size_t i = weft_elastic__skip_ws(config, len, 0);
  if (i >= len || config[i] != '{') return WEFT_ELASTIC_INVALID_ARGUMENT;
  i = weft_elastic__skip_ws(config, len, i + 1);
  if (i < len && config[i] == '}') return WEFT_ELASTIC_NOT_FOUND;
  char* buf = (char*)malloc(len + 1);
  if (!buf) return WEFT_ELASTIC_NO_MEMORY;
  for (;;) {
    size_t k_end = weft_elastic__string_end(config, len, i), n;
    if (!k_end || !weft_elastic_json_unquote(config + i, k_end - i, buf, &n)) break;
    int match = n == key_len;
    for (size_t j = 0; match && j < n; ++j) match = buf[j] == key[j];
    i = weft_elastic__skip_ws(config, len, k_end);
    if (i >= len || config[i] != ':') break;
    i = weft_elastic__skip_ws(config, len, i + 1);
    size_t v_end = weft_elastic__string_end(config, len, i);
    if (!v_end) break;
    if (match) {
      if (!weft_elastic_json_unquote(config + i, v_end - i, buf, &n)) break;
      buf[n] = 0;
      *out = buf;
      return WEFT_ELASTIC_OK;
    }
    i = weft_elastic__skip_ws(config, len, v_end);
    if (i < len && config[i] == '}') {
      free(buf);
      return WEFT_ELASTIC_NOT_FOUND;
    }
    if (i >= len || config[i] != ',') break;
    i = weft_elastic__skip_ws(config, len, i + 1);
  }
  free(buf);
  return WEFT_ELASTIC_INVALID_ARGUMENT;
}

#ifdef __cplusplus
}
#endif

/* ---- the exports ------------------------------------------------------------------------------ */

#ifdef __cplusplus
#define WEFT_ELASTIC__EXTERN_C extern "C"
#else
#define WEFT_ELASTIC__EXTERN_C
#endif
/* A declaration, never a (tentative) definition: in C `unsigned char __heap_base;` alone
 * would define a new variable in .bss instead of naming the linker's symbol. */
#ifdef __cplusplus
#define WEFT_ELASTIC__EXTERN_DECL extern "C"
#else
#define WEFT_ELASTIC__EXTERN_DECL extern
#endif

#ifdef WEFT_ELASTIC_USE_LIBC
/* The libc's allocator, exported under the name the host calls. */
#define WEFT_ELASTIC__ALLOCATOR                                                                 \
  __attribute__((export_name("malloc"))) WEFT_ELASTIC__EXTERN_C void* weft_elastic__malloc_export( \
      size_t size) {                                                                           \
    return malloc(size);                                                                       \
  }
#else
/* A first-fit free list of 8-byte-aligned blocks, each after an 8-byte header holding its
 * size, bumped from __heap_base and grown with memory.grow. Plugins allocate a few blocks of
 * similar sizes per event, which a free list without coalescing serves well. Also the
 * mem* functions the compiler emits calls to. */
#define WEFT_ELASTIC__ALLOCATOR                                                               \
  WEFT_ELASTIC__EXTERN_DECL unsigned char __heap_base;                                           \
  static uintptr_t weft_elastic__heap_top;                                                    \
  static size_t* weft_elastic__free_list;                                                     \
  __attribute__((export_name("malloc"))) WEFT_ELASTIC__EXTERN_C void* malloc(size_t size) {   \
    size = size ? (size + 7) & ~(size_t)7 : 8;                                                 \
    for (size_t** at = &weft_elastic__free_list; *at; at = (size_t**)(*at + 1)) {             \
      size_t* block = *at;                                                                    \
      if (block[0] >= size) {                                                                 \
        *at = *(size_t**)(block + 1);                                                         \
        return block + 2;                                                                     \
      }                                                                                       \
    }                                                                                         \
    if (!weft_elastic__heap_top) weft_elastic__heap_top = ((uintptr_t)&__heap_base + 7) & ~(uintptr_t)7; \
    uintptr_t start = weft_elastic__heap_top, end = start + 8 + size;                         \
    if (end < start) return 0;                                                                \
    uintptr_t have = (uintptr_t)__builtin_wasm_memory_size(0) * 65536u;                       \
    if (end > have) {                                                                         \
      size_t pages = (size_t)((end - have + 65535u) / 65536u);                                 \
      if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) return 0;                       \
    }                                                                                         \
    weft_elastic__heap_top = end;                                                             \
    size_t* block = (size_t*)start;                                                           \
    block[0] = size;                                                                          \
    return block + 2;                                                                         \
  }                                                                                           \
  WEFT_ELASTIC__EXTERN_C void free(void* ptr) {                                               \
    if (!ptr) return;                                                                         \
    size_t* block = (size_t*)ptr - 2;                                                         \
    *(size_t**)(block + 1) = weft_elastic__free_list;                                         \
    weft_elastic__free_list = block;                                                          \
  }                                                                                           \
  WEFT_ELASTIC__EXTERN_C void* memcpy(void* d, const void* s, size_t n) {                     \
    unsigned char* dp = (unsigned char*)d;                                                    \
    const unsigned char* sp = (const unsigned char*)s;                                        \
    while (n--) *dp++ = *sp++;                                                                \
    return d;                                                                                 \
  }                                                                                           \
  WEFT_ELASTIC__EXTERN_C void* memmove(void* d, const void* s, size_t n) {                    \
    unsigned char* dp = (unsigned char*)d;                                                    \
    const unsigned char* sp = (const unsigned char*)s;                                        \
    if (dp < sp)                                                                              \
      while (n--) *dp++ = *sp++;                                                              \
    else                                                                                      \
      while (n--) dp[n] = sp[n];                                                              \
    return d;                                                                                 \
  }                                                                                           \
  WEFT_ELASTIC__EXTERN_C void* memset(void* d, int c, size_t n) {                             \
    unsigned char* dp = (unsigned char*)d;                                                    \
    while (n--) *dp++ = (unsigned char)c;                                                     \
    return d;                                                                                 \
  }                                                                                           \
  WEFT_ELASTIC__EXTERN_C int memcmp(const void* a, const void* b, size_t n) {                 \
    const unsigned char *ap = (const unsigned char*)a, *bp = (const unsigned char*)b;         \
    for (; n; --n, ++ap, ++bp)                                                                \
      if (*ap != *bp) return *ap - *bp;                                                       \
    return 0;                                                                                 \
  }
#endif

/* The ABI marker (version 1.0), `process` calling process_fn (int32_t (void)), and `malloc`. */
#define WEFT_ELASTIC_PLUGIN(process_fn)                                                       \
  WEFT_ELASTIC__ALLOCATOR                                                                     \
  __attribute__((export_name("elastic_ingest_wasm_abi_1_0"))) WEFT_ELASTIC__EXTERN_C void     \
  weft_elastic__abi_marker(void) {}                                                           \
  __attribute__((export_name("process"))) WEFT_ELASTIC__EXTERN_C int32_t weft_elastic__process(void) { \
    return process_fn();                                                                      \
  }

/* `register` calling register_fn (int32_t (const char* config_json, size_t len)) with the
 * configuration, a JSON object of strings (read it with weft_elastic_config_get); the block
 * is freed when register_fn returns. Non-zero refuses the configuration. */
#define WEFT_ELASTIC_REGISTER(register_fn)                                                    \
  __attribute__((export_name("register"))) WEFT_ELASTIC__EXTERN_C int32_t                     \
  weft_elastic__register(char* config, size_t len) {                                          \
    int32_t rc = register_fn(config, len);                                                    \
    free(config);                                                                             \
    return rc;                                                                                \
  }

#endif /* WEFT_ELASTIC_H */
