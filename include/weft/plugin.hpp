// weft: a plugin host with the Extism ABI (`extism:host/env`, implemented natively).
//
//   auto manifest = weft::Manifest::load("plugin.json");   // or a raw .wasm path
//   weft::Engine engine;
//   auto compiled = weft::CompiledPlugin::create(engine, *manifest, {});  // shared, thread-safe
//   auto plugin = weft::Plugin::create(*compiled);                        // one per thread
//   auto out = (*plugin)->call("greet", bytes);                          // Result<bytes>
//
// See docs/PLUGINS.md for the manifest schema, the ABI and the limits.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "weft/result.hpp"
#include "weft/weft.hpp"

namespace weft {

// ---- manifest ---------------------------------------------------------------------------

/// One wasm source of a manifest, already read (`path`), decoded (base64 `data`) or fetched
/// (`url`, with its optional `method` and `headers`, over HTTP or HTTPS when the manifest is
/// parsed).
struct ManifestWasm {
  std::string name;               ///< "" when none was given (the main module then)
  std::string source;             ///< "path:...", "data", "url:..." — for messages
  std::vector<uint8_t> bytes;
  std::optional<std::string> hash;  ///< lower-case hex sha256, verified when loaded
};

/// A host directory made visible to a WASI plugin (`allowed_paths`).
struct ManifestPath {
  std::string host_path;
  std::string guest_path;
  bool read_only = false;  ///< the key had the `ro:` prefix
};

/// Extism's manifest (https://extism.org/docs/concepts/manifest).
struct Manifest {
  std::vector<ManifestWasm> wasm;
  std::optional<uint32_t> max_pages;                 ///< memory.max_pages
  /// memory.max_http_response_bytes: the largest response body http_request accepts
  /// (default 50 MiB, Extism's).
  std::optional<uint64_t> max_http_response_bytes;
  std::optional<uint64_t> max_var_bytes;             ///< memory.max_var_bytes (default 1 MiB)
  std::map<std::string, std::string> config;
  /// The hosts http_request may reach: globs with `*` and `?` over the URL's host name
  /// (redirect targets included). Empty: none.
  std::vector<std::string> allowed_hosts;
  std::vector<ManifestPath> allowed_paths;
  std::optional<uint64_t> timeout_ms;
  /// Whether http_headers shows the plugin its responses' headers. Not part of Extism's JSON:
  /// the host's decision (Extism's PluginBuilder::with_http_response_headers), off by default.
  bool allow_http_response_headers = false;

  /// Parses Extism's JSON. Relative `path` sources are read relative to `base_dir`; `url`
  /// sources are fetched now (redirects followed, non-2xx refused). Errors (kind usage, io for
  /// unreadable files and failed fetches) name the JSON path ("wasm[1].hash: ...") or, for a
  /// url, the source ("wasm[0] (url:https://...): HTTP status 404").
  static Result<Manifest> parse_json(std::string_view json, const std::string& base_dir = ".");
  /// A manifest file (JSON), or a raw .wasm file (starts with "\0asm") as a manifest of one
  /// module.
  static Result<Manifest> load(const std::string& path);
  /// A manifest of one module from its bytes.
  static Manifest from_wasm(std::vector<uint8_t> bytes);
};

/// Lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(std::span<const uint8_t> bytes);

// ---- plugins ----------------------------------------------------------------------------

enum class LogLevel : uint8_t { trace = 0, debug = 1, info = 2, warn = 3, error = 4, off = 5 };
std::string_view log_level_name(LogLevel level) noexcept;
/// "trace", "debug", "info", "warn", "error", "off".
std::optional<LogLevel> parse_log_level(std::string_view name) noexcept;
using LogSink = std::function<void(LogLevel, std::string_view message)>;

class Plugin;

namespace plugin_detail {
struct PluginState;
struct CompiledData;
struct CancelState;
}  // namespace plugin_detail

/// What a host function sees of the calling plugin: the Extism memory (handles) and the
/// calling wasm instance.
class CurrentPlugin {
 public:
  CurrentPlugin(plugin_detail::PluginState& state, Caller& caller) : m_state(state), m_caller(caller) {}
  /// The bytes of the Extism memory block `handle` (empty if it is not a live block).
  std::vector<uint8_t> read_block(uint64_t handle) const;
  std::string read_string(uint64_t handle) const;
  /// Allocates a block holding `bytes`; returns its handle (0 if the memory is full).
  uint64_t alloc_bytes(std::span<const uint8_t> bytes);
  uint64_t alloc_string(std::string_view s);
  void free(uint64_t handle);
  Caller& caller() const noexcept { return m_caller; }
  /// The state an ABI adapter attached with Plugin::set_abi_state (nullptr if none).
  void* abi_state() const noexcept;
  /// The plugin being called.
  Plugin* plugin() const noexcept;
  /// A log line from the guest through the plugin's current log level and sink (dropped
  /// below the level, or when it is off). An error-level line is also kept, whatever the
  /// level, as Plugin::last_error_log().
  void log(LogLevel level, std::string_view message) const;

