/* redact (examples/events/README.md): the top-level field named by the configuration key
 * `field` (default "password"), whatever its value, becomes the string "***". */
#include "weft_events.h"

static char field[256] = "password";

static int32_t on_init(const weft_config* config) {
  weft_str value;
  if (weft_config_get(config, "field", &value)) {
    static const char too_long[] = "redact: the configuration key `field` is longer than 255 bytes";
    if (value.len >= sizeof field) return weft_fail_all(too_long, sizeof too_long - 1), 1;
    for (uint32_t i = 0; i < value.len; ++i) field[i] = value.ptr[i];
    field[value.len] = 0;
  }
  return 0;
}

static weft_buf out; /* reused: its memory stays across events */

static void redact(const weft_event* ev) {
  weft_str value;
  if (ev->msgpack) {
    weft_fail_str(ev->index, "redact: this example reads JSON records (run it in json mode)");
    return;
  }
  if (!weft_json_find(ev->record.ptr, ev->record.len, field, &value)) {
    weft_emit_input(ev->index);
    return;
  }
  /* Splice "***" in place of the value: everything else stays as written. */
  const char* end = ev->record.ptr + ev->record.len;
  const char* after = value.ptr + value.len;
  weft_buf_clear(&out);
  weft_buf_append(&out, ev->record.ptr, (uint32_t)(value.ptr - ev->record.ptr));
  weft_buf_append_c(&out, "\"***\"");
  weft_buf_append(&out, after, (uint32_t)(end - after));
  if (out.failed) {
    weft_fail_str(ev->index, "redact: out of memory");
    return;
  }
  weft_emit(ev->index, out.ptr, out.len);
}

WEFT_EVENTS_PLUGIN(on_init)
WEFT_EVENTS_PROCESS("weft_process", redact)
