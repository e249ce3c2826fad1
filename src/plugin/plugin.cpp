// weft::CompiledPlugin and weft::Plugin: instances, calls, limits (timeout, fuel, memory),
// cancellation, and a pristine instance after a trap.
#include <chrono>
#include <iostream>
#include <thread>

#include "plugin/plugin_state.hpp"
#include "plugin/watchdog.hpp"

namespace weft {

using plugin_detail::CompiledData;
using plugin_detail::PluginState;

std::string_view log_level_name(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::trace: return "trace";
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warn: return "warn";
    case LogLevel::error: return "error";
    case LogLevel::off: return "off";
  }
  return "?";
}

std::optional<LogLevel> parse_log_level(std::string_view name) noexcept {
  for (LogLevel l : {LogLevel::trace, LogLevel::debug, LogLevel::info, LogLevel::warn,
                     LogLevel::error, LogLevel::off})
    if (log_level_name(l) == name) return l;
  return std::nullopt;
}

std::string_view call_status_name(CallStatus s) noexcept {
  switch (s) {
    case CallStatus::ok: return "ok";
    case CallStatus::guest_error: return "guest_error";
    case CallStatus::trap: return "trap";
    case CallStatus::timeout: return "timeout";
    case CallStatus::cancelled: return "cancelled";
    case CallStatus::out_of_fuel: return "out_of_fuel";
    case CallStatus::host_error: return "host_error";
  }
  return "?";
}

namespace plugin_detail {

void PluginState::log(LogLevel level, std::string_view message) const {
  if (log_sink) {
    log_sink(level, message);
  } else {
    std::cerr << "[" << log_level_name(level) << "] " << message << "\n";
  }
}

uint64_t PluginState::vars_bytes() const {
  uint64_t n = 0;
  for (const auto& [k, v] : vars) n += k.size() + v.size();
  return n;
}

}  // namespace plugin_detail

// ---- CurrentPlugin ------------------------------------------------------------------------

