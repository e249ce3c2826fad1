/* weft's C API given NULL and bad arguments: every function must answer with NULL, 0 or
 * WEFT_INVALID_ARGUMENT and a message, never crash.
 *
 * usage: weft_capi_bad_args PLUGIN_DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/weft.h"

#define CHECK(cond)                                                                            \
  do {                                                                                         \
    if (!(cond)) {                                                                             \
      fprintf(stderr, "%s:%d: check failed: %s (last error: %s)\n", __FILE__, __LINE__, #cond, \
              weft_last_error());                                                              \
      exit(1);                                                                                 \
    }                                                                                          \
  } while (0)

/* The last error mentions `what` (a function or argument name). */
#define CHECK_ERROR(what) CHECK(strstr(weft_last_error(), what) != NULL)

static int32_t host_noop(weft_current_plugin* plugin, const weft_val* params, size_t n_params,
                         weft_val* results, size_t n_results, void* user_data) {
  (void)plugin;
  (void)params;
  (void)n_params;
  (void)results;
  (void)n_results;
  (void)user_data;
  return 0;
}

static int destroyed = 0;
static void count_destroy(void* user_data) {
  (void)user_data;
  ++destroyed;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s PLUGIN_DIR\n", argv[0]);
    return 64;
  }
  char plugin_path[4096];
  snprintf(plugin_path, sizeof plugin_path, "%s/abi_test.wasm", argv[1]);

  CHECK(strcmp(weft_last_error(), "") == 0); /* nothing failed yet */
  CHECK(strcmp(weft_status_name(WEFT_OK), "ok") == 0);
  CHECK(strcmp(weft_status_name(WEFT_BUSY), "busy") == 0);
  CHECK(strcmp(weft_status_name((weft_status)1234), "unknown") == 0);

  /* Freeing NULL is fine, as with free(). */
  weft_free(NULL);
  weft_engine_free(NULL);
  weft_plugin_options_free(NULL);
  weft_compiled_plugin_free(NULL);
  weft_plugin_free(NULL);
  weft_cancel_handle_free(NULL);
  weft_pool_free(NULL);

  /* Options. */
  CHECK(weft_plugin_options_set_wasi(NULL, 1) == WEFT_INVALID_ARGUMENT);
  CHECK_ERROR("weft_plugin_options_set_wasi: options is NULL");
  CHECK(weft_plugin_options_set_timeout_ms(NULL, 1) == WEFT_INVALID_ARGUMENT);
  CHECK(weft_plugin_options_set_fuel(NULL, 1) == WEFT_INVALID_ARGUMENT);
  CHECK(weft_plugin_options_set_log_level(NULL, WEFT_LOG_INFO) == WEFT_INVALID_ARGUMENT);
  CHECK(weft_plugin_options_set_log_callback(NULL, NULL, NULL, NULL) == WEFT_INVALID_ARGUMENT);
  weft_valtype i64 = WEFT_I64;
  CHECK(weft_plugin_options_add_host_function(NULL, NULL, "f", &i64, 1, &i64, 1, host_noop, NULL,
                                              count_destroy) == WEFT_INVALID_ARGUMENT);

  weft_plugin_options* options = weft_plugin_options_new();
  CHECK(options != NULL);
  CHECK(weft_plugin_options_set_log_level(options, (weft_log_level)6) == WEFT_INVALID_ARGUMENT);
  CHECK_ERROR("level");
  CHECK(weft_plugin_options_add_host_function(options, NULL, NULL, &i64, 1, &i64, 1, host_noop,
                                              NULL, count_destroy) == WEFT_INVALID_ARGUMENT);
  CHECK_ERROR("name is NULL");
  CHECK(weft_plugin_options_add_host_function(options, NULL, "f", &i64, 1, &i64, 1, NULL, NULL,
                                              count_destroy) == WEFT_INVALID_ARGUMENT);
  CHECK_ERROR("callback is NULL");
  CHECK(weft_plugin_options_add_host_function(options, NULL, "f", NULL, 1, &i64, 1, host_noop, NULL,
                                              count_destroy) == WEFT_INVALID_ARGUMENT);
  CHECK_ERROR("params is NULL");
  CHECK(weft_plugin_options_add_host_function(options, NULL, "f", &i64, 1, NULL, 1, host_noop, NULL,
                                              count_destroy) == WEFT_INVALID_ARGUMENT);
  CHECK_ERROR("results is NULL");
  weft_valtype bad = (weft_valtype)9;
  CHECK(weft_plugin_options_add_host_function(options, NULL, "f", &i64, 1, &bad, 1, host_noop, NULL,
                                              count_destroy) == WEFT_INVALID_ARGUMENT);
  CHECK_ERROR("results[0] of 'f' is not a weft_valtype");
  CHECK(destroyed == 0); /* a refused definition leaves the user data to the caller */
  /* No parameters and no results: NULL arrays are fine. */
  CHECK(weft_plugin_options_add_host_function(options, "env", "g", NULL, 0, NULL, 0, host_noop,
                                              NULL, count_destroy) == WEFT_OK);

  /* Compiled plugins. */
  weft_engine* engine = weft_engine_new();
  CHECK(engine != NULL);
  CHECK(weft_compiled_plugin_from_file(NULL, plugin_path, NULL) == NULL);
  CHECK_ERROR("weft_compiled_plugin_from_file: engine is NULL");
  CHECK(weft_compiled_plugin_from_file(engine, NULL, NULL) == NULL);
  CHECK_ERROR("path is NULL");
  CHECK(weft_compiled_plugin_from_json(NULL, "{}", NULL, NULL) == NULL);
  CHECK(weft_compiled_plugin_from_json(engine, NULL, NULL, NULL) == NULL);
  CHECK_ERROR("json is NULL");
  CHECK(weft_compiled_plugin_from_wasm(NULL, (const uint8_t*)"", 0, NULL) == NULL);
  CHECK(weft_compiled_plugin_from_wasm(engine, NULL, 8, NULL) == NULL);
  CHECK_ERROR("wasm is NULL");
  /* Not wasm, not a manifest, not a file. */
  CHECK(weft_compiled_plugin_from_wasm(engine, (const uint8_t*)"not wasm", 8, NULL) == NULL);
  CHECK_ERROR("malformed");
  CHECK(weft_compiled_plugin_from_json(engine, "{not json", NULL, NULL) == NULL);
  CHECK(weft_compiled_plugin_from_file(engine, "/nonexistent/plugin.wasm", NULL) == NULL);
  CHECK_ERROR("/nonexistent/plugin.wasm");

  weft_compiled_plugin* compiled = weft_compiled_plugin_from_file(engine, plugin_path, options);
  CHECK(compiled != NULL);
  weft_plugin_options_free(options);
  weft_engine_free(engine); /* the compiled plugin does not need it */

  /* Plugins. */
  CHECK(weft_plugin_new(NULL) == NULL);
  CHECK_ERROR("weft_plugin_new: compiled is NULL");
  weft_plugin* plugin = weft_plugin_new(compiled);
  CHECK(plugin != NULL);
  CHECK(weft_plugin_call(NULL, "echo", NULL, 0) == WEFT_INVALID_ARGUMENT);
  CHECK_ERROR("weft_plugin_call: plugin is NULL");
  CHECK(weft_plugin_call(plugin, NULL, NULL, 0) == WEFT_INVALID_ARGUMENT);
  CHECK(strstr(weft_plugin_error(plugin), "name is NULL") != NULL);
  CHECK(weft_plugin_call(plugin, "echo", NULL, 3) == WEFT_INVALID_ARGUMENT);
  CHECK(strstr(weft_plugin_error(plugin), "input is NULL") != NULL);
  CHECK(weft_plugin_call(plugin, "echo", NULL, 0) == WEFT_OK); /* no input */
  CHECK(weft_plugin_error(plugin) == NULL);
  CHECK(weft_plugin_call(plugin, "echo", (const uint8_t*)"abc", 3) == WEFT_OK);
  CHECK(weft_plugin_output(plugin, NULL) != NULL); /* len may be NULL */
  size_t len = 99;
  CHECK(weft_plugin_output(NULL, &len) == NULL && len == 0);
  CHECK(weft_plugin_error(NULL) == NULL);
  CHECK(weft_plugin_function_exists(NULL, "echo") == 0);
  CHECK(weft_plugin_function_exists(plugin, NULL) == 0);

  const char* keys[] = {"k", NULL};
  const char* values[] = {"v", NULL};
  CHECK(weft_plugin_config_set(NULL, keys, values, 1) == WEFT_INVALID_ARGUMENT);
  CHECK(weft_plugin_config_set(plugin, NULL, values, 1) == WEFT_INVALID_ARGUMENT);
  CHECK_ERROR("keys is NULL");
  CHECK(weft_plugin_config_set(plugin, keys, NULL, 1) == WEFT_INVALID_ARGUMENT);
  CHECK(weft_plugin_config_set(plugin, keys, values, 2) == WEFT_INVALID_ARGUMENT);
  CHECK_ERROR("keys[1] is NULL");
  const char* null_value[] = {NULL};
  CHECK(weft_plugin_config_set(plugin, keys, null_value, 1) == WEFT_INVALID_ARGUMENT);
  CHECK_ERROR("values[0] is NULL");
  CHECK(weft_plugin_config_update(NULL, keys, values, 1) == WEFT_INVALID_ARGUMENT);
  CHECK(weft_plugin_config_set(plugin, NULL, NULL, 0) == WEFT_OK); /* empty */
  CHECK(weft_plugin_set_timeout_ms(NULL, 1) == WEFT_INVALID_ARGUMENT);
  CHECK(weft_plugin_set_fuel(NULL, 1) == WEFT_INVALID_ARGUMENT);
  CHECK(weft_plugin_set_log_level(NULL, WEFT_LOG_OFF) == WEFT_INVALID_ARGUMENT);
  CHECK(weft_plugin_set_log_level(plugin, (weft_log_level)7) == WEFT_INVALID_ARGUMENT);

  CHECK(weft_plugin_cancel_handle(NULL) == NULL);
  CHECK(weft_cancel_handle_cancel(NULL) == WEFT_INVALID_ARGUMENT);

  /* Pools. */
  CHECK(weft_pool_new(NULL, 1, 0) == NULL);
  CHECK_ERROR("weft_pool_new: compiled is NULL");
  CHECK(weft_pool_new(compiled, 0, 0) == NULL);
  CHECK_ERROR("max_instances is 0");
  weft_pool* pool = weft_pool_new(compiled, 1, 0);
  CHECK(pool != NULL);
  uint8_t* out = (uint8_t*)&len; /* set to NULL by the call, whatever the outcome */
  char* error = NULL;
  CHECK(weft_pool_call(NULL, "echo", NULL, 0, &out, &len, &error) == WEFT_INVALID_ARGUMENT);
  CHECK(out == NULL && error != NULL && strstr(error, "pool is NULL") != NULL);
  weft_free(error);
  CHECK(weft_pool_call(pool, NULL, NULL, 0, &out, &len, NULL) == WEFT_INVALID_ARGUMENT);
  CHECK_ERROR("name is NULL");
  CHECK(weft_pool_call(pool, "echo", NULL, 1, &out, &len, NULL) == WEFT_INVALID_ARGUMENT);
  CHECK(weft_pool_call(pool, "echo", NULL, 0, NULL, &len, NULL) == WEFT_INVALID_ARGUMENT);
  CHECK_ERROR("output is NULL");
  CHECK(weft_pool_call(pool, "echo", NULL, 0, &out, NULL, NULL) == WEFT_INVALID_ARGUMENT);
  CHECK(weft_pool_call(pool, "nope", NULL, 0, &out, &len, &error) == WEFT_HOST_ERROR);
  CHECK(error != NULL && strstr(error, "no function named 'nope'") != NULL);
  weft_free(error);
  CHECK(weft_pool_call(pool, "echo", (const uint8_t*)"ok", 2, &out, &len, NULL) == WEFT_OK);
  CHECK(len == 2 && memcmp(out, "ok", 2) == 0);
  weft_free(out);

  /* Host function helpers outside a host function. */
  CHECK(weft_current_plugin_block(NULL, 1, &len) == NULL && len == 0);
  CHECK(weft_current_plugin_alloc(NULL, (const uint8_t*)"x", 1) == 0);
  weft_current_plugin_free(NULL, 1);
  weft_current_plugin_set_error(NULL, "x");
  CHECK_ERROR("weft_current_plugin_set_error: plugin is NULL");

  weft_pool_free(pool);
  weft_plugin_free(plugin);
  CHECK(destroyed == 0); /* "env"::"g" lives in the compiled plugin */
  weft_compiled_plugin_free(compiled);
  CHECK(destroyed == 1);
  printf("capi bad arguments: all checks passed\n");
  return 0;
}
