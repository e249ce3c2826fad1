// weft: instruction metadata generated from opcodes.def.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "weft/value.hpp"

namespace weft::wasm {

/// The immediate operands an instruction carries in the binary format.
enum class Imm : uint8_t {
  none,
  block_type,     ///< blocktype (s33)
  label,          ///< labelidx
  label_table,    ///< vec(labelidx) labelidx
  func,           ///< funcidx
  call_indirect,  ///< typeidx tableidx
  local,          ///< localidx
  global,         ///< globalidx
  table,          ///< tableidx
  memarg,         ///< align offset
  memory,         ///< memidx (a zero byte in 2.0)
  i32,            ///< i32 (s32 LEB128)
  i64,            ///< i64 (s64 LEB128)
  f32,            ///< 4 bytes
  f64,            ///< 8 bytes
  v128,           ///< 16 bytes
  lane,           ///< one lane index byte
  shuffle,        ///< 16 lane index bytes
  memarg_lane,    ///< memarg then a lane index byte
  ref_null,       ///< reftype
  select_t,       ///< vec(valtype)
  memory_init,    ///< dataidx memidx
  data,           ///< dataidx
  memory_copy,    ///< memidx memidx
  table_init,     ///< elemidx tableidx
  elem,           ///< elemidx
  table_copy,     ///< tableidx tableidx
};

enum class OpKind : uint8_t { simple, load, store, special };

/// Feature bits; mvp is always on.
enum class Feature : uint8_t {
  mvp,
  sign_extension,
  saturating_float_to_int,
  multi_value,
  bulk_memory,
  reference_types,
  simd,
};

enum class Sig : uint8_t {
#define WEFT_SIG(name, n, p0, p1, p2, r) name,
#include "signatures.def"
#undef WEFT_SIG
};

/// Operand types of a Sig. `none` entries are absent.
struct SigInfo {
  uint8_t param_count;
  ValType params[3];
  bool has_result;
  ValType result;
};

enum class Op : uint16_t {
#define WEFT_OP(name, prefix, code, text, imm, sig, kind, feature) name,
#include "opcodes.def"
#undef WEFT_OP
  count_
};
inline constexpr size_t op_count = static_cast<size_t>(Op::count_);

struct OpInfo {
  uint8_t prefix;
  uint32_t code;
  std::string_view text;
  Imm imm;
  Sig sig;
  OpKind kind;
  Feature feature;
};

const OpInfo& op_info(Op op) noexcept;
const SigInfo& sig_info(Sig sig) noexcept;
inline std::string_view op_name(Op op) noexcept { return op_info(op).text; }

/// Finds the instruction of a one-byte opcode (prefix 0) or a prefixed one (0xFC, 0xFD).
std::optional<Op> lookup_op(uint8_t prefix, uint32_t code) noexcept;

/// Natural alignment (log2 of the access size in bytes) of a load or store.
uint32_t natural_alignment(Op op) noexcept;

}  // namespace weft::wasm
