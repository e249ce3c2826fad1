/* weft's C API from C99, on the test plugins of tests/plugin/plugins/abi_test.c: a call with
 * output, a guest error, a host function with user data, config, logging, a timeout, a
 * cancel from another thread, a pool used by threads, and everything freed (ASan's leak
 * check is the judge of that).
 *
 * usage: weft_capi_example PLUGIN_DIR    (the directory holding abi_test.wasm, abi_host.wasm)
 * Prints one line per check; exits 1 at the first failure. */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "weft/weft.h"

#define CHECK(cond)                                                                            \
  do {                                                                                         \
    if (!(cond)) {                                                                             \
      fprintf(stderr, "%s:%d: check failed: %s (last error: %s)\n", __FILE__, __LINE__, #cond, \
              weft_last_error());                                                              \
      exit(1);                                                                                 \
    }                                                                                          \
  } while (0)

static char plugin_path[4096];
static char host_plugin_path[4096];

static void sleep_ms(long ms) {
  struct timespec t;
  t.tv_sec = ms / 1000;
  t.tv_nsec = (ms % 1000) * 1000000L;
  nanosleep(&t, NULL);
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

/* The output of the last call as a string (the test outputs are short). */
static const char* output_text(const weft_plugin* plugin) {
  static char text[1024];
  size_t len = 0;
  const uint8_t* out = weft_plugin_output(plugin, &len);
  if (len >= sizeof text) len = sizeof text - 1;
  if (len) memcpy(text, out, len);
  text[len] = '\0';
  return text;
}

static weft_status call_str(weft_plugin* plugin, const char* name, const char* input) {
  return weft_plugin_call(plugin, name, (const uint8_t*)input, strlen(input));
}

/* ---- a call with output, and a guest error ----------------------------------------------- */

static void calls_and_guest_error(const weft_engine* engine) {
  weft_compiled_plugin* compiled = weft_compiled_plugin_from_file(engine, plugin_path, NULL);
  CHECK(compiled != NULL);
  weft_plugin* plugin = weft_plugin_new(compiled);
  CHECK(plugin != NULL);
  weft_compiled_plugin_free(compiled); /* the plugin keeps what it needs */

  CHECK(weft_plugin_function_exists(plugin, "upper"));
  CHECK(!weft_plugin_function_exists(plugin, "nope"));
  CHECK(call_str(plugin, "upper", "hello from C") == WEFT_OK);
  CHECK(strcmp(output_text(plugin), "HELLO FROM C") == 0);
  CHECK(weft_plugin_error(plugin) == NULL);

  CHECK(call_str(plugin, "echo", "") == WEFT_OK);
  size_t len = 1;
  CHECK(weft_plugin_output(plugin, &len) == NULL && len == 0);

  CHECK(call_str(plugin, "fail", "bad input") == WEFT_GUEST_ERROR);
  CHECK(strcmp(weft_plugin_error(plugin), "boom: bad input") == 0);
  CHECK(weft_plugin_output(plugin, &len) == NULL && len == 0);

  CHECK(call_str(plugin, "nope", "") == WEFT_HOST_ERROR);
  CHECK(strstr(weft_plugin_error(plugin), "no function named 'nope'") != NULL);

  CHECK(call_str(plugin, "trap", "") == WEFT_TRAP);
  CHECK(strstr(weft_plugin_error(plugin), "unreachable") != NULL);
  CHECK(call_str(plugin, "echo", "after a trap") == WEFT_OK);
  CHECK(strcmp(output_text(plugin), "after a trap") == 0);
  weft_plugin_free(plugin);
  printf("ok: call with output, guest error \"boom: bad input\", trap, then a good call\n");
}

/* ---- a host function with user data ------------------------------------------------------ */

struct greeter {
  const char* greeting;
  int calls;
  int destroyed;
};

/* extism:host/user::greet (i64) -> i64: "<greeting><name>!" in a new block. */
static int32_t greet(weft_current_plugin* plugin, const weft_val* params, size_t n_params,
                     weft_val* results, size_t n_results, void* user_data) {
  struct greeter* g = user_data;
  if (n_params != 1 || n_results != 1 || params[0].type != WEFT_I64) return 1;
  size_t len = 0;
  const uint8_t* name = weft_current_plugin_block(plugin, (uint64_t)params[0].of.i64, &len);
  if (!name) name = (const uint8_t*)""; /* an empty block */
  if (len > 200) {
    weft_current_plugin_set_error(plugin, "greet: name too long");
    return 1;
  }
  char reply[256];
  int n = snprintf(reply, sizeof reply, "%s%.*s!", g->greeting, (int)len, (const char*)name);
  results[0].of.i64 = (int64_t)weft_current_plugin_alloc(plugin, (const uint8_t*)reply, (size_t)n);
  ++g->calls;
  return 0;
}

static void destroy_greeter(void* user_data) { ++((struct greeter*)user_data)->destroyed; }

static void host_function(const weft_engine* engine) {
  struct greeter g = {"Hello, ", 0, 0};
  weft_plugin_options* options = weft_plugin_options_new();
  CHECK(options != NULL);
  weft_valtype i64 = WEFT_I64;
  CHECK(weft_plugin_options_add_host_function(options, NULL, "greet", &i64, 1, &i64, 1, greet, &g,
                                              destroy_greeter) == WEFT_OK);
  weft_compiled_plugin* compiled =
      weft_compiled_plugin_from_file(engine, host_plugin_path, options);
  CHECK(compiled != NULL);
  weft_plugin_options_free(options);
  CHECK(g.destroyed == 0); /* the compiled plugin still holds the function */

  weft_plugin* plugin = weft_plugin_new(compiled);
  CHECK(plugin != NULL);
  CHECK(call_str(plugin, "greet", "weft") == WEFT_OK);
  CHECK(strcmp(output_text(plugin), "Hello, weft!") == 0);
  CHECK(g.calls == 1);

  char long_name[300];
  memset(long_name, 'x', sizeof long_name - 1);
  long_name[sizeof long_name - 1] = '\0';
  CHECK(call_str(plugin, "greet", long_name) == WEFT_TRAP);
  CHECK(strstr(weft_plugin_error(plugin), "greet: name too long") != NULL);

  weft_compiled_plugin_free(compiled);
  CHECK(g.destroyed == 0); /* the plugin still can call it */
  weft_plugin_free(plugin);
  CHECK(g.destroyed == 1);

  /* Without the host function the plugin does not link. */
  compiled = weft_compiled_plugin_from_file(engine, host_plugin_path, NULL);
  CHECK(compiled != NULL);
  CHECK(weft_plugin_new(compiled) == NULL);
  CHECK(strstr(weft_last_error(), "greet") != NULL);
  weft_compiled_plugin_free(compiled);
  printf("ok: host function with user data: \"Hello, weft!\", its error, destructor called once\n");
}

/* ---- config, from the manifest and set by the host --------------------------------------- */

static void config(const weft_engine* engine) {
  char json[4200];
  snprintf(json, sizeof json,
           "{\"wasm\": [{\"path\": \"%s\"}], \"config\": {\"greeting\": \"hi\"}}", plugin_path);
  weft_compiled_plugin* compiled = weft_compiled_plugin_from_json(engine, json, NULL, NULL);
  CHECK(compiled != NULL);
  weft_plugin* plugin = weft_plugin_new(compiled);
  CHECK(plugin != NULL);
  CHECK(call_str(plugin, "config", "greeting") == WEFT_OK);
  CHECK(strcmp(output_text(plugin), "hi") == 0);

  const char* keys[] = {"other", "greeting"};
  const char* values[] = {"o", NULL}; /* NULL: remove */
  CHECK(weft_plugin_config_update(plugin, keys, values, 2) == WEFT_OK);
  CHECK(call_str(plugin, "config", "other") == WEFT_OK);
  CHECK(strcmp(output_text(plugin), "o") == 0);
  CHECK(call_str(plugin, "config", "greeting") == WEFT_OK);
  CHECK(strcmp(output_text(plugin), "<none>") == 0);

  const char* set_keys[] = {"greeting"};
  const char* set_values[] = {"replaced"};
  CHECK(weft_plugin_config_set(plugin, set_keys, set_values, 1) == WEFT_OK);
  CHECK(call_str(plugin, "config", "greeting") == WEFT_OK);
  CHECK(strcmp(output_text(plugin), "replaced") == 0);
  CHECK(call_str(plugin, "config", "other") == WEFT_OK);
  CHECK(strcmp(output_text(plugin), "<none>") == 0);
  weft_plugin_free(plugin);
  weft_compiled_plugin_free(compiled);

  /* A bad manifest: the message names the field. */
  CHECK(weft_compiled_plugin_from_json(engine, "{\"wasm\": [], \"bogus\": 1}", NULL, NULL) == NULL);
  CHECK(strstr(weft_last_error(), "bogus") != NULL);
  printf("ok: config from the manifest, updated and replaced; bad manifest: %s\n",
         weft_last_error());
}

/* ---- logging ----------------------------------------------------------------------------- */

struct log_record {
  char lines[4][64];
  weft_log_level levels[4];
  int count;
  int destroyed;
};

static void on_log(weft_log_level level, const char* message, size_t len, void* user_data) {
  struct log_record* r = user_data;
  if (r->count < 4 && len < sizeof r->lines[0] && strlen(message) == len) {
    memcpy(r->lines[r->count], message, len + 1);
    r->levels[r->count] = level;
  }
  ++r->count;
}

static void destroy_log(void* user_data) { ++((struct log_record*)user_data)->destroyed; }

static void logging(const weft_engine* engine) {
  struct log_record r;
  memset(&r, 0, sizeof r);
  weft_plugin_options* options = weft_plugin_options_new();
  CHECK(options != NULL);
  CHECK(weft_plugin_options_set_log_level(options, WEFT_LOG_INFO) == WEFT_OK);
  CHECK(weft_plugin_options_set_log_callback(options, on_log, &r, destroy_log) == WEFT_OK);
  weft_compiled_plugin* compiled = weft_compiled_plugin_from_file(engine, plugin_path, options);
  weft_plugin_options_free(options);
  CHECK(compiled != NULL);
  weft_plugin* plugin = weft_plugin_new(compiled);
  weft_compiled_plugin_free(compiled);
  CHECK(plugin != NULL);
  CHECK(call_str(plugin, "log", "from the guest") == WEFT_OK);
  CHECK(strcmp(output_text(plugin), "2") == 0); /* get_log_level: info */
  CHECK(r.count == 2);                          /* debug is below the level */
  CHECK(r.levels[0] == WEFT_LOG_INFO && strcmp(r.lines[0], "from the guest") == 0);
  CHECK(r.levels[1] == WEFT_LOG_ERROR && strcmp(r.lines[1], "error line") == 0);
  CHECK(weft_plugin_set_log_level(plugin, WEFT_LOG_OFF) == WEFT_OK);
  CHECK(call_str(plugin, "log", "x") == WEFT_OK);
  CHECK(r.count == 2);
  CHECK(r.destroyed == 0);
  weft_plugin_free(plugin);
  CHECK(r.destroyed == 1);
  printf("ok: log callback got \"%s\" and \"%s\"\n", r.lines[0], r.lines[1]);
}

/* ---- a timeout, fuel, and a cancel from another thread ----------------------------------- */

static void timeout_and_fuel(const weft_engine* engine) {
  weft_plugin_options* options = weft_plugin_options_new();
  CHECK(options != NULL);
  CHECK(weft_plugin_options_set_timeout_ms(options, 100) == WEFT_OK);
  weft_compiled_plugin* compiled = weft_compiled_plugin_from_file(engine, plugin_path, options);
  weft_plugin_options_free(options);
  CHECK(compiled != NULL);
  weft_plugin* plugin = weft_plugin_new(compiled);
  weft_compiled_plugin_free(compiled);
  CHECK(plugin != NULL);

  /* The options' timeout. */
  double start = now_ms();
  CHECK(call_str(plugin, "loop", "") == WEFT_TIMEOUT);
  double took = now_ms() - start;
  CHECK(took >= 100 && took < 10000);
  CHECK(strstr(weft_plugin_error(plugin), "timed out after 100 ms") != NULL);

  /* Only the endless loop runs with a timeout, so that a loaded machine cannot time out the
   * short calls. */
  CHECK(weft_plugin_set_timeout_ms(plugin, 0) == WEFT_OK);
  CHECK(call_str(plugin, "counter", "") == WEFT_OK);
  CHECK(call_str(plugin, "counter", "") == WEFT_OK);
  CHECK(strcmp(output_text(plugin), "2") == 0);
  CHECK(weft_plugin_set_timeout_ms(plugin, 50) == WEFT_OK);
  CHECK(call_str(plugin, "loop", "") == WEFT_TIMEOUT);
  CHECK(strstr(weft_plugin_error(plugin), "timed out after 50 ms") != NULL);
  CHECK(weft_plugin_set_timeout_ms(plugin, 0) == WEFT_OK);
  CHECK(call_str(plugin, "counter", "") == WEFT_OK);
  CHECK(strcmp(output_text(plugin), "1") == 0); /* a fresh instance */

  CHECK(weft_plugin_set_fuel(plugin, 100000) == WEFT_OK);
  CHECK(call_str(plugin, "loop", "") == WEFT_OUT_OF_FUEL);
  CHECK(call_str(plugin, "echo", "fuel is per call") == WEFT_OK);
  weft_plugin_free(plugin);
  printf("ok: timeout after %.0f ms, then a fresh instance; out of fuel\n", took);
}

struct canceller {
  weft_cancel_handle* handle;
  pthread_mutex_t mutex;
  int done; /* the main thread's call has returned */
  int cancels;
};

/* Cancels every 20 ms until the call has returned: a cancel before the call started (a no-op)
 * cannot leave the loop running. */
static void* cancel_thread(void* arg) {
  struct canceller* c = arg;
  for (;;) {
    sleep_ms(20);
    pthread_mutex_lock(&c->mutex);
    int done = c->done;
    pthread_mutex_unlock(&c->mutex);
    if (done) return NULL;
    CHECK(weft_cancel_handle_cancel(c->handle) == WEFT_OK);
    ++c->cancels;
  }
}

static void cancel(const weft_engine* engine) {
  /* A timeout too, so that a broken cancel fails instead of hanging. */
  weft_plugin_options* options = weft_plugin_options_new();
  CHECK(options != NULL);
  CHECK(weft_plugin_options_set_timeout_ms(options, 30000) == WEFT_OK);
  weft_compiled_plugin* compiled = weft_compiled_plugin_from_file(engine, plugin_path, options);
  weft_plugin_options_free(options);
  CHECK(compiled != NULL);
  weft_plugin* plugin = weft_plugin_new(compiled);
  weft_compiled_plugin_free(compiled);
  CHECK(plugin != NULL);

  struct canceller c;
  c.handle = weft_plugin_cancel_handle(plugin);
  CHECK(c.handle != NULL);
  CHECK(weft_cancel_handle_cancel(c.handle) == WEFT_OK); /* idle: no effect on the next call */
  CHECK(call_str(plugin, "counter", "") == WEFT_OK);

  pthread_mutex_init(&c.mutex, NULL);
  c.done = 0;
  c.cancels = 0;
  pthread_t thread;
  CHECK(pthread_create(&thread, NULL, cancel_thread, &c) == 0);
  weft_status s = call_str(plugin, "loop", "");
  pthread_mutex_lock(&c.mutex);
  c.done = 1;
  pthread_mutex_unlock(&c.mutex);
  pthread_join(thread, NULL);
  pthread_mutex_destroy(&c.mutex);
  CHECK(s == WEFT_CANCELLED);
  CHECK(strstr(weft_plugin_error(plugin), "cancelled") != NULL);
  CHECK(call_str(plugin, "counter", "") == WEFT_OK);
  CHECK(strcmp(output_text(plugin), "1") == 0);

  weft_plugin_free(plugin);
  CHECK(weft_cancel_handle_cancel(c.handle) == WEFT_OK); /* the plugin is gone: a no-op */
  weft_cancel_handle_free(c.handle);
  printf("ok: cancelled from another thread (after %d cancel(s))\n", c.cancels);
}

/* ---- a pool used from threads ------------------------------------------------------------ */

enum { POOL_THREADS = 4, POOL_CALLS = 25 };

struct pool_worker {
  weft_pool* pool;
  int id;
  int good;
};

static void* pool_thread(void* arg) {
  struct pool_worker* w = arg;
  for (int i = 0; i < POOL_CALLS; ++i) {
    char in[64], want[64];
    int n = snprintf(in, sizeof in, "thread %d call %d", w->id, i);
    snprintf(want, sizeof want, "THREAD %d CALL %d", w->id, i);
    uint8_t* out = NULL;
    size_t len = 0;
    char* error = NULL;
    weft_status s =
        weft_pool_call(w->pool, "upper", (const uint8_t*)in, (size_t)n, &out, &len, &error);
    if (s == WEFT_OK && len == (size_t)n && memcmp(out, want, len) == 0) {
      ++w->good;
    } else {
      fprintf(stderr, "pool call %s: %s\n", weft_status_name(s), error ? error : "wrong output");
    }
    weft_free(out);
    weft_free(error);
  }
  return NULL;
}

static void pool(const weft_engine* engine) {
  weft_compiled_plugin* compiled = weft_compiled_plugin_from_file(engine, plugin_path, NULL);
  CHECK(compiled != NULL);
  weft_pool* pool = weft_pool_new(compiled, 2, 10000);
  weft_compiled_plugin_free(compiled);
  CHECK(pool != NULL);

  pthread_t threads[POOL_THREADS];
  struct pool_worker workers[POOL_THREADS];
  for (int t = 0; t < POOL_THREADS; ++t) {
    workers[t].pool = pool;
    workers[t].id = t;
    workers[t].good = 0;
    CHECK(pthread_create(&threads[t], NULL, pool_thread, &workers[t]) == 0);
  }
  int good = 0;
  for (int t = 0; t < POOL_THREADS; ++t) {
    pthread_join(threads[t], NULL);
    good += workers[t].good;
  }
  CHECK(good == POOL_THREADS * POOL_CALLS);

  /* A guest error through the pool. */
  uint8_t* out = NULL;
  size_t len = 0;
  char* error = NULL;
  CHECK(weft_pool_call(pool, "fail", (const uint8_t*)"x", 1, &out, &len, &error) ==
        WEFT_GUEST_ERROR);
  CHECK(out == NULL && len == 0 && error != NULL && strcmp(error, "boom: x") == 0);
  weft_free(error);
  weft_pool_free(pool);
  printf("ok: pool of 2 instances, %d threads x %d calls, all outputs right\n", POOL_THREADS,
         POOL_CALLS);
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s PLUGIN_DIR\n", argv[0]);
    return 64;
  }
  snprintf(plugin_path, sizeof plugin_path, "%s/abi_test.wasm", argv[1]);
  snprintf(host_plugin_path, sizeof host_plugin_path, "%s/abi_host.wasm", argv[1]);

  weft_engine* engine = weft_engine_new();
  CHECK(engine != NULL);
  calls_and_guest_error(engine);
  host_function(engine);
  config(engine);
  logging(engine);
  timeout_and_fuel(engine);
  cancel(engine);
  pool(engine);
  weft_engine_free(engine);
  printf("capi example: all checks passed\n");
  return 0;
}