std::vector<uint8_t> CurrentPlugin::read_block(uint64_t handle) const { return m_state.memory.block(handle); }
std::string CurrentPlugin::read_string(uint64_t handle) const {
  auto b = m_state.memory.block(handle);
  return std::string(b.begin(), b.end());
}
uint64_t CurrentPlugin::alloc_bytes(std::span<const uint8_t> bytes) { return m_state.memory.alloc_bytes(bytes); }
uint64_t CurrentPlugin::alloc_string(std::string_view s) {
  return alloc_bytes(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
}
void CurrentPlugin::free(uint64_t handle) { m_state.memory.free(handle); }

// ---- CompiledPlugin -----------------------------------------------------------------------

Result<std::shared_ptr<const CompiledPlugin>> CompiledPlugin::create(const Engine& engine,
                                                                     Manifest manifest,
                                                                     PluginOptions options) {
  auto data = std::make_shared<CompiledData>();
  // The plugin owns an engine with the caller's configuration, so it outlives nothing it
  // depends on; memory.max_pages is applied to each instance's store.
  data->engine = std::make_unique<Engine>(engine.config());
  if (manifest.wasm.empty()) return fail(ErrorKind::usage, "manifest: no wasm module");
  // The main module: the one named "main", else the last one (Extism's rule).
  data->main = manifest.wasm.size() - 1;
  for (size_t i = 0; i < manifest.wasm.size(); ++i) {
    const ManifestWasm& w = manifest.wasm[i];
    auto m = data->engine->compile(w.bytes);
    if (!m) {
      Error e = std::move(m).error();
      e.message = "wasm[" + std::to_string(i) + "] (" + w.source + "): " + e.message;
      return Failure{std::move(e)};
    }
    data->modules.push_back(std::move(*m));
    data->names.push_back(w.name);
    if (w.name == "main") data->main = i;
  }
  data->manifest = std::move(manifest);
  data->options = std::move(options);
  return std::make_shared<const CompiledPlugin>(std::move(data));
}

const Manifest& CompiledPlugin::manifest() const noexcept { return m_data->manifest; }
const PluginOptions& CompiledPlugin::options() const noexcept { return m_data->options; }

// ---- CancelHandle -------------------------------------------------------------------------

void CancelHandle::cancel() const noexcept {
  std::lock_guard lock(m_state->mutex);
  if (m_state->running) {
    m_state->cancelled = true;
    m_state->running->interrupt();
  }
}

// ---- Plugin -------------------------------------------------------------------------------

namespace {

void drop_instance(PluginState& s) {
  // A new value as soon as the instance is gone (not only when the next one is made), so that
  // an adapter checking right after a failed call knows its guest state went with it.
  if (s.store) ++s.generation;
  s.instance.reset();
  s.linker.reset();
  s.wasi.reset();
  s.store.reset();
}

Result<void> instantiate(PluginState& s) {
  drop_instance(s);
  const CompiledData& d = *s.data;
  s.store = std::make_unique<Store>(*d.engine, &s);
  if (d.manifest.max_pages) s.store->set_memory_limit_pages(*d.manifest.max_pages);
  s.linker = std::make_unique<Linker>(*d.engine);
  extism::define_env(*s.linker, s);
  PluginState* sp = &s;
  for (const PluginHostFunction& f : d.options.functions) {
    PluginFunction fn = f.fn;
    std::shared_ptr<void> user = f.user_data;
    s.linker->define_func(f.ns, f.name, f.type,
                          [sp, fn, user](Caller& c, std::span<const Value> a, std::span<Value> r) {
                            CurrentPlugin cp(*sp, c);
                            return fn(cp, a, r, user.get());
                          });
  }
  if (d.options.wasi) {
    WasiConfig wc;
    wc.stdout_mode = WasiStdio::inherit;
    wc.stderr_mode = WasiStdio::inherit;
    for (const ManifestPath& p : d.manifest.allowed_paths)
      wc.preopen(p.host_path, p.guest_path, p.read_only);
    s.wasi = std::make_unique<Wasi>(wc);
    WEFT_TRY_VOID(s.wasi->status());
    WEFT_TRY_VOID(s.wasi->define(*s.linker));
  }
  for (size_t i = 0; i < d.modules.size(); ++i) {
    if (i == d.main) continue;
    WEFT_TRY(Instance dep, s.linker->instantiate(*s.store, d.modules[i]));
    if (s.wasi) WEFT_TRY_VOID(s.wasi->initialize(*s.store, dep));
    s.linker->define_instance(d.names[i], dep);
  }
  WEFT_TRY(Instance main, s.linker->instantiate(*s.store, d.modules[d.main]));
  // A reactor's _initialize runs once per instance, before the first call.
  if (auto init = main.get_func("_initialize"); init && init->type().params.empty()) {
    if (s.wasi) {
      WEFT_TRY_VOID(s.wasi->initialize(*s.store, main));
    } else {
      WEFT_TRY(auto ignored, init->call(*s.store, {}));
      (void)ignored;
    }
  }
  s.instance = main;
  ++s.generation;
  return {};
}

}  // namespace

Plugin::Plugin(std::unique_ptr<PluginState> s) : m_state(std::move(s)) { m_state->self = this; }
Plugin::~Plugin() = default;

Result<std::unique_ptr<Plugin>> Plugin::create(std::shared_ptr<const CompiledPlugin> compiled) {
  if (!compiled) return fail(ErrorKind::usage, "Plugin::create: no compiled plugin");
  auto s = std::make_unique<PluginState>();
  s->data = compiled->data().get();
  s->compiled = std::move(compiled);
  const CompiledData& d = *s->data;
  s->config = d.manifest.config;
  if (d.manifest.max_var_bytes) s->max_var_bytes = *d.manifest.max_var_bytes;
  s->log_level = d.options.log_level;
  s->log_sink = d.options.log_sink;
  s->timeout_ms = d.options.timeout_ms ? d.options.timeout_ms : d.manifest.timeout_ms;
  s->fuel = d.options.fuel;
  if (d.manifest.max_pages) s->memory.set_limit(uint64_t(*d.manifest.max_pages) * 65536);
  WEFT_TRY_VOID(instantiate(*s));
  return std::make_unique<Plugin>(std::move(s));
}

bool Plugin::function_exists(std::string_view name) const {
  const CompiledData& d = *m_state->data;
  for (const ExportDesc& e : d.modules[d.main].exports())
    if (e.name == name && e.type.kind == ExternKind::func) return true;
  return false;
}

CallStatus Plugin::last_status() const noexcept { return m_state->last_status; }

Result<std::vector<uint8_t>> Plugin::call(std::string_view name, std::string_view input) {
  return call(name, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(input.data()), input.size()));
}

