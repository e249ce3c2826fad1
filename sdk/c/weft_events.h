/* weft_events.h: the guest side of the weft events ABI, version 1 (docs/abi/weft-events.md),
 * header-only, for C99 and C++ built for wasm32 (clang --target=wasm32 -nostdlib, or
 * wasm32-wasi with a libc).
 *
 *   #include "weft_events.h"
 *
 *   static int32_t on_init(const weft_config* config) { ... return 0; }   // optional
 *   static void on_event(const weft_event* ev) { weft_emit_input(ev->index); }
 *
 *   WEFT_EVENTS_PLUGIN(on_init)                     // marker, weft_alloc/free, weft_init
 *   WEFT_EVENTS_PROCESS("weft_process", on_event)   // the batch loop, exported
 *
 * Every event must end emitted (weft_emit / weft_emit_input, any number of times), dropped
 * (weft_drop) or failed (weft_fail); the host reports any other as an error.
 *
 * Views (weft_str) point into the host's batch buffer: zero-copy, valid until the exported
 * process function returns. By default the plugin carries its own small allocator (a
 * size-class free list over memory.grow) and the memcpy/memset/memmove/memcmp the compiler
 * may call, so -nostdlib builds link; define WEFT_EVENTS_USE_LIBC before the include to use
 * the libc's malloc/free (and its mem* functions) instead.
 */
#ifndef WEFT_EVENTS_H
#define WEFT_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WEFT_EVENTS_ABI_VERSION 1
#define WEFT_EVENTS_MAGIC 0x31564557u /* "WEV1" */
#define WEFT_EVENTS_FLAG_MSGPACK 1u

/* Host function statuses. */
enum {
  WEFT_OK = 0,
  WEFT_NO_SUCH_EVENT = 1,
  WEFT_INVALID_ARGUMENT = 2,
  WEFT_INVALID_RECORD = 3
};

/* Log levels of weft_log. */
enum { WEFT_LOG_TRACE = 0, WEFT_LOG_DEBUG = 1, WEFT_LOG_INFO = 2, WEFT_LOG_WARN = 3, WEFT_LOG_ERROR = 4 };

/* ---- the host functions (import module "weft") ---------------------------------------- */

#define WEFT__IMPORT(name) __attribute__((import_module("weft"), import_name(#name)))
int32_t weft__emit(int32_t index, const void* record, uint32_t len) WEFT__IMPORT(emit);
int32_t weft__emit_input(int32_t index) WEFT__IMPORT(emit_input);
int32_t weft__drop(int32_t index) WEFT__IMPORT(drop);
int32_t weft__fail(int32_t index, const void* msg, uint32_t len) WEFT__IMPORT(fail);
int32_t weft__route(int32_t index, const void* tag, uint32_t len) WEFT__IMPORT(route);
int32_t weft__set_time(int32_t index, int64_t sec, uint32_t nsec) WEFT__IMPORT(set_time);
int32_t weft__meta_set(int32_t index, const void* key, uint32_t key_len, const void* value,
                       uint32_t value_len) WEFT__IMPORT(meta_set);
int32_t weft__meta_remove(int32_t index, const void* key, uint32_t key_len) WEFT__IMPORT(meta_remove);
int32_t weft__log(int32_t level, const void* msg, uint32_t len) WEFT__IMPORT(log);

/* A view of bytes (not NUL-terminated). */
typedef struct {
  const char* ptr;
  uint32_t len;
} weft_str;

static inline uint32_t weft__strlen(const char* s) {
  uint32_t n = 0;
  while (s[n]) ++n;
  return n;
}
static inline weft_str weft_str_c(const char* s) {
  weft_str r;
  r.ptr = s;
  r.len = weft__strlen(s);
  return r;
}
/* 1 when a and b hold the same bytes. */
static inline int weft_str_eq(weft_str a, weft_str b) {
  if (a.len != b.len) return 0;
  for (uint32_t i = 0; i < a.len; ++i)
    if (a.ptr[i] != b.ptr[i]) return 0;
  return 1;
}

/* Outputs a new event for input `index` with this record (a JSON object, or a msgpack map in
 * msgpack mode), with the tag, time and metadata as route/set_time/meta_* left them. */
