// weft: value types, reference types and the type section.
// https://webassembly.github.io/spec/core/binary/types.html
#include "wasm/decoder_internal.hpp"

namespace weft::wasm::decoder {

void check_type_index(uint32_t type_index, size_t offset, Context& ctx, std::string_view what) {
  size_t n = ctx.module.types.size();
  if (type_index < n) return;
  ctx.invalid(offset, "unknown type " + std::to_string(type_index) + ": " + std::string(what) +
                          " names type " + std::to_string(type_index) + " but the module has " +
                          std::to_string(n) + " types");
}

namespace {

Result<void> read_valtypes(Reader& r, const Features& features, std::vector<ValType>& out) {
  WEFT_TRY(uint32_t n, r.count(1));
  for (uint32_t i = 0; i < n; ++i) {
    WEFT_TRY(ValType t, read_valtype(r, features));
    out.push_back(t);
  }
  return {};
}

}  // namespace

Result<void> decode_type_section(Reader& r, Context& ctx) {
  WEFT_TRY(uint32_t n, r.count(1));
  for (uint32_t i = 0; i < n; ++i) {
    ctx.at("type", i);
    size_t at = r.offset();
    WEFT_TRY(uint8_t form, r.u8());
    // The reference interpreter reads the form as a one-byte signed LEB128.
    if (form & 0x80)
      return r.error_at(at,
                        "integer representation too long: the function type form is the "
                        "single byte 0x60");
    if (form != 0x60)
      return r.error_at(at, "malformed function type: form " + hex(form) + ", expected 0x60");
    FuncType ft;
    WEFT_TRY_VOID(read_valtypes(r, ctx.features, ft.params));
    size_t results_at = r.offset();
    WEFT_TRY_VOID(read_valtypes(r, ctx.features, ft.results));
    if (ft.results.size() > 1 && !ctx.features.multi_value)
      ctx.invalid(results_at, "invalid result arity: type " + std::to_string(i) + " has " +
                                  std::to_string(ft.results.size()) +
                                  " results; more than one needs the multi_value feature");
    ctx.module.types.push_back(std::move(ft));
  }
  return {};
}

}  // namespace weft::wasm::decoder
