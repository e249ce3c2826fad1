/* drop (examples/events/README.md) as a Fluent Bit filter: an event whose top-level `level`
 * is a string naming trace, debug, info, warn or error (any case) and ranking below `info`
 * (the default min_level: Fluent Bit filters have no configuration) is dropped (NULL); every
 * other event passes unchanged. */
#include "fbjson.h"

static const char* const levels[] = {"trace", "debug", "info", "warn", "error"};
#define MIN_LEVEL 2 /* info */

/* The rank of a JSON string value (with its quotes) naming a level, or -1. */
static int rank(const char* value, size_t len) {
  if (len < 2 || value[0] != '"') return -1;
  for (int i = 0; i < 5; ++i) {
    size_t n = 0;
    while (levels[i][n]) ++n;
    if (len == n + 2 && strncasecmp(value + 1, levels[i], n) == 0) return i;
  }
  return -1;
}

EXPORT(filter) char* filter(char* tag, int tag_len, uint32_t sec, uint32_t nsec, char* record, int record_len) {
  (void)tag, (void)tag_len, (void)sec, (void)nsec, (void)record_len;
  struct member m;
  for (const char* at = fbj_next(record, &m); at; at = fbj_next(at, &m)) {
    if (!fbj_key_is(&m, "level", 5)) continue;
    int r = rank(m.value, m.value_len);
    if (r >= 0 && r < MIN_LEVEL) return NULL;
  }
  return record;
}
