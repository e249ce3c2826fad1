// weft micro-benchmarks (Google Benchmark): compile throughput, instantiation, the cost of
// crossing the host/guest boundary both ways, and the plugin host's per-instance and per-call
// overhead (C++ and C APIs). The modules are encoded here, so the benchmarks need no files.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "weft/plugin.hpp"
#include "weft/weft.h"
#include "weft/weft.hpp"

namespace {

// ---- a minimal binary encoder ----------------------------------------------------------------
struct Bytes {
  std::vector<uint8_t> v;
  void byte(uint8_t b) { v.push_back(b); }
  void u32(uint32_t x) {
    do {
      uint8_t b = x & 0x7F;
      x >>= 7;
      byte(x ? b | 0x80 : b);
    } while (x);
  }
  void s32(int32_t x) {
    for (;;) {
      uint8_t b = x & 0x7F;
      x >>= 7;
      bool done = (x == 0 && !(b & 0x40)) || (x == -1 && (b & 0x40));
      byte(done ? b : b | 0x80);
      if (done) return;
    }
  }
  void name(const char* s) {
    std::vector<uint8_t> n(s, s + std::char_traits<char>::length(s));
    u32(static_cast<uint32_t>(n.size()));
    v.insert(v.end(), n.begin(), n.end());
  }
  void append(const Bytes& o) { v.insert(v.end(), o.v.begin(), o.v.end()); }
  void section(uint8_t id, const Bytes& contents) {
    byte(id);
    u32(static_cast<uint32_t>(contents.v.size()));
    append(contents);
  }
};

Bytes header() {
  Bytes b;
  for (uint8_t x : {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}) b.byte(x);
  return b;
}

/// `functions` functions of type (i32) -> i32, each a loop over `ops` arithmetic steps.
std::vector<uint8_t> large_module(uint32_t functions, uint32_t ops) {
  Bytes m = header();
  Bytes types;
  types.u32(1);
  for (uint8_t x : {0x60, 0x01, 0x7F, 0x01, 0x7F}) types.byte(x);
  m.section(1, types);
  Bytes funcs;
  funcs.u32(functions);
  for (uint32_t i = 0; i < functions; ++i) funcs.u32(0);
  m.section(3, funcs);
  Bytes code;
  code.u32(functions);
  for (uint32_t f = 0; f < functions; ++f) {
    Bytes body;
    body.u32(1);  // one local run: i32 x 1
    body.u32(1);
    body.byte(0x7F);
    body.byte(0x03);  // loop
    body.byte(0x40);
    for (uint32_t k = 0; k < ops; ++k) {
      body.byte(0x20);  // local.get 0
      body.u32(0);
      body.byte(0x41);  // i32.const k
      body.s32(static_cast<int32_t>(k * 7 + f));
      body.byte(k % 3 == 0 ? 0x6A : k % 3 == 1 ? 0x6C : 0x73);  // add, mul, xor
      body.byte(0x21);  // local.set 1
      body.u32(1);
      body.byte(0x20);  // local.get 1
      body.u32(1);
      body.byte(0x21);  // local.set 0
      body.u32(0);
    }
    body.byte(0x20);  // local.get 0, br_if 0
    body.u32(0);
    body.byte(0x0D);
    body.u32(0);
    body.byte(0x0B);  // end loop
    body.byte(0x20);
    body.u32(0);
    body.byte(0x0B);
    code.u32(static_cast<uint32_t>(body.v.size()));
    code.append(body);
  }
  m.section(10, code);
  return m.v;
}

/// (memory 1) (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
/// (func (export "loop") (param i32) ...calls import "env" "h" that many times)
std::vector<uint8_t> small_module(bool with_import) {
  Bytes m = header();
  Bytes types;
  types.u32(2);
  for (uint8_t x : {0x60, 0x02, 0x7F, 0x7F, 0x01, 0x7F}) types.byte(x);  // (i32 i32) -> i32
  for (uint8_t x : {0x60, 0x01, 0x7F, 0x01, 0x7F}) types.byte(x);        // (i32) -> i32
  m.section(1, types);
  if (with_import) {
    Bytes imports;
    imports.u32(1);
    imports.name("env");
    imports.name("h");
    imports.byte(0x00);
    imports.u32(1);
    m.section(2, imports);
  }
  uint32_t base = with_import ? 1 : 0;
  Bytes funcs;
  funcs.u32(with_import ? 2 : 1);
  funcs.u32(0);
  if (with_import) funcs.u32(1);
  m.section(3, funcs);
  Bytes mem;
  mem.u32(1);
  mem.byte(0x00);
  mem.u32(1);
  m.section(5, mem);
  Bytes exports;
  exports.u32(with_import ? 2 : 1);
  exports.name("add");
  exports.byte(0x00);
  exports.u32(base);
  if (with_import) {
    exports.name("loop");
    exports.byte(0x00);
    exports.u32(base + 1);
  }
  m.section(7, exports);
  Bytes code;
  code.u32(with_import ? 2 : 1);
  Bytes add;
  add.u32(0);
  for (uint8_t x : {0x20, 0x00, 0x20, 0x01, 0x6A, 0x0B}) add.byte(x);
  code.u32(static_cast<uint32_t>(add.v.size()));
  code.append(add);
  if (with_import) {
    // (loop $l (br_if $l (local.tee 0 (call $h (i32.sub (local.get 0) (i32.const 1)))))) 0
    Bytes loop;
    loop.u32(0);
    for (uint8_t x : {0x03, 0x40, 0x20, 0x00, 0x41, 0x01, 0x6B, 0x10, 0x00, 0x22, 0x00, 0x0D,
                      0x00, 0x0B, 0x41, 0x00, 0x0B})
      loop.byte(x);
    code.u32(static_cast<uint32_t>(loop.v.size()));
    code.append(loop);
  }
  m.section(10, code);
  return m.v;
}

void compile_throughput(benchmark::State& state) {
  auto bytes = large_module(2000, 100);
  weft::Engine engine;
  for (auto _ : state) {
    auto m = engine.compile(bytes);
    if (!m) state.SkipWithError(m.error().to_string().c_str());
    benchmark::DoNotOptimize(m);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
  state.counters["module_bytes"] = static_cast<double>(bytes.size());
}
BENCHMARK(compile_throughput)->Unit(benchmark::kMillisecond);

void instantiate_one_page(benchmark::State& state) {
  weft::Engine engine;
  auto m = engine.compile(small_module(false));
  weft::Linker linker(engine);
  for (auto _ : state) {
    weft::Store store(engine);
    auto i = linker.instantiate(store, *m);
    benchmark::DoNotOptimize(i);
  }
}
BENCHMARK(instantiate_one_page)->Unit(benchmark::kMicrosecond);

void instantiate_in_existing_store(benchmark::State& state) {
  weft::Engine engine;
  auto m = engine.compile(small_module(false));
  weft::Linker linker(engine);
  weft::Store store(engine);
  for (auto _ : state) {
    auto i = linker.instantiate(store, *m);
    benchmark::DoNotOptimize(i);
  }
}
BENCHMARK(instantiate_in_existing_store)->Unit(benchmark::kMicrosecond)->Iterations(20000);

void host_to_guest_typed_call(benchmark::State& state) {
  weft::Engine engine;
  auto m = engine.compile(small_module(false));
  weft::Store store(engine);
  weft::Linker linker(engine);
  auto i = linker.instantiate(store, *m);
  auto add = i->typed_func<int32_t(int32_t, int32_t)>("add");
  int32_t x = 0;
  for (auto _ : state) {
    x = *(*add)(store, x, 1);
    benchmark::DoNotOptimize(x);
  }
}
BENCHMARK(host_to_guest_typed_call);

void guest_to_host_call(benchmark::State& state) {
  weft::Engine engine;
  auto m = engine.compile(small_module(true));
  weft::Store store(engine);
  weft::Linker linker(engine);
  linker.define_func("env", "h", [](int32_t x) { return x; });
  auto i = linker.instantiate(store, *m);
  auto loop = i->typed_func<int32_t(int32_t)>("loop");
  constexpr int32_t calls = 10000;
  for (auto _ : state) {
    auto r = (*loop)(store, calls);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * calls);
}
BENCHMARK(guest_to_host_call)->Unit(benchmark::kMicrosecond);

// ---- the plugin host ----------------------------------------------------------------------

/// The smallest Extism plugin that takes bytes in and gives bytes out:
///   (module
///     (import "extism:host/env" "input_offset" (func $input_offset (result i64)))
///     (import "extism:host/env" "input_length" (func $input_length (result i64)))
///     (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
///     (func (export "noop") (result i32) i32.const 0)
///     (func (export "echo") (result i32)   ;; the output is the input block itself
///       (call $output_set (call $input_offset) (call $input_length))
///       i32.const 0))
std::vector<uint8_t> echo_plugin() {
  Bytes m = header();
  Bytes types;
  types.u32(3);
  for (uint8_t x : {0x60, 0x00, 0x01, 0x7E}) types.byte(x);        // 0: [] -> [i64]
  for (uint8_t x : {0x60, 0x02, 0x7E, 0x7E, 0x00}) types.byte(x);  // 1: [i64 i64] -> []
  for (uint8_t x : {0x60, 0x00, 0x01, 0x7F}) types.byte(x);        // 2: [] -> [i32]
  m.section(1, types);
  Bytes imports;
  imports.u32(3);
  const std::pair<const char*, uint32_t> env[] = {
      {"input_offset", 0}, {"input_length", 0}, {"output_set", 1}};
  for (const auto& [name, type] : env) {
    imports.name("extism:host/env");
    imports.name(name);
    imports.byte(0x00);
    imports.u32(type);
  }
  m.section(2, imports);
  Bytes funcs;
  funcs.u32(2);
  funcs.u32(2);
  funcs.u32(2);
  m.section(3, funcs);
  Bytes exports;
  exports.u32(2);
  exports.name("noop");
  exports.byte(0x00);
  exports.u32(3);
  exports.name("echo");
  exports.byte(0x00);
  exports.u32(4);
  m.section(7, exports);
  Bytes code;
  code.u32(2);
  Bytes noop;
  for (uint8_t x : {0x00, 0x41, 0x00, 0x0B}) noop.byte(x);  // no locals; i32.const 0
  code.u32(static_cast<uint32_t>(noop.v.size()));
  code.append(noop);
  Bytes echo;
  // no locals; call 0; call 1; call 2; i32.const 0
  for (uint8_t x : {0x00, 0x10, 0x00, 0x10, 0x01, 0x10, 0x02, 0x41, 0x00, 0x0B}) echo.byte(x);
  code.u32(static_cast<uint32_t>(echo.v.size()));
  code.append(echo);
  m.section(10, code);
  return m.v;
}

std::shared_ptr<const weft::CompiledPlugin> compiled_echo_plugin(weft::PluginOptions options = {}) {
  weft::Engine engine;
  auto c = weft::CompiledPlugin::create(engine, weft::Manifest::from_wasm(echo_plugin()),
                                        std::move(options));
  return c ? *c : nullptr;
}

/// Plugin::create from a CompiledPlugin: a store, a linker with the kernel's functions, an
/// instance.
void plugin_instantiate(benchmark::State& state) {
  auto compiled = compiled_echo_plugin();
  if (!compiled) return state.SkipWithError("the echo plugin does not compile");
  for (auto _ : state) {
    auto p = weft::Plugin::create(compiled);
    if (!p) return state.SkipWithError(p.error().to_string().c_str());
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(plugin_instantiate)->Unit(benchmark::kMicrosecond);

/// Plugin::call with `state.range(0)` bytes in and the same bytes out ("echo"; "noop" for 0:
/// nothing in or out).
void plugin_call(benchmark::State& state, weft::PluginOptions options) {
  auto compiled = compiled_echo_plugin(std::move(options));
  if (!compiled) return state.SkipWithError("the echo plugin does not compile");
  auto p = weft::Plugin::create(compiled);
  if (!p) return state.SkipWithError(p.error().to_string().c_str());
  std::vector<uint8_t> input(static_cast<size_t>(state.range(0)), 'x');
  const char* name = input.empty() ? "noop" : "echo";
  for (auto _ : state) {
    auto out = (*p)->call(name, input);
    if (!out || out->size() != input.size()) return state.SkipWithError("wrong output");
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * input.size()));
}
BENCHMARK_CAPTURE(plugin_call, no_limits, weft::PluginOptions{})
    ->Arg(0)
    ->Arg(16)
    ->Arg(1024)
    ->Arg(65536);
/// With a timeout: a watchdog thread per call.
BENCHMARK_CAPTURE(plugin_call, timeout, weft::PluginOptions{.timeout_ms = 60'000})->Arg(0);
/// With fuel: metering in the interpreter and set_fuel per call.
BENCHMARK_CAPTURE(plugin_call, fuel, weft::PluginOptions{.fuel = 1'000'000})->Arg(0);

/// The same through the C API: weft_plugin_call, output kept in the plugin.
void capi_plugin_call(benchmark::State& state) {
  std::vector<uint8_t> wasm = echo_plugin();
  weft_engine* engine = weft_engine_new();
  weft_compiled_plugin* compiled =
      weft_compiled_plugin_from_wasm(engine, wasm.data(), wasm.size(), nullptr);
  weft_plugin* plugin = compiled ? weft_plugin_new(compiled) : nullptr;
  std::vector<uint8_t> input(static_cast<size_t>(state.range(0)), 'x');
  const char* name = input.empty() ? "noop" : "echo";
  if (!plugin) state.SkipWithError(weft_last_error());
  for (auto _ : state) {
    if (!plugin) break;
    if (weft_plugin_call(plugin, name, input.data(), input.size()) != WEFT_OK) {
      state.SkipWithError(weft_plugin_error(plugin));
      break;
    }
    size_t len;
    benchmark::DoNotOptimize(weft_plugin_output(plugin, &len));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * input.size()));
  weft_plugin_free(plugin);
  weft_compiled_plugin_free(compiled);
  weft_engine_free(engine);
}
BENCHMARK(capi_plugin_call)->Arg(0)->Arg(1024);

/// weft_pool_call from 1 and 2 threads on a pool of 2 instances: a lease, a call, an output
/// allocated for the caller.
void capi_pool_call(benchmark::State& state) {
  // One pool for all the threads of a run, made once (the first thread to get here).
  static weft_pool* pool = [] {
    std::vector<uint8_t> wasm = echo_plugin();
    weft_engine* engine = weft_engine_new();
    weft_compiled_plugin* compiled =
        weft_compiled_plugin_from_wasm(engine, wasm.data(), wasm.size(), nullptr);
    weft_pool* p = compiled ? weft_pool_new(compiled, 2, 10'000) : nullptr;
    weft_compiled_plugin_free(compiled);
    weft_engine_free(engine);
    return p;
  }();
  if (!pool) return state.SkipWithError(weft_last_error());
  std::vector<uint8_t> input(16, 'x');
  for (auto _ : state) {
    uint8_t* out = nullptr;
    size_t len = 0;
    if (weft_pool_call(pool, "echo", input.data(), input.size(), &out, &len, nullptr) != WEFT_OK) {
      state.SkipWithError(weft_last_error());
      break;
    }
    weft_free(out);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(capi_pool_call)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
