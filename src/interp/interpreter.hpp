// weft: the interpreter's entry points.
#pragma once

#include <cstdint>

#include "runtime/objects.hpp"

namespace weft::interp {

/// Calls `f` (a wasm or a host function). Arguments are read from `slots` (8 bytes each, a
/// v128 takes two) and results written back there, so `slots` must hold
/// max(param slots, result slots). Nested calls (host -> wasm) are allowed on the same store.
/// A trap comes back as an Error of kind trap; the store stays usable.
Result<void> invoke(detail::StoreImpl& store, detail::FuncInst* f, uint64_t* slots) noexcept;

/// Installs, once per process, the SIGSEGV and SIGBUS handler that turns a fault of an
/// out-of-bounds memory access into a trap (detail::signal_traps; nothing otherwise). Faults
/// that are not the guest's go to the handler installed before it. Every Engine calls it.
void install_signal_traps();

/// Makes `data.code`, all functions lowered, final for the interpreter: pads and shrinks it
/// and sets each function's call fields (FunctionCode::entry and the next two).
void finish_code(detail::ModuleData& data);

}  // namespace weft::interp

namespace weft::wasm {

/// Validates every function body of `data.module` and lowers it to the interpreter's code
/// (data.funcs, data.code). data.type_ids must be filled. Errors are invalid or malformed,
/// with the byte offset of the offending instruction.
Result<void> validate_and_lower(const detail::EngineImpl& engine, detail::ModuleData& data);

}  // namespace weft::wasm
