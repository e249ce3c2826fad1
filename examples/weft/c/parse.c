/* parse (examples/events/README.md): a top-level string `log` of the form
 * "LEVEL COMPONENT: MESSAGE" becomes the fields level (lower case), component and message. */
#include "weft_events.h"

static weft_buf text; /* the unescaped log line */
static weft_buf out;

static int is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

static void parse(const weft_event* ev) {
  weft_str log;
  if (ev->msgpack) {
    weft_fail_str(ev->index, "parse: this example reads JSON records (run it in json mode)");
    return;
  }
  if (!weft_json_find(ev->record.ptr, ev->record.len, "log", &log) || log.ptr[0] != '"') {
    weft_emit_input(ev->index);
    return;
  }
  weft_buf_clear(&text);
  if (!weft_buf_reserve(&text, log.len)) {
    weft_fail_str(ev->index, "parse: out of memory");
    return;
  }
  int32_t n = weft_json_unescape(log, text.ptr);
  if (n < 0) {
    weft_fail_str(ev->index, "parse: the `log` field is not a valid JSON string");
    return;
  }
  const char* s = text.ptr;
  uint32_t len = (uint32_t)n, i = 0;
  /* LEVEL SP COMPONENT ":" SP MESSAGE */
  while (i < len && is_letter(s[i])) ++i;
  uint32_t level_len = i;
  if (level_len == 0 || i >= len || s[i] != ' ') {
    weft_emit_input(ev->index);
    return;
  }
  uint32_t component = ++i;
  while (i < len && s[i] != ' ' && s[i] != ':') ++i;
  uint32_t component_len = i - component;
  if (component_len == 0 || len - i < 2 || s[i] != ':' || s[i + 1] != ' ') {
    weft_emit_input(ev->index);
    return;
  }
  uint32_t message = i + 2;
  char level[64];
  if (level_len > sizeof level) {
    weft_fail_str(ev->index, "parse: the level is longer than 64 letters");
    return;
  }
  for (uint32_t j = 0; j < level_len; ++j) level[j] = (char)(s[j] | 0x20); /* ASCII lower case */

  /* The record without log (and without the fields being set), then the three fields. */
  weft_json_iter it;
  weft_json_member m;
  weft_obj obj;
  weft_buf_clear(&out);
  weft_obj_begin(&obj, &out);
  weft_json_iter_init(&it, ev->record.ptr, ev->record.len);
  while (weft_json_iter_next(&it, &m)) {
    if (weft_json_key_is(m.key, "log") || weft_json_key_is(m.key, "level") ||
        weft_json_key_is(m.key, "component") || weft_json_key_is(m.key, "message"))
      continue;
    weft_obj_raw(&obj, m.key, m.value);
  }
  weft_obj_string(&obj, "level", level, level_len);
  weft_obj_string(&obj, "component", s + component, component_len);
  weft_obj_string(&obj, "message", s + message, len - message);
  weft_obj_end(&obj);
  if (out.failed) {
    weft_fail_str(ev->index, "parse: out of memory");
    return;
  }
  weft_emit(ev->index, out.ptr, out.len);
}

WEFT_EVENTS_PLUGIN(WEFT_NO_INIT)
WEFT_EVENTS_PROCESS("weft_process", parse)
