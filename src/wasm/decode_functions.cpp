// weft: the function section (type of each defined function) and the code section (locals
// and body ranges; the instructions are decoded by the validator).
// https://webassembly.github.io/spec/core/binary/modules.html#function-section
// https://webassembly.github.io/spec/core/binary/modules.html#code-section
#include "wasm/decoder_internal.hpp"

namespace weft::wasm::decoder {
namespace {

/// Declared locals beyond this are refused, as by the JS API and the engines; the spec's own
/// bound (2^32) is checked too, since the sum of the runs can overflow u32.
constexpr uint64_t max_locals = 50000;

Result<void> decode_locals(Reader& body, FunctionBody& out, const Features& features) {
  WEFT_TRY(uint32_t runs, body.count(2));
  for (uint32_t i = 0; i < runs; ++i) {
    size_t at = body.offset();
    WEFT_TRY(uint32_t n, body.u32());
    WEFT_TRY(ValType t, read_valtype(body, features));
    out.local_count += n;
    if (out.local_count > max_locals)
      return body.error_at(at, "too many locals: " + std::to_string(out.local_count) +
                                   " declared so far, at most " + std::to_string(max_locals) +
                                   (out.local_count > UINT32_MAX ? " (and more than 2^32-1)" : ""));
    out.locals.emplace_back(n, t);
  }
  return {};
}

}  // namespace

Result<void> decode_function_section(Reader& r, Context& ctx) {
  Module& m = ctx.module;
  WEFT_TRY(uint32_t n, r.count(1));
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t index = m.imported_funcs + i;
    ctx.at("function", index);
    size_t at = r.offset();
    WEFT_TRY(uint32_t type_index, r.u32());
    check_type_index(type_index, at, ctx, indexed("function", index));
    m.func_types.push_back(type_index);
  }
  return {};
}

Result<void> decode_code_section(Reader& r, Context& ctx) {
  Module& m = ctx.module;
  WEFT_TRY(uint32_t n, r.count(1));
  for (uint32_t i = 0; i < n; ++i) {
    ctx.at("function", m.imported_funcs + i);
    WEFT_TRY(uint32_t size, r.u32());
    size_t start = r.offset();
    WEFT_TRY(auto bytes, r.bytes(size));
    Reader body(bytes, start);
    FunctionBody fb;
    fb.body_offset = start;
    WEFT_TRY_VOID(decode_locals(body, fb, ctx.features));
    fb.code_offset = body.offset();
    fb.end_offset = start + size;
    if (body.at_end())
      return body.error("unexpected end of section or function: the body has no instructions");
    if (bytes.back() != 0x0B)
      return body.error_at(fb.end_offset - 1,
                           "END opcode expected: the last byte of a function body must be end "
                           "(0x0b), found " +
                               hex(bytes.back()));
    m.bodies.push_back(std::move(fb));
  }
  return {};
}

}  // namespace weft::wasm::decoder
