// weft: global types and the global section.
// https://webassembly.github.io/spec/core/binary/modules.html#global-section
#include "wasm/decoder_internal.hpp"

namespace weft::wasm::decoder {

Result<GlobalType> read_global_type(Reader& r, const Features& features) {
  GlobalType g;
  WEFT_TRY(g.type, read_valtype(r, features));
  size_t at = r.offset();
  WEFT_TRY(uint8_t mut, r.u8());
  if (mut > 1)
    return r.error_at(at,
                      "malformed mutability " + hex(mut) + ": expected 0x00 (const) or 0x01 (var)");
  g.mutable_ = mut == 1;
  return g;
}

Result<void> decode_global_section(Reader& r, Context& ctx) {
  Module& m = ctx.module;
  WEFT_TRY(uint32_t n, r.count(1));
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t index = m.imported_globals + i;
    ctx.at("global", index);
    Global g;
    WEFT_TRY(g.type, read_global_type(r, ctx.features));
    // Only imported globals are visible to global initializers (C' in the spec).
    WEFT_TRY(g.init, decode_const_expr(r, ctx, g.type.type,
                                       "the initializer of " + indexed("global", index)));
    m.global_types.push_back(g.type);
    m.globals.push_back(std::move(g));
  }
  return {};
}

}  // namespace weft::wasm::decoder
