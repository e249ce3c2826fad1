// weft: WASI preview 1 (`wasi_snapshot_preview1`) over a capability sandbox.
//
//   weft::WasiConfig config;
//   config.arg("prog").arg("--verbose").env("K", "V")
//         .preopen("/srv/data", "/data", /*read_only=*/true)
//         .capture_stdout().capture_stderr();
//   weft::Wasi wasi(config);
//   wasi.define(linker);                       // every wasi_snapshot_preview1 import
//   auto instance = linker.instantiate(store, module);
//   auto status = wasi.run_start(store, *instance);  // _start; proc_exit gives the status
//   std::string out = wasi.stdout_text();
//
// State (fd table, buffers, clocks) belongs to one Wasi object, captured by the host
// functions it defines: one Wasi per instance. The guest only reaches host files through
// the preopened directories; see docs/WASI.md for the sandbox rules and errno choices.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "weft/weft.hpp"

namespace weft {

namespace wasi_detail {
struct WasiState;
}

/// How a standard stream of the guest is bound.
enum class WasiStdio : uint8_t {
  inherit,  ///< the host process's own fd 0/1/2
  buffer,   ///< an in-memory buffer (stdin: the bytes given; stdout/stderr: captured)
  null,     ///< reads see end of file, writes are discarded
};

/// A directory of the host made visible to the guest under `guest_path`.
struct WasiPreopen {
  std::string host_path;
  std::string guest_path;
  bool read_only = false;
};

/// Per-instance WASI configuration; a builder.
struct WasiConfig {
  std::vector<std::string> argv;
  std::vector<std::pair<std::string, std::string>> environ;
  std::vector<WasiPreopen> preopens;
  WasiStdio stdin_mode = WasiStdio::null;
  WasiStdio stdout_mode = WasiStdio::inherit;
  WasiStdio stderr_mode = WasiStdio::inherit;
  std::string stdin_data;
  /// The most a captured stdout or stderr keeps, each. Past it a write is cut short, then
  /// fails with `nospc`, as on a full device: a guest cannot exhaust the host's memory.
  size_t capture_limit = size_t{16} << 20;
  /// With a seed: clocks start at a fixed time and advance 1 ms per reading, and random_get
  /// is a seeded generator, so runs repeat exactly.
  std::optional<uint64_t> deterministic_seed;

  WasiConfig& arg(std::string a) {
    argv.push_back(std::move(a));
    return *this;
  }
  WasiConfig& args(std::vector<std::string> a) {
    for (auto& s : a) argv.push_back(std::move(s));
    return *this;
  }
  WasiConfig& env(std::string key, std::string value) {
    environ.emplace_back(std::move(key), std::move(value));
    return *this;
  }
  /// Adds every variable of the host process's environment.
  WasiConfig& inherit_env();
  WasiConfig& preopen(std::string host_dir, std::string guest_path, bool read_only = false) {
    preopens.push_back({std::move(host_dir), std::move(guest_path), read_only});
    return *this;
  }
  WasiConfig& stdin_bytes(std::string data) {
    stdin_mode = WasiStdio::buffer;
    stdin_data = std::move(data);
    return *this;
  }
  WasiConfig& inherit_stdio() {
    stdin_mode = stdout_mode = stderr_mode = WasiStdio::inherit;
    return *this;
  }
  WasiConfig& capture_stdout() {
    stdout_mode = WasiStdio::buffer;
    return *this;
  }
  WasiConfig& capture_stderr() {
    stderr_mode = WasiStdio::buffer;
    return *this;
  }
  /// Sets capture_limit, in bytes.
  WasiConfig& capture_limit_bytes(size_t limit) {
    capture_limit = limit;
    return *this;
  }
  WasiConfig& deterministic(uint64_t seed) {
    deterministic_seed = seed;
    return *this;
  }
};

/// One WASI instance: its fd table and streams. Define it on a linker, instantiate, run.
class Wasi {
 public:
  /// Opens the preopened directories; a directory that cannot be opened is an io error
  /// reported by `status()` (and define() then defines nothing).
  explicit Wasi(const WasiConfig& config);
  ~Wasi();
  Wasi(const Wasi&) = delete;
  Wasi& operator=(const Wasi&) = delete;

  /// Whether the configuration could be applied (preopens opened).
  Result<void> status() const;
  /// Defines every function of `wasi_snapshot_preview1` on `linker`. The functions keep
  /// this object's state alive, so they stay valid after the Wasi is destroyed.
  Result<void> define(Linker& linker) const;

  /// Runs a command module's `_start`. Returns the exit status: 0 when _start returns,
  /// the proc_exit code when the guest exits; a trap is an error.
  Result<uint32_t> run_start(Store& store, const Instance& instance) const;
  /// Initializes a reactor module: calls `_initialize` if it exports one.
  Result<void> initialize(Store& store, const Instance& instance) const;

  /// What the guest wrote to a captured stdout / stderr.
  std::string stdout_text() const;
  std::string stderr_text() const;

 private:
  std::shared_ptr<wasi_detail::WasiState> m_state;
};

}  // namespace weft
