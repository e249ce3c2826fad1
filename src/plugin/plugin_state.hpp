// The state behind weft::Plugin, shared with the native extism:host/env kernel.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "abi/extism/kernel_memory.hpp"
#include "weft/plugin.hpp"
#include "weft/wasi.hpp"

namespace weft::plugin_detail {

struct CompiledData {
  Manifest manifest;
  PluginOptions options;
  std::unique_ptr<Engine> engine;  ///< the plugin's own engine (the caller's configuration)
  /// The modules, in manifest order; `main` indexes the one whose exports are called.
  std::vector<Module> modules;
  std::vector<std::string> names;
  size_t main = 0;
};

struct CancelState {
  std::mutex mutex;
  Store* running = nullptr;  ///< the store of the call in progress
  bool cancelled = false;    ///< set by cancel() during that call
};

/// What one call tracks, reset when it starts.
struct CallState {
  uint64_t input = 0;  ///< handle of the input block
  uint64_t input_length = 0;
  uint64_t output = 0;
  uint64_t output_length = 0;
  uint64_t error = 0;
};

struct PluginState {
  std::shared_ptr<const CompiledPlugin> compiled;
  const CompiledData* data = nullptr;

  std::map<std::string, std::string> config;
  std::map<std::string, std::vector<uint8_t>, std::less<>> vars;
  uint64_t max_var_bytes = 1u << 20;
  LogLevel log_level = LogLevel::off;
  LogSink log_sink;
  std::optional<uint64_t> timeout_ms;
  std::optional<uint64_t> fuel;

  extism::KernelMemory memory;
  CallState call;

  // The live instance; all are dropped to get a pristine one.
  std::unique_ptr<Store> store;
  std::unique_ptr<Linker> linker;
  std::unique_ptr<Wasi> wasi;
  std::optional<Instance> instance;

  /// The last error-level line the guest logged during the running (or last) call, whatever
  /// the log level: it explains a trap or a failure (Plugin::last_error_log).
  std::string last_error_log;
  uint64_t generation = 0;  ///< instantiations so far (Plugin::instance_generation)
  void* abi_state = nullptr;  ///< an event ABI adapter's state (Plugin::set_abi_state)
  Plugin* self = nullptr;     ///< the Plugin that owns this state

  bool in_call = false;
  CallStatus last_status = CallStatus::ok;
  std::shared_ptr<CancelState> cancel = std::make_shared<CancelState>();

  // ---- HTTP (src/abi/extism/http.cpp) ---------------------------------------------------
  /// When the running call must end (its timeout), set by Plugin::call; bounds HTTP requests.
  std::optional<std::chrono::steady_clock::time_point> call_deadline;
  int32_t http_status = 0;  ///< of the last http_request's response (http_status_code)
  /// The last response's headers as a JSON object, kept only when the manifest allows
  /// plugins to see them (http_headers).
  std::optional<std::string> http_headers_json;
  // ---- end HTTP ----------------------------------------------------------------------------

  void log(LogLevel level, std::string_view message) const;
  uint64_t vars_bytes() const;
};

}  // namespace weft::plugin_detail

namespace weft::extism {
/// Defines every extism:host/env function on `linker`, over `state`.
void define_env(Linker& linker, plugin_detail::PluginState& state);
}  // namespace weft::extism
