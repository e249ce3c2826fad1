// weft: the data section and the data count section.
// https://webassembly.github.io/spec/core/binary/modules.html#data-section
//
//   flags  mode     memory
//   0      active   0
//   1      passive  -
//   2      active   memidx
#include "wasm/decoder_internal.hpp"

namespace weft::wasm::decoder {
namespace {

Result<DataSegment> decode_segment(Reader& r, Context& ctx, uint32_t index) {
  const Module& m = ctx.module;
  std::string what = indexed("data segment", index);
  size_t flags_at = r.offset();
  WEFT_TRY(uint32_t flags, r.u32());
  if (flags > 2 || (flags != 0 && !ctx.features.bulk_memory))
    return r.error_at(flags_at, "malformed data segment kind " + std::to_string(flags) +
                                    (flags > 2 ? ": expected 0, 1 or 2"
                                               : ": flags other than 0 need the bulk_memory "
                                                 "feature"));
  DataSegment seg;
  if (flags == 1) {
    seg.mode = DataSegment::Mode::passive;
  } else {
    size_t memory_at = r.offset();
    if (flags == 2) {
      WEFT_TRY(seg.memory, r.u32());
    }
    if (seg.memory >= m.memories.size())
      ctx.invalid(flags == 2 ? memory_at : flags_at,
                  "unknown memory " + std::to_string(seg.memory) + ": " + what +
                      " initializes memory " + std::to_string(seg.memory) + " but the module has " +
                      std::to_string(m.memories.size()) + " memories");
    WEFT_TRY(seg.offset, decode_const_expr(r, ctx, ValType::i32, "the offset of " + what));
  }
  WEFT_TRY(uint32_t size, r.u32());
  seg.data_offset = r.offset();
  seg.data_size = size;
  WEFT_TRY_VOID(r.skip(size));
  return seg;
}

}  // namespace

Result<void> decode_data_section(Reader& r, Context& ctx) {
  WEFT_TRY(uint32_t n, r.count(1));
  for (uint32_t i = 0; i < n; ++i) {
    ctx.at("data segment", i);
    WEFT_TRY(DataSegment seg, decode_segment(r, ctx, i));
    ctx.module.datas.push_back(std::move(seg));
  }
  return {};
}

Result<void> decode_data_count_section(Reader& r, Context& ctx) {
  WEFT_TRY(uint32_t count, r.u32());
  ctx.module.data_count = count;
  return {};
}

}  // namespace weft::wasm::decoder
