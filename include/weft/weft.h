/* weft: the C API of the plugin host (Extism ABI). Plain C99; link with weft (a C++ library:
 * link with the C++ driver, or add -lstdc++).
 *
 *   weft_engine* engine = weft_engine_new();
 *   weft_compiled_plugin* compiled = weft_compiled_plugin_from_file(engine, "plugin.wasm", NULL);
 *   weft_plugin* plugin = weft_plugin_new(compiled);
 *   if (weft_plugin_call(plugin, "greet", (const uint8_t*)"world", 5) == WEFT_OK) {
 *     size_t len;
 *     const uint8_t* out = weft_plugin_output(plugin, &len);
 *   } else {
 *     fprintf(stderr, "%s\n", weft_plugin_error(plugin));
 *   }
 *   weft_plugin_free(plugin);
 *   weft_compiled_plugin_free(compiled);
 *   weft_engine_free(engine);
 *
 * Conventions, for every function below:
 * - Handles are opaque. Whatever a `*_new` or `*_from_*` function returns is the caller's, to
 *   free with the matching `*_free`; every `*_free` accepts NULL. Objects do not depend on
 *   the one they were made from: a compiled plugin may be freed while its plugins and pools
 *   live, an engine while its compiled plugins live.
 * - A function that makes an object returns NULL on failure; one that does something returns
 *   a weft_status. On any failure, weft_last_error() holds the message.
 * - No pointer argument may crash: NULL where an object or string is required gives NULL or
 *   WEFT_INVALID_ARGUMENT (the one exception: a pointer that is not NULL must be valid).
 * - Strings are NUL-terminated UTF-8, copied when needed: the caller may free or reuse its
 *   own after the call returns.
 * - Thread-safety: engines, compiled plugins, pools and cancel handles may be used from any
 *   number of threads at once; a plugin and a plugin options object from one thread at a time.
 *
 * See docs/PLUGINS.md, "C API". */
#ifndef WEFT_WEFT_H
#define WEFT_WEFT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- status and errors ------------------------------------------------------------------ */

/** What a call or an operation ended with. */
typedef enum weft_status {
  WEFT_OK = 0,
  WEFT_GUEST_ERROR = 1,      /**< the guest set an error (error_set) or returned non-zero */
  WEFT_TRAP = 2,             /**< the guest trapped (a host function failing included) */
  WEFT_TIMEOUT = 3,          /**< the call ran past its timeout */
  WEFT_CANCELLED = 4,        /**< weft_cancel_handle_cancel() stopped it */
  WEFT_OUT_OF_FUEL = 5,      /**< the call used up its fuel */
  WEFT_HOST_ERROR = 6,       /**< refused by the host: no such function, wrong type, reentrant */
  WEFT_INVALID_ARGUMENT = 7, /**< a NULL or out-of-range argument */
  WEFT_BUSY = 8,             /**< a pool had no free instance within its wait timeout */
  WEFT_ERROR = 9,            /**< anything else: a plugin that cannot be loaded, out of memory */
  WEFT_STATUS_MAX_ENUM = 0x7FFFFFFF /**< not a status: makes every int32 >= 0 a valid value */
} weft_status;

/** A short name for a status ("ok", "guest_error", "timeout"...); "unknown" for others. The
 * string is static. */
const char* weft_status_name(weft_status status);

/** The message of the last failure of a weft_* function on the calling thread ("" when none
 * has failed yet). Valid until the next failing weft_* call on this thread; thread-local. */
const char* weft_last_error(void);

/** Frees memory that weft allocated for the caller (weft_pool_call's output and error).
 * Accepts NULL. */
void weft_free(void* ptr);

/* ---- engine ----------------------------------------------------------------------------- */

/** The WebAssembly engine: its configuration (every 2.0 feature on). Thread-safe. */
typedef struct weft_engine weft_engine;

/** A new engine; NULL only when out of memory. Free with weft_engine_free(). */
weft_engine* weft_engine_new(void);
void weft_engine_free(weft_engine* engine);

