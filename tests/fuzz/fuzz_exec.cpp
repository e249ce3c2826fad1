// A libFuzzer target that executes modules: the companion of fuzz_module.cpp (issue #8).
//
// Its inputs are meant to be valid modules: tests/fuzz/run-exec seeds the corpus with modules
// from binaryen's generator (`wasm-opt -ttf`), which libFuzzer then mutates; mutants that no
// longer compile are cheap to drop. A module that compiles is instantiated with dummies for
// its imports (functions returning zeros, a memory, a table, a global of the declared types;
// binaryen's fuzzing-support.log-* among them), then every exported function is called in
// export order with zero arguments, each under a fuel bound so that no input runs long.
// Traps are expected; a crash, a sanitizer report or a hang is a bug.
//
// Built twice, as fuzz_module is: with -fsanitize=fuzzer by the fuzz preset, and with
// replay_main.cpp in every other build (fuzz_exec_replay), where ctest replays the kept inputs.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "dummy_imports.hpp"
#include "weft/weft.hpp"

namespace {

/// Fuel for instantiation (start function) and for each export call.
constexpr uint64_t k_fuel_per_call = 200'000;

weft::EngineConfig exec_config() {
  weft::EngineConfig config;
  config.max_memory_pages = 1024;  // 64 MiB: a huge memory is refused, not built
  config.max_table_elements = 1 << 16;
  config.max_call_depth = 2000;  // deep enough for generated code, shallow under ASan
  return config;
}

using weft_fuzz::define_dummies;
using weft_fuzz::zero_of;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const weft::Engine engine(exec_config());
  auto module = engine.compile(std::span<const uint8_t>(data, size));
  if (!module) return 0;

  weft::Store store(engine);
  weft::Linker linker(engine);
  define_dummies(store, linker, *module);
  store.set_fuel(k_fuel_per_call);
  auto instance = linker.instantiate(store, *module);
  if (!instance) return 0;

  std::vector<weft::Value> args;
  for (const auto& [name, ext] : instance->exports()) {
    auto func = ext.func();
    if (!func) continue;
    args.clear();
    for (weft::ValType t : func->type().params) args.push_back(zero_of(t));
    store.set_fuel(k_fuel_per_call);
    (void)func->call(store, args);
  }
  return 0;
}
