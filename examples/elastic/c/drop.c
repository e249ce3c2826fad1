/* drop (examples/events/README.md) for the elastic ingest ABI: an event whose top-level
 * `level` names one of trace < debug < info < warn < error (any case) ranking below the
 * configuration key `min_level` (default "info") produces no output; every other passes. */
#include "weft_elastic.h"

static int32_t g_min_rank = 2; /* info */

/* The rank of s[0..len) (ASCII letters, any case), or -1 when it names no level. */
static int32_t rank_of(const char* s, size_t len) {
  static const char* const names[] = {"trace", "debug", "info", "warn", "error"};
  for (int32_t r = 0; r < 5; ++r) {
    const char* name = names[r];
    size_t i = 0;
    for (; i < len && name[i]; ++i) {
      char c = s[i];
      if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
      if (c != name[i]) break;
    }
    if (i == len && !name[i]) return r;
  }
  return -1;
}

static int32_t on_register(const char* config, size_t len) {
  char* min_level;
  int32_t st = weft_elastic_config_get(config, len, "min_level", &min_level);
  if (st == WEFT_ELASTIC_NOT_FOUND) return 0;
  if (st != WEFT_ELASTIC_OK) {
    weft_elastic_log(WEFT_ELASTIC_LOG_ERROR, "drop: cannot read the configuration");
    return 1;
  }
  int32_t rank = rank_of(min_level, weft_elastic_strlen(min_level));
  free(min_level);
  if (rank < 0) {
    weft_elastic_log(WEFT_ELASTIC_LOG_ERROR,
                     "drop: min_level must be one of trace, debug, info, warn, error");
    return 1;
  }
  g_min_rank = rank;
  return 0;
}

static int32_t on_process(void) {
  char* level;
  size_t len;
  if (weft_elastic_get_string("level", &level, &len) == WEFT_ELASTIC_OK) {
    int32_t rank = rank_of(level, len);
    free(level);
    if (rank >= 0 && rank < g_min_rank) return 0; /* dropped: nothing emitted */
  }
  return weft_elastic_emit_current();
}

WEFT_ELASTIC_PLUGIN(on_process)
WEFT_ELASTIC_REGISTER(on_register)
