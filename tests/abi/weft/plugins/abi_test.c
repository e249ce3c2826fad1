/* The weft events ABI's test plugin (tests/abi/weft/weft_abi_test.cpp), written with the C
 * SDK: each export exercises one part of the contract, and what the guest saw comes back in
 * the records it emits or in log lines the test captures. */
#include "weft_events.h"

static weft_buf out;

static void put_u64(weft_buf* b, uint64_t v) {
  char digits[24];
  int n = 0;
  do digits[n++] = (char)('0' + v % 10), v /= 10;
  while (v);
  while (n) weft_buf_append(b, &digits[--n], 1);
}
static void put_i64(weft_buf* b, int64_t v) {
  if (v < 0) {
    weft_buf_append(b, "-", 1);
    put_u64(b, (uint64_t)0 - (uint64_t)v);
  } else {
    put_u64(b, (uint64_t)v);
  }
}
/* A member with an integer value. */
static void obj_int(weft_obj* o, const char* key, int64_t v) {
  if (o->members++) weft_buf_append(o->buf, ",", 1);
  weft_json_escape(o->buf, key, weft__strlen(key));
  weft_buf_append(o->buf, ":", 1);
  put_i64(o->buf, v);
}
/* Logs "name=value" at info. */
static void log_status(const char* name, int32_t status) {
  weft_buf line;
  weft_buf_init(&line);
  weft_buf_append_c(&line, name);
  weft_buf_append_c(&line, "=");
  put_i64(&line, status);
  weft_log(WEFT_LOG_INFO, line.ptr, line.len);
  weft_buf_free(&line);
}

/* ---- init: logs "init", refuses on request, keeps `echo` ------------------------------ */

static char echo[64];
static uint32_t echo_len;

static int32_t on_init(const weft_config* config) {
  weft_str v;
  weft_log_str(WEFT_LOG_INFO, "init");
  if (weft_config_get(config, "refuse", &v)) {
    weft_fail_all(v.ptr, v.len);
    return 1;
  }
  if (weft_config_get(config, "refuse_silently", &v)) return 5;
  if (weft_config_get(config, "echo", &v) && v.len <= sizeof echo) {
    for (uint32_t i = 0; i < v.len; ++i) echo[i] = v.ptr[i];
    echo_len = v.len;
  }
  /* Every entry, in order: the test checks the block's layout through these lines. */
  uint32_t cursor = 0;
  weft_str k;
  while (weft_config_next(config, &cursor, &k, &v)) {
    weft_buf line;
    weft_buf_init(&line);
    weft_buf_append_c(&line, "config ");
    weft_buf_append_str(&line, k);
    weft_buf_append_c(&line, "=");
    weft_buf_append_str(&line, v);
    weft_log(WEFT_LOG_DEBUG, line.ptr, line.len);
    weft_buf_free(&line);
  }
  return 0;
}

WEFT_EVENTS_PLUGIN(on_init)

/* ---- pass-through ---------------------------------------------------------------------- */

static void pass(const weft_event* ev) { weft_emit_input(ev->index); }
WEFT_EVENTS_PROCESS("weft_process", pass)

/* ---- the encoding, checked and echoed -------------------------------------------------- */

/* Checks the raw layout the SDK reader relies on: the header, and the events' sizes adding
 * up to the whole layout. 0 (and the batch failed) if not. */
static int check_layout(const uint8_t* batch, uint32_t len, uint32_t count) {
  if (len < 12 || weft__u32(batch) != 0x31564557u || weft__u32(batch + 4) != count ||
      weft__u32(batch + 8) > 1) {
    weft_fail_all("bad header", 10);
    return 0;
  }
  uint32_t at = 12;
  for (uint32_t i = 0; i < count; ++i) {
    if (len - at < 4) {
      weft_fail_all("batch too short", 15);
      return 0;
    }
    at += 4 + weft__u32(batch + at);
  }
  if (at != len) {
    weft_fail_all("sizes do not add up to batch_len", 32);
    return 0;
  }
  return 1;
}

/* The layout checked, then every event passes unchanged. */
WEFT__EXPORT("verify_pass")
int32_t verify_pass(const uint8_t* batch, uint32_t len, uint32_t count) {
  if (!check_layout(batch, len, count)) return 1;
  for (uint32_t i = 0; i < count; ++i) weft_emit_input(i);
  return 0;
}