namespace {

/// Runs `func` under the plugin's limits (fuel, timeout, cancel). A trap, timeout, cancel or
/// running out of fuel sets last_status, drops the instance (the next call gets a pristine
/// one) and comes back as the error; success leaves last_status to the caller.
Result<std::vector<Value>> run_guarded(PluginState& s, const Func& func, std::span<const Value> args) {
  Store& store = *s.store;
  store.set_fuel(s.fuel);
  store.clear_interrupt();
  s.last_error_log.clear();
  {
    std::lock_guard lock(s.cancel->mutex);
    s.cancel->running = &store;
    s.cancel->cancelled = false;
  }

  // The timeout: the process's one watchdog thread interrupts the store if the deadline
  // passes before the call disarms it.
  std::atomic<bool> timed_out = false;
  std::optional<uint64_t> ticket;
  s.call_deadline.reset();  // the deadline also bounds the call's HTTP requests
  if (s.timeout_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(*s.timeout_ms);
    s.call_deadline = deadline;
    ticket = plugin_detail::Watchdog::instance().arm(deadline, store, timed_out);
  }

  s.in_call = true;
  auto r = func.call(store, args);
  s.in_call = false;

  if (ticket) plugin_detail::Watchdog::instance().disarm(*ticket);
  s.call_deadline.reset();
  bool cancelled;
  {
    std::lock_guard lock(s.cancel->mutex);
    s.cancel->running = nullptr;
    cancelled = s.cancel->cancelled;
    s.cancel->cancelled = false;
  }
  store.clear_interrupt();

  if (!r) {
    Error e = std::move(r).error();
    if (e.trap == TrapKind::interrupted && timed_out) {
      s.last_status = CallStatus::timeout;
      e.message = "plugin call timed out after " + std::to_string(*s.timeout_ms) + " ms";
    } else if (e.trap == TrapKind::interrupted && cancelled) {
      s.last_status = CallStatus::cancelled;
      e.message = "plugin call cancelled";
    } else if (e.trap == TrapKind::out_of_fuel) {
      s.last_status = CallStatus::out_of_fuel;
    } else {
      s.last_status = CallStatus::trap;
    }
    // The instance may be in any state: the next call gets a pristine one.
    drop_instance(s);
    s.memory.reset();
    return Failure{std::move(e)};
  }
  return r;
}

/// The export `name` of the live instance (made if a failed call dropped it). Errors set
/// last_status to host_error.
Result<Func> export_func(PluginState& s, std::string_view name) {
  auto host_error = [&](Error e) -> Failure {
    s.last_status = CallStatus::host_error;
    return Failure{std::move(e)};
  };
  if (s.in_call) {
    // Not last_status: the outer call is still running and will set it.
    return fail(ErrorKind::usage, "plugin call to '" + std::string(name) +
                                      "' refused: a call is already running on this plugin "
                                      "(calls are not reentrant)");
  }
  if (!s.instance) {
    if (auto r = instantiate(s); !r) return host_error(std::move(r).error());
  }
  auto func = s.instance->get_func(name);
  if (!func)
    return host_error(Error::make(ErrorKind::usage, "the plugin has no function named '" + std::string(name) + "'"));
  return *func;
}

}  // namespace

