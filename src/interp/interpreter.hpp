// weft: the interpreter's entry points.
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/objects.hpp"

namespace weft::interp {

/// Bytes of padding after the last function's code in ModuleData::code: the interpreter
/// copies a function's constants into its frame in fixed-size blocks, which may read that
/// far past the end of its constant table.
inline constexpr size_t code_tail_padding = 64;

/// Calls `f` (a wasm or a host function). Arguments are read from `slots` (8 bytes each, a
/// v128 takes two) and results written back there, so `slots` must hold
/// max(param slots, result slots). Nested calls (host -> wasm) are allowed on the same store.
/// A trap comes back as an Error of kind trap; the store stays usable.
Result<void> invoke(detail::StoreImpl& store, detail::FuncInst* f, uint64_t* slots) noexcept;

}  // namespace weft::interp

namespace weft::wasm {

/// Validates every function body of `data.module` and lowers it to the interpreter's code
/// (data.funcs, data.code). data.type_ids must be filled. Errors are invalid or malformed,
/// with the byte offset of the offending instruction.
Result<void> validate_and_lower(const detail::EngineImpl& engine, detail::ModuleData& data);

}  // namespace weft::wasm
