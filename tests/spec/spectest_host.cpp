// weft spec runner: the `spectest` host module the testsuite imports.
#include "spectest_host.hpp"

namespace weft::spec {

Result<void> define_spectest(Store& store, Linker& linker) {
  struct Print {
    const char* name;
    std::vector<ValType> params;
  };
  const Print prints[] = {
      {"print", {}},
      {"print_i32", {ValType::i32}},
      {"print_i64", {ValType::i64}},
      {"print_f32", {ValType::f32}},
      {"print_f64", {ValType::f64}},
      {"print_i32_f32", {ValType::i32, ValType::f32}},
      {"print_f64_f64", {ValType::f64, ValType::f64}},
  };
  for (const auto& p : prints) {
    linker.define_func(
        "spectest", p.name, FuncType{p.params, {}},
        [](Caller&, std::span<const Value>, std::span<Value>) -> Result<void> { return {}; });
  }

  struct GlobalDef {
    const char* name;
    ValType type;
    Value init;
  };
  const GlobalDef globals[] = {
      {"global_i32", ValType::i32, Value::i32(666)},
      {"global_i64", ValType::i64, Value::i64(666)},
      {"global_f32", ValType::f32, Value::f32(666.6f)},
      {"global_f64", ValType::f64, Value::f64(666.6)},
  };
  for (const auto& g : globals) {
    WEFT_TRY(Global global, store.create_global(GlobalType{g.type, false}, g.init));
    linker.define("spectest", g.name, global);
  }

  WEFT_TRY(Table table, store.create_table(TableType{ValType::funcref, Limits{10, 20}},
                                           Value::null(ValType::funcref)));
  linker.define("spectest", "table", table);
  WEFT_TRY(Memory memory, store.create_memory(MemoryType{Limits{1, 2}}));
  linker.define("spectest", "memory", memory);
  return {};
}

}  // namespace weft::spec
