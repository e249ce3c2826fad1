// weft: the runtime's objects, shared by the interpreter, the runtime and the public API.
// https://webassembly.github.io/spec/core/exec/runtime.html
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "weft/weft.hpp"
#include "wasm/module.hpp"

namespace weft::interp {

/// The lowered code of one defined function: where it starts in ModuleData::code and the
/// shape of its frame, in 8-byte slots. A frame is [params][locals][operand stack].
struct FunctionCode {
  uint32_t type_id = 0;       ///< engine-wide type id (TypeRegistry)
  uint32_t param_slots = 0;   ///< slots of the parameters (a v128 takes two)
  uint32_t local_slots = 0;   ///< slots of the declared locals, zeroed on entry
  uint32_t frame_slots = 0;   ///< params + locals + constants + the deepest operand stack
  /// Constant slots: right after the locals, filled on entry from the function's constant
  /// table (const_slots 8-byte values at ModuleData::code + const_offset), so instructions
  /// read constants as operands instead of materializing them.
  uint32_t const_slots = 0;
  size_t const_offset = 0;
  /// Whether an instruction reads a constant slot: not when finish_code turned every such
  /// operand into an immediate, and then no call copies the constant table.
  bool consts_read = true;
  /// The lowering's record of the operand fields naming a constant (offsets in
  /// ModuleData::code), for finish_code, which empties it.
  std::vector<size_t> const_fields;
  uint32_t result_slots = 0;  ///< slots of the results, written at the frame's base on return
  /// Fuel of one entry: the body's instructions outside loops. 64 bits, as the fuel: the
  /// calls subtract it from memory in one instruction.
  int64_t entry_cost = 0;
  size_t code_offset = 0;     ///< first instruction, in ModuleData::code

  // For the interpreter's calls, set once the module's code is final (interp::finish_code).
  const uint8_t* entry = nullptr;   ///< the first instruction
  const uint8_t* consts = nullptr;  ///< the constant table
  /// Bytes of value stack the usual call path needs above the frame's base: the frame and
  /// that path's overshoot; or, for a frame that path does not set up, more than any stack
  /// has, so that one compare decides both.
  uint64_t fast_frame_bytes = 0;
};

}  // namespace weft::interp

namespace weft::detail {

/// Interns function types engine-wide so that call_indirect compares one integer.
class TypeRegistry {
 public:
  /// The id of `type`, the same for equal types. Thread-safe; const because interning does
  /// not change what any id means (so a const engine can intern).
  uint32_t intern(const FuncType& type) const;
  /// The type of an id; the reference stays valid for the registry's lifetime.
  const FuncType& get(uint32_t id) const;

 private:
  mutable std::mutex m_mutex;
  mutable std::deque<FuncType> m_types;
  mutable std::unordered_map<std::string, uint32_t> m_index;  // keyed by the encoded signature
};

/// An engine's cache of released memory reservations (memory.cpp), so that instantiating
/// does not pay an mmap and a munmap of a 4 GiB range each time.
class MemoryPool;
/// A new, empty pool.
std::shared_ptr<MemoryPool> new_memory_pool();
/// Unmaps every cached reservation and makes the pool unmap, not keep, whatever is released
/// to it later (by memories that outlive their engine).
void close_memory_pool(MemoryPool& pool) noexcept;
/// Reservations the pool holds now (for tests).
size_t cached_memory_reservations(const MemoryPool& pool) noexcept;

struct EngineImpl {
  EngineConfig config;
  TypeRegistry types;
  const Engine* owner = nullptr;  ///< the public handle (Store::engine() returns it)
  /// Shared with each memory created from it: a memory that outlives the engine (nothing
  /// forbids destroying an Engine before its stores) still has a live pool to return to.
  std::shared_ptr<MemoryPool> memory_pool = new_memory_pool();

  EngineImpl() = default;
  EngineImpl(const EngineImpl&) = delete;
  EngineImpl& operator=(const EngineImpl&) = delete;
  ~EngineImpl();  ///< closes memory_pool
};

/// A compiled module: the decoded module, its lowered code and the ids of its types.
struct ModuleData {
  const EngineImpl* engine = nullptr;
  wasm::Module module;
  std::vector<uint32_t> type_ids;             ///< per module type index
  std::vector<interp::FunctionCode> funcs;    ///< per defined function
  std::vector<uint8_t> code;                  ///< all lowered code; see interp/code.hpp
};

struct StoreImpl;
struct InstanceImpl;

struct FuncInst {
  uint32_t type_id = 0;
  const FuncType* type = nullptr;
  StoreImpl* store = nullptr;
  InstanceImpl* instance = nullptr;            ///< the defining instance; null for host functions
  const interp::FunctionCode* code = nullptr;  ///< wasm functions
  HostFunction host;                           ///< host functions
};

// Whether out-of-bounds accesses of memory 0 are left to the hardware: every memory then
// reserves 8 GiB and a bit (any 32-bit address plus any 32-bit offset, plus the widest access),
// all of it PROT_NONE beyond the memory's size, so such an access faults, and the
// interpreter's SIGSEGV handler turns the fault into a trap (interpreter.cpp). x86-64 Linux
// only; not under AddressSanitizer, which owns SIGSEGV and the address space layout; and
// not with the WEFT_SIGNAL_TRAPS build option off. Elsewhere each access compares.
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || __has_feature(thread_sanitizer)
#define WEFT_SANITIZED 1
#endif
#endif
#if defined(__x86_64__) && defined(__linux__) && !defined(WEFT_SANITIZED) && !defined(WEFT_NO_SIGNAL_TRAPS)
inline constexpr bool signal_traps = true;
#else
inline constexpr bool signal_traps = false;
#endif
/// The reservation of every memory under signal_traps, before its guard bytes.
inline constexpr uint64_t signal_trap_reserve = uint64_t{1} << 33;

/// A linear memory. The whole range it may ever use is reserved up front, so `base` never
/// moves; growing commits more pages.
struct MemoryInst {
  uint8_t* base = nullptr;
  uint64_t size = 0;  ///< in bytes; the interpreter bounds-checks against this
  uint64_t pages = 0;
  std::optional<uint64_t> max;  ///< in pages, as declared
  uint64_t limit_pages = 0;     ///< the effective ceiling: declared max and engine limit
  size_t reserved = 0;          ///< bytes of address space reserved at base
  StoreImpl* store = nullptr;   ///< the owning store (null for a standalone memory)
  /// Where the reservation goes when the memory dies; null: it is unmapped.
  std::shared_ptr<MemoryPool> pool;