static inline int32_t weft_emit(uint32_t index, const void* record, uint32_t len) {
  return weft__emit((int32_t)index, record, len);
}
/* Outputs input `index` with its own record, without copying it through guest memory. */
static inline int32_t weft_emit_input(uint32_t index) { return weft__emit_input((int32_t)index); }
/* Input `index` produces no output, on purpose. */
static inline int32_t weft_drop(uint32_t index) { return weft__drop((int32_t)index); }
/* Input `index` failed with this reason (its outputs so far are discarded). */
static inline int32_t weft_fail(uint32_t index, const char* msg, uint32_t len) {
  return weft__fail((int32_t)index, msg, len);
}
static inline int32_t weft_fail_str(uint32_t index, const char* msg) {
  return weft__fail((int32_t)index, msg, weft__strlen(msg));
}
/* Fails the whole call: in weft_init, refuses the configuration with this reason; in a batch,
 * fails every event not already failed. */
static inline int32_t weft_fail_all(const char* msg, uint32_t len) { return weft__fail(-1, msg, len); }
static inline int32_t weft_route(uint32_t index, const char* tag, uint32_t len) {
  return weft__route((int32_t)index, tag, len);
}
static inline int32_t weft_set_time(uint32_t index, int64_t sec, uint32_t nsec) {
  return weft__set_time((int32_t)index, sec, nsec);
}
static inline int32_t weft_meta_set(uint32_t index, const char* key, uint32_t key_len, const char* value,
                                    uint32_t value_len) {
  return weft__meta_set((int32_t)index, key, key_len, value, value_len);
}
static inline int32_t weft_meta_remove(uint32_t index, const char* key, uint32_t key_len) {
  return weft__meta_remove((int32_t)index, key, key_len);
}
static inline int32_t weft_log(int32_t level, const char* msg, uint32_t len) { return weft__log(level, msg, len); }
static inline int32_t weft_log_str(int32_t level, const char* msg) {
  return weft__log(level, msg, weft__strlen(msg));
}

/* ---- reading the batch (zero-copy) ------------------------------------------------------ */