/* ---- plugin options --------------------------------------------------------------------- */

typedef enum weft_log_level {
  WEFT_LOG_TRACE = 0,
  WEFT_LOG_DEBUG = 1,
  WEFT_LOG_INFO = 2,
  WEFT_LOG_WARN = 3,
  WEFT_LOG_ERROR = 4,
  WEFT_LOG_OFF = 5,
  WEFT_LOG_LEVEL_MAX_ENUM = 0x7FFFFFFF /**< not a level (see WEFT_STATUS_MAX_ENUM) */
} weft_log_level;

/** A wasm value type of a host function's parameter or result. */
typedef enum weft_valtype {
  WEFT_I32 = 0,
  WEFT_I64 = 1,
  WEFT_F32 = 2,
  WEFT_F64 = 3,
  WEFT_VALTYPE_MAX_ENUM = 0x7FFFFFFF /**< not a type (see WEFT_STATUS_MAX_ENUM) */
} weft_valtype;

/** A wasm value: `type` says which member of `of` holds it. Extism handles are I64. */
typedef struct weft_val {
  weft_valtype type;
  union {
    int32_t i32;
    int64_t i64;
    float f32;
    double f64;
  } of;
} weft_val;

/** The plugin calling a host function; only valid during that host function's call. */
typedef struct weft_current_plugin weft_current_plugin;

/** A host function. `params` holds the arguments (of the declared types); `results` has the
 * declared result types with zero values, to overwrite (keep `type`). Return 0 on success;
 * anything else traps the guest (the call ends with WEFT_TRAP), with the message given to
 * weft_current_plugin_set_error() or else "host function NAME failed (returned N)". Called
 * on the thread running the plugin call: with a pool, from several threads at once. */
typedef int32_t (*weft_host_function)(weft_current_plugin* plugin, const weft_val* params,
                                      size_t n_params, weft_val* results, size_t n_results,
                                      void* user_data);

/** Called once with a host function's or a log callback's user data when nothing can call the
 * function any more (the options, and every compiled plugin, plugin and pool made with them,
 * are freed). */
typedef void (*weft_destructor)(void* user_data);

/** Receives the guest's log messages at or above the plugin's level. `message` is
 * NUL-terminated, `len` bytes long, valid during the callback. Called on the thread running
 * the plugin call: with a pool, from several threads at once. */
typedef void (*weft_log_callback)(weft_log_level level, const char* message, size_t len,
                                  void* user_data);

/** What a compiled plugin is made with: WASI, limits, logging, host functions. Used by one
 * thread at a time; copied by weft_compiled_plugin_from_*, so it may be freed or changed
 * afterwards. */
typedef struct weft_plugin_options weft_plugin_options;

/** Defaults: no WASI, no timeout beyond the manifest's, no fuel limit, logging off.
 * NULL only when out of memory. Free with weft_plugin_options_free(). */
weft_plugin_options* weft_plugin_options_new(void);
void weft_plugin_options_free(weft_plugin_options* options);

/** Links wasi_snapshot_preview1, with the manifest's allowed_paths as preopens (non-zero: on). */
weft_status weft_plugin_options_set_wasi(weft_plugin_options* options, int enabled);
/** Per-call timeout in milliseconds, instead of the manifest's timeout_ms; 0: the manifest's. */
weft_status weft_plugin_options_set_timeout_ms(weft_plugin_options* options, uint64_t timeout_ms);
/** Per-call fuel (roughly, instructions); 0: unlimited. */
weft_status weft_plugin_options_set_fuel(weft_plugin_options* options, uint64_t fuel);
/** The level below which guest logs are dropped (default WEFT_LOG_OFF). */
weft_status weft_plugin_options_set_log_level(weft_plugin_options* options, weft_log_level level);
/** Where guest logs go (default: "[level] message" on standard error). `callback` NULL
 * restores the default (`user_data` and `destructor` are then ignored). `destructor` (may be NULL)
 * is called once with `user_data` when the callback is replaced or can no longer be called. On
 * failure the caller keeps `user_data`. */
