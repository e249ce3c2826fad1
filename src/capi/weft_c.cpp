// The C API (include/weft/weft.h) over the C++ plugin host: opaque handles around
// weft::Engine, PluginOptions, CompiledPlugin, Plugin, CancelHandle and PluginPool. Every
// entry point is noexcept: C++ exceptions (out of memory) become a status and a message.
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "weft/plugin.hpp"
#include "weft/pool.hpp"
#include "weft/weft.h"

struct weft_engine {
  weft::Engine engine;
};

struct weft_plugin_options {
  weft::PluginOptions options;
};

struct weft_compiled_plugin {
  std::shared_ptr<const weft::CompiledPlugin> compiled;
};

struct weft_plugin {
  std::unique_ptr<weft::Plugin> plugin;
  std::vector<uint8_t> output;
  std::string error;
  bool failed = false;
};

struct weft_cancel_handle {
  weft::CancelHandle handle;
};

struct weft_pool {
  std::unique_ptr<weft::PluginPool> pool;
};

/// One host function call's view of the plugin; lives on the stack of that call.
struct weft_current_plugin {
  weft::CurrentPlugin* plugin = nullptr;
  /// Copies handed out by weft_current_plugin_block: each stays valid until the host
  /// function returns (a deque: earlier elements do not move when one is added).
  std::deque<std::vector<uint8_t>> blocks;
  std::string error;
  bool has_error = false;
};

namespace {

using weft::ErrorKind;

thread_local std::string t_last_error;

void set_last_error(const char* fn, std::string_view message) noexcept {
  try {
    t_last_error = std::string(fn) + ": " + std::string(message);
  } catch (...) {
    t_last_error = "out of memory";  // fits the small-string buffer: does not allocate
  }
}

weft_status failure(weft_status status, const char* fn, std::string_view message) noexcept {
  set_last_error(fn, message);
  return status;
}

weft_status null_argument(const char* fn, const char* arg) noexcept {
  try {
    return failure(WEFT_INVALID_ARGUMENT, fn, std::string(arg) + " is NULL");
  } catch (...) {
    return failure(WEFT_INVALID_ARGUMENT, fn, "out of memory");
  }
}

/// Runs `body`, turning an escaping exception into `on_exception` and a message.
template <class R, class F>
R guarded(const char* fn, R on_exception, F&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    set_last_error(fn, "out of memory");
  } catch (const std::exception& e) {
    set_last_error(fn, e.what());
  } catch (...) {
    set_last_error(fn, "unexpected C++ exception");
  }
  return on_exception;
}

// The enums are as wide as int32 (their MAX_ENUM value), so any value a C caller passes is
// one the enum can hold: comparing is defined.
bool valid_valtype(weft_valtype t) { return static_cast<uint32_t>(t) <= WEFT_F64; }
bool valid_log_level(weft_log_level l) { return static_cast<uint32_t>(l) <= WEFT_LOG_OFF; }

weft::ValType to_valtype(weft_valtype t) {
  switch (t) {
    case WEFT_I32: return weft::ValType::i32;
    case WEFT_I64: return weft::ValType::i64;
    case WEFT_F32: return weft::ValType::f32;
    case WEFT_F64: return weft::ValType::f64;
    default: return weft::ValType::i32;  // unreachable: checked by valid_valtype
  }
}

weft_val to_c(weft::ValType t, const weft::Value& v) {
  weft_val out{};
  if (t == weft::ValType::i64) {
    out.type = WEFT_I64;
    out.of.i64 = v.i64();
  } else if (t == weft::ValType::f32) {
    out.type = WEFT_F32;
    out.of.f32 = v.f32();
  } else if (t == weft::ValType::f64) {
    out.type = WEFT_F64;
    out.of.f64 = v.f64();
  } else {
    out.type = WEFT_I32;
    out.of.i32 = v.i32();
  }
  return out;
}