static inline uint32_t weft__u32(const uint8_t* p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline int64_t weft__i64(const uint8_t* p) {
  return (int64_t)((uint64_t)weft__u32(p) | ((uint64_t)weft__u32(p + 4) << 32));
}

/* One event of a batch; the views point into the batch buffer. */
typedef struct {
  uint32_t index; /* the number the host functions take */
  int64_t sec;
  uint32_t nsec;
  weft_str tag;
  weft_str record; /* JSON text, or msgpack bytes when the batch's flags say so */
  uint32_t meta_count;
  const uint8_t* meta; /* meta_count (u32 len, key, u32 len, value) pairs: weft_meta_next */
  const uint8_t* meta_end;
  int msgpack; /* the record is msgpack */
} weft_event;

typedef struct {
  const uint8_t* next;
  const uint8_t* end;
  uint32_t count; /* events in the batch */
  uint32_t flags;
  uint32_t index; /* of the next event */
} weft_batch;

/* Opens a batch; 0 if it is not a version-1 batch of `count` events. */
static inline int weft_batch_open(weft_batch* b, const void* ptr, uint32_t len, uint32_t count) {
  const uint8_t* p = (const uint8_t*)ptr;
  if (len < 12 || weft__u32(p) != WEFT_EVENTS_MAGIC || weft__u32(p + 4) != count) return 0;
  b->count = count;
  b->flags = weft__u32(p + 8);
  b->next = p + 12;
  b->end = p + len;
  b->index = 0;
  return 1;
}

/* A length-prefixed field at *p (advanced past it), inside [.., end); 0 if it overruns. */
static inline int weft__field(const uint8_t** p, const uint8_t* end, weft_str* out) {
  if ((size_t)(end - *p) < 4) return 0;
  uint32_t n = weft__u32(*p);
  if ((size_t)(end - *p) - 4 < n) return 0;
  out->ptr = (const char*)(*p + 4);
  out->len = n;
  *p += 4 + n;
  return 1;
}

/* The next event: 1, or 0 at the end (or on a malformed buffer, which the host never writes). */
static inline int weft_batch_next(weft_batch* b, weft_event* ev) {
  if (b->index >= b->count || (size_t)(b->end - b->next) < 4) return 0;
  uint32_t size = weft__u32(b->next);
  const uint8_t* p = b->next + 4;
  if ((size_t)(b->end - p) < size || size < 8 + 4 + 4 + 4 + 4) return 0;
  const uint8_t* end = p + size;
  ev->index = b->index;
  ev->sec = weft__i64(p);
  ev->nsec = weft__u32(p + 8);
  p += 12;
  if (!weft__field(&p, end, &ev->tag) || !weft__field(&p, end, &ev->record) || (size_t)(end - p) < 4) return 0;
  ev->meta_count = weft__u32(p);
  ev->meta = p + 4;
  ev->meta_end = end;
  ev->msgpack = (b->flags & WEFT_EVENTS_FLAG_MSGPACK) != 0;
  b->next = end;
  b->index++;
  return 1;
}

/* Iterates metadata: `*cursor` starts at ev->meta; 1 per entry, 0 at the end. */
static inline int weft_meta_next(const weft_event* ev, const uint8_t** cursor, weft_str* key, weft_str* value) {
  if (*cursor >= ev->meta_end) return 0;
  const uint8_t* p = *cursor;
  if (!weft__field(&p, ev->meta_end, key) || !weft__field(&p, ev->meta_end, value)) return 0;
  *cursor = p;
  return 1;
}

/* The metadata entry `key`: 1 and its value, or 0. */
static inline int weft_meta_get(const weft_event* ev, weft_str key, weft_str* value) {
  const uint8_t* c = ev->meta;
  weft_str k;
  while (weft_meta_next(ev, &c, &k, value))
    if (weft_str_eq(k, key)) return 1;
  return 0;
}

/* ---- configuration (weft_init) ---------------------------------------------------------- */

typedef struct {
  const uint8_t* ptr;
  uint32_t len;
} weft_config;

/* Iterates the entries: `*cursor` starts at 0; 1 per entry, 0 at the end. */
static inline int weft_config_next(const weft_config* c, uint32_t* cursor, weft_str* key, weft_str* value) {
  const uint8_t* end = c->ptr + c->len;
  const uint8_t* p = c->ptr + (*cursor ? *cursor : 4);
  if (c->len < 4 || p >= end) return 0;
  if (!weft__field(&p, end, key) || !weft__field(&p, end, value)) return 0;
  *cursor = (uint32_t)(p - c->ptr);
  return 1;
}

/* The value of configuration key `key`: 1 and the value (a view, valid during weft_init:
 * copy what you keep), or 0. */
static inline int weft_config_get(const weft_config* c, const char* key, weft_str* value) {
  uint32_t cursor = 0;
  weft_str k;
  weft_str want = weft_str_c(key);
  while (weft_config_next(c, &cursor, &k, value))
    if (weft_str_eq(k, want)) return 1;
  return 0;
}

/* ---- memory ------------------------------------------------------------------------------ */

void* weft_malloc(uint32_t size);
void weft_mfree(void* p);
void* weft_realloc(void* p, uint32_t size);

/* ---- minimal JSON ------------------------------------------------------------------------ */

static inline const char* weft__ws(const char* p, const char* end) {
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) ++p;
  return p;
}

/* Past the JSON string starting at `p` (its opening quote), or NULL. */
static inline const char* weft__skip_string(const char* p, const char* end) {
  for (++p; p < end; ++p) {
    if (*p == '\\') {
      ++p;
    } else if (*p == '"') {
      return p + 1;
    }
  }
  return 0;
}