/* The layout checked, then emits what it read of each event:
 * {"index","sec","nsec","tag","record","count","len","echo","meta":{...}}. */
WEFT__EXPORT("echo") int32_t echo_batch(const uint8_t* batch, uint32_t len, uint32_t count) {
  if (!check_layout(batch, len, count)) return 1;
  weft_batch b;
  weft_event ev;
  weft_batch_open(&b, batch, len, count);
  uint32_t seen = 0;
  while (weft_batch_next(&b, &ev)) {
    if (ev.msgpack) {
      /* Records are msgpack: what was read goes to the log, the record back as it came. */
      log_status("msgpack_flags", (int32_t)b.flags);
      log_status("msgpack_record_len", (int32_t)ev.record.len);
      weft_emit(ev.index, ev.record.ptr, ev.record.len);
      ++seen;
      continue;
    }
    weft_obj o;
    weft_buf_clear(&out);
    weft_obj_begin(&o, &out);
    obj_int(&o, "index", ev.index);
    obj_int(&o, "sec", ev.sec);
    obj_int(&o, "nsec", ev.nsec);
    weft_obj_string(&o, "tag", ev.tag.ptr, ev.tag.len);
    weft_obj_json(&o, "record", ev.record);
    obj_int(&o, "count", count);
    obj_int(&o, "len", len);
    weft_obj_string(&o, "echo", echo, echo_len);
    weft_buf meta;
    weft_buf_init(&meta);
    weft_obj m;
    weft_obj_begin(&m, &meta);
    const uint8_t* cursor = ev.meta;
    weft_str k, v;
    uint32_t entries = 0;
    while (weft_meta_next(&ev, &cursor, &k, &v)) {
      weft__obj_sep(&m);
      weft_json_escape(&meta, k.ptr, k.len);
      weft_buf_append(&meta, ":", 1);
      weft_json_escape(&meta, v.ptr, v.len);
      ++entries;
    }
    weft_obj_end(&m);
    weft_str meta_json = {meta.ptr, meta.len};
    weft_obj_json(&o, "meta", meta_json);
    weft_buf_free(&meta);
    weft_obj_end(&o);
    if (entries != ev.meta_count)
      weft_fail_str(ev.index, "meta_count does not match the entries");
    else
      weft_emit(ev.index, out.ptr, out.len);
    ++seen;
  }
  if (seen != count) weft_fail_all("fewer events than count", 23);
  return 0;
}

/* ---- the host functions, driven by the record's "op" ----------------------------------- */

#define BAD_PTR 0xFFFFFFF0u

