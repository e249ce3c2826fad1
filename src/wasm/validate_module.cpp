// weft: validation and lowering of every function body of a module.
#include "interp/interpreter.hpp"
#include "wasm/body_scanner.hpp"
#include "wasm/func_lowering.hpp"

namespace weft::wasm {

Result<void> validate_and_lower(const detail::EngineImpl& engine, detail::ModuleData& data) {
  const Module& m = data.module;
  data.funcs.resize(m.bodies.size());
  // Lowered code is typically two to four times the size of the wasm code.
  data.code.reserve(m.bytes.size() * 3);
  for (size_t i = 0; i < m.bodies.size(); ++i) {
    FuncLowering lowering(engine, data, static_cast<uint32_t>(m.imported_funcs + i), data.code);
    Result<void> r = lowering.run(data.funcs[i]);
    if (!r) {
      // A malformed body anywhere in the module outranks an invalid one (the spec decodes
      // the whole module before validating it).
      if (r.error().kind != ErrorKind::malformed) {
        for (size_t j = i; j < m.bodies.size(); ++j) WEFT_TRY_VOID(scan_body_syntax(m, m.bodies[j], engine.config.features));
      }
      return r;
    }
  }
  interp::finish_code(data);
  return {};
}

}  // namespace weft::wasm