/* Past the JSON value starting at `p`, or NULL. */
static inline const char* weft__skip_value(const char* p, const char* end) {
  if (p >= end) return 0;
  if (*p == '"') return weft__skip_string(p, end);
  if (*p == '{' || *p == '[') {
    uint32_t depth = 0;
    while (p < end) {
      if (*p == '"') {
        p = weft__skip_string(p, end);
        if (!p) return 0;
        continue;
      }
      if (*p == '{' || *p == '[') ++depth;
      else if ((*p == '}' || *p == ']') && --depth == 0) return p + 1;
      ++p;
    }
    return 0;
  }
  const char* start = p;
  while (p < end && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') ++p;
  return p == start ? 0 : p;
}

/* A member of a JSON object: its key (with the quotes, escapes as written), its value (the
 * JSON text) and where the whole member starts and ends (for splicing it out). */
typedef struct {
  weft_str key;
  weft_str value;
} weft_json_member;

typedef struct {
  const char* p;
  const char* end;
  int started;
} weft_json_iter;

/* Starts iterating the members of the object `json`; 0 if it does not start with '{'. */
static inline int weft_json_iter_init(weft_json_iter* it, const char* json, uint32_t len) {
  const char* end = json + len;
  const char* p = weft__ws(json, end);
  if (p >= end || *p != '{') return 0;
  it->p = p + 1;
  it->end = end;
  it->started = 0;
  return 1;
}

/* The next top-level member: 1, or 0 at the end (or on malformed text). */
static inline int weft_json_iter_next(weft_json_iter* it, weft_json_member* m) {
  const char* p = weft__ws(it->p, it->end);
  if (p >= it->end || *p == '}') return 0;
  if (it->started) {
    if (*p != ',') return 0;
    p = weft__ws(p + 1, it->end);
  }
  if (p >= it->end || *p != '"') return 0;
  const char* k = p;
  p = weft__skip_string(p, it->end);
  if (!p) return 0;
  m->key.ptr = k;
  m->key.len = (uint32_t)(p - k);
  p = weft__ws(p, it->end);
  if (p >= it->end || *p != ':') return 0;
  p = weft__ws(p + 1, it->end);
  const char* v = p;
  p = weft__skip_value(p, it->end);
  if (!p) return 0;
  m->value.ptr = v;
  m->value.len = (uint32_t)(p - v);
  it->p = p;
  it->started = 1;
  return 1;
}

static inline int weft__hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
static inline int weft__hex4(const char* p, uint32_t* out) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    int h = weft__hex(p[i]);
    if (h < 0) return 0;
    v = (v << 4) | (uint32_t)h;
  }
  *out = v;
  return 1;
}

/* Unescapes the JSON string `s` (with its quotes) into `out` (at least s.len bytes: the text
 * never grows); returns the length, or -1 if `s` is not a valid string. */