/// By the declared type, whatever the callback left in `type`.
weft::Value from_c(weft::ValType t, const weft_val& v) {
  switch (t) {
    case weft::ValType::i64: return weft::Value::i64(v.of.i64);
    case weft::ValType::f32: return weft::Value::f32(v.of.f32);
    case weft::ValType::f64: return weft::Value::f64(v.of.f64);
    default: return weft::Value::i32(v.of.i32);
  }
}

/// A caller's pointer and its destructor, called when the last owner lets go.
struct UserData {
  void* data;
  weft_destructor destructor;
  UserData(void* d, weft_destructor f) : data(d), destructor(f) {}
  UserData(const UserData&) = delete;
  UserData& operator=(const UserData&) = delete;
  ~UserData() {
    if (destructor) destructor(data);
  }
};

weft_status from_call_status(weft::CallStatus s) {
  switch (s) {
    case weft::CallStatus::ok: return WEFT_OK;
    case weft::CallStatus::guest_error: return WEFT_GUEST_ERROR;
    case weft::CallStatus::trap: return WEFT_TRAP;
    case weft::CallStatus::timeout: return WEFT_TIMEOUT;
    case weft::CallStatus::cancelled: return WEFT_CANCELLED;
    case weft::CallStatus::out_of_fuel: return WEFT_OUT_OF_FUEL;
    case weft::CallStatus::host_error: return WEFT_HOST_ERROR;
  }
  return WEFT_ERROR;
}

/// The status of a failed Plugin::call. A refused call (usage: a reentrant call) does not
/// set last_status, which then still tells of the call before.
weft_status failed_call_status(const weft::Plugin& p, const weft::Error& e) {
  if (e.kind == ErrorKind::usage) return WEFT_HOST_ERROR;
  weft_status s = from_call_status(p.last_status());
  return s == WEFT_OK ? WEFT_ERROR : s;
}

/// A guest's error is its own message; others say what kind of failure they are.
std::string call_error_message(const weft::Error& e) {
  return e.kind == ErrorKind::guest ? e.message : e.to_string();
}

std::span<const uint8_t> bytes(const uint8_t* data, size_t len) {
  return len ? std::span<const uint8_t>(data, len) : std::span<const uint8_t>();
}

weft_compiled_plugin* compile(const char* fn, const weft_engine* engine,
                              weft::Result<weft::Manifest> manifest,
                              const weft_plugin_options* options) {
  if (!manifest) {
    set_last_error(fn, manifest.error().to_string());
    return nullptr;
  }
  weft::PluginOptions o = options ? options->options : weft::PluginOptions{};
  auto c = weft::CompiledPlugin::create(engine->engine, std::move(*manifest), std::move(o));
  if (!c) {
    set_last_error(fn, c.error().to_string());
    return nullptr;
  }
  return new weft_compiled_plugin{std::move(*c)};
}

weft_status set_config_pairs(const char* fn, weft_plugin* plugin, const char* const* keys,
                             const char* const* values, size_t n, bool replace) {
  if (!plugin) return null_argument(fn, "plugin");
  if (n && !keys) return null_argument(fn, "keys");
  if (n && !values) return null_argument(fn, "values");
  std::map<std::string, std::string> config;
  if (!replace) config = plugin->plugin->config();
  for (size_t i = 0; i < n; ++i) {
    if (!keys[i])
      return failure(WEFT_INVALID_ARGUMENT, fn, "keys[" + std::to_string(i) + "] is NULL");
    if (values[i]) {
      config[keys[i]] = values[i];
    } else if (replace) {
      return failure(WEFT_INVALID_ARGUMENT, fn, "values[" + std::to_string(i) + "] is NULL");
    } else {
      config.erase(keys[i]);
    }
  }
  plugin->plugin->set_config(std::move(config));
  return WEFT_OK;
}

}  // namespace

