// weft micro-benchmarks (Google Benchmark): compile throughput, instantiation, and the cost
// of crossing the host/guest boundary both ways. The modules are encoded here, so the
// benchmarks need no files.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

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

}  // namespace

BENCHMARK_MAIN();