static inline int32_t weft_json_unescape(weft_str s, char* out) {
  if (s.len < 2 || s.ptr[0] != '"' || s.ptr[s.len - 1] != '"') return -1;
  const char* p = s.ptr + 1;
  const char* end = s.ptr + s.len - 1;
  char* o = out;
  while (p < end) {
    char c = *p++;
    if (c != '\\') {
      *o++ = c;
      continue;
    }
    if (p >= end) return -1;
    c = *p++;
    switch (c) {
      case '"': *o++ = '"'; break;
      case '\\': *o++ = '\\'; break;
      case '/': *o++ = '/'; break;
      case 'b': *o++ = '\b'; break;
      case 'f': *o++ = '\f'; break;
      case 'n': *o++ = '\n'; break;
      case 'r': *o++ = '\r'; break;
      case 't': *o++ = '\t'; break;
      case 'u': {
        uint32_t cp;
        if (end - p < 4 || !weft__hex4(p, &cp)) return -1;
        p += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          uint32_t lo;
          if (end - p < 6 || p[0] != '\\' || p[1] != 'u' || !weft__hex4(p + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF)
            return -1;
          p += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          return -1;
        }
        if (cp < 0x80) {
          *o++ = (char)cp;
        } else if (cp < 0x800) {
          *o++ = (char)(0xC0 | (cp >> 6));
          *o++ = (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
          *o++ = (char)(0xE0 | (cp >> 12));
          *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
          *o++ = (char)(0x80 | (cp & 0x3F));
        } else {
          *o++ = (char)(0xF0 | (cp >> 18));
          *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
          *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
          *o++ = (char)(0x80 | (cp & 0x3F));
        }
        break;
      }
      default: return -1;
    }
  }
  return (int32_t)(o - out);
}

/* 1 when the JSON string `json_key` (quoted, as in the text) says `name`. */
static inline int weft_json_key_is(weft_str json_key, const char* name) {
  uint32_t n = weft__strlen(name);
  /* The common case: no escapes, compared in place. */
  int escaped = 0;
  for (uint32_t i = 0; i < json_key.len; ++i) escaped |= json_key.ptr[i] == '\\';
  if (!escaped) {
    weft_str inner = {json_key.ptr + 1, json_key.len >= 2 ? json_key.len - 2 : 0};
    weft_str want = {name, n};
    return weft_str_eq(inner, want);
  }
  if (json_key.len > 256 + 2) return 0;
  char buf[256];
  int32_t len = weft_json_unescape(json_key, buf);
  if (len < 0 || (uint32_t)len != n) return 0;
  for (uint32_t i = 0; i < n; ++i)
    if (buf[i] != name[i]) return 0;
  return 1;
}

/* The value (JSON text) of top-level member `key` of the object `json`: 1, or 0 if absent.
 * The last one counts when a key repeats, as in most JSON readers. */
static inline int weft_json_find(const char* json, uint32_t len, const char* key, weft_str* value) {
  weft_json_iter it;
  weft_json_member m;
  int found = 0;
  if (!weft_json_iter_init(&it, json, len)) return 0;
  while (weft_json_iter_next(&it, &m))
    if (weft_json_key_is(m.key, key)) *value = m.value, found = 1;
  return found;
}

/* A growing byte buffer over weft_malloc/weft_realloc (or the libc's). */
typedef struct {
  char* ptr;
  uint32_t len;
  uint32_t cap;
  int failed; /* an allocation failed: the content is incomplete */
} weft_buf;

static inline void weft_buf_init(weft_buf* b) {
  b->ptr = 0;
  b->len = b->cap = 0;
  b->failed = 0;
}
static inline void weft_buf_free(weft_buf* b) {
  if (b->ptr) weft_mfree(b->ptr);
  weft_buf_init(b);
}
/* Empties the buffer, keeping its memory for reuse. */
static inline void weft_buf_clear(weft_buf* b) {
  b->len = 0;
  b->failed = 0;
}
static inline int weft_buf_reserve(weft_buf* b, uint32_t extra) {
  if (b->failed) return 0;
  if (b->cap - b->len >= extra) return 1;
  uint32_t cap = b->cap ? b->cap : 256;
  while (cap - b->len < extra) cap *= 2;
  char* p = (char*)weft_realloc(b->ptr, cap);
  if (!p) {
    b->failed = 1;
    return 0;
  }
  b->ptr = p;
  b->cap = cap;
  return 1;
}
static inline void weft_buf_append(weft_buf* b, const char* s, uint32_t n) {
  if (!weft_buf_reserve(b, n)) return;
  for (uint32_t i = 0; i < n; ++i) b->ptr[b->len + i] = s[i];
  b->len += n;
}
static inline void weft_buf_append_str(weft_buf* b, weft_str s) { weft_buf_append(b, s.ptr, s.len); }
static inline void weft_buf_append_c(weft_buf* b, const char* s) { weft_buf_append(b, s, weft__strlen(s)); }

/* Appends `s` (UTF-8) as a JSON string, quotes included. */
static inline void weft_json_escape(weft_buf* b, const char* s, uint32_t n) {
  static const char hex[] = "0123456789abcdef";
  weft_buf_append(b, "\"", 1);
  for (uint32_t i = 0; i < n; ++i) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') {
      char e[2] = {'\\', (char)c};
      weft_buf_append(b, e, 2);
    } else if (c == '\n') {
      weft_buf_append(b, "\\n", 2);
    } else if (c == '\r') {
      weft_buf_append(b, "\\r", 2);
    } else if (c == '\t') {
      weft_buf_append(b, "\\t", 2);
    } else if (c < 0x20) {
      char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      weft_buf_append(b, e, 6);
    } else {
      weft_buf_append(b, (const char*)&c, 1);
    }
  }
  weft_buf_append(b, "\"", 1);
}

/* Building an object: weft_obj_begin, members, weft_obj_end. `members` counts them. */
typedef struct {
  weft_buf* buf;
  uint32_t members;
} weft_obj;

