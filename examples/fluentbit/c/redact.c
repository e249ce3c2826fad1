/* redact (examples/events/README.md) as a Fluent Bit filter: the top-level field `password`
 * (Fluent Bit filters have no configuration: the default) becomes "***", whatever its value
 * was. Built the Fluent Bit way: clang --target=wasm32 -nostdlib -Wl,--allow-undefined ... */
#include "fbjson.h"

#define FIELD "password"

EXPORT(filter) char* filter(char* tag, int tag_len, uint32_t sec, uint32_t nsec, char* record, int record_len) {
  (void)tag, (void)tag_len, (void)sec, (void)nsec;
  /* The output is at most the record plus "***" for each member that matches. */
  struct member m;
  size_t extra = 0;
  for (const char* at = fbj_next(record, &m); at; at = fbj_next(at, &m))
    if (fbj_key_is(&m, FIELD, sizeof FIELD - 1)) extra += 5;
  if (extra == 0) return record; /* unchanged: the host's own buffer back */
  struct out o = {malloc((size_t)record_len + extra + 1), 0};
  if (!o.buf) return NULL;
  out_add(&o, "{", 1);
  for (const char* at = fbj_next(record, &m); at; at = fbj_next(at, &m)) {
    out_member(&o, m.key, m.key_len);
    if (fbj_key_is(&m, FIELD, sizeof FIELD - 1))
      out_add(&o, "\"***\"", 5);
    else
      out_add(&o, m.value, m.value_len);
  }
  out_add(&o, "}", 2); /* with the NUL */
  return o.buf;
}