 private:
  plugin_detail::PluginState& m_state;
  Caller& m_caller;
};

/// A host function: arguments and results of the declared wasm types; `user_data` is the
/// pointer given with the definition. Return an error to trap the guest.
using PluginFunction = std::function<Result<void>(CurrentPlugin& plugin, std::span<const Value> args,
                                                  std::span<Value> results, void* user_data)>;

struct PluginHostFunction {
  std::string ns = "extism:host/user";
  std::string name;
  FuncType type;
  PluginFunction fn;
  /// Kept alive as long as any plugin using it; passed to `fn` as `user_data`.
  std::shared_ptr<void> user_data;
};

struct PluginOptions {
  bool wasi = false;  ///< link wasi_snapshot_preview1 (preopens from allowed_paths)
  std::vector<PluginHostFunction> functions;
  /// Per-call limits; a manifest's timeout_ms is used when `timeout_ms` is not set.
  std::optional<uint64_t> timeout_ms;
  std::optional<uint64_t> fuel;
  LogLevel log_level = LogLevel::off;
  LogSink log_sink;  ///< default: "[level] message" on standard error
};

/// How the last call ended.
enum class CallStatus : uint8_t {
  ok,
  guest_error,  ///< error_set, or a non-zero return code: ErrorKind::guest, with the guest's message
  trap,
  timeout,
  cancelled,
  out_of_fuel,
  host_error,   ///< the host refused the call (no such function, reentrant call...)
};
std::string_view call_status_name(CallStatus s) noexcept;

/// A plugin compiled once: immutable, shared between threads; instances come from it.
class CompiledPlugin {
 public:
  /// Compiles every module of the manifest with an engine of the same configuration. Each
  /// instance's store caps its memories at the manifest's memory.max_pages.
  static Result<std::shared_ptr<const CompiledPlugin>> create(const Engine& engine, Manifest manifest,
                                                              PluginOptions options = {});
  const Manifest& manifest() const noexcept;
  const PluginOptions& options() const noexcept;
  std::shared_ptr<const plugin_detail::CompiledData> data() const noexcept { return m_data; }

  explicit CompiledPlugin(std::shared_ptr<const plugin_detail::CompiledData> d) : m_data(std::move(d)) {}

 private:
  std::shared_ptr<const plugin_detail::CompiledData> m_data;
};

/// Cancels the running call of a plugin from any thread (a no-op when it is idle).
class CancelHandle {
 public:
  explicit CancelHandle(std::shared_ptr<plugin_detail::CancelState> s) : m_state(std::move(s)) {}
  void cancel() const noexcept;

 private:
  std::shared_ptr<plugin_detail::CancelState> m_state;
};

/// One plugin instance: not thread-safe (one call at a time), cheap to make.
class Plugin {
 public:
  static Result<std::unique_ptr<Plugin>> create(std::shared_ptr<const CompiledPlugin> compiled);
  ~Plugin();
  Plugin(const Plugin&) = delete;
  Plugin& operator=(const Plugin&) = delete;

  /// Calls export `name` (type [] -> [i32] or [] -> []) with `input`; returns the output
  /// the guest set. A guest error, a trap, a timeout, a cancel or running out of fuel is an
  /// error (see last_status()); after a trap, timeout or cancel the next call runs on a
  /// fresh instance. A call from inside a call (a host function) is refused.
  Result<std::vector<uint8_t>> call(std::string_view name, std::span<const uint8_t> input);
  Result<std::vector<uint8_t>> call(std::string_view name, std::string_view input);
  bool function_exists(std::string_view name) const;

  /// Calls export `name` with wasm arguments under the same limits (timeout, fuel, cancel) and
  /// with the same recovery (a pristine instance after a trap, timeout or cancel) as call(),
  /// but without Extism's input and output: how the event ABIs of src/abi/ call their guests.
  /// Any non-trapping return is ok; the results are the function's.
  Result<std::vector<Value>> call_export(std::string_view name, std::span<const Value> args);
  /// The live instance (instantiated again if a failed call dropped it) and its store: for
  /// hosts that read and write the guest's memory between calls.
  Result<Instance> instance();
  /// The store of the live instance; valid after instance() succeeded, until the next failed call.
  Store& store() noexcept;
  /// Changes when the instance (and its memory) is dropped after a trap, timeout or cancel,
  /// and again when the next one is made: a value other than the one an adapter noted means
  /// state it keeps about the guest (blocks, buffers, initialisation) must be made again.
  uint64_t instance_generation() const noexcept;
  /// An ABI adapter's per-plugin state, which its host functions reach through
  /// CurrentPlugin::abi_state(). Not owned.
  void set_abi_state(void* state) noexcept;
  void* abi_state() const noexcept;
  /// The last error-level line the guest logged (CurrentPlugin::log) during the last call,
  /// or "": what a guest said before it trapped (a Rust panic's message, an abort reason).
  const std::string& last_error_log() const noexcept;
  CallStatus last_status() const noexcept;

  /// Replaces (set) or merges (update) the configuration the guest reads with config_get.
  void set_config(std::map<std::string, std::string> config);
  void update_config(const std::map<std::string, std::string>& config);
  const std::map<std::string, std::string>& config() const;
  /// The plugin's vars (var_get/var_set), kept across calls.
  std::optional<std::vector<uint8_t>> var(std::string_view key) const;
  void clear_vars();

  void set_log_level(LogLevel level);
  void set_log_sink(LogSink sink);
  void set_timeout_ms(std::optional<uint64_t> ms);
  void set_fuel(std::optional<uint64_t> fuel);
  CancelHandle cancel_handle() const;

  explicit Plugin(std::unique_ptr<plugin_detail::PluginState> s);

 private:
  std::unique_ptr<plugin_detail::PluginState> m_state;
};

}  // namespace weft

// PluginPool: instances of one CompiledPlugin leased to concurrent callers.
#include "weft/pool.hpp"  // IWYU pragma: export