weft_status weft_plugin_options_set_log_callback(weft_plugin_options* options,
                                                 weft_log_callback callback, void* user_data,
                                                 weft_destructor destructor);
/** Defines host function `ns`::`name` (`ns` NULL: "extism:host/user") of type
 * (params) -> (results), which the plugin may import. `params` may be NULL when n_params is 0,
 * likewise `results`. `destructor` (may be NULL) is called once with `user_data` when no
 * plugin can call the function any more; on failure (WEFT_INVALID_ARGUMENT for a NULL name
 * or callback or a bad type) it is not called and the caller keeps `user_data`. */
weft_status weft_plugin_options_add_host_function(weft_plugin_options* options, const char* ns,
                                                  const char* name, const weft_valtype* params,
                                                  size_t n_params, const weft_valtype* results,
                                                  size_t n_results, weft_host_function callback,
                                                  void* user_data, weft_destructor destructor);

/* ---- host functions: the calling plugin's Extism memory ---------------------------------- */

/** The bytes of Extism memory block `handle`, and its length in `*len` (if `len` is not
 * NULL). NULL, with length 0, when `handle` is not a live block or is empty. The bytes are a
 * copy, valid until the host function returns. */
const uint8_t* weft_current_plugin_block(weft_current_plugin* plugin, uint64_t handle, size_t* len);
/** Allocates a block holding a copy of `data` (`len` bytes); returns its handle, which the
 * host function may return to the guest, or 0 when the plugin's memory is full or an
 * argument is bad. */
uint64_t weft_current_plugin_alloc(weft_current_plugin* plugin, const uint8_t* data, size_t len);
/** Frees a block; anything that is not a live block is ignored. */
void weft_current_plugin_free(weft_current_plugin* plugin, uint64_t handle);
/** The message of the trap when the host function returns non-zero (copied). */
void weft_current_plugin_set_error(weft_current_plugin* plugin, const char* message);

/* ---- compiled plugins ------------------------------------------------------------------- */

/** A plugin compiled once, immutable: plugins and pools are made from it, from any thread. */
typedef struct weft_compiled_plugin weft_compiled_plugin;

/** Compiles the plugin of an Extism manifest (JSON), whose relative paths are relative to
 * `base_dir` (NULL: the current directory). `options` may be NULL (defaults). NULL on
 * failure (weft_last_error(): the JSON path of a bad field, an unreadable file, a module that
 * does not validate...). Free with weft_compiled_plugin_free(). */
weft_compiled_plugin* weft_compiled_plugin_from_json(const weft_engine* engine, const char* json,
                                                     const char* base_dir,
                                                     const weft_plugin_options* options);
/** The same from a file: a JSON manifest, or a .wasm module (it starts with "\0asm"). */
weft_compiled_plugin* weft_compiled_plugin_from_file(const weft_engine* engine, const char* path,
                                                     const weft_plugin_options* options);
/** The same from the bytes of one wasm module (copied). */
weft_compiled_plugin* weft_compiled_plugin_from_wasm(const weft_engine* engine, const uint8_t* wasm,
                                                     size_t len,
                                                     const weft_plugin_options* options);
void weft_compiled_plugin_free(weft_compiled_plugin* compiled);

/* ---- plugins ---------------------------------------------------------------------------- */

/** One instance of a plugin: one call at a time, from one thread at a time. */
typedef struct weft_plugin weft_plugin;

/** Instantiates `compiled` (cheap: no compilation). NULL on failure (an unlinkable plugin: a
 * host function the options do not define). Free with weft_plugin_free(). */
weft_plugin* weft_plugin_new(const weft_compiled_plugin* compiled);
void weft_plugin_free(weft_plugin* plugin);

/** Calls the plugin's export `name` with `len` bytes of `input` (NULL allowed when len is 0).
 * WEFT_OK: the output is in weft_plugin_output(). Otherwise weft_plugin_error() says why.
 * After a trap, timeout or cancel the next call runs on a fresh instance; a guest error keeps
 * it. */
