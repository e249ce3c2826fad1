/* The elastic ABI test plugin (tests/abi/elastic/elastic_abi_test.cpp), written with
 * sdk/c/weft_elastic.h. Each event's record names what to do in `op`; the results of the host
 * calls are written back into the record (`status`, `value`, ...) and the event emitted, so
 * the test reads them from the output. */
#include "weft_elastic.h"

static char* g_config;      /* the configuration register received */
static size_t g_config_len;
static int64_t g_registers; /* register calls on this instance */

static int32_t on_register(const char* config, size_t len) {
  ++g_registers;
  char* refuse;
  if (weft_elastic_config_get(config, len, "refuse", &refuse) == WEFT_ELASTIC_OK) {
    free(refuse);
    weft_elastic_log(WEFT_ELASTIC_LOG_ERROR, "refused by the test");
    return 3;
  }
  g_config = (char*)malloc(len);
  if (!g_config) return 1;
  for (size_t i = 0; i < len; ++i) g_config[i] = config[i];
  g_config_len = len;
  return 0;
}

static int is(const char* a, const char* b) {
  while (*a && *a == *b) ++a, ++b;
  return *a == *b;
}

static int32_t get(void) {
  char *key, *json;
  size_t len;
  if (weft_elastic_get_string("key", &key, 0) != WEFT_ELASTIC_OK) return 90;
  int32_t st = weft_elastic_get_json(key, &json, &len);
  free(key);
  weft_elastic_put_i64("status", st);
  if (st == WEFT_ELASTIC_OK) {
    weft_elastic_put_string("value", json, len);
    free(json);
  }
  return weft_elastic_emit_current();
}

static int32_t put(void) {
  char *key, *json;
  size_t len;
  if (weft_elastic_get_string("key", &key, 0) != WEFT_ELASTIC_OK) return 90;
  if (weft_elastic_get_string("json", &json, &len) != WEFT_ELASTIC_OK) return 91;
  int32_t st = weft_elastic_put_json(key, json, len);
  free(key);
  free(json);
  weft_elastic_put_i64("status", st);
  return weft_elastic_emit_current();
}

static int32_t remove_(void) {
  char* key;
  if (weft_elastic_get_string("key", &key, 0) != WEFT_ELASTIC_OK) return 90;
  int32_t st = weft_elastic_remove(key);
  free(key);
  weft_elastic_put_i64("status", st);
  return weft_elastic_emit_current();
}

/* Every host function given ranges outside the memory (or a bad level). */
static int32_t bad_pointers(void) {
  char* p = 0;
  size_t l = 0;
  int32_t st[8];
  st[0] = elastic_get_field((const char*)0xFFFFFF00u, 1000, &p, &l);
  st[1] = elastic_get_field("op", 2, (char**)0xFFFFFFFCu, &l);
  st[2] = elastic_put_field("x", 1, (const char*)0xFFFFFFF0u, 64);
  st[3] = elastic_remove_field((const char*)0x7FFFFFFFu, 10);
  st[4] = elastic_get_current_time_nanoseconds((uint64_t*)0xFFFFFFFCu);
  st[5] = elastic_log(WEFT_ELASTIC_LOG_INFO, (const char*)0xFFFFFFF0u, 100);
  st[6] = elastic_log(9, "x", 1);
  st[7] = elastic_emit_event((const uint8_t*)0xFFFFFFF0u, 100);
  char text[8 * 2 + 1];
  text[0] = '[';
  for (int i = 0; i < 8; ++i) {
    text[1 + 2 * i] = (char)('0' + st[i]);
    text[2 + 2 * i] = i == 7 ? ']' : ',';
  }
  weft_elastic_put_json("statuses", text, sizeof text);
  return weft_elastic_emit_current();
}