  MemoryInst() = default;
  MemoryInst(const MemoryInst&) = delete;
  MemoryInst& operator=(const MemoryInst&) = delete;
  ~MemoryInst();
  /// Creates a memory of `min` pages that may grow to `limit_pages`. With an engine, the
  /// reservation is taken from (and given back to) the engine's memory pool; a reused one is
  /// indistinguishable from a fresh one.
  static Result<std::unique_ptr<MemoryInst>> create(const MemoryType& type, uint64_t limit_pages,
                                                    const EngineImpl* engine = nullptr);
  /// memory.grow: returns the old size in pages, or -1 (as uint64_t max) on failure.
  uint64_t grow(uint64_t delta) noexcept;
};

struct TableInst {
  ValType element = ValType::funcref;
  std::vector<void*> elems;  ///< FuncInst* for funcref, host pointer for externref; null = null
  std::optional<uint64_t> max;
  uint64_t limit = 0;  ///< the effective ceiling: declared max and engine limit
  StoreImpl* store = nullptr;  ///< the owning store (null for a standalone table)
  /// table.grow: returns the old size, or -1 (as uint64_t max) on failure.
  uint64_t grow(uint64_t delta, void* init);
};

struct GlobalInst {
  GlobalType type;
  alignas(16) uint64_t value[2] = {0, 0};  ///< v128 uses both words
  StoreImpl* store = nullptr;              ///< the owning store
};

/// Per-instance state of element and data segments (dropped segments are emptied).
struct ElemInst {
  ValType type = ValType::funcref;
  std::vector<void*> refs;
};

struct InstanceImpl {
  std::shared_ptr<const ModuleData> module;
  StoreImpl* store = nullptr;
  std::vector<FuncInst*> funcs;
  std::vector<TableInst*> tables;
  std::vector<MemoryInst*> memories;
  std::vector<GlobalInst*> globals;
  std::vector<ElemInst> elems;
  std::vector<std::span<const uint8_t>> datas;  ///< empty once dropped
  std::vector<std::pair<std::string, Extern>> exports;
};

/// One activation record of the interpreter's explicit call stack. Trivial on purpose: the
/// interpreter writes a frame before reading it, so a store's frame array is never zeroed
/// and its pages are only touched as deep as calls go.
///
/// A return goes to return_pc with fp restored, and does nothing else: a call that changes
/// the instance, and the entry of an invocation, set return_pc to a stub of the interpreter
/// that restores the instance (from the last two fields, written only then) or leaves the
/// interpreter. A call within the instance writes only the first two fields.
struct Frame {
  const uint8_t* return_pc;
  uint64_t* fp;
  InstanceImpl* instance;    ///< the caller's instance, for the instance-restoring stub
  const uint8_t* resume_pc;  ///< the caller's own return pc, for that stub
};

struct StoreImpl {
  const EngineImpl* engine = nullptr;
  Store* owner = nullptr;
  void* user_data = nullptr;

  std::deque<FuncInst> funcs;
  std::vector<std::unique_ptr<MemoryInst>> memories;
  std::vector<std::unique_ptr<TableInst>> tables;
  std::deque<GlobalInst> globals;
  std::vector<std::unique_ptr<InstanceImpl>> instances;
  /// Host functions a Linker defined, materialised in this store: keyed by the definition,
  /// which the store keeps alive so that the key cannot be reused by another definition.
  std::unordered_map<const void*, FuncInst*> linker_funcs;
  std::vector<std::shared_ptr<const void>> linker_defs;

  /// The interpreter's stacks, shared by nested calls (host -> wasm -> host -> wasm).
  std::unique_ptr<uint64_t[]> value_stack;
  uint64_t* value_stack_end = nullptr;
  uint64_t* stack_top = nullptr;  ///< first free slot; nested invocations start here
  std::unique_ptr<Frame[]> frames;
  /// Frames in use whenever the host runs: running handlers keep their own top (in the
  /// interpreter's execution state) and write it here before they call a host function.
  uint32_t frame_count = 0;
  uint32_t frame_capacity = 0;    ///< = max_call_depth

  /// Fuel left: each function entry and loop iteration consumes the static instruction count
  /// of the code it starts. Without metering it starts so high that it never runs out.
  int64_t fuel = INT64_MAX;
  /// Ceiling, in pages, of every memory this store creates (beside the engine's).
  uint64_t memory_limit_pages = UINT64_MAX;
  bool metering = false;
  /// Set from any thread to stop running wasm at its next function entry or loop iteration.
  std::atomic<bool> interrupt_requested{false};
};

}  // namespace weft::detail
