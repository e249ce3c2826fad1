// weft: the state of validating and lowering one function body.
//
// The validator follows the spec's algorithm (an operand stack of types and a stack of
// control frames, https://webassembly.github.io/spec/core/appendix/algorithm.html) and
// gives every operand stack entry a home slot in the frame. An entry's value lives in its
// `src` slot: its home once computed, or the slot of a local for `local.get`, whose copy is
// deferred until the local is written or the value must sit at its home (block boundaries,
// call arguments). Results are computed straight into the consumer's home.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "interp/code.hpp"
#include "runtime/objects.hpp"
#include "wasm/module.hpp"
#include "wasm/reader.hpp"

namespace weft::wasm {

/// The type of an operand popped in unreachable code (the spec's "Unknown").
inline constexpr ValType any_type = static_cast<ValType>(0);

inline uint32_t slot_count(ValType t) noexcept { return t == ValType::v128 ? 2 : 1; }

struct BlockType {
  std::span<const ValType> params;
  std::span<const ValType> results;
};

struct StackEntry {
  ValType type;
  uint32_t home;  ///< slot index of the entry's place on the operand stack
  uint32_t src;   ///< slot index where the value is now: home, or a local's slot
};

struct ControlFrame {
  Op kind;              ///< block, loop, if_, else_ (block for the function itself)
  BlockType type;
  uint32_t height;      ///< operand stack size below the frame's parameters
  uint32_t home_base;   ///< home slot of the first parameter / result
  bool unreachable = false;   ///< the spec's flag: the stack is polymorphic after br/return/...
  bool dead_on_entry = false; ///< the frame is nested in unreachable code: emit nothing
  bool is_function = false;
  size_t loop_start = 0;       ///< loop: code offset branches go back to (after loop_entry)
  uint32_t fixups = 0;         ///< chain of forward branch fields to patch (1 + position)
  uint32_t else_fixup = 0;     ///< if: the br_unless field (1 + position)
  size_t cost_field = 0;       ///< loop: the loop_entry's cost operand (0 in dead code)
  uint32_t cost = 0;           ///< loop and function: instructions counted for fuel
};

/// Validates one function body and appends its lowered code to `code`.
class FuncLowering {
 public:
  FuncLowering(const detail::EngineImpl& engine, const detail::ModuleData& data,
               uint32_t func_index, std::vector<uint8_t>& code);

  /// Runs over the whole body; fills `out` (frame shape, code offset).
  Result<void> run(interp::FunctionCode& out);

 private:
  // ---- errors
  Failure invalid(std::string message) const;
  Failure malformed(std::string message) const;
  Failure type_mismatch(ValType expected, ValType got, const char* what) const;

  // ---- operand stack
  uint32_t next_home() const noexcept;
  void push(ValType t);
  void push_local(ValType t, uint32_t local_slot);
  Result<StackEntry> pop(ValType expected);
  Result<StackEntry> pop_any();
  Result<void> pop_types(std::span<const ValType> types);
  Result<void> check_top(std::span<const ValType> types);
  void push_types(std::span<const ValType> types);

  // ---- deferred locals
  void materialize(StackEntry& e);
  void materialize_all();
  void materialize_top(uint32_t n);
  void materialize_local(uint32_t local_slot);

  // ---- emission (nothing is emitted in unreachable code)
  bool dead() const noexcept {
    return m_ctrls.back().unreachable || m_ctrls.back().dead_on_entry;
  }
  size_t emit_op(interp::IOp op);
  void emit_u32(uint32_t v);
  /// A slot operand. Temporaries (slots at or above m_locals_end) and constant slots are
  /// relocated when the function ends and the number of constants is known.
  void emit_slot(uint32_t slot);
  void emit_copy(ValType t, uint32_t dst, uint32_t src);
  /// Marks the instruction just emitted as writing its result to the operand at `dst_field`
  /// (and reading all its inputs before), so a following local.set may retarget it.
  void mark_producer(size_t dst_field);
  void forget_producer() noexcept { m_producer_field = 0; }
  bool try_retarget(const StackEntry& top, uint32_t local_slot);
  /// The last instruction loses its operand field at `field`: the fields after it move down
  /// 4 bytes, and so do their relocation records (the code size is unchanged).
  void remove_operand_field(size_t field);

  // ---- constants
  /// The constant slot (a pseudo slot index >= k_const_slot) for `bits`, if there is room.
  std::optional<uint32_t> const_slot(uint64_t bits);
  bool is_const_slot(uint32_t slot) const noexcept { return slot >= k_const_slot; }
  /// Patches the slot operands once the constants are counted; appends the constant table.
  void finish_slots(interp::FunctionCode& out);

