/* drop (examples/events/README.md): an event whose top-level `level` names a level (trace,
 * debug, info, warn, error, any case) below the configuration key `min_level` (default info)
 * is dropped; every other event passes unchanged. */
#include "weft_events.h"

static const char* const levels[] = {"trace", "debug", "info", "warn", "error"};
static int min_rank = 2; /* info */

/* The rank of `name` (any case), or -1. */
static int rank_of(const char* name, uint32_t len) {
  for (int r = 0; r < 5; ++r) {
    const char* l = levels[r];
    uint32_t i = 0;
    while (i < len && l[i] && (name[i] | 0x20) == l[i]) ++i;
    if (i == len && !l[i]) return r;
  }
  return -1;
}

static int32_t on_init(const weft_config* config) {
  weft_str value;
  if (weft_config_get(config, "min_level", &value)) {
    min_rank = rank_of(value.ptr, value.len);
    if (min_rank < 0) {
      static const char msg[] = "drop: min_level must be one of trace, debug, info, warn, error";
      weft_fail_all(msg, sizeof msg - 1);
      return 1;
    }
  }
  return 0;
}

static void drop(const weft_event* ev) {
  weft_str level;
  char name[16];
  if (ev->msgpack) {
    weft_fail_str(ev->index, "drop: this example reads JSON records (run it in json mode)");
    return;
  }
  /* The longest level name is 5 letters; a longer string (escapes included) names none. */
  if (weft_json_find(ev->record.ptr, ev->record.len, "level", &level) && level.ptr[0] == '"' &&
      level.len <= sizeof name) {
    int32_t n = weft_json_unescape(level, name);
    int rank = n < 0 ? -1 : rank_of(name, (uint32_t)n);
    if (rank >= 0 && rank < min_rank) {
      weft_drop(ev->index);
      return;
    }
  }
  weft_emit_input(ev->index);
}

WEFT_EVENTS_PLUGIN(on_init)
WEFT_EVENTS_PROCESS("weft_process", drop)
