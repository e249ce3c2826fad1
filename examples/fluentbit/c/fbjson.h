/* A minimal scanner over one JSON object's top-level members, for the Fluent Bit example
 * filters (built with -nostdlib: their libc comes from the host's env module, declared here).
 * The host hands filters valid JSON (it checks every record), so the scanner only finds
 * where each member's key and value begin and end; it does not validate. */
#ifndef FBJSON_H
#define FBJSON_H

typedef __SIZE_TYPE__ size_t;
typedef unsigned int uint32_t;
#define NULL ((void*)0)
#define EXPORT(name) __attribute__((export_name(#name)))

void* malloc(size_t n);
void* memcpy(void* d, const void* s, size_t n);
int strncasecmp(const char* a, const char* b, size_t n);
int memcmp(const void* a, const void* b, size_t n);

/* One member: the key's characters (between its quotes, as written) and the value's text. */
struct member {
  const char* key;
  size_t key_len;
  const char* value;
  size_t value_len;
};

static inline const char* fbj_ws(const char* p) {
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') ++p;
  return p;
}

/* p at an opening quote; returns just past the closing one. */
static inline const char* fbj_string(const char* p) {
  for (++p; *p && *p != '"'; ++p)
    if (*p == '\\' && p[1]) ++p;
  return *p ? p + 1 : p;
}

/* p at a value; returns just past it. */
static inline const char* fbj_value(const char* p) {
  if (*p == '"') return fbj_string(p);
  if (*p == '{' || *p == '[') {
    int depth = 0;
    do {
      if (*p == '"') {
        p = fbj_string(p);
        continue;
      }
      if (*p == '{' || *p == '[') ++depth;
      if (*p == '}' || *p == ']') --depth;
      ++p;
    } while (*p && depth > 0);
    return p;
  }
  while (*p && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n' && *p != '\t' && *p != '\r') ++p;
  return p;
}

/* Iteration: `at` starts at the record (its '{'); each call fills *m and returns where the
 * next member starts, or NULL after the last one. */
static inline const char* fbj_next(const char* at, struct member* m) {
  const char* p = fbj_ws(at);
  if (*p == '{' || *p == ',') p = fbj_ws(p + 1);
  if (*p != '"') return NULL;
  const char* key_end = fbj_string(p);
  m->key = p + 1;
  m->key_len = (size_t)(key_end - p - 2);
  p = fbj_ws(key_end);
  if (*p != ':') return NULL;
  p = fbj_ws(p + 1);
  m->value = p;
  p = fbj_value(p);
  m->value_len = (size_t)(p - m->value);
  return fbj_ws(p);
}

static inline int fbj_key_is(const struct member* m, const char* name, size_t len) {
  return m->key_len == len && memcmp(m->key, name, len) == 0;
}

/* An output buffer of the right size, filled by parts. */
struct out {
  char* buf;
  size_t len;
};
static inline void out_add(struct out* o, const char* s, size_t n) {
  memcpy(o->buf + o->len, s, n);
  o->len += n;
}
/* Starts a member: a comma unless it is the first one. */
static inline void out_member(struct out* o, const char* key, size_t key_len) {
  if (o->len > 1) out_add(o, ",", 1);
  out_add(o, "\"", 1);
  out_add(o, key, key_len);
  out_add(o, "\":", 2);
}

#endif