Result<std::vector<uint8_t>> Plugin::call(std::string_view name, std::span<const uint8_t> input) {
  PluginState& s = *m_state;
  auto host_error = [&](Error e) -> Failure {
    s.last_status = CallStatus::host_error;
    return Failure{std::move(e)};
  };
  WEFT_TRY(Func func, export_func(s, name));
  const FuncType& ft = func.type();
  bool returns_i32 = ft.results.size() == 1 && ft.results[0] == ValType::i32;
  if (!ft.params.empty() || !(returns_i32 || ft.results.empty()))
    return host_error(Error::make(ErrorKind::usage, "plugin function '" + std::string(name) + "' has type " +
                                      ft.to_string() + ", not [] -> [i32]"));

  // Fresh Extism memory with the input in it.
  s.memory.reset();
  s.call = {};
  if (!input.empty()) {
    s.call.input = s.memory.alloc_bytes(input);
    if (!s.call.input)
      return host_error(Error::make(ErrorKind::usage, "the input does not fit in the plugin's memory limit"));
  }
  s.call.input_length = input.size();

  WEFT_TRY(std::vector<Value> r, run_guarded(s, func, {}));

  int32_t rc = returns_i32 ? r[0].i32() : 0;
  if (s.call.error || rc != 0) {
    s.last_status = CallStatus::guest_error;
    std::string message;
    if (s.call.error && s.memory.live(s.call.error)) {
      auto b = s.memory.block(s.call.error);
      message.assign(b.begin(), b.end());
    } else if (s.call.error) {
      // Extism's kernel accepts any offset in error_set; the message is then unreadable.
      message = "plugin function '" + std::string(name) + "' called error_set with " +
                std::to_string(s.call.error) + ", which is not a live block (it returned " +
                std::to_string(rc) + ")";
    }
    if (message.empty()) message = "plugin function '" + std::string(name) + "' returned " + std::to_string(rc);
    Error e = Error::make(ErrorKind::guest, std::move(message));
    e.exit_code = uint32_t(rc);
    s.memory.reset();
    return Failure{std::move(e)};
  }

  std::vector<uint8_t> out;
  if (s.call.output_length) {
    auto v = s.memory.view(s.call.output, s.call.output_length);
    if (!v) {
      s.last_status = CallStatus::guest_error;
      s.memory.reset();
      return fail(ErrorKind::guest, "plugin output_set: the output is outside the plugin's memory");
    }
    out.assign(v->begin(), v->end());
  }
  s.memory.reset();
  s.last_status = CallStatus::ok;
  return out;
}

Result<std::vector<Value>> Plugin::call_export(std::string_view name, std::span<const Value> args) {
  PluginState& s = *m_state;
  WEFT_TRY(Func func, export_func(s, name));
  const FuncType& ft = func.type();
  bool ok = ft.params.size() == args.size();
  for (size_t i = 0; ok && i < args.size(); ++i) ok = ft.params[i] == args[i].type();
  if (!ok) {
    s.last_status = CallStatus::host_error;
    return fail(ErrorKind::usage, "plugin function '" + std::string(name) + "' has type " + ft.to_string() +
                                      ", which does not take the arguments given");
  }
  WEFT_TRY(std::vector<Value> r, run_guarded(s, func, args));
  s.last_status = CallStatus::ok;
  return r;
}

Result<Instance> Plugin::instance() {
  PluginState& s = *m_state;
  if (!s.instance) {
    if (s.in_call) return fail(ErrorKind::usage, "Plugin::instance: a call is running and its instance was dropped");
    WEFT_TRY_VOID(instantiate(s));
  }
  return *s.instance;
}

Store& Plugin::store() noexcept { return *m_state->store; }
uint64_t Plugin::instance_generation() const noexcept { return m_state->generation; }
void Plugin::set_abi_state(void* state) noexcept { m_state->abi_state = state; }
void* Plugin::abi_state() const noexcept { return m_state->abi_state; }
void* CurrentPlugin::abi_state() const noexcept { return m_state.abi_state; }
Plugin* CurrentPlugin::plugin() const noexcept { return m_state.self; }
void CurrentPlugin::log(LogLevel level, std::string_view message) const {
  if (level >= LogLevel::error) m_state.last_error_log.assign(message.substr(0, 1024));
  if (m_state.log_level != LogLevel::off && level >= m_state.log_level) m_state.log(level, message);
}
const std::string& Plugin::last_error_log() const noexcept { return m_state->last_error_log; }

void Plugin::set_config(std::map<std::string, std::string> config) { m_state->config = std::move(config); }
void Plugin::update_config(const std::map<std::string, std::string>& config) {
  for (const auto& [k, v] : config) m_state->config[k] = v;
}
const std::map<std::string, std::string>& Plugin::config() const { return m_state->config; }
std::optional<std::vector<uint8_t>> Plugin::var(std::string_view key) const {
  auto it = m_state->vars.find(key);
  if (it == m_state->vars.end()) return std::nullopt;
  return it->second;
}
void Plugin::clear_vars() { m_state->vars.clear(); }
void Plugin::set_log_level(LogLevel level) { m_state->log_level = level; }
void Plugin::set_log_sink(LogSink sink) { m_state->log_sink = std::move(sink); }
void Plugin::set_timeout_ms(std::optional<uint64_t> ms) { m_state->timeout_ms = ms; }
void Plugin::set_fuel(std::optional<uint64_t> fuel) { m_state->fuel = fuel; }
CancelHandle Plugin::cancel_handle() const { return CancelHandle(m_state->cancel); }

}  // namespace weft
