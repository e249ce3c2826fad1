// The weft side of the differential test (tests/fuzz/differential, issue #8).
//
//   diff_driver [--fuel N] FILE.wasm...
//
// Runs each module the way binaryen's `wasm-opt --fuzz-exec-before` runs it: instantiate with
// the `fuzzing-support` logging imports, then call every exported function in export order
// with zero arguments, calling `hangLimitInitializer` (when exported) before each call. The
// instance lives across the calls, as in binaryen and in diff_harness.js. Prints one line per
// event, in the normalized format diff_compare reads (diff_harness.js prints the same):
//
//   module PATH
//   invalid KIND | unlinkable | uninstantiable TRAP   (and nothing else for that module)
//   call NAME
//   log VALUE                       each value logged through fuzzing-support.log-*
//   result VALUE...                 a call's results, when it has any
//   trap TRAP                       the call trapped (weft's trap_name, e.g. unreachable)
//   memhash PAGES HEX               after all calls: FNV-1a 32 of exported memory "memory"
//   end
//
// VALUE: i32/i64 in signed decimal; f32/f64 as "f:nan" or "f:" and the shortest decimal that
// reads back as the same double (an f32 is widened to double first); references as funcref:null,
// funcref:func, externref:null, externref:obj; v128 as "v128:" and its 16 bytes in memory order,
// in hex.
//
// Each call runs under a fuel bound (default 10^9): binaryen's modules bound their own loops
// and recursion (a global "hang limit"), so running out of fuel is itself a divergence.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <span>
#include <string>
#include <vector>

#include "weft/weft.hpp"

namespace {

void append_value(std::string& out, const weft::Value& v) {
  char buf[64];
  switch (v.type()) {
    case weft::ValType::i32: out += std::to_string(v.i32()); return;
    case weft::ValType::i64: out += std::to_string(v.i64()); return;
    case weft::ValType::f32:
    case weft::ValType::f64: {
      double d = v.type() == weft::ValType::f32 ? static_cast<double>(v.f32()) : v.f64();
      out += "f:";
      if (std::isnan(d)) {
        out += "nan";
        return;
      }
      auto r = std::to_chars(buf, buf + sizeof buf, d);
      out.append(buf, r.ptr);
      return;
    }
    case weft::ValType::funcref: out += v.is_null() ? "funcref:null" : "funcref:func"; return;
    case weft::ValType::externref: out += v.is_null() ? "externref:null" : "externref:obj"; return;
    case weft::ValType::v128: {
      out += "v128:";
      for (int i = 0; i < 16; ++i) {
        std::snprintf(buf, sizeof buf, "%02x", v.v128().bytes[i]);
        out += buf;
      }
      return;
    }
  }
}

weft::Value zero_of(weft::ValType type) {
  if (type == weft::ValType::v128) return weft::Value::v128(weft::V128{});
  if (weft::is_reftype(type)) return weft::Value::null(type);
  return weft::Value::zero(type);
}

std::string trap_text(const weft::Error& e) {
  if (e.kind == weft::ErrorKind::trap) return std::string(weft::trap_name(e.trap));
  return std::string(weft::error_kind_name(e.kind));
}

/// FNV-1a, 32 bits, over every byte of the memory (diff_harness.js computes the same).
uint32_t fnv1a(const uint8_t* p, uint64_t n) {
  uint32_t h = 2166136261u;
  for (uint64_t i = 0; i < n; ++i) h = (h ^ p[i]) * 16777619u;
  return h;
}

void run_module(const weft::Engine& engine, const char* path, uint64_t fuel, std::string& out) {
  out += "module ";
  out += path;
  out += '\n';
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  if (!in && !in.eof()) {
    out += "io\nend\n";
    return;
  }
  auto module = engine.compile(bytes);
  if (!module) {
    out += "invalid ";
    out += weft::error_kind_name(module.error().kind);
    out += '\n';
    // The reason goes to stderr, for people; diff_compare compares only the first word.
    std::fprintf(stderr, "%s: %s\n", path, module.error().to_string().c_str());
    out += "end\n";
    return;
  }

  weft::Store store(engine);
  weft::Linker linker(engine);
  // Only the five logging functions exist: binaryen 108's -ttf imports nothing else with the
  // WebAssembly 2.0 feature set (other imports make the module unlinkable, reported as such).
  const weft::ValType log_types[] = {weft::ValType::i32, weft::ValType::i64, weft::ValType::f32,
                                     weft::ValType::f64, weft::ValType::v128};
  const char* log_names[] = {"log-i32", "log-i64", "log-f32", "log-f64", "log-v128"};
  for (int i = 0; i < 5; ++i) {
    linker.define_func("fuzzing-support", log_names[i], weft::FuncType{{log_types[i]}, {}},
                       [&out](weft::Caller&, std::span<const weft::Value> args,
                              std::span<weft::Value>) -> weft::Result<void> {
                         out += "log ";
                         append_value(out, args[0]);
                         out += '\n';
                         return {};
                       });
  }
  store.set_fuel(fuel);
  auto instance = linker.instantiate(store, *module);
  if (!instance) {
    const weft::Error& e = instance.error();
    if (e.kind == weft::ErrorKind::uninstantiable || e.kind == weft::ErrorKind::trap) {
      out += "uninstantiable " + trap_text(e) + '\n';
    } else {
      out += std::string(weft::error_kind_name(e.kind)) + '\n';
    }
    std::fprintf(stderr, "%s: %s\n", path, e.to_string().c_str());
    out += "end\n";
    return;
  }

  std::optional<weft::Func> hang_init = instance->get_func("hangLimitInitializer");
  for (const auto& [name, ext] : instance->exports()) {
    auto func = ext.func();
    if (!func) continue;
    if (hang_init) {
      store.set_fuel(fuel);
      (void)hang_init->call(store, {});
    }
    out += "call " + name + '\n';
    std::vector<weft::Value> args;
    for (weft::ValType t : func->type().params) args.push_back(zero_of(t));
    store.set_fuel(fuel);
    auto results = func->call(store, args);
    if (!results) {
      out += "trap " + trap_text(results.error()) + '\n';
      continue;
    }
    if (results->empty()) continue;
    out += "result";
    for (const weft::Value& v : *results) {
      out += ' ';
      append_value(out, v);
    }
    out += '\n';
  }
  if (auto memory = instance->get_memory("memory")) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "memhash %llu %08x\n",
                  static_cast<unsigned long long>(memory->size_pages()),
                  fnv1a(memory->data(), memory->size_bytes()));
    out += buf;
  }
  out += "end\n";
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t fuel = 1'000'000'000;
  std::vector<const char*> files;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--fuel") == 0 && i + 1 < argc) {
      fuel = std::strtoull(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "-h") == 0 || std::strcmp(argv[i], "--help") == 0) {
      std::printf("usage: diff_driver [--fuel N] FILE.wasm...\n");
      return 0;
    } else {
      files.push_back(argv[i]);
    }
  }
  // The WebAssembly 2.0 feature set the generator is run with, SIMD included (the default).
  const weft::Engine engine;
  std::string out;
  for (const char* path : files) {
    out.clear();
    run_module(engine, path, fuel, out);
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
  }
  return 0;
}
