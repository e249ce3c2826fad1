// weft: the tables generated from opcodes.def.
#include "wasm/opcodes.hpp"

#include <array>

namespace weft::wasm {
namespace {

// ValType tokens of signatures.def; `none` is a placeholder never read.
constexpr ValType sig_type_i32 = ValType::i32;
constexpr ValType sig_type_i64 = ValType::i64;
constexpr ValType sig_type_f32 = ValType::f32;
constexpr ValType sig_type_f64 = ValType::f64;
constexpr ValType sig_type_v128 = ValType::v128;
constexpr ValType sig_type_none = ValType::i32;
constexpr bool sig_has_none = false;
constexpr bool sig_has_i32 = true;
constexpr bool sig_has_i64 = true;
constexpr bool sig_has_f32 = true;
constexpr bool sig_has_f64 = true;
constexpr bool sig_has_v128 = true;

constexpr SigInfo sig_table[] = {
#define WEFT_SIG(name, n, p0, p1, p2, r) \
  SigInfo{n, {sig_type_##p0, sig_type_##p1, sig_type_##p2}, sig_has_##r, sig_type_##r},
#include "wasm/signatures.def"
#undef WEFT_SIG
};

constexpr OpInfo op_table[] = {
#define WEFT_OP(name, prefix, code, text, imm, sig, kind, feature) \
  OpInfo{prefix, code, text, Imm::imm, Sig::sig, OpKind::kind, Feature::feature},
#include "wasm/opcodes.def"
#undef WEFT_OP
};
static_assert(std::size(op_table) == op_count);

constexpr uint16_t no_op = 0xFFFF;

struct Lookup {
  std::array<uint16_t, 256> one{};
  std::array<uint16_t, 32> fc{};
  std::array<uint16_t, 512> fd{};
  constexpr Lookup() {
    one.fill(no_op);
    fc.fill(no_op);
    fd.fill(no_op);
    for (size_t i = 0; i < op_count; ++i) {
      const OpInfo& info = op_table[i];
      if (info.prefix == 0) one[info.code] = static_cast<uint16_t>(i);
      if (info.prefix == 0xFC) fc[info.code] = static_cast<uint16_t>(i);
      if (info.prefix == 0xFD) fd[info.code] = static_cast<uint16_t>(i);
    }
  }
};
constexpr Lookup lookup_table;

}  // namespace

const OpInfo& op_info(Op op) noexcept { return op_table[static_cast<size_t>(op)]; }
const SigInfo& sig_info(Sig sig) noexcept { return sig_table[static_cast<size_t>(sig)]; }

std::optional<Op> lookup_op(uint8_t prefix, uint32_t code) noexcept {
  uint16_t i = no_op;
  if (prefix == 0 && code < lookup_table.one.size()) i = lookup_table.one[code];
  if (prefix == 0xFC && code < lookup_table.fc.size()) i = lookup_table.fc[code];
  if (prefix == 0xFD && code < lookup_table.fd.size()) i = lookup_table.fd[code];
  if (i == no_op) return std::nullopt;
  return static_cast<Op>(i);
}

uint32_t natural_alignment(Op op) noexcept {
  // The access width is spelled in the name after "load" or "store" (load8_s, store16,
  // load32_zero, load8x8_s); without a width the access is the whole type.
  std::string_view t = op_info(op).text;
  size_t pos = t.find("load");
  size_t len = 4;
  if (pos == std::string_view::npos) {
    pos = t.find("store");
    len = 5;
  }
  std::string_view width = pos == std::string_view::npos ? std::string_view{} : t.substr(pos + len);
  if (width.starts_with("8x8") || width.starts_with("16x4") || width.starts_with("32x2")) return 3;
  if (width.starts_with("8")) return 0;
  if (width.starts_with("16")) return 1;
  if (width.starts_with("32")) return 2;
  if (width.starts_with("64")) return 3;
  if (t.starts_with("v128")) return 4;
  if (t.starts_with("i32") || t.starts_with("f32")) return 2;
  return 3;
}

}  // namespace weft::wasm