static void ops(const weft_event* ev) {
  weft_str op;
  uint32_t i = ev->index;
  if (!weft_json_find(ev->record.ptr, ev->record.len, "op", &op)) {
    weft_emit_input(i);
    return;
  }
#define OP(name) weft_json_key_is(op, name)
  if (OP("emit_twice")) {
    log_status("emit1", weft_emit(i, "{\"n\":1}", 7));
    log_status("emit2", weft_emit(i, " {\"n\" : 2} ", 11));
  } else if (OP("modify")) {
    log_status("route", weft_route(i, "new.tag", 7));
    log_status("set_time", weft_set_time(i, -5, 999999999));
    log_status("meta_set", weft_meta_set(i, "k", 1, "v", 1));
    log_status("meta_remove", weft_meta_remove(i, "source", 6));
    log_status("meta_remove_absent", weft_meta_remove(i, "absent", 6));
    log_status("emit_input", weft_emit_input(i));
    log_status("emit", weft_emit(i, "{\"second\":true}", 15));
  } else if (OP("drop")) {
    log_status("drop", weft_drop(i));
  } else if (OP("drop_then_emit")) {
    log_status("drop", weft_drop(i));
    log_status("emit_input", weft_emit_input(i));
  } else if (OP("fail")) {
    log_status("emit_before", weft_emit_input(i));
    log_status("fail", weft_fail_str(i, "this event is bad"));
    log_status("emit_after", weft_emit_input(i));
    log_status("drop_after", weft_drop(i));
    log_status("fail_again", weft_fail_str(i, "again"));
  } else if (OP("bad_ranges")) {
    log_status("emit", weft__emit((int32_t)i, (const void*)BAD_PTR, 100));
    log_status("emit_huge", weft__emit((int32_t)i, (const void*)16, 0xFFFFFFFFu));
    log_status("fail", weft__fail((int32_t)i, (const void*)BAD_PTR, 100));
    log_status("route", weft__route((int32_t)i, (const void*)BAD_PTR, 100));
    log_status("route_utf8", weft_route(i, "\xff\xfe", 2));
    log_status("meta_set_key", weft__meta_set((int32_t)i, (const void*)BAD_PTR, 100, "v", 1));
    log_status("meta_set_value", weft__meta_set((int32_t)i, "k", 1, (const void*)BAD_PTR, 100));
    log_status("meta_set_utf8", weft_meta_set(i, "\xc0\x80", 2, "v", 1));
    log_status("meta_remove", weft__meta_remove((int32_t)i, (const void*)BAD_PTR, 100));
    log_status("set_time", weft_set_time(i, 1, 1000000000));
    log_status("log_level", weft_log(7, "x", 1));
    log_status("log_negative", weft_log(-1, "x", 1));
    log_status("log_range", weft__log(WEFT_LOG_INFO, (const void*)BAD_PTR, 100));
    log_status("emit_index", weft_emit_input(999));
    log_status("emit_negative", weft__emit_input(-2));
    log_status("drop_index", weft_drop(ev->index + 1000));
    log_status("set_time_index", weft_set_time(999, 0, 0));
    log_status("fail_index", weft_fail_str(999, "x"));
    weft_emit_input(i);
  } else if (OP("invalid_record")) {
    log_status("emit", weft_emit(i, "[1,2]", 5));
    log_status("emit_after", weft_emit_input(i));
  } else if (OP("invalid_json")) {
    log_status("emit", weft_emit(i, "{\"a\":", 5));
  } else if (OP("nothing")) {
    /* neither emitted, dropped nor failed */
  } else if (OP("trap")) {
    __builtin_trap();
  } else if (OP("spin")) {
    for (volatile int x = 0;; ++x) {
    }
  } else {
    weft_emit_input(i);
  }
#undef OP
}
WEFT_EVENTS_PROCESS("ops", ops)

/* ---- whole-call failures --------------------------------------------------------------- */

WEFT__EXPORT("fail_all") int32_t fail_all(const uint8_t* batch, uint32_t len, uint32_t count) {
  (void)batch, (void)len;
  if (count > 0) weft_fail_str(0, "first failed alone");
  if (count > 1) weft_emit_input(1);
  log_status("fail_all", weft_fail_all("the whole batch failed", 22));
  log_status("emit_after", weft_emit_input(count > 1 ? 1 : 0));
  return 0;
}

WEFT__EXPORT("return_7") int32_t return_7(const uint8_t* batch, uint32_t len, uint32_t count) {
  (void)batch, (void)len;
  for (uint32_t i = 0; i < count; ++i) weft_emit_input(i);
  if (count > 0) weft_fail_str(0, "failed before the return");
  return 7;
}

WEFT__EXPORT("return_1_with_reason")
int32_t return_1_with_reason(const uint8_t* batch, uint32_t len, uint32_t count) {
  (void)batch, (void)len, (void)count;
  weft_fail_all("cannot process this batch", 25);
  return 1;
}

/* ---- msgpack mode ---------------------------------------------------------------------- */

/* Checks each record is a msgpack map and emits it back as bytes; an event whose map has
 * one entry also tries an array (status 3). */
static void msgpack_echo(const weft_event* ev) {
  unsigned char first = ev->record.len ? (unsigned char)ev->record.ptr[0] : 0;
  int is_map = (first & 0xF0) == 0x80 || first == 0xDE || first == 0xDF;
  if (!ev->msgpack || !is_map) {
    weft_fail_str(ev->index, "not a msgpack map in msgpack mode");
    return;
  }
  if (first == 0x81) {
    log_status("emit_array", weft_emit(ev->index, "\x91\x01", 2));
    return;
  }
  log_status("emit", weft_emit(ev->index, ev->record.ptr, ev->record.len));
}
WEFT_EVENTS_PROCESS("msgpack_echo", msgpack_echo)