static inline void weft_obj_begin(weft_obj* o, weft_buf* b) {
  o->buf = b;
  o->members = 0;
  weft_buf_append(b, "{", 1);
}
static inline void weft__obj_sep(weft_obj* o) {
  if (o->members++) weft_buf_append(o->buf, ",", 1);
}
/* A member whose key and value are JSON text as is (a key taken from a weft_json_member). */
static inline void weft_obj_raw(weft_obj* o, weft_str json_key, weft_str json_value) {
  weft__obj_sep(o);
  weft_buf_append_str(o->buf, json_key);
  weft_buf_append(o->buf, ":", 1);
  weft_buf_append_str(o->buf, json_value);
}
/* A member with a plain key and a JSON value. */
static inline void weft_obj_json(weft_obj* o, const char* key, weft_str json_value) {
  weft__obj_sep(o);
  weft_json_escape(o->buf, key, weft__strlen(key));
  weft_buf_append(o->buf, ":", 1);
  weft_buf_append_str(o->buf, json_value);
}
/* A member with a plain key and a string value (escaped here). */
static inline void weft_obj_string(weft_obj* o, const char* key, const char* value, uint32_t value_len) {
  weft__obj_sep(o);
  weft_json_escape(o->buf, key, weft__strlen(key));
  weft_buf_append(o->buf, ":", 1);
  weft_json_escape(o->buf, value, value_len);
}
static inline void weft_obj_end(weft_obj* o) { weft_buf_append(o->buf, "}", 1); }

/* ---- the plugin's exports ----------------------------------------------------------------- */

typedef int32_t (*weft_init_fn)(const weft_config* config);
typedef void (*weft_event_fn)(const weft_event* event);

#define WEFT__EXPORT(name) __attribute__((export_name(name), visibility("default")))
/* What the plugin macros define has C linkage in C++ too (memcpy and friends must). */
#ifdef __cplusplus
#define WEFT__C_BEGIN extern "C" {
#define WEFT__C_END }
#else
#define WEFT__C_BEGIN
#define WEFT__C_END
#endif

/* Runs `on_event` over every event of a batch: the body of a process export. */
static inline int32_t weft_process_batch(const void* batch, uint32_t len, uint32_t count, weft_event_fn on_event) {
  weft_batch b;
  weft_event ev;
  if (!weft_batch_open(&b, batch, len, count)) {
    static const char msg[] = "weft_events.h: the batch is not a version-1 batch (magic WEV1)";
    weft__fail(-1, msg, sizeof msg - 1);
    return 1;
  }
  while (weft_batch_next(&b, &ev)) on_event(&ev);
  return 0;
}

/* Exports `export_name` [i32 i32 i32] -> [i32] calling `on_event` for each event. */
#define WEFT_EVENTS_PROCESS(export_name, on_event)                                              \
  WEFT__EXPORT(export_name) int32_t weft__process_##on_event(const void* batch, uint32_t len,  \
                                                              uint32_t count) {                 \
    return weft_process_batch(batch, len, count, on_event);                                    \
  }

#ifdef WEFT_EVENTS_USE_LIBC
#include <stdlib.h>
#define WEFT__ALLOCATOR                                                               \
  void* weft_malloc(uint32_t size) { return malloc(size ? size : 1); }                \
  void weft_mfree(void* p) { free(p); }                                               \
  void* weft_realloc(void* p, uint32_t size) { return realloc(p, size ? size : 1); }
#else
/* The built-in allocator: blocks of 2^k bytes (16 ..= 2^31, an 8-byte header holding k),
 * one free list per k, fresh blocks cut from the memory past __heap_base, grown with
 * memory.grow. Small, and good enough for buffers that are reused. */
