// weft: the element section, in its eight encodings.
// https://webassembly.github.io/spec/core/binary/modules.html#element-section
//
//   flags  mode         table      type          items
//   0      active       0          funcref       vec(funcidx)
//   1      passive      -          elemkind      vec(funcidx)
//   2      active       tableidx   elemkind      vec(funcidx)
//   3      declarative  -          elemkind      vec(funcidx)
//   4      active       0          funcref       vec(expr)
//   5      passive      -          reftype       vec(expr)
//   6      active       tableidx   reftype       vec(expr)
//   7      declarative  -          reftype       vec(expr)
#include "wasm/decoder_internal.hpp"

namespace weft::wasm::decoder {
namespace {

constexpr uint32_t flag_not_active = 1;   // passive or declarative
constexpr uint32_t flag_explicit = 2;     // active: explicit table; else: declarative
constexpr uint32_t flag_expressions = 4;  // items are expressions, not function indices

Result<ValType> read_elemkind(Reader& r) {
  size_t at = r.offset();
  WEFT_TRY(uint8_t kind, r.u8());
  if (kind != 0x00)
    return r.error_at(at, "malformed element kind " + hex(kind) + ": expected 0x00 (funcref)");
  return ValType::funcref;
}

/// A function index item, kept as the constant expression `ref.func x`.
Result<ConstExpr> read_func_index_item(Reader& r, Context& ctx, std::string_view what) {
  ConstExpr e;
  e.offset = r.offset();
  ConstInstr in;
  in.op = Op::ref_func;
  in.type = ValType::funcref;
  WEFT_TRY(in.value, r.u32());
  if (in.value >= ctx.func_count())
    ctx.invalid(e.offset, "unknown function " + std::to_string(in.value) + " in " +
                              std::string(what) + " (the module has " +
                              std::to_string(ctx.func_count()) + " functions)");
  e.instrs.push_back(in);
  return e;
}

void check_active_table(const ElemSegment& seg, size_t at, Context& ctx, std::string_view what) {
  const Module& m = ctx.module;
  if (seg.table >= m.tables.size()) {
    ctx.invalid(at, "unknown table " + std::to_string(seg.table) + ": " + std::string(what) +
                        " initializes table " + std::to_string(seg.table) + " but the module has " +
                        std::to_string(m.tables.size()) + " tables");
    return;
  }
  ValType table_type = m.tables[seg.table].element;
  if (table_type != seg.type)
    ctx.invalid(at, "type mismatch: " + std::string(what) + " holds " +
                        std::string(valtype_name(seg.type)) + " but table " +
                        std::to_string(seg.table) + " holds " +
                        std::string(valtype_name(table_type)));
}

Result<ElemSegment> decode_segment(Reader& r, Context& ctx, uint32_t index) {
  std::string what = indexed("element segment", index);
  size_t flags_at = r.offset();
  WEFT_TRY(uint32_t flags, r.u32());
  if (flags > 7 || (flags != 0 && !ctx.features.bulk_memory))
    return r.error_at(flags_at, "malformed elements segment kind " + std::to_string(flags) +
                                    (flags > 7 ? ": expected 0 to 7"
                                               : ": flags other than 0 need the bulk_memory "
                                                 "feature"));
  ElemSegment seg;
  bool active = !(flags & flag_not_active);
  bool expressions = flags & flag_expressions;
  size_t table_at = flags_at;
  if (active) {
    seg.mode = ElemSegment::Mode::active;
    if (flags & flag_explicit) {
      table_at = r.offset();
      WEFT_TRY(seg.table, r.u32());
    }
    WEFT_TRY(seg.offset, decode_const_expr(r, ctx, ValType::i32, "the offset of " + what));
  } else {
    seg.mode =
        (flags & flag_explicit) ? ElemSegment::Mode::declarative : ElemSegment::Mode::passive;
  }
  // Flags 0 and 4 imply funcref; the others spell the type out.
  if (flags != 0 && flags != 4) {
    if (expressions) {
      WEFT_TRY(seg.type, read_reftype(r, ctx.features));
    } else {
      WEFT_TRY(seg.type, read_elemkind(r));
    }
  }
  WEFT_TRY(uint32_t n, r.count(1));
  std::string item_what = "an item of " + what;
  for (uint32_t i = 0; i < n; ++i) {
    if (expressions) {
      WEFT_TRY(ConstExpr item, decode_const_expr(r, ctx, seg.type, item_what));
      seg.items.push_back(std::move(item));
    } else {
      WEFT_TRY(ConstExpr item, read_func_index_item(r, ctx, item_what));
      seg.items.push_back(std::move(item));
    }
  }
  if (active) check_active_table(seg, table_at, ctx, what);
  return seg;
}

}  // namespace

Result<void> decode_element_section(Reader& r, Context& ctx) {
  WEFT_TRY(uint32_t n, r.count(1));
  for (uint32_t i = 0; i < n; ++i) {
    ctx.at("element segment", i);
    WEFT_TRY(ElemSegment seg, decode_segment(r, ctx, i));
    ctx.module.elems.push_back(std::move(seg));
  }
  return {};
}

}  // namespace weft::wasm::decoder