weft_status weft_plugin_call(weft_plugin* plugin, const char* name, const uint8_t* input,
                             size_t len);
/** The output of the last call, its length in `*len` (if `len` is not NULL); NULL with
 * length 0 when it was empty or the call failed. Owned by the plugin; valid until the next
 * weft_plugin_call() or weft_plugin_free() on it. */
const uint8_t* weft_plugin_output(const weft_plugin* plugin, size_t* len);
/** The error message of the last call, NULL when it succeeded (or `plugin` is NULL). Owned by
 * the plugin; valid until the next weft_plugin_call() or weft_plugin_free() on it. */
const char* weft_plugin_error(const weft_plugin* plugin);
/** 1 when the plugin exports a function `name`, else 0 (also for NULL arguments). */
int weft_plugin_function_exists(const weft_plugin* plugin, const char* name);

/** Replaces the plugin's configuration (what config_get reads; initially the manifest's)
 * with `n` pairs keys[i] = values[i]. `keys` and `values` may be NULL when n is 0. */
weft_status weft_plugin_config_set(weft_plugin* plugin, const char* const* keys,
                                   const char* const* values, size_t n);
/** Merges `n` pairs into the configuration; a NULL value removes its key. */
weft_status weft_plugin_config_update(weft_plugin* plugin, const char* const* keys,
                                      const char* const* values, size_t n);
/** Per-call limits of this plugin, instead of those of its options: 0 turns one off (the
 * timeout then is none at all, not the manifest's). */
weft_status weft_plugin_set_timeout_ms(weft_plugin* plugin, uint64_t timeout_ms);
weft_status weft_plugin_set_fuel(weft_plugin* plugin, uint64_t fuel);
weft_status weft_plugin_set_log_level(weft_plugin* plugin, weft_log_level level);

/* ---- cancellation ----------------------------------------------------------------------- */

/** Stops a plugin's running call from another thread. */
typedef struct weft_cancel_handle weft_cancel_handle;

/** A handle for `plugin`; it stays usable after the plugin is freed (cancel is then a no-op).
 * NULL on failure. Free with weft_cancel_handle_free(). */
weft_cancel_handle* weft_plugin_cancel_handle(const weft_plugin* plugin);
/** Stops the call running now, which ends with WEFT_CANCELLED; no effect when the plugin is
 * idle (a later call is not cancelled). Callable from any thread. */
weft_status weft_cancel_handle_cancel(const weft_cancel_handle* handle);
void weft_cancel_handle_free(weft_cancel_handle* handle);

/* ---- pools ------------------------------------------------------------------------------ */

/** Instances of one compiled plugin for concurrent callers: thread-safe. */
typedef struct weft_pool weft_pool;

/** A pool of at most `max_instances` (at least 1) instances of `compiled`, made as needed
 * (the first one now: NULL if the plugin cannot be instantiated). A call waits up to
 * `wait_timeout_ms` (0: not at all; at most 2^40) for an instance when all are busy. Free with
 * weft_pool_free(), once no thread is in weft_pool_call() on it. */
weft_pool* weft_pool_new(const weft_compiled_plugin* compiled, size_t max_instances,
                         uint64_t wait_timeout_ms);
void weft_pool_free(weft_pool* pool);

/** Calls export `name` on an instance of the pool, from any thread. On WEFT_OK, `*output`
 * (with `*output_len` bytes) is the output, allocated for the caller (NULL when empty); on
 * failure it is NULL and `*error`, when `error` is not NULL, is the message (otherwise NULL).
 * Free both with weft_free(). `output` and `output_len` are required. WEFT_BUSY: no instance
 * was free within the pool's wait timeout. */
weft_status weft_pool_call(weft_pool* pool, const char* name, const uint8_t* input, size_t len,
                           uint8_t** output, size_t* output_len, char** error);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WEFT_WEFT_H */