#define WEFT__ALLOCATOR                                                                              \
  extern unsigned char __heap_base;                                                                  \
  static uintptr_t weft__heap_top;                                                                   \
  static void* weft__free_lists[32];                                                                 \
  void* weft_malloc(uint32_t size) {                                                                 \
    if (size > 0x7FFFFFF0u) return 0;                                                                \
    uint32_t k = 4;                                                                                  \
    while ((1u << k) < size + 8) ++k;                                                                \
    if (weft__free_lists[k]) {                                                                       \
      void** block = (void**)weft__free_lists[k];                                                    \
      weft__free_lists[k] = *block;                                                                  \
      return block;                                                                                  \
    }                                                                                                \
    if (!weft__heap_top) weft__heap_top = ((uintptr_t)&__heap_base + 15) & ~(uintptr_t)15;           \
    uintptr_t block = weft__heap_top + 8; /* 16-aligned payload after the header */                 \
    uintptr_t end = weft__heap_top + (1u << k);                                                      \
    uintptr_t have = __builtin_wasm_memory_size(0) * 65536u;                                         \
    if (end > have) {                                                                                \
      uintptr_t pages = (end - have + 65535) / 65536;                                                \
      if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) return 0;                              \
    }                                                                                                \
    *(uint32_t*)(block - 8) = k;                                                                     \
    weft__heap_top = end;                                                                            \
    return (void*)block;                                                                             \
  }                                                                                                  \
  void weft_mfree(void* p) {                                                                         \
    if (!p) return;                                                                                  \
    uint32_t k = *(uint32_t*)((uintptr_t)p - 8);                                                     \
    *(void**)p = weft__free_lists[k];                                                                \
    weft__free_lists[k] = p;                                                                         \
  }                                                                                                  \
  void* weft_realloc(void* p, uint32_t size) {                                                       \
    if (!p) return weft_malloc(size);                                                                \
    uint32_t k = *(uint32_t*)((uintptr_t)p - 8);                                                     \
    uint32_t have = (1u << k) - 8;                                                                   \
    if (size <= have) return p;                                                                      \
    unsigned char* q = (unsigned char*)weft_malloc(size);                                            \
    if (!q) return 0;                                                                                \
    for (uint32_t i = 0; i < have; ++i) q[i] = ((unsigned char*)p)[i];                               \
    weft_mfree(p);                                                                                   \
    return q;                                                                                        \
  }                                                                                                  \
  /* The compiler may call these for copies and loops; the attribute keeps it from turning */       \
  /* their own loops into calls to themselves. */                                                    \
  __attribute__((no_builtin)) void* memcpy(void* d, const void* s, size_t n) {                        \
    unsigned char* o = (unsigned char*)d;                                                            \
    const unsigned char* i = (const unsigned char*)s;                                                \
    while (n--) *o++ = *i++;                                                                         \
    return d;                                                                                        \
  }                                                                                                  \
  __attribute__((no_builtin)) void* memmove(void* d, const void* s, size_t n) {                       \
    unsigned char* o = (unsigned char*)d;                                                            \
    const unsigned char* i = (const unsigned char*)s;                                                \
    if (o < i) {                                                                                     \
      while (n--) *o++ = *i++;                                                                       \
    } else {                                                                                         \
      while (n--) o[n] = i[n];                                                                       \
    }                                                                                                \
    return d;                                                                                        \
  }                                                                                                  \
  __attribute__((no_builtin)) void* memset(void* d, int c, size_t n) {                                \
    unsigned char* o = (unsigned char*)d;                                                            \
    while (n--) *o++ = (unsigned char)c;                                                             \
    return d;                                                                                        \
  }                                                                                                  \
  __attribute__((no_builtin)) int memcmp(const void* a, const void* b, size_t n) {                    \
    const unsigned char* x = (const unsigned char*)a;                                                \
    const unsigned char* y = (const unsigned char*)b;                                                \
    for (; n; --n, ++x, ++y)                                                                         \
      if (*x != *y) return *x - *y;                                                                  \
    return 0;                                                                                        \
  }
#endif

/* The ABI marker, weft_alloc / weft_free and weft_init (calling `on_init`, or accepting any
 * configuration when it is WEFT_NO_INIT). Use once per plugin, at file scope. */
#define WEFT_NO_INIT ((weft_init_fn)0)
#define WEFT_EVENTS_PLUGIN(on_init)                                                          \
  WEFT__C_BEGIN                                                                             \
  WEFT__ALLOCATOR                                                                           \
  WEFT__EXPORT("weft_events_abi_1") void weft__marker(void) {}                              \
  WEFT__EXPORT("weft_alloc") void* weft__alloc(uint32_t size) { return weft_malloc(size); } \
  WEFT__EXPORT("weft_free") void weft__free(void* p) { weft_mfree(p); }                     \
  WEFT__EXPORT("weft_init") int32_t weft__init(const uint8_t* ptr, uint32_t len) {          \
    weft_config config;                                                                     \
    weft_init_fn fn = (on_init);                                                            \
    config.ptr = ptr;                                                                       \
    config.len = len;                                                                       \
    return fn ? fn(&config) : 0;                                                            \
  }                                                                                         \
  WEFT__C_END

#ifdef __cplusplus
}
#endif

#endif /* WEFT_EVENTS_H */