  // ---- conditional branches
  struct Producer {
    size_t field = 0;  ///< 0, or the dst operand field of the last producer
    size_t end = 0;    ///< code size just after it
  };
  /// Emits a jump taken when `cond` is non-zero (`when_true`) or zero, fusing it with the
  /// comparison that just computed `cond` when there is one. Returns the offset field.
  size_t emit_cond_jump(const StackEntry& cond, bool when_true, Producer producer);
  /// When `addr` was just computed by an i32.add into its home, the handler of the form of
  /// load/store `iop` that adds the address itself.
  std::optional<const void*> fused_address(interp::IOp iop, const StackEntry& addr) const;
  /// When `value` was just computed by an integer comparison into its home, turns that
  /// comparison into its inverse (for i32.eqz) and returns true.
  bool invert_compare(const StackEntry& value);
  /// The handler of producer `p` when it is the last instruction and computed `e` into e's
  /// home (by default the current producer).
  const void* producer_of(const StackEntry& e, Producer p) const;
  const void* producer_of(const StackEntry& e) const {
    return producer_of(e, Producer{m_producer_field, m_producer_end});
  }
  // ---- superinstructions (func_lowering_fuse.cpp)
  /// A slot operand field of the code as emitted: its value and which relocation list, if
  /// any, records it.
  struct Field {
    uint32_t raw = 0;
    uint8_t kind = 0;  ///< 0 fixed slot or immediate, 1 temporary, 2 constant
    bool operator==(const Field&) const = default;
  };
  Field field_at(size_t at) const;
  /// The first n operand fields of the instruction starting at `start`.
  void fields_at(size_t start, uint32_t n, Field* out) const;
  /// Which handler the instruction starting at `start` is, if any.
  std::optional<interp::IOp> iop_at(size_t start) const;
  void emit_field(Field f);
  /// Rewrites the instruction starting at `start` (the last or the one before the last)
  /// into an empty `op`: the code ends after its handler and the relocation records of the
  /// fields dropped are removed. The caller emits the operands.
  void restart_instruction(size_t start, interp::IOp op);
  /// Binary `op` whose operands are `args`: when one of them was just computed by a binary
  /// operator or a load that fuses with it, turns that producer into the superinstruction
  /// and returns true (the result is pushed).
  bool fuse_binary(interp::IOp op, const StackEntry (&args)[3], ValType result);
  /// `store addr value off` where `value` was just computed by a binary operator that fuses
  /// with the store: turns it into the superinstruction and returns true.
  bool fuse_store(interp::IOp store, const StackEntry& addr, const StackEntry& value,
                  uint32_t offset);
  /// Right after a conditional branch at `start` was emitted (a fused compare-and-branch,
  /// br_if or br_unless): when the instruction before it is an i32.add, i32.and or an i32
  /// load whose result the branch tests, both become one superinstruction. Returns the new
  /// position of the branch's offset field.
  std::optional<size_t> fuse_branch_on_value(size_t start);
  /// Right after a conditional branch at `start` was emitted (or formed): when the
  /// instruction before it is a store, a copy or an addition of the then_br kind, both
  /// become one. Returns the new position of the branch's offset field.
  std::optional<size_t> merge_before_branch(size_t start);
  /// When the last instruction (no label after it) is `from` with `operands` operand fields,
  /// gives it `to`'s handler (same operands) and returns true.
  bool rewrite_last(interp::IOp from, uint32_t operands, interp::IOp to);
  /// Before a `br`: when the last instruction is a copy64 or copy64x2 (the values a branch
  /// carries to its label), makes it the copying form of br and returns true; the caller
  /// emits the offset field. The same for an i32.add (a loop's step before its jump back).
  bool fuse_copy_branch();
  /// Before a `ret`: when the last instruction is a copy64 (a result to its slot), makes it
  /// copy64_ret and returns true.
  bool fuse_copy_return();
  /// When `addr` was just computed by an i32_shl_i32_add pair into its home, the handler
  /// of the scaled form of load/store `iop`, which computes the address itself.
  std::optional<const void*> fused_scaled(interp::IOp iop, const StackEntry& addr) const;
  /// The field emit_slot(slot) would write.
  Field slot_field(uint32_t slot) const;
  /// Before an i32.add is emitted: when the last instruction is an i32.add too (with no
  /// label between), makes it i32_add_x2 and returns true; the caller appends the second
  /// add's operands. Independent additions in a row are common (pointer increments).
  bool join_add();
  /// `select a b cond` where cond was just computed by an i32 comparison: turns it into the
  /// comparing select and returns true (the result is pushed).
  bool fuse_select(ValType t, const StackEntry& a, const StackEntry& b, const StackEntry& cond);
  /// `br_table index` where index was just computed by an i32.add (`producer`): turns it
  /// into i32_add_br_table and returns true; the caller emits the count and the table.
  bool fuse_add_br_table(Producer producer, const StackEntry& index);
  /// No instruction before the next one may join it (a label may be placed between).
  void end_sequence() noexcept {
    m_last_start = m_prev_start = m_prev2_start = k_no_start;
    m_step_last = m_step_prev = k_no_start;
  }
  /// After the last instruction became superinstruction `cur`: when the instruction before
  /// it feeds it and a three-instruction form exists (the rmw_of and chain kinds of
  /// code.hpp), makes the two one instruction and returns true. `value_field`: the offset,
  /// within cur's operands, of the field that reads the earlier instruction's result.
  bool merge_previous(uint32_t value_field);
  /// Whether some three-instruction form takes `cur` as its second part (so that calling
  /// merge_previous after emitting it may succeed).
  bool may_absorb_previous(interp::IOp cur) const;
  /// After merge_previous: the two address additions before a product added into memory
  /// join it (interp::IOp::i32_add_x2_f64_load_f64_mul_f64_add_mem).
  bool merge_address_adds();
  /// After merge_before_branch made `merged` the step of merge_address_adds with its loop's
  /// closing add-compare-branch: when the same step, at the same offsets and factor, is the
  /// instruction right before it and feeds its addresses (a loop unrolled by two), the two
  /// become one instruction. Returns the branch offset's field.
  std::optional<size_t> merge_unrolled_step(size_t merged);
  /// After merge_previous: an i32.add into a local just before a read-modify-write at that
  /// local's address joins it (the add_addr kind of code.hpp).
  bool merge_address_add();
  /// From fuse_store, `op t a b; store addr t off` where a was loaded from the same address
  /// two instructions back: the load moves after the one between, and all is `op_mem`.
  bool fuse_load_op_store(interp::IOp store, const StackEntry& addr, uint32_t offset, interp::IOp op);

