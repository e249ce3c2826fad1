// The extism:host/env kernel, native: every function of Extism's kernel ABI over the host's
// KernelMemory and the plugin's state (config, vars, logging). HTTP (http_request,
// http_status_code, http_headers) is in http.cpp.
#include <string>

#include "abi/extism/http.hpp"
#include "plugin/plugin_state.hpp"

namespace weft::extism {

namespace {

constexpr std::string_view k_env = "extism:host/env";

Failure trap(std::string message) {
  return Failure{Error::make_trap(TrapKind::host_error, "extism:host/env: " + std::move(message))};
}

uint64_t load_le(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
void store_le(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = uint8_t(v >> (8 * i));
}

std::string block_string(plugin_detail::PluginState& s, uint64_t handle) {
  auto b = s.memory.block(handle);
  return std::string(b.begin(), b.end());
}

}  // namespace

void define_env(Linker& linker, plugin_detail::PluginState& state) {
  plugin_detail::PluginState* s = &state;

  // -- memory blocks
  linker.define_func(k_env, "alloc", [s](uint64_t n) -> uint64_t { return s->memory.alloc(n); });
  linker.define_func(k_env, "free", [s](uint64_t h) {
    // As Extism's kernel does: the input's bytes are gone with its block, so its length is 0.
    if (h && h == s->call.input && s->memory.live(h)) s->call.input_length = 0;
    s->memory.free(h);
  });
  linker.define_func(k_env, "length", [s](uint64_t h) -> uint64_t { return s->memory.length(h); });
  linker.define_func(k_env, "length_unsafe",
                     [s](uint64_t h) -> uint64_t { return s->memory.length(h); });
  linker.define_func(k_env, "load_u8", [s](uint64_t p) -> Result<uint32_t> {
    auto v = s->memory.view(p, 1);
    if (!v) return trap("load_u8: offset " + std::to_string(p) + " out of bounds");
    return uint32_t((*v)[0]);
  });
  linker.define_func(k_env, "load_u64", [s](uint64_t p) -> Result<uint64_t> {
    auto v = s->memory.view(p, 8);
    if (!v) return trap("load_u64: offset " + std::to_string(p) + " out of bounds");
    return load_le(v->data());
  });
  linker.define_func(k_env, "store_u8", [s](uint64_t p, uint32_t x) -> Result<void> {
    auto v = s->memory.view(p, 1);
    if (!v) return trap("store_u8: offset " + std::to_string(p) + " out of bounds");
    (*v)[0] = uint8_t(x);
    return {};
  });
  linker.define_func(k_env, "store_u64", [s](uint64_t p, uint64_t x) -> Result<void> {
    auto v = s->memory.view(p, 8);
    if (!v) return trap("store_u64: offset " + std::to_string(p) + " out of bounds");
    store_le(v->data(), x);
    return {};
  });
  linker.define_func(k_env, "memory_bytes", [s]() -> uint64_t { return s->memory.size(); });
  linker.define_func(k_env, "reset", [s]() {
    s->memory.reset();
    s->call = {};
  });

  // -- input, output, error
  linker.define_func(k_env, "input_length", [s]() -> uint64_t { return s->call.input_length; });
  linker.define_func(k_env, "input_offset", [s]() -> uint64_t { return s->call.input; });
  linker.define_func(k_env, "input_set", [s](uint64_t p, uint64_t n) {
    s->call.input = p;
    s->call.input_length = n;
  });
  linker.define_func(k_env, "input_load_u8", [s](uint64_t i) -> Result<uint32_t> {
    if (i >= s->call.input_length) return trap("input_load_u8: offset out of bounds");
    auto v = s->memory.view(s->call.input + i, 1);
    if (!v) return trap("input_load_u8: offset out of bounds");
    return uint32_t((*v)[0]);
  });
  linker.define_func(k_env, "input_load_u64", [s](uint64_t i) -> Result<uint64_t> {
    if (i > s->call.input_length || s->call.input_length - i < 8)
      return trap("input_load_u64: offset out of bounds");
    auto v = s->memory.view(s->call.input + i, 8);
    if (!v) return trap("input_load_u64: offset out of bounds");
    return load_le(v->data());
  });
  linker.define_func(k_env, "output_set", [s](uint64_t p, uint64_t n) {
    s->call.output = p;
    s->call.output_length = n;
  });
  linker.define_func(k_env, "output_length", [s]() -> uint64_t { return s->call.output_length; });
  linker.define_func(k_env, "output_offset", [s]() -> uint64_t { return s->call.output; });
  linker.define_func(k_env, "error_set", [s](uint64_t h) { s->call.error = h; });
  linker.define_func(k_env, "error_get", [s]() -> uint64_t { return s->call.error; });

  // -- config and vars (0 when absent). As in Extism's runtime (runtime/src/pdk.rs), a key
  // or value that is not a live block is an error, and the key block stays the guest's.
  linker.define_func(k_env, "config_get", [s](uint64_t key) -> Result<uint64_t> {
    if (!s->memory.live(key)) return trap("invalid handle offset for config key: " + std::to_string(key));
    auto it = s->config.find(block_string(*s, key));
    if (it == s->config.end()) return uint64_t{0};
    const std::string& v = it->second;
    return s->memory.alloc_bytes(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(v.data()), v.size()));
  });
  linker.define_func(k_env, "var_get", [s](uint64_t key) -> Result<uint64_t> {
    if (!s->memory.live(key)) return trap("invalid handle offset for var key: " + std::to_string(key));
    auto it = s->vars.find(block_string(*s, key));
    if (it == s->vars.end()) return uint64_t{0};
    return s->memory.alloc_bytes(it->second);
  });
  linker.define_func(k_env, "var_set", [s](uint64_t key, uint64_t value) -> Result<void> {
    if (s->max_var_bytes == 0) return trap("Vars are disabled by this host");
    if (!s->memory.live(key)) return trap("invalid handle offset for var key: " + std::to_string(key));
    std::string k = block_string(*s, key);
    if (value == 0) {
      s->vars.erase(k);
      return {};
    }
    if (!s->memory.live(value))
      return trap("invalid handle offset for var value: " + std::to_string(value));
    auto bytes = s->memory.block(value);
    // Extism's accounting: every entry, the new one included (and an entry it replaces
    // still counted), costs its key and value plus a fixed overhead per entry.
    constexpr uint64_t overhead = 48;
    uint64_t total = overhead + k.size() + bytes.size();
    for (const auto& [vk, vv] : s->vars) total += overhead + vk.size() + vv.size();
    if (total > s->max_var_bytes) return trap("Variable store is full");
    s->vars[k] = std::move(bytes);
    return {};
  });

  // -- logging
  auto def_log = [&](std::string_view name, LogLevel level) {
    linker.define_func(k_env, name, [s, level](uint64_t h) -> Result<void> {
      if (s->log_level == LogLevel::off || level < s->log_level) return {};
      if (!s->memory.live(h)) return trap("invalid handle offset for log message: " + std::to_string(h));
      s->log(level, block_string(*s, h));
      return {};
    });
  };
  def_log("log_trace", LogLevel::trace);
  def_log("log_debug", LogLevel::debug);
  def_log("log_info", LogLevel::info);
  def_log("log_warn", LogLevel::warn);
  def_log("log_error", LogLevel::error);
  linker.define_func(k_env, "get_log_level", [s]() -> int32_t {
    return s->log_level == LogLevel::off ? INT32_MAX : int32_t(s->log_level);
  });

  // -- HTTP: http_request, http_status_code, http_headers (http.cpp, over libcurl).
  define_http(linker, state);
}

}  // namespace weft::extism