extern "C" {

// ---- status and errors ----------------------------------------------------------------------

const char* weft_status_name(weft_status status) {
  switch (status) {
    case WEFT_OK: return "ok";
    case WEFT_GUEST_ERROR: return "guest_error";
    case WEFT_TRAP: return "trap";
    case WEFT_TIMEOUT: return "timeout";
    case WEFT_CANCELLED: return "cancelled";
    case WEFT_OUT_OF_FUEL: return "out_of_fuel";
    case WEFT_HOST_ERROR: return "host_error";
    case WEFT_INVALID_ARGUMENT: return "invalid_argument";
    case WEFT_BUSY: return "busy";
    case WEFT_ERROR: return "error";
    default: return "unknown";
  }
}

const char* weft_last_error(void) { return t_last_error.c_str(); }

void weft_free(void* ptr) { std::free(ptr); }

// ---- engine ---------------------------------------------------------------------------------

weft_engine* weft_engine_new(void) {
  return guarded("weft_engine_new", static_cast<weft_engine*>(nullptr),
                 [] { return new weft_engine; });
}

void weft_engine_free(weft_engine* engine) { delete engine; }

// ---- plugin options -------------------------------------------------------------------------

weft_plugin_options* weft_plugin_options_new(void) {
  return guarded("weft_plugin_options_new", static_cast<weft_plugin_options*>(nullptr),
                 [] { return new weft_plugin_options; });
}

void weft_plugin_options_free(weft_plugin_options* options) { delete options; }

weft_status weft_plugin_options_set_wasi(weft_plugin_options* options, int enabled) {
  if (!options) return null_argument("weft_plugin_options_set_wasi", "options");
  options->options.wasi = enabled != 0;
  return WEFT_OK;
}

weft_status weft_plugin_options_set_timeout_ms(weft_plugin_options* options, uint64_t timeout_ms) {
  if (!options) return null_argument("weft_plugin_options_set_timeout_ms", "options");
  options->options.timeout_ms = timeout_ms ? std::optional<uint64_t>(timeout_ms) : std::nullopt;
  return WEFT_OK;
}

weft_status weft_plugin_options_set_fuel(weft_plugin_options* options, uint64_t fuel) {
  if (!options) return null_argument("weft_plugin_options_set_fuel", "options");
  options->options.fuel = fuel ? std::optional<uint64_t>(fuel) : std::nullopt;
  return WEFT_OK;
}

weft_status weft_plugin_options_set_log_level(weft_plugin_options* options, weft_log_level level) {
  const char* fn = "weft_plugin_options_set_log_level";
  if (!options) return null_argument(fn, "options");
  if (!valid_log_level(level))
    return failure(WEFT_INVALID_ARGUMENT, fn, "level is not a weft_log_level");
  options->options.log_level = static_cast<weft::LogLevel>(level);
  return WEFT_OK;
}

weft_status weft_plugin_options_set_log_callback(weft_plugin_options* options,
                                                 weft_log_callback callback, void* user_data,
                                                 weft_destructor destructor) {
  const char* fn = "weft_plugin_options_set_log_callback";
  if (!options) return null_argument(fn, "options");
  return guarded(fn, WEFT_ERROR, [&] {
    if (!callback) {
      options->options.log_sink = nullptr;
      return WEFT_OK;
    }
    auto user = std::make_shared<UserData>(user_data, destructor);
    options->options.log_sink = [callback, user](weft::LogLevel level, std::string_view message) {
      // A copy, for the NUL the C side expects; a log line is dropped when memory is short.
      try {
        std::string m(message);
        callback(static_cast<weft_log_level>(level), m.c_str(), m.size(), user->data);
      } catch (...) {
      }
    };
    return WEFT_OK;
  });
}

weft_status weft_plugin_options_add_host_function(weft_plugin_options* options, const char* ns,
                                                  const char* name, const weft_valtype* params,
                                                  size_t n_params, const weft_valtype* results,
                                                  size_t n_results, weft_host_function callback,
                                                  void* user_data, weft_destructor destructor) {
  const char* fn = "weft_plugin_options_add_host_function";
  if (!options) return null_argument(fn, "options");
  if (!name) return null_argument(fn, "name");
  if (!callback) return null_argument(fn, "callback");
  if (n_params && !params) return null_argument(fn, "params");
  if (n_results && !results) return null_argument(fn, "results");
  return guarded(fn, WEFT_ERROR, [&] {
    weft::FuncType type;
    for (size_t i = 0; i < n_params + n_results; ++i) {
      bool is_param = i < n_params;
      weft_valtype t = is_param ? params[i] : results[i - n_params];
      if (!valid_valtype(t)) {
        return failure(WEFT_INVALID_ARGUMENT, fn,
                       std::string(is_param ? "params[" : "results[") +
                           std::to_string(is_param ? i : i - n_params) + "] of '" + name +
                           "' is not a weft_valtype");
      }
      (is_param ? type.params : type.results).push_back(to_valtype(t));
    }
    weft::PluginHostFunction f;
    f.ns = ns ? ns : "extism:host/user";
    f.name = name;
    f.type = type;
    std::string label = f.ns + "::" + f.name;
    f.fn = [callback, type, label](weft::CurrentPlugin& cp, std::span<const weft::Value> args,
                                   std::span<weft::Value> res, void* user) -> weft::Result<void> {
      try {
        weft_current_plugin current;
        current.plugin = &cp;
        std::vector<weft_val> in(args.size()), out(res.size());
        for (size_t i = 0; i < args.size(); ++i) in[i] = to_c(type.params[i], args[i]);
        for (size_t i = 0; i < res.size(); ++i)
          out[i] = to_c(type.results[i], weft::Value::zero(type.results[i]));
        int32_t rc = callback(&current, in.data(), in.size(), out.data(), out.size(),
                              static_cast<UserData*>(user)->data);
        if (rc != 0) {
          std::string message =
              current.has_error
                  ? current.error
                  : "host function " + label + " failed (returned " + std::to_string(rc) + ")";
          return weft::fail(weft::Error::make_trap(weft::TrapKind::host_error, std::move(message)));
        }
        for (size_t i = 0; i < res.size(); ++i) res[i] = from_c(type.results[i], out[i]);
        return {};
      } catch (...) {
        return weft::fail(weft::Error::make_trap(weft::TrapKind::host_error,
                                                 "host function " + label + ": out of memory"));
      }
    };
    // Constructed last: from here on the destructor belongs to weft (once, when the last
    // copy of the definition goes).
    options->options.functions.reserve(options->options.functions.size() + 1);
    f.user_data = std::make_shared<UserData>(user_data, destructor);
    options->options.functions.push_back(std::move(f));  // no reallocation: cannot throw
    return WEFT_OK;
  });
}

// ---- host functions: the calling plugin's Extism memory -------------------------------------

const uint8_t* weft_current_plugin_block(weft_current_plugin* plugin, uint64_t handle,
                                         size_t* len) {
  if (len) *len = 0;
  if (!plugin) {
    null_argument("weft_current_plugin_block", "plugin");
    return nullptr;
  }
  return guarded("weft_current_plugin_block", static_cast<const uint8_t*>(nullptr),
                 [&]() -> const uint8_t* {
                   std::vector<uint8_t> b = plugin->plugin->read_block(handle);
                   if (b.empty()) return nullptr;
                   plugin->blocks.push_back(std::move(b));
                   if (len) *len = plugin->blocks.back().size();
                   return plugin->blocks.back().data();
                 });
}

uint64_t weft_current_plugin_alloc(weft_current_plugin* plugin, const uint8_t* data, size_t len) {
  const char* fn = "weft_current_plugin_alloc";
  if (!plugin) return null_argument(fn, "plugin"), 0;
  if (len && !data) return null_argument(fn, "data"), 0;
  return guarded(fn, uint64_t{0}, [&] { return plugin->plugin->alloc_bytes(bytes(data, len)); });
}

void weft_current_plugin_free(weft_current_plugin* plugin, uint64_t handle) {
  if (!plugin) {
    null_argument("weft_current_plugin_free", "plugin");
    return;
  }
  plugin->plugin->free(handle);
}

void weft_current_plugin_set_error(weft_current_plugin* plugin, const char* message) {
  const char* fn = "weft_current_plugin_set_error";
  if (!plugin) {
    null_argument(fn, "plugin");
    return;
  }
  guarded(fn, 0, [&] {
    plugin->error = message ? message : "";
    plugin->has_error = message != nullptr;
    return 0;
  });
}

// ---- compiled plugins -----------------------------------------------------------------------

weft_compiled_plugin* weft_compiled_plugin_from_json(const weft_engine* engine, const char* json,
                                                     const char* base_dir,
                                                     const weft_plugin_options* options) {
  const char* fn = "weft_compiled_plugin_from_json";
  if (!engine) return null_argument(fn, "engine"), nullptr;
  if (!json) return null_argument(fn, "json"), nullptr;
  return guarded(fn, static_cast<weft_compiled_plugin*>(nullptr), [&] {
    return compile(fn, engine, weft::Manifest::parse_json(json, base_dir ? base_dir : "."),
                   options);
  });
}

weft_compiled_plugin* weft_compiled_plugin_from_file(const weft_engine* engine, const char* path,
                                                     const weft_plugin_options* options) {
  const char* fn = "weft_compiled_plugin_from_file";
  if (!engine) return null_argument(fn, "engine"), nullptr;
  if (!path) return null_argument(fn, "path"), nullptr;
  return guarded(fn, static_cast<weft_compiled_plugin*>(nullptr),
                 [&] { return compile(fn, engine, weft::Manifest::load(path), options); });
}

weft_compiled_plugin* weft_compiled_plugin_from_wasm(const weft_engine* engine, const uint8_t* wasm,
                                                     size_t len,
                                                     const weft_plugin_options* options) {
  const char* fn = "weft_compiled_plugin_from_wasm";
  if (!engine) return null_argument(fn, "engine"), nullptr;
  if (!wasm) return null_argument(fn, "wasm"), nullptr;
  return guarded(fn, static_cast<weft_compiled_plugin*>(nullptr), [&] {
    return compile(fn, engine, weft::Manifest::from_wasm(std::vector<uint8_t>(wasm, wasm + len)),
                   options);
  });
}

void weft_compiled_plugin_free(weft_compiled_plugin* compiled) { delete compiled; }

// ---- plugins --------------------------------------------------------------------------------

weft_plugin* weft_plugin_new(const weft_compiled_plugin* compiled) {
  const char* fn = "weft_plugin_new";
  if (!compiled) return null_argument(fn, "compiled"), nullptr;
  return guarded(fn, static_cast<weft_plugin*>(nullptr), [&]() -> weft_plugin* {
    auto p = weft::Plugin::create(compiled->compiled);
    if (!p) {
      set_last_error(fn, p.error().to_string());
      return nullptr;
    }
    auto plugin = std::make_unique<weft_plugin>();
    plugin->plugin = std::move(*p);
    return plugin.release();
  });
}

void weft_plugin_free(weft_plugin* plugin) { delete plugin; }

weft_status weft_plugin_call(weft_plugin* plugin, const char* name, const uint8_t* input,
                             size_t len) {
  const char* fn = "weft_plugin_call";
  if (!plugin) return null_argument(fn, "plugin");
  plugin->output.clear();
  plugin->error.clear();
  plugin->failed = true;
  auto refuse = [&](weft_status s) noexcept {
    try {
      plugin->error = t_last_error;
    } catch (...) {
      plugin->error.clear();  // weft_plugin_error() is then "", weft_last_error() still says why
    }
    return s;
  };
  if (!name) return refuse(null_argument(fn, "name"));
  if (len && !input) return refuse(null_argument(fn, "input"));
  weft_status s = guarded(fn, WEFT_ERROR, [&] {
    auto out = plugin->plugin->call(name, bytes(input, len));
    if (!out) {
      plugin->error = call_error_message(out.error());
      return failure(failed_call_status(*plugin->plugin, out.error()), fn, plugin->error);
    }
    plugin->output = std::move(*out);
    plugin->failed = false;
    return WEFT_OK;
  });
  if (s == WEFT_ERROR && plugin->error.empty()) return refuse(s);  // an exception: its message
  return s;
}

const uint8_t* weft_plugin_output(const weft_plugin* plugin, size_t* len) {
  if (len) *len = 0;
  if (!plugin || plugin->output.empty()) return nullptr;
  if (len) *len = plugin->output.size();
  return plugin->output.data();
}

const char* weft_plugin_error(const weft_plugin* plugin) {
  if (!plugin || !plugin->failed) return nullptr;
  return plugin->error.c_str();
}

int weft_plugin_function_exists(const weft_plugin* plugin, const char* name) {
  if (!plugin || !name) return 0;
  return guarded("weft_plugin_function_exists", 0,
                 [&] { return plugin->plugin->function_exists(name) ? 1 : 0; });
}

weft_status weft_plugin_config_set(weft_plugin* plugin, const char* const* keys,
                                   const char* const* values, size_t n) {
  const char* fn = "weft_plugin_config_set";
  return guarded(fn, WEFT_ERROR,
                 [&] { return set_config_pairs(fn, plugin, keys, values, n, true); });
}

weft_status weft_plugin_config_update(weft_plugin* plugin, const char* const* keys,
                                      const char* const* values, size_t n) {
  const char* fn = "weft_plugin_config_update";
  return guarded(fn, WEFT_ERROR,
                 [&] { return set_config_pairs(fn, plugin, keys, values, n, false); });
}

weft_status weft_plugin_set_timeout_ms(weft_plugin* plugin, uint64_t timeout_ms) {
  if (!plugin) return null_argument("weft_plugin_set_timeout_ms", "plugin");
  plugin->plugin->set_timeout_ms(timeout_ms ? std::optional<uint64_t>(timeout_ms) : std::nullopt);
  return WEFT_OK;
}

weft_status weft_plugin_set_fuel(weft_plugin* plugin, uint64_t fuel) {
  if (!plugin) return null_argument("weft_plugin_set_fuel", "plugin");
  plugin->plugin->set_fuel(fuel ? std::optional<uint64_t>(fuel) : std::nullopt);
  return WEFT_OK;
}

weft_status weft_plugin_set_log_level(weft_plugin* plugin, weft_log_level level) {
  const char* fn = "weft_plugin_set_log_level";
  if (!plugin) return null_argument(fn, "plugin");
  if (!valid_log_level(level))
    return failure(WEFT_INVALID_ARGUMENT, fn, "level is not a weft_log_level");
  plugin->plugin->set_log_level(static_cast<weft::LogLevel>(level));
  return WEFT_OK;
}

// ---- cancellation ---------------------------------------------------------------------------

weft_cancel_handle* weft_plugin_cancel_handle(const weft_plugin* plugin) {
  const char* fn = "weft_plugin_cancel_handle";
  if (!plugin) return null_argument(fn, "plugin"), nullptr;
  return guarded(fn, static_cast<weft_cancel_handle*>(nullptr),
                 [&] { return new weft_cancel_handle{plugin->plugin->cancel_handle()}; });
}

weft_status weft_cancel_handle_cancel(const weft_cancel_handle* handle) {
  if (!handle) return null_argument("weft_cancel_handle_cancel", "handle");
  handle->handle.cancel();
  return WEFT_OK;
}

void weft_cancel_handle_free(weft_cancel_handle* handle) { delete handle; }

// ---- pools ----------------------------------------------------------------------------------

weft_pool* weft_pool_new(const weft_compiled_plugin* compiled, size_t max_instances,
                         uint64_t wait_timeout_ms) {
  const char* fn = "weft_pool_new";
  if (!compiled) return null_argument(fn, "compiled"), nullptr;
  if (max_instances == 0) return failure(WEFT_INVALID_ARGUMENT, fn, "max_instances is 0"), nullptr;
  // Past this a wait would overflow the steady clock's duration; nobody means it anyway.
  constexpr uint64_t max_wait_ms = uint64_t(1) << 40;
  if (wait_timeout_ms > max_wait_ms)
    return failure(WEFT_INVALID_ARGUMENT, fn, "wait_timeout_ms is more than 2^40"), nullptr;
  return guarded(fn, static_cast<weft_pool*>(nullptr), [&]() -> weft_pool* {
    weft::PoolOptions o;
    o.max_instances = max_instances;
    o.wait_timeout = std::chrono::milliseconds(static_cast<int64_t>(wait_timeout_ms));
    auto pool = weft::PluginPool::create(compiled->compiled, o);
    if (!pool) {
      set_last_error(fn, pool.error().to_string());
      return nullptr;
    }
    return new weft_pool{std::move(*pool)};
  });
}

void weft_pool_free(weft_pool* pool) { delete pool; }

weft_status weft_pool_call(weft_pool* pool, const char* name, const uint8_t* input, size_t len,
                           uint8_t** output, size_t* output_len, char** error) {
  const char* fn = "weft_pool_call";
  if (output) *output = nullptr;
  if (output_len) *output_len = 0;
  if (error) *error = nullptr;
  // The message for the caller, allocated with malloc so that weft_free releases it.
  auto report = [&](weft_status s, std::string_view message) noexcept {
    failure(s, fn, message);
    if (error) {
      *error = static_cast<char*>(std::malloc(message.size() + 1));
      if (*error) {
        std::memcpy(*error, message.data(), message.size());
        (*error)[message.size()] = '\0';
      }
    }
    return s;
  };
  if (!pool) return report(WEFT_INVALID_ARGUMENT, "pool is NULL");
  if (!name) return report(WEFT_INVALID_ARGUMENT, "name is NULL");
  if (len && !input) return report(WEFT_INVALID_ARGUMENT, "input is NULL");
  if (!output) return report(WEFT_INVALID_ARGUMENT, "output is NULL");
  if (!output_len) return report(WEFT_INVALID_ARGUMENT, "output_len is NULL");
  weft_status s = guarded(fn, WEFT_ERROR, [&] {
    auto lease = pool->pool->acquire();
    if (!lease) {
      // The only usage error of acquire() is "all instances busy"; the others are those of
      // instantiating a new instance.
      return report(lease.error().kind == ErrorKind::usage ? WEFT_BUSY : WEFT_ERROR,
                    lease.error().to_string());
    }
    auto out = (*lease)->call(name, bytes(input, len));
    if (!out)
      return report(failed_call_status(**lease, out.error()), call_error_message(out.error()));
    if (!out->empty()) {
      *output = static_cast<uint8_t*>(std::malloc(out->size()));
      if (!*output) return report(WEFT_ERROR, "out of memory");
      std::memcpy(*output, out->data(), out->size());
      *output_len = out->size();
    }
    return WEFT_OK;
  });
  if (s == WEFT_ERROR && error && !*error) {  // an exception: its message
    *error = static_cast<char*>(std::malloc(t_last_error.size() + 1));
    if (*error) std::memcpy(*error, t_last_error.c_str(), t_last_error.size() + 1);
  }
  return s;
}

}  // extern "C"
