/* parse (examples/events/README.md) for the elastic ingest ABI: a top-level string `log` of
 * the form "LEVEL COMPONENT: MESSAGE" becomes the fields level (lower case), component and
 * message, and `log` is removed; any other record passes unchanged. */
#include "weft_elastic.h"

static int is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

static int32_t parse_line(char* line, size_t len) {
  size_t i = 0;
  while (i < len && is_letter(line[i])) ++i;
  size_t level_end = i;
  if (level_end == 0 || i >= len || line[i] != ' ') return 0;
  size_t component = ++i;
  while (i < len && line[i] != ' ' && line[i] != ':') ++i;
  size_t component_end = i;
  if (component_end == component || i + 1 >= len || line[i] != ':' || line[i + 1] != ' ') return 0;
  size_t message = i + 2;
  for (size_t k = 0; k < level_end; ++k)
    if (line[k] >= 'A' && line[k] <= 'Z') line[k] = (char)(line[k] - 'A' + 'a');
  if (weft_elastic_remove("log") != WEFT_ELASTIC_OK ||
      weft_elastic_put_string("level", line, level_end) != WEFT_ELASTIC_OK ||
      weft_elastic_put_string("component", line + component, component_end - component) != WEFT_ELASTIC_OK ||
      weft_elastic_put_string("message", line + message, len - message) != WEFT_ELASTIC_OK)
    return 1;
  return 0;
}

static int32_t on_process(void) {
  char* line;
  size_t len;
  if (weft_elastic_get_string("log", &line, &len) == WEFT_ELASTIC_OK) {
    int32_t rc = parse_line(line, len);
    free(line);
    if (rc) {
      weft_elastic_log(WEFT_ELASTIC_LOG_ERROR, "parse: cannot set the parsed fields");
      return rc;
    }
  }
  return weft_elastic_emit_current();
}

WEFT_ELASTIC_PLUGIN(on_process)
