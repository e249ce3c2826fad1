/* parse (examples/events/README.md) as a Fluent Bit filter: a top-level string `log` of the
 * form "LEVEL COMPONENT: MESSAGE" becomes the fields level (lower case), component and
 * message, and `log` goes; any other record passes unchanged. The line is matched in its
 * JSON-escaped form, so the component and message are copied as they are written (escapes
 * included) and stay valid JSON. */
#include "fbjson.h"

int isalpha(int c);
int tolower(int c);

EXPORT(filter) char* filter(char* tag, int tag_len, uint32_t sec, uint32_t nsec, char* record, int record_len) {
  (void)tag, (void)tag_len, (void)sec, (void)nsec;
  struct member m;
  const char* line = NULL;
  size_t line_len = 0;
  for (const char* at = fbj_next(record, &m); at; at = fbj_next(at, &m))
    if (fbj_key_is(&m, "log", 3) && m.value[0] == '"') line = m.value + 1, line_len = m.value_len - 2;
  if (!line) return record;
  /* LEVEL: letters, then one space */
  size_t i = 0;
  while (i < line_len && isalpha((unsigned char)line[i])) ++i;
  size_t level_len = i;
  if (level_len == 0 || i >= line_len || line[i] != ' ') return record;
  /* COMPONENT: one or more characters, none a space or ':', then ": " */
  size_t comp = ++i;
  while (i < line_len && line[i] != ' ' && line[i] != ':') ++i;
  size_t comp_len = i - comp;
  if (comp_len == 0 || i + 1 >= line_len || line[i] != ':' || line[i + 1] != ' ') return record;
  size_t msg = i + 2;

  struct out o = {malloc((size_t)record_len + 64), 0};
  if (!o.buf) return NULL;
  out_add(&o, "{", 1);
  for (const char* at = fbj_next(record, &m); at; at = fbj_next(at, &m)) {
    if (fbj_key_is(&m, "log", 3) || fbj_key_is(&m, "level", 5) || fbj_key_is(&m, "component", 9) ||
        fbj_key_is(&m, "message", 7))
      continue;
    out_member(&o, m.key, m.key_len);
    out_add(&o, m.value, m.value_len);
  }
  out_member(&o, "level", 5);
  out_add(&o, "\"", 1);
  for (size_t k = 0; k < level_len; ++k) {
    char c = (char)tolower((unsigned char)line[k]);
    out_add(&o, &c, 1);
  }
  out_add(&o, "\"", 1);
  out_member(&o, "component", 9);
  out_add(&o, "\"", 1);
  out_add(&o, line + comp, comp_len);
  out_add(&o, "\"", 1);
  out_member(&o, "message", 7);
  out_add(&o, "\"", 1);
  out_add(&o, line + msg, line_len - msg);
  out_add(&o, "\"}", 3); /* with the NUL */
  return o.buf;
}