static int32_t emit_n(void) {
  int64_t n = 0;
  if (weft_elastic_get_i64("n", &n) != WEFT_ELASTIC_OK) return 92;
  for (int64_t i = 0; i < n; ++i) {
    char json[] = "{\"i\":0}";
    json[5] = (char)('0' + i);
    if (weft_elastic_emit_record(json, sizeof json - 1) != WEFT_ELASTIC_OK) return 93;
  }
  return 0;
}

static int32_t overlay(void) {
  weft_elastic_put_string("changed", "yes", 3);
  weft_elastic_kv meta[] = {{"added", "yes"}, {"source", "replaced"}};
  const char* removed[] = {"source", "gone"};
  weft_elastic_event e = {0};
  e.tag = "new.tag";
  e.has_timestamp = 1;
  e.seconds = -5;
  e.nanos = 6;
  e.metadata = meta;
  e.metadata_count = 1;
  e.remove_metadata = removed;
  e.remove_metadata_count = 2;
  if (weft_elastic_emit(&e) != WEFT_ELASTIC_OK) return 94;
  /* the second output: only the metadata entry "source" replaced */
  weft_elastic_event f = {0};
  f.metadata = meta + 1;
  f.metadata_count = 1;
  f.fields_json = "{\"only\":1}";
  f.fields_json_len = 10;
  return weft_elastic_emit(&f) == WEFT_ELASTIC_OK ? 0 : 95;
}

static int32_t bad_emit(const char* op) {
  if (is(op, "bad_proto")) {
    elastic_emit_event((const uint8_t*)"\xff\xff\xff", 3);
  } else if (is(op, "non_object")) {
    weft_elastic_emit_record("[1,2]", 5);
  } else if (is(op, "not_json")) {
    weft_elastic_emit_record("{\"a\":", 5);
  } else if (is(op, "bad_nanos")) {
    weft_elastic_event e = {0};
    e.has_timestamp = 1;
    e.nanos = 1000000000u;
    weft_elastic_emit(&e);
  } else { /* emit_then_bad: an output, then an invalid one */
    weft_elastic_emit_current();
    weft_elastic_emit_record("null", 4);
    /* later emits are refused: the event has failed */
    weft_elastic_put_i64("after", weft_elastic_emit_current());
  }
  return 0;
}

static int32_t on_process(void) {
  char* op;
  if (weft_elastic_get_string("op", &op, 0) != WEFT_ELASTIC_OK) return weft_elastic_emit_current();
  int32_t rc = 0;
  if (is(op, "get")) rc = get();
  else if (is(op, "put")) rc = put();
  else if (is(op, "remove")) rc = remove_();
  else if (is(op, "bad_pointers")) rc = bad_pointers();
  else if (is(op, "emit_n")) rc = emit_n();
  else if (is(op, "overlay")) rc = overlay();
  else if (is(op, "trap")) __builtin_trap();
  else if (is(op, "fail")) {
    weft_elastic_log(WEFT_ELASTIC_LOG_ERROR, "something broke");
    weft_elastic_log(WEFT_ELASTIC_LOG_INFO, "not this one");
    rc = 7;
  } else if (is(op, "fail_quietly")) rc = 5;
  else if (is(op, "config")) {
    weft_elastic_put_json("config", g_config, g_config_len);
    weft_elastic_put_i64("registers", g_registers);
    rc = weft_elastic_emit_current();
  } else if (is(op, "time")) {
    weft_elastic_put_bool("time_ok", weft_elastic_now_ns() > 1600000000000000000ull);
    rc = weft_elastic_emit_current();
  } else if (is(op, "copy_text")) {
    char* text;
    size_t len;
    int32_t st = weft_elastic_get_string("text", &text, &len);
    weft_elastic_put_i64("status", st);
    if (st == WEFT_ELASTIC_OK) {
      weft_elastic_put_string("copy", text, len);
      free(text);
    }
    rc = weft_elastic_emit_current();
  } else {
    rc = bad_emit(op);
  }
  free(op);
  return rc;
}

WEFT_ELASTIC_PLUGIN(on_process)
WEFT_ELASTIC_REGISTER(on_register)
