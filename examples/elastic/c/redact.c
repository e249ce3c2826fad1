/* redact (examples/events/README.md) for the elastic ingest ABI: the top-level field named by
 * the configuration key `field` (default "password"), whatever its value, becomes "***". */
#include "weft_elastic.h"

static char* g_key; /* the field's name as a one-segment key (dots escaped) */

static int32_t set_field(const char* name) {
  size_t len = weft_elastic_strlen(name), n = weft_elastic_key_escape(name, len, 0);
  char* key = (char*)malloc(n + 1);
  if (!key) return 1;
  weft_elastic_key_escape(name, len, key);
  key[n] = 0;
  free(g_key);
  g_key = key;
  return 0;
}

static int32_t on_register(const char* config, size_t len) {
  char* field;
  int32_t st = weft_elastic_config_get(config, len, "field", &field);
  if (st == WEFT_ELASTIC_NOT_FOUND) return set_field("password");
  if (st != WEFT_ELASTIC_OK) {
    weft_elastic_log(WEFT_ELASTIC_LOG_ERROR, "redact: cannot read the configuration");
    return 1;
  }
  if (!*field) {
    free(field);
    weft_elastic_log(WEFT_ELASTIC_LOG_ERROR, "redact: the configuration key `field` is empty");
    return 1;
  }
  int32_t rc = set_field(field);
  free(field);
  return rc;
}

static int32_t on_process(void) {
  /* register always runs first when the plugin exports it; the default covers its absence */
  if (!g_key && set_field("password")) return 1;
  char* json;
  size_t len;
  if (weft_elastic_get_json(g_key, &json, &len) == WEFT_ELASTIC_OK) {
    free(json);
    if (weft_elastic_put_json(g_key, "\"***\"", 5) != WEFT_ELASTIC_OK) return 1;
  }
  return weft_elastic_emit_current();
}

WEFT_ELASTIC_PLUGIN(on_process)
WEFT_ELASTIC_REGISTER(on_register)
