// weft: reading instructions: opcodes with their feature checks, and immediates.
#pragma once

#include <string_view>

#include "weft/weft.hpp"
#include "wasm/opcodes.hpp"
#include "wasm/reader.hpp"

namespace weft::wasm {

bool feature_enabled(Feature feature, const Features& features) noexcept;
/// "sign_extension", "simd", ...
std::string_view feature_name(Feature feature) noexcept;

/// Reads an opcode (with its 0xFC/0xFD prefix) that exists and whose feature is enabled;
/// anything else is malformed ("illegal opcode").
Result<Op> read_opcode(Reader& r, const Features& features);

/// Reads past the immediates of an instruction, checking their encoding (LEB128 rules,
/// reserved zero bytes, value types) without validating them.
Result<void> skip_immediates(Reader& r, Imm imm, const Features& features);

/// A value type byte; v128 needs simd, the reference types need reference_types.
Result<ValType> read_valtype(Reader& r, const Features& features);
/// funcref or externref.
Result<ValType> read_reftype(Reader& r, const Features& features);

}  // namespace weft::wasm