  // ---- control
  Result<BlockType> read_block_type();
  void push_ctrl(Op kind, BlockType type);
  std::span<const ValType> label_types(const ControlFrame& c) const;
  Result<ControlFrame*> label(uint32_t depth);
  void set_unreachable();
  void emit_branch_copies(const ControlFrame& target, uint32_t arity_entries_from_top);
  bool branch_needs_copies(const ControlFrame& target) const;
  void emit_jump_to(ControlFrame& target);  ///< br to a label, copies already done
  void add_fixup(uint32_t& chain, size_t field);
  void resolve_fixups(uint32_t chain, size_t target);
  /// Copies the results to the frame's first slots and returns. `producer`: the last
  /// instruction, which may compute a single result straight into its slot.
  void emit_return(Producer producer);
  void emit_return();

  // ---- instructions
  Result<void> lower_instruction(Op op);
  Result<void> lower_control(Op op);
  Result<void> lower_branch(Op op);
  Result<void> lower_variable(Op op);
  Result<void> lower_memory(Op op);
  Result<void> lower_table(Op op);
  Result<void> lower_reference(Op op);
  Result<void> lower_call(Op op);
  Result<void> lower_generic(Op op);
  Result<void> lower_const(Op op);
  Result<void> lower_select(Op op);
  Result<void> lower_simd(Op op);  ///< special SIMD instructions (func_lowering_simd.cpp)
  Result<void> end_frame(Producer producer);
  Result<uint32_t> read_memarg(Op op);
  Result<void> need_memory(uint32_t index) const;
  Result<void> need_table(uint32_t index) const;
  Result<void> need_data_segment(uint32_t index) const;

  const detail::EngineImpl& m_engine;
  const detail::ModuleData& m_data;
  const Module& m_module;
  uint32_t m_func_index;
  const FuncType& m_type;
  std::vector<uint8_t>& m_code;
  const void* const* m_handlers;
  Reader m_reader;
  size_t m_op_offset = 0;  ///< offset of the instruction being lowered, for errors

  std::vector<ValType> m_local_types;
  std::vector<uint32_t> m_local_slots;
  uint32_t m_locals_end = 0;  ///< first slot after the params and locals
  uint32_t m_max_slots = 0;

  std::vector<StackEntry> m_stack;
  std::vector<ControlFrame> m_ctrls;
  std::vector<uint32_t> m_meters;  ///< indices in m_ctrls of the function and enclosing loops
  uint32_t m_deferred = 0;  ///< entries whose src is a local

  size_t m_producer_field = 0;  ///< 0, or the dst field of the last producer
  size_t m_producer_end = 0;    ///< code size just after that producer
  /// Code size just after the last copy64, which the next copy may merge with; 0 once a
  /// label (a branch target) is placed after it.
  size_t m_copy_end = 0;

  /// Starts of the last two instructions emitted, when no label lies between them.
  static constexpr size_t k_no_start = SIZE_MAX;
  size_t m_last_start = k_no_start;
  size_t m_prev_start = k_no_start;
  size_t m_prev2_start = k_no_start;  ///< and the one before those two
  /// The starts of the last two instructions merge_address_adds formed in this sequence.
  size_t m_step_last = k_no_start;
  size_t m_step_prev = k_no_start;

  /// Pseudo slot indices from here on name constants (index - k_const_slot in m_consts).
  static constexpr uint32_t k_const_slot = 1u << 28;
  /// At most this many constant slots per function; further constants are materialized.
  static constexpr uint32_t k_max_consts = 64;
  std::vector<uint64_t> m_consts;
  std::vector<size_t> m_const_fields;  ///< operand fields naming constants (hold the index)
  std::vector<size_t> m_temp_fields;   ///< operand fields naming temporaries (slot * 8)
};

}  // namespace weft::wasm
