// weft: the interpreter.
//
// Direct-threaded: each instruction starts with its handler's address and every handler
// ends by jumping to the next one's (a tail call). Operands are frame slots addressed
// by byte offset, so handlers read and write the frame directly. Wasm calls push a record
// on the store's explicit frame stack instead of recursing on the native stack; the only
// checks on a call are the frame stack depth and the value stack room for the callee's
// frame, whose size the validator computed.
#include "interp/interpreter.hpp"

#include <signal.h>
#include <ucontext.h>

#include <algorithm>
#include <bit>
#include <array>
#include <cstddef>
#include <memory>
#include <mutex>
#ifdef WEFT_DISPATCH_PROFILE
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <unordered_map>
#endif
#include <cstring>
#include <vector>

#include "interp/code.hpp"
#include "interp/numeric.hpp"
#include "interp/simd.hpp"

namespace weft::interp {

using detail::FuncInst;
using detail::Frame;
using detail::InstanceImpl;
using detail::MemoryInst;
using detail::StoreImpl;
using detail::TableInst;
using wasm::Op;

namespace {

using u32 = uint32_t;
using u64 = uint64_t;
using f32 = float;
using f64 = double;

/// The handler address at the start of an instruction (4-byte aligned, so not a plain load).
[[gnu::always_inline]] inline const void* read_handler(const uint8_t* pc) noexcept {
  const void* h;
  std::memcpy(&h, pc, sizeof h);
  return h;
}

template <class T>
[[gnu::always_inline]] inline T rd(const uint8_t* fp, uint32_t off) noexcept {
  T v;
  std::memcpy(&v, fp + off, sizeof(T));
  return v;
}

/// A call's frame setup: zeroes the callee's locals and fills its constant slots. Frames
/// usually have a few of each, where a loop beats a call of the C library's memset or
/// memcpy (the empty asm keeps the compiler from turning the loop back into that call),
/// and a handler that calls no function saves no registers.
[[gnu::always_inline]] inline void zero_slots(uint64_t* p, uint32_t n) noexcept {
  switch (n) {  // straight-line stores for the usual few, predicted per call site
    case 4: p[3] = 0; [[fallthrough]];
    case 3: p[2] = 0; [[fallthrough]];
    case 2: p[1] = 0; [[fallthrough]];
    case 1: p[0] = 0; [[fallthrough]];
    case 0: return;
    default: break;
  }
  for (uint32_t i = 0; i < n; ++i) {
    p[i] = 0;
    asm volatile("");
  }
}
[[gnu::always_inline]] inline void copy_slots(uint64_t* d, const uint8_t* s, uint32_t n) noexcept {
  auto copy = [&](uint32_t i) {
    uint64_t v;
    std::memcpy(&v, s + 8 * size_t{i}, 8);
    d[i] = v;
  };
  switch (n) {
    case 8: copy(7); [[fallthrough]];
    case 7: copy(6); [[fallthrough]];
    case 6: copy(5); [[fallthrough]];
    case 5: copy(4); [[fallthrough]];
    case 4: copy(3); [[fallthrough]];
    case 3: copy(2); [[fallthrough]];
    case 2: copy(1); [[fallthrough]];
    case 1: copy(0); [[fallthrough]];
    case 0: return;
    default: break;
  }
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t v;
    std::memcpy(&v, s + 8 * size_t{i}, 8);
    d[i] = v;
    asm volatile("");
  }
}

// The frames the usual call path (enter_fast) sets up: it zeroes the locals and copies the
// constants in fixed-size blocks, which may write up to fast_const_slots slots past the
// frame (into slots nothing uses yet: the callee's frame is the top of the stack), and read
// up to that many past the constant table (finish_code pads the code for it).
constexpr uint32_t fast_local_slots = 4;
constexpr uint32_t fast_const_slots = 8;

/// Writes a value to a slot, zero-extended to the slot's 64 bits.
template <class T>
[[gnu::always_inline]] inline void wr(uint8_t* fp, uint32_t off, T v) noexcept {
  if constexpr (sizeof(T) == 8) {
    std::memcpy(fp + off, &v, 8);
  } else {
    uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof(T));
    std::memcpy(fp + off, &bits, 8);
  }
}

constexpr std::array<IOp, wasm::op_count> make_iop_map() {
  std::array<IOp, wasm::op_count> m{};
  m.fill(IOp::count_);
#define WEFT_MAP(name, sig, kind) m[static_cast<size_t>(Op::name)] = IOp::name;
#define WEFT_OP(name, prefix, code, text, imm, sig, kind, feature) \
  WEFT_EXEC_##kind##_##feature(WEFT_MAP, name, sig)
#include "wasm/opcodes.def"
#undef WEFT_OP
#undef WEFT_MAP
  return m;
}
constexpr std::array<IOp, wasm::op_count> iop_map = make_iop_map();

Error host_failure(Error e) {
  if (e.kind == ErrorKind::trap) return e;
  Error t = Error::make_trap(TrapKind::host_error, e.message);
  return t;
}

/// Calls a host function with its arguments in `args` (results are written there too).
[[gnu::noinline]] Result<void> call_host(StoreImpl& s, FuncInst* f, uint64_t* args,
                                         InstanceImpl* caller_instance) noexcept {
  const FuncType& t = *f->type;
  constexpr size_t inline_values = 8;
  Value in_buf[inline_values];
  Value out_buf[inline_values];
  std::vector<Value> in_heap, out_heap;
  std::span<Value> in(in_buf, t.params.size() <= inline_values ? t.params.size() : 0);
  std::span<Value> out(out_buf, t.results.size() <= inline_values ? t.results.size() : 0);
  if (t.params.size() > inline_values) {
    in_heap.resize(t.params.size());
    in = in_heap;
  }
  if (t.results.size() > inline_values) {
    out_heap.resize(t.results.size());
    out = out_heap;
  }
  size_t slot = 0;
  for (size_t i = 0; i < t.params.size(); ++i) {
    ValType vt = t.params[i];
    if (vt == ValType::v128) {
      V128 v;
      std::memcpy(v.bytes, &args[slot], 16);
      in[i] = Value::v128(v);
      slot += 2;
    } else {
      in[i] = Value::from_raw(vt, args[slot++]);
    }
  }
  for (size_t i = 0; i < t.results.size(); ++i) out[i] = Value::zero(t.results[i]);
  Caller caller(*s.owner, caller_instance);
  Result<void> r = f->host(caller, in, out);
  if (!r) return Failure{host_failure(std::move(r).error())};
  slot = 0;
  for (size_t i = 0; i < t.results.size(); ++i) {
    ValType vt = t.results[i];
    if (out[i].type() != vt)
      return Failure{Error::make_trap(
          TrapKind::host_error, "host function returned a " +
                                    std::string(valtype_name(out[i].type())) + " for a " +
                                    std::string(valtype_name(vt)) + " result")};
    if (vt == ValType::v128) {
      std::memcpy(&args[slot], out[i].v128().bytes, 16);
      slot += 2;
    } else {
      args[slot++] = out[i].raw();
    }
  }
  return {};
}

/// call_host for the dispatch loop, which must not hold objects with destructors.
[[gnu::noinline]] bool call_host_into(StoreImpl& s, FuncInst* f, uint64_t* args,
                                      InstanceImpl* caller_instance, Error& error) noexcept {
  Result<void> r = call_host(s, f, args, caller_instance);
  if (r) return true;
  error = std::move(r).error();
  return false;
}

/// Why a fuel or interrupt check failed; consumes the interrupt request. Out of fuel stays
/// out of fuel (at zero) until the embedder adds more.
[[gnu::noinline]] TrapKind stop_reason(StoreImpl& s) noexcept {
  if (s.interrupt_requested.exchange(false, std::memory_order_relaxed)) {
    if (s.fuel < 0) s.fuel = 0;
    return TrapKind::interrupted;
  }
  s.fuel = 0;
  return TrapKind::out_of_fuel;
}

#ifdef WEFT_DISPATCH_PROFILE
// A developer's tool (cmake -DWEFT_DISPATCH_PROFILE=ON): counts executed handlers and
// handler pairs, printed to standard error at exit, to pick fusions and superinstructions.
namespace dispatch_profile {
struct Counts {
  std::unordered_map<uint64_t, uint64_t> single;  // IOp index
  std::unordered_map<uint64_t, uint64_t> pairs;   // (prev index << 16) | next index
  int64_t prev = -1;
  ~Counts();
};
Counts counts;
inline void count(const void* h) {
  // Every handler of an IOp (directed, with immediates) counts as that IOp; the stubs that
  // returns go through (leave, return_to_instance) are no instructions.
  std::optional<IOp> op = handler_iop(h);
  if (!op) return;
  const auto i = static_cast<int64_t>(*op);
  ++counts.single[static_cast<uint64_t>(i)];
  if (counts.prev >= 0) ++counts.pairs[(static_cast<uint64_t>(counts.prev) << 16) | static_cast<uint64_t>(i)];
  counts.prev = i;
}
Counts::~Counts() {
  uint64_t total = 0;
  std::vector<std::pair<uint64_t, std::string>> rows;
  for (auto [i, n] : single) {
    total += n;
    rows.emplace_back(n, std::string(iop_name(static_cast<IOp>(i))));
  }
  std::sort(rows.rbegin(), rows.rend());
  std::fprintf(stderr, "dispatch profile: %llu dispatches\n", static_cast<unsigned long long>(total));
  for (size_t i = 0; i < rows.size() && i < 40; ++i)
    std::fprintf(stderr, "  %6.2f%%  %s\n", 100.0 * rows[i].first / total, rows[i].second.c_str());
  std::vector<std::pair<uint64_t, std::string>> prow;
  for (auto [k, n] : pairs)
    prow.emplace_back(n, std::string(iop_name(static_cast<IOp>(k >> 16))) + " -> " +
                             std::string(iop_name(static_cast<IOp>(k & 0xffff))));
  std::sort(prow.rbegin(), prow.rend());
  std::fprintf(stderr, "pairs:\n");
  for (size_t i = 0; i < prow.size() && i < 40; ++i)
    std::fprintf(stderr, "  %6.2f%%  %s\n", 100.0 * prow[i].first / total, prow[i].second.c_str());
}
}  // namespace dispatch_profile
#endif

uint32_t value_slots(const std::vector<ValType>& ts) {
  uint32_t n = 0;
  for (ValType t : ts) n += t == ValType::v128 ? 2 : 1;
  return n;
}

/// Operand field I of the instruction at pc, raw: a slot offset, a memory offset, a count.
template <uint32_t kImm, uint32_t I>
[[gnu::always_inline]] inline uint32_t raw_operand(const uint8_t* pc) noexcept {
  static_assert(I >= 32 || ((kImm >> I) & 1) == 0, "an immediate operand read as a raw field");
  return read_operand(pc, I);
}
/// The value of operand I, a T: from its slot, or the field itself when it is an immediate.
template <class T, uint32_t kImm, uint32_t I>
[[gnu::always_inline]] inline T arg_operand(const uint8_t* pc, const uint8_t* fp) noexcept {
  if constexpr (I < 32 && ((kImm >> I) & 1) != 0) {
    // A 64-bit operand is an immediate only when its constant fits 32 bits, zero-extended.
    static_assert(sizeof(T) == 4 || sizeof(T) == 8, "only scalar operands can be immediates");
    uint32_t raw;
    std::memcpy(&raw, pc + handler_size + operand_size * I, 4);
    if constexpr (sizeof(T) == 4) {
      return std::bit_cast<T>(raw);
    } else {
      return std::bit_cast<T>(uint64_t{raw});
    }
  } else {
    return rd<T>(fp, read_operand(pc, I));
  }
}

// ---- the handlers ------------------------------------------------------------------------
// Every handler is a function of the same five arguments, which the x86-64 and AArch64
// calling conventions pass in registers: pc, fp, the memory's base, the execution state
// (which holds the memory's size: a register more for the handlers' own work saves many of
// them a push and a pop), and the fuel left (in a register, so that a loop's back-edge check has
// no store-to-load dependency through memory from one iteration to the next). A handler
// ends by tail-calling the next instruction's handler ([[clang::musttail]]: a jump, never
// a call), so the interpreter's state stays in registers from one instruction to the next,
// each handler is compiled on its own with all registers free for its work, and the
// native stack does not grow. A handler returns only to stop: at a trap, a host error, or
// the return from the entry function, and then it writes the fuel left back to the store.

/// What execute() and the handlers share beyond the five registers.
struct ExecState {
  /// signal_traps: the native stack pointer just before the handlers were entered, where
  /// the SIGSEGV handler resumes (run_handlers, below). The first member: the assembly
  /// stores it at offset 0.
  void* resume_sp = nullptr;
  StoreImpl* s;
  InstanceImpl* inst;        ///< the running function's instance
  const MemoryInst* mem0;    ///< its memory 0, or null
  const uint8_t* code_base;  ///< its module's lowered code
  const FunctionCode* funcs; ///< its module's defined functions (call_local)
  uint64_t mem_size = 0;     ///< memory 0's size in bytes (mem, its base, is an argument)
  /// mem_size - 1, - 2, - 4, - 8 and - 16: an access of 2^k bytes at ea is out of bounds
  /// when ea > mem_last[k] (negative when the memory is smaller than the access). One
  /// compare of the address the access uses, where ea + size > mem_size takes two more
  /// instructions.
  int64_t mem_last[5] = {-1, -2, -4, -8, -16};
  uint64_t* entry_top;       ///< the value stack top when execute() began
  uint64_t* stack_end;       ///< the store's value_stack_end
  Frame* frame_top;          ///< the first free frame record (StoreImpl::frame_count's)
  Frame* frame_end;          ///< the end of the store's frame records
  FuncInst* host_callee = nullptr;  ///< host_call's function, arguments and return pc
  uint64_t* host_args = nullptr;
  const uint8_t* host_return = nullptr;
  int64_t fuel_reserve = 0;  ///< the fuel left beyond the handlers' slice (see fuel_slice)
  TrapKind trap = TrapKind::none;
  bool failed = false;       ///< `error` holds a host function's error
  Error error;
};

#define WEFT_HANDLER_PARAMS                                                             \
  [[maybe_unused]] const uint8_t *pc, [[maybe_unused]] uint8_t *fp, [[maybe_unused]] uint8_t *mem, \
      ExecState *st, [[maybe_unused]] int64_t fuel
// Not noexcept: clang cannot tail-call out of a noexcept function's terminate scope. No
// handler throws, and execute(), which runs them, is noexcept.
using Handler = void (*)(WEFT_HANDLER_PARAMS);
/// Which way a handler's branch goes, when the lowering knows (see branch_twins): a handler
/// that branches is also compiled for a backward branch, which always charges its loop's
/// cost, and for a forward one, which never does, so that neither tests the offset's sign.
enum class Dir : uint8_t { any, back, fwd };
/// And which operands are immediates (see immediate_variants): bit i set, operand i holds
/// the constant itself (32 bits) instead of its slot's offset. ARG reads an operand's value
/// either way; OP, the raw field, refuses an immediate one at compile time, so a handler
/// compiled with a bit its body does not read as a 32-bit value does not build.
#define WEFT_HANDLER(name) template <Dir kDir, uint32_t kImm = 0> void op_##name(WEFT_HANDLER_PARAMS)
// The functions that are not handlers (the general paths) read their operands as slots.
[[maybe_unused]] constexpr Dir kDir = Dir::any;
[[maybe_unused]] constexpr uint32_t kImm = 0;

#if !defined(__clang__) || !__has_cpp_attribute(clang::musttail)
#error "weft's interpreter needs [[clang::musttail]] (clang 13 or later)"
#endif
#define TAIL_CALL(fn) [[clang::musttail]] return (fn)(pc, fp, mem, st, fuel)

// Operands of the current instruction.
#define OP(i) raw_operand<kImm, (i)>(pc)
#define ARG(T, i) arg_operand<T, kImm, (i)>(pc, fp)
#ifdef WEFT_DISPATCH_PROFILE
#define PROFILE() dispatch_profile::count(read_handler(pc))
#else
#define PROFILE() (void)0
#endif
#define DISPATCH()                                                        \
  do {                                                                    \
    PROFILE();                                                            \
    TAIL_CALL(reinterpret_cast<Handler>(const_cast<void*>(read_handler(pc)))); \
  } while (0)
#define NEXT(n)                              \
  do {                                       \
    pc += handler_size + operand_size * (n); \
    DISPATCH();                              \
  } while (0)
// A taken branch whose operand i is the offset. Jumping back means looping: see back_edge.
#define JUMP(i)                                                                  \
  do {                                                                           \
    int32_t rel_ = static_cast<int32_t>(OP(i));                                  \
    advance(pc, rel_, handler_size + operand_size * (i));                        \
    if constexpr (kDir == Dir::back) {                                           \
      TAIL_CALL(back_edge);                                                      \
    } else if constexpr (kDir == Dir::any) {                                     \
      if (rel_ < 0) TAIL_CALL(back_edge);                                        \
    }                                                                            \
    DISPATCH();                                                                  \
  } while (0)
/// pc += rel + bias, as one instruction: clang otherwise adds the two apart (the sign test
/// on rel keeps it from folding them).
template <class P>
[[gnu::always_inline]] inline void advance(P& pc, int32_t rel, size_t bias_constant) noexcept {
#if defined(__x86_64__)
  const std::ptrdiff_t r = rel;
  if (__builtin_constant_p(bias_constant)) {
    asm("leaq %c2(%0,%1), %0" : "+r"(pc) : "r"(r), "i"(bias_constant));
    return;
  }
#endif
  pc += static_cast<std::ptrdiff_t>(bias_constant) + rel;
}
// Leaving the handlers: the fuel left goes back to the store.
#define EXIT()                                  \
  do {                                          \
    st->s->fuel = fuel + st->fuel_reserve;      \
    return;                                     \
  } while (0)
#define TRAP(kind)       \
  do {                   \
    st->trap = (kind);   \
    EXIT();              \
  } while (0)

/// Points mem and the state at the current instance's memory 0 (base and size) and code.
/// Called whenever the instance changes, or the memory may have grown.
[[gnu::always_inline]] inline void load_memory(ExecState* st, uint8_t*& mem) noexcept {
  InstanceImpl* inst = st->inst;
  st->code_base = inst->module->code.data();
  st->funcs = inst->module->funcs.data();
  if (!inst->memories.empty()) {
    const MemoryInst* m0 = inst->memories[0];
    st->mem0 = m0;
    mem = m0->base;
    st->mem_size = m0->size;
  } else {
    st->mem0 = nullptr;
    mem = nullptr;
    st->mem_size = 0;
  }
  if constexpr (!detail::signal_traps)  // out_of_bounds() reads them only then
    for (int k = 0; k < 5; ++k)
      st->mem_last[k] = static_cast<int64_t>(st->mem_size) - (int64_t{1} << k);
}

/// Whether an access of N bytes at ea, the sum of a 32-bit address and a 32-bit offset,
/// is out of memory 0's bounds.
///
/// With detail::signal_traps, never: the access itself faults past the memory's size (the
/// reservation covers every ea + N, PROT_NONE beyond the size), and on_fault() below makes
/// the fault the trap this check would have taken.
template <size_t N>
[[gnu::always_inline]] inline bool out_of_bounds(const ExecState* st, uint64_t ea) noexcept {
  static_assert(N == 1 || N == 2 || N == 4 || N == 8 || N == 16);
  if constexpr (detail::signal_traps) return false;
  constexpr int k = N == 1 ? 0 : N == 2 ? 1 : N == 4 ? 2 : N == 8 ? 3 : 4;
  return __builtin_expect(static_cast<int64_t>(ea) > st->mem_last[k], 0);  // ea < 2^33: no sign lost
}

template <Dir kDir, uint32_t kImm = 0> void op_ret(WEFT_HANDLER_PARAMS);

// ---- out-of-bounds accesses as faults (detail::signal_traps) --------------------------------
// The handlers run inside run_handlers(), a few instructions of assembly that save the
// callee-saved registers, record the stack pointer in ExecState::resume_sp and call the
// first handler. When an access faults in the current memory 0's reservation while this
// thread runs handlers, on_fault() sets the trap and makes the signal return to
// run_handlers_resume with that stack pointer: the registers are restored and execute()
// sees a trap, as if the handler had returned with TRAP(). Every other fault goes to the
// handler installed before ours, or kills the process as it would have.
//
// The fuel in flight is in a register the fault does not report: the fuel left after such
// a trap is what the current slice had not yet handed out (ExecState::fuel_reserve), so a
// trap counts up to fuel_slice units more than the instructions it ran. Still
// deterministic: slices are cut at the same points on every run.

/// The handlers' state of the thread's innermost execute(), or null (none running, or a
/// host function running: its faults are its own).
thread_local ExecState* t_running = nullptr;

}  // namespace
}  // namespace weft::interp

extern "C" {
/// run_handlers(pc, fp, mem, st, fuel, first): calls first(pc, fp, mem, st, fuel), the
/// registers of the handlers' calling convention, with st->resume_sp set.
void weft_run_handlers(const uint8_t* pc, uint8_t* fp, uint8_t* mem, void* st,
                       int64_t fuel, const void* first);
extern const char weft_run_handlers_resume[];
}

#if defined(__x86_64__) && defined(__linux__)
asm(R"(
  .text
  .p2align 4
  .globl weft_run_handlers
  .hidden weft_run_handlers
  .type weft_run_handlers, @function
weft_run_handlers:
  .cfi_startproc
  pushq %rbx
  .cfi_adjust_cfa_offset 8
  pushq %rbp
  .cfi_adjust_cfa_offset 8
  pushq %r12
  .cfi_adjust_cfa_offset 8
  pushq %r13
  .cfi_adjust_cfa_offset 8
  pushq %r14
  .cfi_adjust_cfa_offset 8
  pushq %r15
  .cfi_adjust_cfa_offset 8
  subq $8, %rsp
  .cfi_adjust_cfa_offset 8
  movq %rsp, (%rcx)
  callq *%r9
  .globl weft_run_handlers_resume
  .hidden weft_run_handlers_resume
weft_run_handlers_resume:
  addq $8, %rsp
  .cfi_adjust_cfa_offset -8
  popq %r15
  .cfi_adjust_cfa_offset -8
  popq %r14
  .cfi_adjust_cfa_offset -8
  popq %r13
  .cfi_adjust_cfa_offset -8
  popq %r12
  .cfi_adjust_cfa_offset -8
  popq %rbp
  .cfi_adjust_cfa_offset -8
  popq %rbx
  .cfi_adjust_cfa_offset -8
  retq
  .cfi_endproc
  .size weft_run_handlers, .-weft_run_handlers
)");
#endif

namespace weft::interp {
namespace {

static_assert(offsetof(ExecState, resume_sp) == 0, "run_handlers stores resume_sp at offset 0");

struct sigaction g_previous_segv {};
struct sigaction g_previous_bus {};

/// Passes a fault that is not ours to whoever had the signal before us.
void forward_fault(int sig, siginfo_t* info, void* context) noexcept {
  const struct sigaction& previous = sig == SIGBUS ? g_previous_bus : g_previous_segv;
  if (previous.sa_flags & SA_SIGINFO) {
    previous.sa_sigaction(sig, info, context);
  } else if (previous.sa_handler == SIG_DFL || previous.sa_handler == SIG_IGN) {
    // The default action: restore it, and the faulting instruction faults again on return.
    signal(sig, SIG_DFL);
  } else {
    previous.sa_handler(sig);
  }
}

void on_fault(int sig, siginfo_t* info, void* context) noexcept {
  ExecState* st = t_running;
  if (st != nullptr && st->mem0 != nullptr) {
    const auto* addr = static_cast<const uint8_t*>(info->si_addr);
    const MemoryInst* m = st->mem0;
    if (addr >= m->base && addr < m->base + m->reserved) {
#if defined(__x86_64__) && defined(__linux__)
      auto* uc = static_cast<ucontext_t*>(context);
      st->trap = TrapKind::memory_out_of_bounds;
      st->s->fuel = st->fuel_reserve;
      uc->uc_mcontext.gregs[REG_RSP] = reinterpret_cast<greg_t>(st->resume_sp);
      uc->uc_mcontext.gregs[REG_RIP] = reinterpret_cast<greg_t>(weft_run_handlers_resume);
      return;
#endif
    }
  }
  forward_fault(sig, info, context);
}

/// A host function called from the handlers runs with t_running cleared: a fault in it
/// is not an out-of-bounds access of the guest's.
[[gnu::noinline]] bool call_host_outside_handlers(StoreImpl& s, FuncInst* f, uint64_t* args,
                                                       ExecState* st) noexcept {
  if constexpr (!detail::signal_traps) return call_host_into(s, f, args, st->inst, st->error);
  ExecState* const running = t_running;
  t_running = nullptr;
  bool ok = call_host_into(s, f, args, st->inst, st->error);
  t_running = running;
  return ok;
}

// Fuel and interrupts. The handlers carry the fuel left in a register, but only a slice of
// it: at most fuel_slice, the rest waits in st->fuel_reserve. A loop's back edge and a
// call subtract their cost from the register and test its sign, nothing else; when the
// slice is spent, refuel() looks at the interrupt flag and moves the next slice out of the
// reserve. So an interrupt is seen within fuel_slice units of work (about a millisecond),
// without a load of the flag on every iteration, and metered or not, the hot path is the
// same. Everything that leaves the handlers writes fuel + fuel_reserve back to the store.
constexpr int64_t fuel_slice = int64_t{1} << 20;

/// Splits `total` fuel into the handlers' register and the reserve.
[[gnu::always_inline]] inline void split_fuel(ExecState* st, int64_t total, int64_t& fuel) noexcept {
  fuel = std::min(total, fuel_slice);
  st->fuel_reserve = total - fuel;
}

/// When the slice is spent (fuel < 0): takes the next one, unless an interrupt is
/// requested or the fuel is all spent. Returns whether execution may go on.
[[gnu::always_inline]] inline bool refill(ExecState* st, int64_t& fuel) noexcept {
  if (st->s->interrupt_requested.load(std::memory_order_relaxed)) return false;
  int64_t total = fuel + st->fuel_reserve;  // no overflow: fuel is a small negative number
  if (total < 0) return false;
  split_fuel(st, total, fuel);
  return true;
}

/// Out of fuel, or interrupted: a separate handler, never inlined, so that the ones that
/// check need not save registers for its call of stop_reason().
[[gnu::noinline]] void stop(WEFT_HANDLER_PARAMS) {
  st->s->fuel = fuel + st->fuel_reserve;
  st->trap = stop_reason(*st->s);
}

/// The slice is spent with pc at the next instruction to run: refills, and runs it, or stops.
[[gnu::noinline]] void refuel(WEFT_HANDLER_PARAMS) {
  if (!refill(st, fuel)) TAIL_CALL(stop);
  DISPATCH();
}

// Every backward jump goes to the body of a loop, just after the loop's loop_entry, whose
// operand (the 8 bytes before the target) is the cost of one iteration: 64 bits, so that
// the subtraction reads it from memory in one instruction.

// Inlined into the branches: with refuel() out of line it needs no saved registers.
[[gnu::always_inline]] inline void back_edge(WEFT_HANDLER_PARAMS) {
  fuel -= read_loop_cost(pc);
  if (fuel < 0) TAIL_CALL(refuel);
  DISPATCH();
}

// ---- generated handlers: simple instructions -------------------------------------------
#define WEFT_UNARY(name, A, R)                                             \
  WEFT_HANDLER(name) {                                                     \
    A a = ARG(A, 1);                                                \
    if constexpr (num::can_trap<Op::name>) {                               \
      TrapKind k = num::check<Op::name>(a);                                \
      if (k != TrapKind::none) TRAP(k);                                    \
    }                                                                      \
    wr<R>(fp, OP(0), num::name(a));                                        \
    NEXT(2);                                                               \
  }
#define WEFT_BINARY(name, A, B, R)                                         \
  WEFT_HANDLER(name) {                                                     \
    A a = ARG(A, 1);                                                \
    B b = ARG(B, 2);                                                \
    if constexpr (num::can_trap<Op::name>) {                               \
      TrapKind k = num::check<Op::name>(a, b);                             \
      if (k != TrapKind::none) TRAP(k);                                    \
    }                                                                      \
    wr<R>(fp, OP(0), num::name(a, b));                                     \
    NEXT(3);                                                               \
  }
#define WEFT_SIMPLE_i_i(n) WEFT_UNARY(n, u32, u32)
#define WEFT_SIMPLE_ii_i(n) WEFT_BINARY(n, u32, u32, u32)
#define WEFT_SIMPLE_l_l(n) WEFT_UNARY(n, u64, u64)
#define WEFT_SIMPLE_ll_l(n) WEFT_BINARY(n, u64, u64, u64)
#define WEFT_SIMPLE_l_i(n) WEFT_UNARY(n, u64, u32)
#define WEFT_SIMPLE_ll_i(n) WEFT_BINARY(n, u64, u64, u32)
#define WEFT_SIMPLE_f_f(n) WEFT_UNARY(n, f32, f32)
#define WEFT_SIMPLE_ff_f(n) WEFT_BINARY(n, f32, f32, f32)
#define WEFT_SIMPLE_ff_i(n) WEFT_BINARY(n, f32, f32, u32)
#define WEFT_SIMPLE_d_d(n) WEFT_UNARY(n, f64, f64)
#define WEFT_SIMPLE_dd_d(n) WEFT_BINARY(n, f64, f64, f64)
#define WEFT_SIMPLE_dd_i(n) WEFT_BINARY(n, f64, f64, u32)
#define WEFT_SIMPLE_f_i(n) WEFT_UNARY(n, f32, u32)
#define WEFT_SIMPLE_d_i(n) WEFT_UNARY(n, f64, u32)
#define WEFT_SIMPLE_i_l(n) WEFT_UNARY(n, u32, u64)
#define WEFT_SIMPLE_f_l(n) WEFT_UNARY(n, f32, u64)
#define WEFT_SIMPLE_d_l(n) WEFT_UNARY(n, f64, u64)
#define WEFT_SIMPLE_i_f(n) WEFT_UNARY(n, u32, f32)
#define WEFT_SIMPLE_l_f(n) WEFT_UNARY(n, u64, f32)
#define WEFT_SIMPLE_d_f(n) WEFT_UNARY(n, f64, f32)
#define WEFT_SIMPLE_i_d(n) WEFT_UNARY(n, u32, f64)
#define WEFT_SIMPLE_l_d(n) WEFT_UNARY(n, u64, f64)
#define WEFT_SIMPLE_f_d(n) WEFT_UNARY(n, f32, f64)
// SIMD: the v128 signatures, loads, stores and internal operations.
#include "interp/interpreter_simd.inc"
#define WEFT_GEN_simple(name, sig) WEFT_SIMPLE_##sig(name)
#define WEFT_GEN_load(name, sig)
#define WEFT_GEN_store(name, sig)
#define WEFT_GEN(name, sig, kind) WEFT_GEN_##kind(name, sig)
#define WEFT_OP(name, prefix, code, text, imm, sig, kind, feature) \
  WEFT_EXEC_##kind##_##feature(WEFT_GEN, name, sig)
#include "wasm/opcodes.def"
#undef WEFT_OP

// ---- loads and stores: [dst|addr] [addr|value] offset ----------------------------------
#define WEFT_LOAD(name, M, R)                                             \
  WEFT_HANDLER(name) {                                                    \
    uint64_t ea = static_cast<uint64_t>(ARG(u32, 1)) + OP(2);      \
    if (out_of_bounds<sizeof(M)>(st, ea)) [[unlikely]] TRAP(TrapKind::memory_out_of_bounds);  \
    M v;                                                                  \
    std::memcpy(&v, mem + ea, sizeof(M));                                 \
    wr<R>(fp, OP(0), static_cast<R>(v));                                  \
    NEXT(3);                                                              \
  }
#define WEFT_STORE(name, V, M)                                            \
  WEFT_HANDLER(name) {                                                    \
    uint64_t ea = static_cast<uint64_t>(ARG(u32, 0)) + OP(2);      \
    if (out_of_bounds<sizeof(M)>(st, ea)) [[unlikely]] TRAP(TrapKind::memory_out_of_bounds);  \
    M v = static_cast<M>(ARG(V, 1));                               \
    std::memcpy(mem + ea, &v, sizeof(M));                                 \
    NEXT(3);                                                              \
  }
  // The address is the sum of two slots (a lowered i32.add, wrapping at 32 bits).
#define WEFT_LOAD_ADD(name, M, R)                                                         \
  WEFT_HANDLER(name##_add) {                                                              \
    uint64_t ea = static_cast<uint64_t>(static_cast<u32>(ARG(u32, 1) + ARG(u32, 2))) + \
                  OP(3);                                                                  \
    if (out_of_bounds<sizeof(M)>(st, ea)) [[unlikely]] TRAP(TrapKind::memory_out_of_bounds);                  \
    M v;                                                                                  \
    std::memcpy(&v, mem + ea, sizeof(M));                                                 \
    wr<R>(fp, OP(0), static_cast<R>(v));                                                  \
    NEXT(4);                                                                              \
  }
#define WEFT_STORE_ADD(name, V, M)                                                        \
  WEFT_HANDLER(name##_add) {                                                              \
    uint64_t ea = static_cast<uint64_t>(static_cast<u32>(ARG(u32, 0) + ARG(u32, 1))) + \
                  OP(3);                                                                  \
    if (out_of_bounds<sizeof(M)>(st, ea)) [[unlikely]] TRAP(TrapKind::memory_out_of_bounds);                  \
    M v = static_cast<M>(ARG(V, 2));                                               \
    std::memcpy(mem + ea, &v, sizeof(M));                                                 \
    NEXT(4);                                                                              \
  }
#define WEFT_LOAD_BOTH(name, M, R) WEFT_LOAD(name, M, R) WEFT_LOAD_ADD(name, M, R)
#define WEFT_STORE_BOTH(name, V, M) WEFT_STORE(name, V, M) WEFT_STORE_ADD(name, V, M)
WEFT_LOAD_BOTH(i32_load, u32, u32)
WEFT_LOAD_BOTH(i64_load, u64, u64)
WEFT_LOAD_BOTH(f32_load, f32, f32)
WEFT_LOAD_BOTH(f64_load, f64, f64)
WEFT_LOAD_BOTH(i32_load8_s, int8_t, u32)
WEFT_LOAD_BOTH(i32_load8_u, uint8_t, u32)
WEFT_LOAD_BOTH(i32_load16_s, int16_t, u32)
WEFT_LOAD_BOTH(i32_load16_u, uint16_t, u32)
WEFT_LOAD_BOTH(i64_load8_s, int8_t, u64)
WEFT_LOAD_BOTH(i64_load8_u, uint8_t, u64)
WEFT_LOAD_BOTH(i64_load16_s, int16_t, u64)
WEFT_LOAD_BOTH(i64_load16_u, uint16_t, u64)
WEFT_LOAD_BOTH(i64_load32_s, int32_t, u64)
WEFT_LOAD_BOTH(i64_load32_u, uint32_t, u64)
WEFT_STORE_BOTH(i32_store, u32, u32)
WEFT_STORE_BOTH(i64_store, u64, u64)
WEFT_STORE_BOTH(f32_store, f32, f32)
WEFT_STORE_BOTH(f64_store, f64, f64)
WEFT_STORE_BOTH(i32_store8, u32, uint8_t)
WEFT_STORE_BOTH(i32_store16, u32, uint16_t)
WEFT_STORE_BOTH(i64_store8, u64, uint8_t)
WEFT_STORE_BOTH(i64_store16, u64, uint16_t)
WEFT_STORE_BOTH(i64_store32, u64, uint32_t)

// ---- internal operations ---------------------------------------------------------------
WEFT_HANDLER(copy64) {
  wr<u64>(fp, OP(0), ARG(u64, 1));
  NEXT(2);
}
WEFT_HANDLER(copy64x2) {
  std::memcpy(fp + OP(0), fp + OP(1), 8);
  std::memcpy(fp + OP(2), fp + OP(3), 8);
  NEXT(4);
}
WEFT_HANDLER(copy64_br) {
  wr<u64>(fp, OP(0), ARG(u64, 1));
  JUMP(2);
}
/// The copies of copy64x4 and copy64x4_br, in order: [d1 s1 d2 s2 d3 s3 d4 s4].
[[gnu::always_inline]] inline void copy64x4(const uint8_t* pc, uint8_t* fp) noexcept {
  for (uint32_t i = 0; i < 8; i += 2) std::memcpy(fp + read_operand(pc, i), fp + read_operand(pc, i + 1), 8);
}
WEFT_HANDLER(copy64x4) {
  copy64x4(pc, fp);
  NEXT(8);
}
WEFT_HANDLER(copy64x4_br) {
  copy64x4(pc, fp);
  JUMP(8);
}
WEFT_HANDLER(i32_add_br) {
  wr<u32>(fp, OP(0), ARG(u32, 1) + ARG(u32, 2));
  JUMP(3);
}
WEFT_HANDLER(copy64x2_br) {
  std::memcpy(fp + OP(0), fp + OP(1), 8);
  std::memcpy(fp + OP(2), fp + OP(3), 8);
  JUMP(4);
}
WEFT_HANDLER(i32_add_x2) {
  wr<u32>(fp, OP(0), ARG(u32, 1) + ARG(u32, 2));
  wr<u32>(fp, OP(3), ARG(u32, 4) + ARG(u32, 5));
  NEXT(6);
}
WEFT_HANDLER(copy128) {
  std::memmove(fp + OP(0), fp + OP(1), 16);
  NEXT(2);
}
WEFT_HANDLER(const32) {
  wr<u64>(fp, OP(0), OP(1));
  NEXT(2);
}
WEFT_HANDLER(const64) {
  wr<u64>(fp, OP(0), static_cast<u64>(OP(1)) | (static_cast<u64>(OP(2)) << 32));
  NEXT(3);
}
WEFT_HANDLER(br) { JUMP(0); }
WEFT_HANDLER(br_if) {
  if (ARG(u32, 0) != 0) JUMP(1);
  NEXT(2);
}
WEFT_HANDLER(br_unless) {
  if (ARG(u32, 0) == 0) JUMP(1);
  NEXT(2);
}
#define WEFT_BR_CMP(name, T, cmp)                          \
  WEFT_HANDLER(name) {                                     \
    if (ARG(T, 0) cmp ARG(T, 1)) JUMP(2);    \
    NEXT(3);                                               \
  }
WEFT_BR_CMP(br_i32_eq, u32, ==)
WEFT_BR_CMP(br_i32_ne, u32, !=)
WEFT_BR_CMP(br_i32_lt_s, int32_t, <)
WEFT_BR_CMP(br_i32_lt_u, u32, <)
WEFT_BR_CMP(br_i32_gt_s, int32_t, >)
WEFT_BR_CMP(br_i32_gt_u, u32, >)
WEFT_BR_CMP(br_i32_le_s, int32_t, <=)
WEFT_BR_CMP(br_i32_le_u, u32, <=)
WEFT_BR_CMP(br_i32_ge_s, int32_t, >=)
WEFT_BR_CMP(br_i32_ge_u, u32, >=)
WEFT_BR_CMP(br_i64_eq, u64, ==)
WEFT_BR_CMP(br_i64_ne, u64, !=)
WEFT_BR_CMP(br_i64_lt_s, int64_t, <)
WEFT_BR_CMP(br_i64_lt_u, u64, <)
WEFT_BR_CMP(br_i64_gt_s, int64_t, >)
WEFT_BR_CMP(br_i64_gt_u, u64, >)
WEFT_BR_CMP(br_i64_le_s, int64_t, <=)
WEFT_BR_CMP(br_i64_le_u, u64, <=)
WEFT_BR_CMP(br_i64_ge_s, int64_t, >=)
WEFT_BR_CMP(br_i64_ge_u, u64, >=)
#undef WEFT_BR_CMP
WEFT_HANDLER(br_i64_eqz) {
  if (ARG(u64, 0) == 0) JUMP(1);
  NEXT(2);
}
WEFT_HANDLER(br_i64_nez) {
  if (ARG(u64, 0) != 0) JUMP(1);
  NEXT(2);
}
WEFT_HANDLER(br_table) {
  uint32_t index = ARG(u32, 0);
  uint32_t count = OP(1);
  const uint8_t* field = pc + handler_size + 2 * operand_size + 4 * (index < count ? index : count);
  int32_t rel;
  std::memcpy(&rel, field, 4);
  pc = field + rel;
  if (rel < 0) TAIL_CALL(back_edge);
  DISPATCH();
}
WEFT_HANDLER(copy64_ret) {
  std::memcpy(fp + OP(0), fp + OP(1), 8);
  TAIL_CALL(op_ret<Dir::any>);
}
WEFT_HANDLER(i32_add_br_table) {
  uint32_t index = ARG(u32, 0) + ARG(u32, 1);
  uint32_t count = OP(2);
  const uint8_t* field = pc + handler_size + 3 * operand_size + 4 * (index < count ? index : count);
  int32_t rel;
  std::memcpy(&rel, field, 4);
  pc = field + rel;
  if (rel < 0) TAIL_CALL(back_edge);
  DISPATCH();
}
// A character just loaded, then a switch on it: `d = load8(a + b + off); br_table d + c`.
#define WEFT_LOAD8_BR_TABLE(name, M)                                                         \
  WEFT_HANDLER(name) {                                                                       \
    uint64_t ea = static_cast<uint64_t>(static_cast<u32>(ARG(u32, 1) + ARG(u32, 2))) + OP(3); \
    if (out_of_bounds<1>(st, ea)) [[unlikely]] TRAP(TrapKind::memory_out_of_bounds);                        \
    const u32 d = static_cast<u32>(static_cast<M>(mem[ea]));                                 \
    wr<u32>(fp, OP(0), d);                                                                   \
    uint32_t index = d + ARG(u32, 4);                                                 \
    uint32_t count = OP(5);                                                                  \
    const uint8_t* field = pc + handler_size + 6 * operand_size + 4 * (index < count ? index : count); \
    int32_t rel;                                                                             \
    std::memcpy(&rel, field, 4);                                                             \
    pc = field + rel;                                                                        \
    if (rel < 0) TAIL_CALL(back_edge);                                                       \
    DISPATCH();                                                                              \
  }
WEFT_LOAD8_BR_TABLE(i32_load8_s_add_br_table, int8_t)
WEFT_LOAD8_BR_TABLE(i32_load8_u_add_br_table, uint8_t)
#undef WEFT_LOAD8_BR_TABLE
template <Dir kDir, uint32_t kImm> void op_ret(WEFT_HANDLER_PARAMS) {
  // Pops the frame record and goes where it says, with the caller's fp: a call records the
  // instance to restore only when it changes it (through the stub return_to_instance), and
  // the entry function's record leads out of the handlers (leave). The instance's memory
  // size needs no reload here: memory.grow and host calls reload it, and a return into
  // another instance goes through return_to_instance.
  Frame* f = st->frame_top - 1;
  st->frame_top = f;
  pc = f->return_pc;
  fp = reinterpret_cast<uint8_t*>(f->fp);
  DISPATCH();
}

/// Where the entry function returns to: back to execute().
void leave(WEFT_HANDLER_PARAMS) { EXIT(); }

/// Where a call into another instance returns to. ret has restored fp and popped the
/// record, which nothing has overwritten since: it holds the caller's instance and pc.
void return_to_instance(WEFT_HANDLER_PARAMS) {
  const Frame* f = st->frame_top;
  st->inst = f->instance;
  load_memory(st, mem);
  pc = f->resume_pc;
  DISPATCH();
}

/// The two stubs as code: one handler address each, which ret dispatches to like an
/// instruction's.
const void* const leave_code[] = {reinterpret_cast<const void*>(&leave)};
const void* const return_to_instance_code[] = {reinterpret_cast<const void*>(&return_to_instance)};

/// Calls host function st->host_callee with its arguments at st->host_args, then goes on
/// at st->host_return. Reached by a tail call from the call handlers' general path.
void host_call(WEFT_HANDLER_PARAMS) {
  StoreImpl& s = *st->s;
  FuncInst* callee = st->host_callee;
  uint64_t* args = st->host_args;
  uint32_t room = std::max(value_slots(callee->type->params), value_slots(callee->type->results));
  if (args + room > s.value_stack_end) TRAP(TrapKind::call_stack_exhausted);
  s.stack_top = args + room;  // nested calls from the host start above the arguments
  s.frame_count = static_cast<uint32_t>(st->frame_top - s.frames.get());  // and above our frames
  s.fuel = fuel + st->fuel_reserve;  // the host, and wasm it calls, see and spend the same fuel
  bool ok = call_host_outside_handlers(s, callee, args, st);
  s.stack_top = st->entry_top;
  if (!ok) {
    st->failed = true;
    return;  // s.fuel is current
  }
  split_fuel(st, s.fuel, fuel);  // the host may have added fuel, nested calls spent some
  pc = st->host_return;
  load_memory(st, mem);  // the host may have grown the memory
  if (s.interrupt_requested.load(std::memory_order_relaxed)) TAIL_CALL(stop);
  DISPATCH();
}

enum class Entered { ok, trapped, stopped };

/// Enters wasm function `c` of `instance` with its frame at `callee_fp`, the general way:
/// sets up the frame and points pc at its code. Or it traps (st->trap says why), or it is
/// out of fuel or interrupted.
[[gnu::always_inline]] inline Entered enter(const FunctionCode* c, InstanceImpl* instance,
                                         uint8_t* callee_fp, const uint8_t* return_pc,
                                         const uint8_t*& pc, uint8_t*& fp, uint8_t*& mem,
                                         ExecState* st, int64_t& fuel) noexcept {
  uint64_t* new_fp = reinterpret_cast<uint64_t*>(callee_fp);
  if (new_fp + c->frame_slots > st->stack_end || st->frame_top == st->frame_end) {
    st->trap = TrapKind::call_stack_exhausted;
    return Entered::trapped;
  }
  fuel -= c->entry_cost;
  if (fuel < 0 && !refill(st, fuel)) return Entered::stopped;
  Frame* f = st->frame_top++;
  f->fp = reinterpret_cast<uint64_t*>(fp);
  if (instance == st->inst) {
    f->return_pc = return_pc;
  } else {
    f->return_pc = reinterpret_cast<const uint8_t*>(return_to_instance_code);
    f->instance = st->inst;
    f->resume_pc = return_pc;
    st->inst = instance;
    load_memory(st, mem);
  }
  zero_slots(new_fp + c->param_slots, c->local_slots);
  if (c->const_slots && c->consts_read)
    copy_slots(new_fp + c->param_slots + c->local_slots, st->code_base + c->const_offset, c->const_slots);
  fp = callee_fp;
  pc = st->code_base + c->code_offset;
  return Entered::ok;
}

/// The usual call: a function of the running instance with a small frame (its
/// fast_frame_bytes says which), room on both stacks, fuel left, no interrupt. Like
/// enter(), without a branch on the frame's shape; returns false, having changed nothing,
/// when the call needs the general path. The callee's frame is at operand `frame_operand`
/// of the call, which has `operands` operands.
///
/// Written so that the compiler needs no callee-saved register (no push and pop): the
/// checks keep nothing live but c, and what they read is read again after the frame
/// record is stored (which the compiler must assume may alias it), rather than kept.
[[gnu::always_inline]] inline bool enter_fast(const FunctionCode* c, uint32_t frame_operand,
                                              uint32_t operands, const uint8_t*& pc,
                                              uint8_t*& fp, ExecState* st, int64_t& fuel) noexcept {
  // One register for c, not a base and an index kept apart for the addressing modes.
  asm("" : "+r"(c));
  // (In integers: for a frame the fast path does not set up, the sum is past any stack.)
  if (reinterpret_cast<uintptr_t>(fp) + read_operand(pc, frame_operand) + c->fast_frame_bytes >
          reinterpret_cast<uintptr_t>(st->stack_end) ||
      fuel < static_cast<int64_t>(c->entry_cost) || st->frame_top == st->frame_end)
    return false;
  Frame* f = st->frame_top;
  f->return_pc = pc + handler_size + operands * operand_size;
  f->fp = reinterpret_cast<uint64_t*>(fp);
  st->frame_top = f + 1;
  fuel -= c->entry_cost;
  fp += read_operand(pc, frame_operand);
  uint64_t* local0 = reinterpret_cast<uint64_t*>(fp) + c->param_slots;
  std::memset(local0, 0, fast_local_slots * 8);  // before the constants, which may overlap
  if (c->consts_read) std::memcpy(local0 + c->local_slots, c->consts, fast_const_slots * 8);
  pc = c->entry;
  return true;
}

// The general path of the call handlers, a handler of its own so that their usual path
// saves no registers: host functions, other instances' functions, frames too big for
// enter_fast, and every trap or stop.
#define WEFT_CALL(callee_expr, frame_operand, operands)                                  \
  do {                                                                                   \
    FuncInst* callee_ = (callee_expr);                                                   \
    uint8_t* callee_fp_ = fp + OP(frame_operand);                                        \
    const uint8_t* return_pc_ = pc + handler_size + (operands) * operand_size;           \
    if (callee_->code == nullptr) {                                                      \
      st->host_callee = callee_;                                                         \
      st->host_args = reinterpret_cast<uint64_t*>(callee_fp_);                           \
      st->host_return = return_pc_;                                                      \
      TAIL_CALL(host_call);                                                              \
    }                                                                                    \
    Entered e_ = enter(callee_->code, callee_->instance, callee_fp_, return_pc_, pc, fp, mem, \
                       st, fuel);                                                        \
    if (e_ == Entered::stopped) TAIL_CALL(stop);                                         \
    if (e_ == Entered::trapped) EXIT();                                                  \
    DISPATCH();                                                                          \
  } while (0)
[[gnu::noinline]] void call_slow(WEFT_HANDLER_PARAMS) { WEFT_CALL(st->inst->funcs[OP(0)], 1, 2); }
[[gnu::noinline]] void call_local_slow(WEFT_HANDLER_PARAMS) {
  Entered e = enter(st->funcs + OP(0), st->inst, fp + OP(1), pc + handler_size + 2 * operand_size,
                    pc, fp, mem, st, fuel);
  if (e == Entered::stopped) TAIL_CALL(stop);
  if (e == Entered::trapped) EXIT();
  DISPATCH();
}
[[gnu::noinline]] void call_indirect_slow(WEFT_HANDLER_PARAMS) {
  const TableInst* table = st->inst->tables[OP(1)];
  uint32_t index = ARG(u32, 3);
  if (index >= table->elems.size()) TRAP(TrapKind::undefined_element);
  FuncInst* callee = static_cast<FuncInst*>(table->elems[index]);
  if (callee == nullptr) TRAP(TrapKind::uninitialized_element);
  if (callee->type_id != OP(0)) TRAP(TrapKind::indirect_call_type_mismatch);
  WEFT_CALL(callee, 2, 4);
}
#undef WEFT_CALL

WEFT_HANDLER(call) {
  const FuncInst* callee = st->inst->funcs[OP(0)];
  // (A host function has no instance.)
  if (callee->instance != st->inst ||
      !enter_fast(callee->code, 1, 2, pc, fp, st, fuel))
    TAIL_CALL(call_slow);
  DISPATCH();
}
// A defined function of the running module: its code is at a known index, and the instance
// stays the same (three dependent loads fewer than call's inst->funcs[i]->code).
WEFT_HANDLER(call_local) {
  if (!enter_fast(st->funcs + OP(0), 1, 2, pc, fp, st, fuel))
    TAIL_CALL(call_local_slow);
  DISPATCH();
}
// The add first; call_local's general path then sees its own operands just after the
// add's (pc moved past those), and the same return address.
WEFT_HANDLER(i32_add_call_local) {
  wr<u32>(fp, OP(0), ARG(u32, 1) + ARG(u32, 2));
  if (!enter_fast(st->funcs + OP(3), 4, 5, pc, fp, st, fuel)) {
    pc += 3 * operand_size;
    TAIL_CALL(call_local_slow);
  }
  DISPATCH();
}
// The traps are the general path's too.
WEFT_HANDLER(call_indirect) {
  const TableInst* table = st->inst->tables[OP(1)];
  uint32_t index = ARG(u32, 3);
  if (index >= table->elems.size()) TAIL_CALL(call_indirect_slow);
  const FuncInst* callee = static_cast<const FuncInst*>(table->elems[index]);
  if (callee == nullptr || callee->type_id != OP(0) || callee->instance != st->inst ||
      !enter_fast(callee->code, 2, 4, pc, fp, st, fuel))
    TAIL_CALL(call_indirect_slow);
  DISPATCH();
}

WEFT_HANDLER(select) {
  std::memcpy(fp + OP(0), fp + (ARG(u32, 3) != 0 ? OP(1) : OP(2)), 8);
  NEXT(4);
}
WEFT_HANDLER(select128) {
  std::memmove(fp + OP(0), fp + (ARG(u32, 3) != 0 ? OP(1) : OP(2)), 16);
  NEXT(4);
}
WEFT_HANDLER(global_get) {
  wr<u64>(fp, OP(0), st->inst->globals[OP(1)]->value[0]);
  NEXT(2);
}
WEFT_HANDLER(global_set) {
  st->inst->globals[OP(0)]->value[0] = ARG(u64, 1);
  NEXT(2);
}
WEFT_HANDLER(global_get128) {
  std::memcpy(fp + OP(0), st->inst->globals[OP(1)]->value, 16);
  NEXT(2);
}
WEFT_HANDLER(global_set128) {
  std::memcpy(st->inst->globals[OP(0)]->value, fp + OP(1), 16);
  NEXT(2);
}

WEFT_HANDLER(memory_size) {
  wr<u64>(fp, OP(0), st->mem_size / 65536);
  NEXT(1);
}
WEFT_HANDLER(memory_grow) {
  MemoryInst* m = st->inst->memories[0];
  uint64_t old = m->grow(ARG(u32, 1));
  wr<u32>(fp, OP(0), old == UINT64_MAX ? UINT32_MAX : static_cast<u32>(old));
  load_memory(st, mem);
  NEXT(2);
}
WEFT_HANDLER(memory_fill) {
  uint64_t d = ARG(u32, 0);
  uint64_t n = ARG(u32, 2);
  if (d + n > st->mem_size) TRAP(TrapKind::memory_out_of_bounds);
  std::memset(mem + d, static_cast<uint8_t>(ARG(u32, 1)), n);
  NEXT(3);
}
WEFT_HANDLER(memory_copy) {
  uint64_t d = ARG(u32, 0);
  uint64_t src = ARG(u32, 1);
  uint64_t n = ARG(u32, 2);
  if (d + n > st->mem_size || src + n > st->mem_size) TRAP(TrapKind::memory_out_of_bounds);
  std::memmove(mem + d, mem + src, n);
  NEXT(3);
}
WEFT_HANDLER(memory_init) {
  std::span<const uint8_t> data = st->inst->datas[OP(0)];
  uint64_t d = ARG(u32, 1);
  uint64_t src = ARG(u32, 2);
  uint64_t n = ARG(u32, 3);
  if (src + n > data.size() || d + n > st->mem_size) TRAP(TrapKind::memory_out_of_bounds);
  if (n) std::memcpy(mem + d, data.data() + src, n);
  NEXT(4);
}
WEFT_HANDLER(data_drop) {
  st->inst->datas[OP(0)] = {};
  NEXT(1);
}

WEFT_HANDLER(table_get) {
  const TableInst* t = st->inst->tables[OP(1)];
  uint32_t i = ARG(u32, 2);
  if (i >= t->elems.size()) TRAP(TrapKind::table_out_of_bounds);
  wr<u64>(fp, OP(0), reinterpret_cast<uintptr_t>(t->elems[i]));
  NEXT(3);
}
WEFT_HANDLER(table_set) {
  TableInst* t = st->inst->tables[OP(0)];
  uint32_t i = ARG(u32, 1);
  if (i >= t->elems.size()) TRAP(TrapKind::table_out_of_bounds);
  t->elems[i] = reinterpret_cast<void*>(static_cast<uintptr_t>(ARG(u64, 2)));
  NEXT(3);
}
WEFT_HANDLER(table_size) {
  wr<u64>(fp, OP(0), st->inst->tables[OP(1)]->elems.size());
  NEXT(2);
}
WEFT_HANDLER(table_grow) {
  TableInst* t = st->inst->tables[OP(1)];
  void* init = reinterpret_cast<void*>(static_cast<uintptr_t>(ARG(u64, 2)));
  uint64_t old = t->grow(ARG(u32, 3), init);
  wr<u32>(fp, OP(0), old == UINT64_MAX ? UINT32_MAX : static_cast<u32>(old));
  NEXT(4);
}
WEFT_HANDLER(table_fill) {
  TableInst* t = st->inst->tables[OP(0)];
  uint64_t i = ARG(u32, 1);
  void* v = reinterpret_cast<void*>(static_cast<uintptr_t>(ARG(u64, 2)));
  uint64_t n = ARG(u32, 3);
  if (i + n > t->elems.size()) TRAP(TrapKind::table_out_of_bounds);
  std::fill_n(t->elems.begin() + static_cast<std::ptrdiff_t>(i), n, v);
  NEXT(4);
}
WEFT_HANDLER(table_copy) {
  TableInst* dt = st->inst->tables[OP(0)];
  const TableInst* srct = st->inst->tables[OP(1)];
  uint64_t d = ARG(u32, 2);
  uint64_t src = ARG(u32, 3);
  uint64_t n = ARG(u32, 4);
  if (d + n > dt->elems.size() || src + n > srct->elems.size()) TRAP(TrapKind::table_out_of_bounds);
  if (n) std::memmove(dt->elems.data() + d, srct->elems.data() + src, n * sizeof(void*));
  NEXT(5);
}
WEFT_HANDLER(table_init) {
  TableInst* t = st->inst->tables[OP(0)];
  const std::vector<void*>& refs = st->inst->elems[OP(1)].refs;
  uint64_t d = ARG(u32, 2);
  uint64_t src = ARG(u32, 3);
  uint64_t n = ARG(u32, 4);
  if (src + n > refs.size() || d + n > t->elems.size()) TRAP(TrapKind::table_out_of_bounds);
  if (n) std::memcpy(t->elems.data() + d, refs.data() + src, n * sizeof(void*));
  NEXT(5);
}
WEFT_HANDLER(elem_drop) {
  std::vector<void*>().swap(st->inst->elems[OP(0)].refs);
  NEXT(1);
}
WEFT_HANDLER(ref_func) {
  wr<u64>(fp, OP(0), reinterpret_cast<uintptr_t>(st->inst->funcs[OP(1)]));
  NEXT(2);
}
WEFT_HANDLER(ref_is_null) {
  wr<u64>(fp, OP(0), ARG(u64, 1) == 0 ? 1 : 0);
  NEXT(2);
}
WEFT_HANDLER(unreachable) { TRAP(TrapKind::unreachable); }
WEFT_HANDLER(loop_entry) {
  constexpr uint32_t size = handler_size + 2 * operand_size;
  fuel -= read_loop_cost(pc + size);
  if (fuel < 0) {
    pc += size;
    TAIL_CALL(refuel);
  }
  NEXT(2);
}

// ---- superinstructions (code.hpp) --------------------------------------------------------
// The first result is computed before the second operand is read, and both before the
// destination is written: d may be any of the operands' slots.
template <class M>
[[gnu::always_inline]] inline M load_mem(const uint8_t* p) noexcept {
  M v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <class M>
[[gnu::always_inline]] inline void store_mem(uint8_t* p, M v) noexcept {
  std::memcpy(p, &v, sizeof v);
}

// The first result is computed before the second operand is read, and both before the
// destination is written: d may be any of the operands' slots. The _r forms apply the
// operator with the fused value t on the right: `c op t`.
#define WEFT_APPLY(b, t, c) num::b(t, c)
#define WEFT_APPLY_R(b, t, c) num::b(c, t)
#define WEFT_PAIR_HANDLER(T, a, b, name, APPLY)                                    \
  WEFT_HANDLER(name) {                                                             \
    T t_ = num::a(ARG(T, 1), ARG(T, 2));                             \
    wr<T>(fp, OP(0), APPLY(b, t_, ARG(T, 3)));                              \
    NEXT(4);                                                                       \
  }
#define WEFT_LOAD_OP_HANDLER(T, b, name, APPLY)                                    \
  WEFT_HANDLER(name) {                                                             \
    uint64_t ea = static_cast<uint64_t>(ARG(u32, 1)) + OP(2);               \
    if (out_of_bounds<sizeof(T)>(st, ea)) [[unlikely]] TRAP(TrapKind::memory_out_of_bounds);       \
    wr<T>(fp, OP(0), APPLY(b, load_mem<T>(mem + ea), ARG(T, 3)));           \
    NEXT(4);                                                                       \
  }
#define WEFT_LOAD_ADD_OP_HANDLER(T, M, b, name, APPLY)                             \
  WEFT_HANDLER(name) {                                                             \
    uint64_t ea =                                                                  \
        static_cast<uint64_t>(static_cast<u32>(ARG(u32, 1) + ARG(u32, 2))) + OP(3); \
    if (out_of_bounds<sizeof(M)>(st, ea)) [[unlikely]] TRAP(TrapKind::memory_out_of_bounds);       \
    T t_ = static_cast<T>(load_mem<M>(mem + ea));                                  \
    wr<T>(fp, OP(0), APPLY(b, t_, ARG(T, 4)));                              \
    NEXT(5);                                                                       \
  }
// t is written before c is read, as the two instructions did: c may be t's local.
#define WEFT_FUSED_HANDLER_pair_keep(T, a, b, x, name, n)                         \
  WEFT_HANDLER(name) {                                                             \
    T t_ = num::a(ARG(T, 1), ARG(T, 2));                             \
    wr<T>(fp, OP(4), t_);                                                          \
    wr<T>(fp, OP(0), num::b(t_, ARG(T, 3)));                                \
    NEXT(5);                                                                       \
  }
#define WEFT_FUSED_HANDLER_pair(T, a, b, x, name, n) WEFT_PAIR_HANDLER(T, a, b, name, WEFT_APPLY)
#define WEFT_FUSED_HANDLER_pair_r(T, a, b, x, name, n) WEFT_PAIR_HANDLER(T, a, b, name, WEFT_APPLY_R)
#define WEFT_FUSED_HANDLER_load(T, l, b, x, name, n) WEFT_LOAD_OP_HANDLER(T, b, name, WEFT_APPLY)
#define WEFT_FUSED_HANDLER_load_r(T, l, b, x, name, n) WEFT_LOAD_OP_HANDLER(T, b, name, WEFT_APPLY_R)
#define WEFT_FUSED_HANDLER_load_add(T, la, b, M, name, n) \
  WEFT_LOAD_ADD_OP_HANDLER(T, M, b, name, WEFT_APPLY)
#define WEFT_FUSED_HANDLER_load_add_r(T, la, b, M, name, n) \
  WEFT_LOAD_ADD_OP_HANDLER(T, M, b, name, WEFT_APPLY_R)
#define WEFT_FUSED_HANDLER_store(T, b, s, x, name, n)                              \
  WEFT_HANDLER(name) {                                                             \
    T t_ = num::b(ARG(T, 1), ARG(T, 2));                             \
    uint64_t ea = static_cast<uint64_t>(ARG(u32, 0)) + OP(3);               \
    if (out_of_bounds<sizeof(T)>(st, ea)) [[unlikely]] TRAP(TrapKind::memory_out_of_bounds);           \
    store_mem<T>(mem + ea, t_);                                                    \
    NEXT(4);                                                                       \
  }
// `load_op` then a store to the same address: one bounds check covers both.
#define WEFT_FUSED_HANDLER_rmw(T, lb, s, x, name, n)                               \
  WEFT_HANDLER(name) {                                                             \
    uint64_t ea = static_cast<uint64_t>(ARG(u32, 0)) + OP(1);               \
    if (out_of_bounds<sizeof(T)>(st, ea)) [[unlikely]] TRAP(TrapKind::memory_out_of_bounds);           \
    store_mem<T>(mem + ea, num::x(load_mem<T>(mem + ea), ARG(T, 2)));       \
    NEXT(3);                                                                       \
  }
// The value the first instruction of a branch superinstruction computes into d_.
#define WEFT_PRODUCE_i32_add(d_) d_ = ARG(u32, 1) + ARG(u32, 2)
#define WEFT_PRODUCE_i32_load8_u_add(d_)                                                     \
  {                                                                                          \
    uint64_t ea = static_cast<uint64_t>(static_cast<u32>(ARG(u32, 1) + ARG(u32, 2))) + OP(3); \
    if (out_of_bounds<1>(st, ea)) [[unlikely]] TRAP(TrapKind::memory_out_of_bounds);                            \
    d_ = mem[ea];                                                                            \
  }
#define WEFT_PRODUCE_i32_load(d_)                                                  \
  {                                                                                \
    uint64_t ea = static_cast<uint64_t>(ARG(u32, 1)) + OP(2);               \
    if (out_of_bounds<4>(st, ea)) [[unlikely]] TRAP(TrapKind::memory_out_of_bounds);                   \
    d_ = load_mem<u32>(mem + ea);                                                  \
  }
// The compared operand is read after d is written: it may be d itself.
#define WEFT_FUSED_HANDLER_branch(T, p, br, x, name, n)                            \
  WEFT_HANDLER(name) {                                                             \
    u32 d_;                                                                        \
    WEFT_PRODUCE_##p(d_);                                                          \
    wr<u32>(fp, OP(0), d_);                                                        \
    if (static_cast<T>(d_) x ARG(T, n - 2)) JUMP(n - 1);                    \
    NEXT(n);                                                                       \
  }
#define WEFT_PRODUCE_i32_and(d_) d_ = ARG(u32, 1) & ARG(u32, 2)
#define WEFT_PRODUCE_i32_add_i32_and(d_) d_ = (ARG(u32, 1) + ARG(u32, 2)) & ARG(u32, 3)
#define WEFT_FUSED_HANDLER_branch_z(T, p, br, x, name, n)                          \
  WEFT_HANDLER(name) {                                                             \
    u32 d_;                                                                        \
    WEFT_PRODUCE_##p(d_);                                                          \
    wr<u32>(fp, OP(0), d_);                                                        \
    if (d_ x 0) JUMP(n - 1);                                                       \
    NEXT(n);                                                                       \
  }
// Both compared operands and both values are read before d is written.
#define WEFT_FUSED_HANDLER_select(T, cmp, sel, x, name, n)                         \
  WEFT_HANDLER(name) {                                                             \
    const bool c_ = ARG(T, 3) x ARG(T, 4);                           \
    wr<u64>(fp, OP(0), rd<u64>(fp, c_ ? OP(1) : OP(2)));                           \
    NEXT(5);                                                                       \
  }
// The address (i << k) + base, wrapping at 32 bits like the i32.shl and i32.add it was.
#define WEFT_SCALED_EA(i, k, base, off)                                                      \
  (static_cast<uint64_t>(static_cast<u32>((ARG(u32, i) << (ARG(u32, k) & 31)) + \
                                          ARG(u32, base))) + OP(off))
#define WEFT_FUSED_HANDLER_scaled(T, sa, m, x, name, n) WEFT_SCALED_##m(T, name)
#define WEFT_SCALED_i32_load(T, name) WEFT_SCALED_LOAD(T, name)
#define WEFT_SCALED_i64_load(T, name) WEFT_SCALED_LOAD(T, name)
#define WEFT_SCALED_f32_load(T, name) WEFT_SCALED_LOAD(T, name)
#define WEFT_SCALED_f64_load(T, name) WEFT_SCALED_LOAD(T, name)
#define WEFT_SCALED_i32_store(T, name) WEFT_SCALED_STORE(T, name)
#define WEFT_SCALED_i64_store(T, name) WEFT_SCALED_STORE(T, name)
#define WEFT_SCALED_f32_store(T, name) WEFT_SCALED_STORE(T, name)
#define WEFT_SCALED_f64_store(T, name) WEFT_SCALED_STORE(T, name)
#define WEFT_SCALED_LOAD(T, name)                                                  \
  WEFT_HANDLER(name) {                                                             \
    uint64_t ea = WEFT_SCALED_EA(1, 2, 3, 4);                                      \
    if (out_of_bounds<sizeof(T)>(st, ea)) [[unlikely]] TRAP(TrapKind::memory_out_of_bounds);           \
    wr<T>(fp, OP(0), load_mem<T>(mem + ea));                                       \
    NEXT(5);                                                                       \
  }
#define WEFT_SCALED_STORE(T, name)                                                 \
  WEFT_HANDLER(name) {                                                             \
    uint64_t ea = WEFT_SCALED_EA(0, 1, 2, 4);                                      \
    if (out_of_bounds<sizeof(T)>(st, ea)) [[unlikely]] TRAP(TrapKind::memory_out_of_bounds);           \
    store_mem<T>(mem + ea, ARG(T, 3));                                      \
    NEXT(5);                                                                       \
  }
// rmw_of: the value of the first instruction, from its inputs at operands 2 on, then the
// read-modify-write `memory[addr + off] op= value` (operands 0 and 1). The first's load, if
// any, is checked and done before the read-modify-write's, as the two instructions were.
// rmw_of: the value of the first instruction, from its inputs at operands B on, then the
// read-modify-write `memory[addr + off] op= value` (operands 0 and 1). The first's load, if
// any, is checked and done before the read-modify-write's, as the two instructions were.
// The barrier keeps clang from loading the second part's operands before the first part is
// done, which left too few registers: with it, the two-load handlers save none.
#define WEFT_SEQUENCE_POINT() asm volatile("" ::: "memory")
#define WEFT_RMW_OF_VALUE_f64_mul(T, B) const T v_ = num::f64_mul(ARG(T, B), ARG(T, B + 1))
#define WEFT_RMW_OF_VALUE_f32_mul(T, B) const T v_ = num::f32_mul(ARG(T, B), ARG(T, B + 1))
#define WEFT_RMW_OF_VALUE_f64_mul_f64_mul(T, B) \
  const T v_ = num::f64_mul(num::f64_mul(ARG(T, B), ARG(T, B + 1)), ARG(T, B + 2))
#define WEFT_RMW_OF_VALUE_f32_mul_f32_mul(T, B) \
  const T v_ = num::f32_mul(num::f32_mul(ARG(T, B), ARG(T, B + 1)), ARG(T, B + 2))
#define WEFT_RMW_OF_VALUE_LOAD(T, B)                                               \
  T v_;                                                                            \
  {                                                                                \
    uint64_t ea2 = static_cast<uint64_t>(ARG(u32, B)) + OP(B + 1);          \
    if (out_of_bounds<sizeof(T)>(st, ea2)) [[unlikely]] TRAP(TrapKind::memory_out_of_bounds);      \
    v_ = num::T##_mul(load_mem<T>(mem + ea2), ARG(T, B + 2));               \
  }                                                                                \
  WEFT_SEQUENCE_POINT()
#define WEFT_RMW_OF_VALUE_f64_load_f64_mul(T, B) WEFT_RMW_OF_VALUE_LOAD(T, B)
#define WEFT_RMW_OF_VALUE_f32_load_f32_mul(T, B) WEFT_RMW_OF_VALUE_LOAD(T, B)
#define WEFT_RMW_APPLY_f64_add_mem(m, v) num::f64_add(m, v)
#define WEFT_RMW_APPLY_f32_add_mem(m, v) num::f32_add(m, v)
#define WEFT_RMW_APPLY_f64_sub_mem(m, v) num::f64_sub(m, v)
#define WEFT_RMW_APPLY_f32_sub_mem(m, v) num::f32_sub(m, v)
// A = the operand index of addr (off follows), B = of first's inputs.
// The address slot is operand A, the offset operand O, first's inputs from operand B on.
#define WEFT_RMW_OF_BODY(T, first, rmw, A, O, B)                                   \
  WEFT_RMW_OF_VALUE_##first(T, B);                                                 \
  uint64_t ea = static_cast<uint64_t>(ARG(u32, A)) + OP(O);                 \
  if (out_of_bounds<sizeof(T)>(st, ea)) [[unlikely]] TRAP(TrapKind::memory_out_of_bounds);         \
  store_mem<T>(mem + ea, WEFT_RMW_APPLY_##rmw(load_mem<T>(mem + ea), v_))
#define WEFT_FUSED_HANDLER_rmw_of(T, first, rmw, x, name, n) \
  WEFT_HANDLER(name) {                                       \
    WEFT_RMW_OF_BODY(T, first, rmw, 0, 1, 2);                \
    NEXT(n);                                                 \
  }
// add_addr: `d = a + b` is written to d first, then the rmw_of at d: [d a b off inputs...].
#define WEFT_ID(...) __VA_ARGS__
#define WEFT_FUSED_HANDLER_add_addr(T, add, r, x, name, n) WEFT_ADD_ADDR_I(T, name, n, WEFT_ID x)
#define WEFT_ADD_ADDR_I(...) WEFT_ADD_ADDR_J(__VA_ARGS__)
#define WEFT_ADD_ADDR_J(T, name, n, first, rmw)                                    \
  WEFT_HANDLER(name) {                                                             \
    wr<u32>(fp, OP(0), ARG(u32, 1) + ARG(u32, 2));                   \
    WEFT_RMW_OF_BODY(T, first, rmw, 0, 3, 4); /* [d a b off inputs...] */           \
    NEXT(n);                                                                       \
  }
// absorb: a CRC's table lookup `table[((a op1 b) op2 c) << k + base + off]`, with the
// operands [d k base off a b c]; and `d = (x >> s) ^ lookup` with [d x s k base off a b c].
#define WEFT_TABLE_LOOKUP(v, k, base, off, idx)                                              \
  u32 v;                                                                                     \
  {                                                                                          \
    uint64_t ea = static_cast<uint64_t>(static_cast<u32>((idx << (ARG(u32, k) & 31)) + \
                                                         ARG(u32, base))) + OP(off);   \
    if (out_of_bounds<4>(st, ea)) [[unlikely]] TRAP(TrapKind::memory_out_of_bounds);                        \
    v = load_mem<u32>(mem + ea);                                                             \
  }
#define WEFT_INDEX_and_xor(i) ((ARG(u32, i) & ARG(u32, i + 1)) ^ ARG(u32, i + 2))
#define WEFT_INDEX_xor_and(i) ((ARG(u32, i) ^ ARG(u32, i + 1)) & ARG(u32, i + 2))
#define WEFT_FUSED_HANDLER_absorb(T, first, second, x, name, n) WEFT_ABSORB_##name()
#define WEFT_ABSORB_TABLE(name, shape)                                             \
  WEFT_HANDLER(name) {                                                             \
    WEFT_TABLE_LOOKUP(v_, 1, 2, 3, WEFT_INDEX_##shape(4));                          \
    wr<u32>(fp, OP(0), v_);                                                        \
    NEXT(7);                                                                       \
  }
#define WEFT_ABSORB_SHR_XOR_TABLE(name, shape)                                     \
  WEFT_HANDLER(name) {                                                             \
    WEFT_TABLE_LOOKUP(v_, 3, 4, 5, WEFT_INDEX_##shape(6));                          \
    wr<u32>(fp, OP(0), num::i32_shr_u(ARG(u32, 1), ARG(u32, 2)) ^ v_); \
    NEXT(9);                                                                       \
  }
// A byte loaded (operands 5, 6: its address and offset), then range-checked: d = (byte +
// c1) & m; jump if d cmp limit. [d c1 m limit off addr loff]
#define WEFT_ABSORB_RANGE(name, cmp)                                               \
  WEFT_HANDLER(name) {                                                             \
    uint64_t ea = static_cast<uint64_t>(ARG(u32, 5)) + OP(6);               \
    if (out_of_bounds<1>(st, ea)) [[unlikely]] TRAP(TrapKind::memory_out_of_bounds);               \
    const u32 d_ = (static_cast<u32>(mem[ea]) + ARG(u32, 1)) & ARG(u32, 2); \
    wr<u32>(fp, OP(0), d_);                                                        \
    if (d_ cmp ARG(u32, 3)) JUMP(4);                                        \
    NEXT(7);                                                                       \
  }
#define WEFT_ABSORB_i32_load8_u_i32_add_i32_and_br_i32_lt_u() \
  WEFT_ABSORB_RANGE(i32_load8_u_i32_add_i32_and_br_i32_lt_u, <)
#define WEFT_ABSORB_i32_load8_u_i32_add_i32_and_br_i32_ge_u() \
  WEFT_ABSORB_RANGE(i32_load8_u_i32_add_i32_and_br_i32_ge_u, >=)
// Two loads multiplied, the earlier one (operands 3, 4 or 4, 5) first.
#define WEFT_ABSORB_i32_load_x2_i32_mul()                                          \
  WEFT_HANDLER(i32_load_x2_i32_mul) {                                              \
    uint64_t ea2 = static_cast<uint64_t>(ARG(u32, 3)) + OP(4);              \
    if (out_of_bounds<4>(st, ea2)) [[unlikely]] TRAP(TrapKind::memory_out_of_bounds);              \
    const u32 x_ = load_mem<u32>(mem + ea2);                                       \
    WEFT_SEQUENCE_POINT();                                                         \
    uint64_t ea = static_cast<uint64_t>(ARG(u32, 1)) + OP(2);               \
    if (out_of_bounds<4>(st, ea)) [[unlikely]] TRAP(TrapKind::memory_out_of_bounds);               \
    wr<u32>(fp, OP(0), load_mem<u32>(mem + ea) * x_);                              \
    NEXT(5);                                                                       \
  }
#define WEFT_ABSORB_i32_load_add_load_i32_mul()                                    \
  WEFT_HANDLER(i32_load_add_load_i32_mul) {                                        \
    uint64_t ea2 = static_cast<uint64_t>(ARG(u32, 4)) + OP(5);              \
    if (out_of_bounds<4>(st, ea2)) [[unlikely]] TRAP(TrapKind::memory_out_of_bounds);              \
    const u32 x_ = load_mem<u32>(mem + ea2);                                       \
    WEFT_SEQUENCE_POINT();                                                         \
    uint64_t ea =                                                                  \
        static_cast<uint64_t>(static_cast<u32>(ARG(u32, 1) + ARG(u32, 2))) + OP(3); \
    if (out_of_bounds<4>(st, ea)) [[unlikely]] TRAP(TrapKind::memory_out_of_bounds);               \
    wr<u32>(fp, OP(0), load_mem<u32>(mem + ea) * x_);                              \
    NEXT(6);                                                                       \
  }
// One value at a time, so that the rotations (whose count x86 wants in cl, where the
// execution state is) leave registers for the rest: no register saved.
#define WEFT_ABSORB_SUM_OF(name, LAST)                                             \
  WEFT_HANDLER(name) {                                                             \
    const u32 a_ = ARG(u32, 3);                                             \
    u32 r_ = std::rotl(a_, static_cast<int>(ARG(u32, 4) & 31));             \
    r_ ^= std::rotl(a_, static_cast<int>(ARG(u32, 5) & 31));                \
    r_ ^= LAST(a_, ARG(u32, 6) & 31);                                       \
    r_ += ARG(u32, 1);                                                      \
    r_ += ARG(u32, 2);                                                      \
    wr<u32>(fp, OP(0), r_);                                                        \
    NEXT(7);                                                                       \
  }
#define WEFT_SUM_ROTL(a, k) std::rotl(a, static_cast<int>(k))
#define WEFT_SUM_SHR(a, k) ((a) >> (k))
#define WEFT_ABSORB_i32_add_i32_add_rotl3_xor() WEFT_ABSORB_SUM_OF(i32_add_i32_add_rotl3_xor, WEFT_SUM_ROTL)
// A dot product's last sum, `y + (a * b + c)` ([d y a b c]: the sum of squares of n-body's
// distance), and `c / (x * sqrt(y))` ([d x c y]: its inverse cube). The operand absorbed
// may have been either one of the sum's or the product's (both commute).
// SHA-2's majority `(x & y) ^ ((a ^ b) & c)` ([d x y a b c]) and a sum of three with its
// choice's half `x + y + ((a ^ b) & c)` ([d x y a b c]; the sum commutes, so the absorbed
// operand may have been any of the three).
#define WEFT_ABSORB_i32_maj()                                                       \
  WEFT_HANDLER(i32_maj) {                                                           \
    const u32 t_ = (ARG(u32, 3) ^ ARG(u32, 4)) & ARG(u32, 5);                       \
    wr<u32>(fp, OP(0), (ARG(u32, 1) & ARG(u32, 2)) ^ t_);                           \
    NEXT(6);                                                                        \
  }
#define WEFT_ABSORB_i32_add_i32_add_xor_and()                                       \
  WEFT_HANDLER(i32_add_i32_add_xor_and) {                                           \
    const u32 t_ = (ARG(u32, 3) ^ ARG(u32, 4)) & ARG(u32, 5);                       \
    wr<u32>(fp, OP(0), ARG(u32, 1) + ARG(u32, 2) + t_);                             \
    NEXT(6);                                                                        \
  }
#define WEFT_ABSORB_f64_mul_f64_add_f64_add()                                       \
  WEFT_HANDLER(f64_mul_f64_add_f64_add) {                                           \
    const f64 t_ = num::f64_add(num::f64_mul(ARG(f64, 2), ARG(f64, 3)), ARG(f64, 4)); \
    wr<f64>(fp, OP(0), num::f64_add(t_, ARG(f64, 1)));                              \
    NEXT(5);                                                                        \
  }
#define WEFT_ABSORB_f64_sqrt_f64_mul_f64_div_r()                                    \
  WEFT_HANDLER(f64_sqrt_f64_mul_f64_div_r) {                                        \
    const f64 s_ = num::f64_sqrt(ARG(f64, 3));                                      \
    wr<f64>(fp, OP(0), num::f64_div(ARG(f64, 2), num::f64_mul(ARG(f64, 1), s_)));   \
    NEXT(4);                                                                        \
  }
#define WEFT_ABSORB_i32_add_i32_add_rotl2_shr_u_xor() \
  WEFT_ABSORB_SUM_OF(i32_add_i32_add_rotl2_shr_u_xor, WEFT_SUM_SHR)
#define WEFT_ABSORB_i32_table_and_xor() WEFT_ABSORB_TABLE(i32_table_and_xor, and_xor)
#define WEFT_ABSORB_i32_table_xor_and() WEFT_ABSORB_TABLE(i32_table_xor_and, xor_and)
#define WEFT_ABSORB_i32_shr_u_xor_table_and_xor() WEFT_ABSORB_SHR_XOR_TABLE(i32_shr_u_xor_table_and_xor, and_xor)
#define WEFT_ABSORB_i32_shr_u_xor_table_xor_and() WEFT_ABSORB_SHR_XOR_TABLE(i32_shr_u_xor_table_xor_and, xor_and)
// The two address additions, then `mem[d1 + off1] += mem[d2 + off2] * c`, in the order of
// the instructions: each sum is written before the next operand is read.
// (Also the first part of its then_br forms: the unrolled loop's body, then its closing
// add-compare-branch.)
#define WEFT_THEN_STORE_i32_add_x2_f64_load_f64_mul_f64_add_mem()                    \
  {                                                                                  \
    const u32 d1 = ARG(u32, 1) + ARG(u32, 2);                          \
    wr<u32>(fp, OP(0), d1);                                                          \
    const u32 d2 = ARG(u32, 4) + ARG(u32, 5);                          \
    wr<u32>(fp, OP(3), d2);                                                          \
    uint64_t ea2 = static_cast<uint64_t>(d2) + OP(7);                                \
    if (out_of_bounds<8>(st, ea2)) [[unlikely]] TRAP(TrapKind::memory_out_of_bounds);                \
    const f64 v = num::f64_mul(load_mem<f64>(mem + ea2), ARG(f64, 8));        \
    WEFT_SEQUENCE_POINT();                                                           \
    uint64_t ea = static_cast<uint64_t>(d1) + OP(6); /* not d2's slot: checked */    \
    if (out_of_bounds<8>(st, ea)) [[unlikely]] TRAP(TrapKind::memory_out_of_bounds);                 \
    store_mem<f64>(mem + ea, num::f64_add(load_mem<f64>(mem + ea), v));              \
  }
WEFT_HANDLER(i32_add_x2_f64_load_f64_mul_f64_add_mem) {
  WEFT_THEN_STORE_i32_add_x2_f64_load_f64_mul_f64_add_mem();
  NEXT(9);
}
// The same step twice (a loop unrolled by two: the second at the addresses advanced by k1
// and k2), then the loop's closing add-compare-branch. The lowering checked that the
// second step reads the first one's d1 and d2, writes d1 again and its second sum only to
// a temporary, and that no input read after d1 and d2 are written names them: so the sums
// stay in registers, and d1 and d2 are written once, before the branch reads anything.
#define WEFT_AXPY_STEP(P, Q)                                                           \
  {                                                                                  \
    uint64_t ea2 = static_cast<uint64_t>(Q) + off2;                                  \
    if (out_of_bounds<8>(st, ea2)) [[unlikely]] TRAP(TrapKind::memory_out_of_bounds);                \
    const f64 v = num::f64_mul(load_mem<f64>(mem + ea2), c);                       \
    WEFT_SEQUENCE_POINT();                                                           \
    uint64_t ea = static_cast<uint64_t>(P) + off1;                                   \
    if (out_of_bounds<8>(st, ea)) [[unlikely]] TRAP(TrapKind::memory_out_of_bounds);                 \
    store_mem<f64>(mem + ea, num::f64_add(load_mem<f64>(mem + ea), v));              \
  }
#define WEFT_AXPY_X2_HANDLER(name, T, x)                                             \
  WEFT_HANDLER(name) {                                                               \
    const u32 p = ARG(u32, 1) + ARG(u32, 2);                           \
    const u32 q = ARG(u32, 4) + ARG(u32, 5);                           \
    const uint32_t off1 = OP(6), off2 = OP(7);                                       \
    const f64 c = ARG(f64, 8);                                                \
    WEFT_AXPY_STEP(p, q);                                                            \
    const u32 p2 = p + ARG(u32, 9);                                           \
    const u32 q2 = q + ARG(u32, 10);                                          \
    WEFT_AXPY_STEP(p2, q2);                                                          \
    wr<u32>(fp, OP(0), p2);                                                          \
    wr<u32>(fp, OP(3), q);                                                           \
    WEFT_THEN_BRANCH_ADD(T, x, 11);                                                  \
    NEXT(16);                                                                        \
  }
// A difference of a loaded coordinate, kept in its local, then multiplied: n-body's
// `dx = b->x - c->x; dx * c->mass` and `dy * dy`. l is written before x is read (x may be l).
WEFT_HANDLER(f64_load_add_f64_sub_r_f64_mul_keep) {
  uint64_t ea = static_cast<uint64_t>(static_cast<u32>(ARG(u32, 3) + ARG(u32, 4))) + OP(5);
  if (out_of_bounds<8>(st, ea)) [[unlikely]] TRAP(TrapKind::memory_out_of_bounds);
  const f64 v = num::f64_sub(ARG(f64, 6), load_mem<f64>(mem + ea));
  wr<f64>(fp, OP(2), v);
  wr<f64>(fp, OP(0), num::f64_mul(ARG(f64, 1), v));
  NEXT(7);
}
// chain: rotations (and a shift) of one value a, xored: SHA-2's Σ and σ functions.
#define WEFT_FUSED_HANDLER_chain(T, first, second, x, name, n) WEFT_CHAIN_##name(T)
#define WEFT_ROTL(T, i) std::rotl(a_, static_cast<int>(ARG(T, i) & (sizeof(T) * 8 - 1)))
#define WEFT_CHAIN_HANDLER(name, T, expr, n) \
  WEFT_HANDLER(name) {                       \
    const T a_ = ARG(T, 1);           \
    T r_ = expr;                             \
    WEFT_SEQUENCE_POINT();                   \
    wr<T>(fp, OP(0), r_);                    \
    NEXT(n);                                 \
  }
#define WEFT_CHAIN_i32_rotl2_xor(T) WEFT_CHAIN_HANDLER(i32_rotl2_xor, T, WEFT_ROTL(T, 2) ^ WEFT_ROTL(T, 3), 4)
#define WEFT_CHAIN_i64_rotl2_xor(T) WEFT_CHAIN_HANDLER(i64_rotl2_xor, T, WEFT_ROTL(T, 2) ^ WEFT_ROTL(T, 3), 4)
#define WEFT_CHAIN_i32_rotl3_xor(T) \
  WEFT_CHAIN_HANDLER(i32_rotl3_xor, T, WEFT_ROTL(T, 2) ^ WEFT_ROTL(T, 3) ^ WEFT_ROTL(T, 4), 5)
#define WEFT_CHAIN_i64_rotl3_xor(T) \
  WEFT_CHAIN_HANDLER(i64_rotl3_xor, T, WEFT_ROTL(T, 2) ^ WEFT_ROTL(T, 3) ^ WEFT_ROTL(T, 4), 5)
#define WEFT_SHRU(T, i) (a_ >> (ARG(T, i) & (sizeof(T) * 8 - 1)))
#define WEFT_CHAIN_i32_rotl2_shr_u_xor(T) \
  WEFT_CHAIN_HANDLER(i32_rotl2_shr_u_xor, T, WEFT_ROTL(T, 2) ^ WEFT_ROTL(T, 3) ^ WEFT_SHRU(T, 4), 5)
#define WEFT_CHAIN_i64_rotl2_shr_u_xor(T) \
  WEFT_CHAIN_HANDLER(i64_rotl2_shr_u_xor, T, WEFT_ROTL(T, 2) ^ WEFT_ROTL(T, 3) ^ WEFT_SHRU(T, 4), 5)
// then_br: the store (it may trap, and then nothing after it happens), then the loop's
// `d = x + y; if (d cmp c) jump` at operands k.. (k: the store's operand count).
#define WEFT_THEN_STORE_i32_store8_add() WEFT_THEN_STORE_ADD(uint8_t, u32)
#define WEFT_THEN_STORE_i32_store_add() WEFT_THEN_STORE_ADD(u32, u32)
#define WEFT_THEN_STORE_ADD(M, V)                                                                \
  {                                                                                              \
    uint64_t ea = static_cast<uint64_t>(static_cast<u32>(ARG(u32, 0) + ARG(u32, 1))) + OP(3); \
    if (out_of_bounds<sizeof(M)>(st, ea)) [[unlikely]] TRAP(TrapKind::memory_out_of_bounds);                     \
    store_mem<M>(mem + ea, static_cast<M>(ARG(V, 2)));                                    \
  }
#define WEFT_THEN_STORE_i32_store8() WEFT_THEN_STORE_PLAIN(uint8_t, u32)
#define WEFT_THEN_STORE_i32_store() WEFT_THEN_STORE_PLAIN(u32, u32)
#define WEFT_THEN_STORE_f64_store() WEFT_THEN_STORE_PLAIN(f64, f64)
#define WEFT_THEN_STORE_PLAIN(M, V)                                                \
  {                                                                                \
    uint64_t ea = static_cast<uint64_t>(ARG(u32, 0)) + OP(2);               \
    if (out_of_bounds<sizeof(M)>(st, ea)) [[unlikely]] TRAP(TrapKind::memory_out_of_bounds);       \
    store_mem<M>(mem + ea, static_cast<M>(ARG(V, 1)));                      \
  }
#define WEFT_THEN_STORE_i32_store_scaled() WEFT_THEN_STORE_SCALED(u32)
#define WEFT_THEN_STORE_SCALED(T)                                                  \
  {                                                                                \
    uint64_t ea = WEFT_SCALED_EA(0, 1, 2, 4);                                      \
    if (out_of_bounds<sizeof(T)>(st, ea)) [[unlikely]] TRAP(TrapKind::memory_out_of_bounds);       \
    store_mem<T>(mem + ea, ARG(T, 3));                                      \
  }
#define WEFT_THEN_STORE_copy64() std::memcpy(fp + OP(0), fp + OP(1), 8)
#define WEFT_THEN_STORE_i32_add() wr<u32>(fp, OP(0), ARG(u32, 1) + ARG(u32, 2))
#define WEFT_THEN_STORE_i32_add_x2()                                 \
  wr<u32>(fp, OP(0), ARG(u32, 1) + ARG(u32, 2));       \
  wr<u32>(fp, OP(3), ARG(u32, 4) + ARG(u32, 5))
// Firsts that branch themselves (their offset is their last operand).
#define WEFT_THEN_STORE_i32_load8_u_add_br_i32_eq()                                          \
  {                                                                                          \
    uint64_t ea = static_cast<uint64_t>(static_cast<u32>(ARG(u32, 1) + ARG(u32, 2))) + OP(3); \
    if (out_of_bounds<1>(st, ea)) [[unlikely]] TRAP(TrapKind::memory_out_of_bounds);                        \
    const u32 v_ = mem[ea];                                                                  \
    wr<u32>(fp, OP(0), v_);                                                                  \
    if (v_ == ARG(u32, 4)) JUMP(5);                                                   \
  }
#define WEFT_THEN_LOAD32(k, v)                                                     \
  uint64_t ea##v = static_cast<uint64_t>(ARG(u32, k + 1)) + OP(k + 2);      \
  if (out_of_bounds<4>(st, ea##v)) [[unlikely]] TRAP(TrapKind::memory_out_of_bounds);          \
  const u32 v = load_mem<u32>(mem + ea##v);                                        \
  wr<u32>(fp, OP(k), v)
#define WEFT_THEN_STORE_i32_load_br_i32_eq() \
  {                                          \
    WEFT_THEN_LOAD32(0, v1_);                \
    if (v1_ == ARG(u32, 3)) JUMP(4);  \
  }
#define WEFT_THEN_STORE_i32_load_br_if() \
  {                                      \
    WEFT_THEN_LOAD32(0, v1_);            \
    if (v1_ != 0) JUMP(3);               \
  }
#define WEFT_THEN_BRANCH_i32_load_br_if(T, x, k) \
  WEFT_THEN_LOAD32(k, v2_);                      \
  if (v2_ != 0) JUMP(k + 3)
#define WEFT_THEN_BRANCH_i32_load_br_i32_eq(T, x, k) \
  WEFT_THEN_LOAD32(k, v2_);                          \
  if (v2_ == ARG(u32, k + 3)) JUMP(k + 4)
#define WEFT_THEN_BR_FIELDS_i32_load_br_if 4
#define WEFT_THEN_BR_FIELDS_i32_load_br_i32_eq 5
// The branch, its operands from k on.
#define WEFT_THEN_BRANCH_ADD(T, x, k)                                              \
  const u32 d_ = ARG(u32, k + 1) + ARG(u32, k + 2);                  \
  wr<u32>(fp, OP(k), d_);                                                          \
  if (static_cast<T>(d_) x ARG(T, k + 3)) JUMP(k + 4)
#define WEFT_THEN_BRANCH_i32_add_br_i32_ne(T, x, k) WEFT_THEN_BRANCH_ADD(T, x, k)
#define WEFT_THEN_BRANCH_i32_add_br_i32_lt_u(T, x, k) WEFT_THEN_BRANCH_ADD(T, x, k)
#define WEFT_THEN_BRANCH_i32_add_br_i32_lt_s(T, x, k) WEFT_THEN_BRANCH_ADD(T, x, k)
#define WEFT_THEN_BRANCH_CMP(T, x, k) \
  if (ARG(T, k) x ARG(T, k + 1)) JUMP(k + 2)
#define WEFT_THEN_BRANCH_br_i32_eq(T, x, k) WEFT_THEN_BRANCH_CMP(T, x, k)
#define WEFT_THEN_BRANCH_br_i32_ne(T, x, k) WEFT_THEN_BRANCH_CMP(T, x, k)
#define WEFT_THEN_BRANCH_br_i32_lt_u(T, x, k) WEFT_THEN_BRANCH_CMP(T, x, k)
#define WEFT_THEN_BRANCH_br_i32_lt_s(T, x, k) WEFT_THEN_BRANCH_CMP(T, x, k)
#define WEFT_THEN_BRANCH_br_if(T, x, k) \
  if (ARG(u32, k) x 0) JUMP(k + 1)
#define WEFT_THEN_BRANCH_br_unless(T, x, k) WEFT_THEN_BRANCH_br_if(T, x, k)
#define WEFT_THEN_BR_FIELDS_i32_add_br_i32_ne 5
#define WEFT_THEN_BR_FIELDS_i32_add_br_i32_lt_u 5
#define WEFT_THEN_BR_FIELDS_i32_add_br_i32_lt_s 5
#define WEFT_THEN_BR_FIELDS_br_i32_eq 3
#define WEFT_THEN_BR_FIELDS_br_i32_ne 3
#define WEFT_THEN_BR_FIELDS_br_i32_lt_u 3
#define WEFT_THEN_BR_FIELDS_br_i32_lt_s 3
#define WEFT_THEN_BR_FIELDS_br_if 2
#define WEFT_THEN_BR_FIELDS_br_unless 2
WEFT_AXPY_X2_HANDLER(i32_add_x2_f64_load_f64_mul_f64_add_mem_x2_add_br_i32_ne, u32, !=)
WEFT_AXPY_X2_HANDLER(i32_add_x2_f64_load_f64_mul_f64_add_mem_x2_add_br_i32_lt_u, u32, <)
WEFT_AXPY_X2_HANDLER(i32_add_x2_f64_load_f64_mul_f64_add_mem_x2_add_br_i32_lt_s, int32_t, <)
#define WEFT_FUSED_HANDLER_then_br(T, s, br, x, name, n)                           \
  WEFT_HANDLER(name) {                                                             \
    WEFT_THEN_STORE_##s();                                                         \
    constexpr uint32_t k_ = n - WEFT_THEN_BR_FIELDS_##br;                          \
    WEFT_THEN_BRANCH_##br(T, x, k_);                                               \
    NEXT(n);                                                                       \
  }
#define WEFT_FUSED(kind, T, a, b, x, name, n) WEFT_FUSED_HANDLER_##kind(T, a, b, x, name, n)
WEFT_FUSED_OPS()
#undef WEFT_FUSED

#undef OP
#undef NEXT
#undef DISPATCH
#undef TRAP
#undef EXIT
#undef JUMP
#undef TAIL_CALL

/// Every handler, in IOp order.
const void* const handlers[] = {
#define WEFT_ENTRY(name, sig, kind) reinterpret_cast<const void*>(&op_##name<Dir::any>),
#define WEFT_OP(name, prefix, code, text, imm, sig, kind, feature) \
  WEFT_EXEC_##kind##_##feature(WEFT_ENTRY, name, sig)
#include "wasm/opcodes.def"
#undef WEFT_OP
#undef WEFT_ENTRY
#define WEFT_ENTRY_INTERNAL(name, operands) reinterpret_cast<const void*>(&op_##name<Dir::any>),
    WEFT_INTERNAL_OPS(WEFT_ENTRY_INTERNAL)
#define WEFT_FUSED(kind, T, a, b, x, name, n) WEFT_ENTRY_INTERNAL(name, n)
    WEFT_FUSED_OPS()
#undef WEFT_FUSED
#undef WEFT_ENTRY_INTERNAL
};
static_assert(std::size(handlers) == iop_count);

/// Runs wasm function `entry` with its arguments in `slots` (results are written there).
Result<void> execute(StoreImpl* store, FuncInst* entry, uint64_t* slots) noexcept {
  StoreImpl& s = *store;
  const FunctionCode* fc = entry->code;
  uint64_t* const entry_top = s.stack_top;
  const uint32_t entry_frames = s.frame_count;
  if (entry_top + fc->frame_slots > s.value_stack_end || s.frame_count >= s.frame_capacity)
    return Failure{Error::make_trap(TrapKind::call_stack_exhausted)};

  s.fuel -= fc->entry_cost;
  if (s.fuel < 0 || s.interrupt_requested.load(std::memory_order_relaxed))
    return Failure{Error::make_trap(stop_reason(s))};
  ExecState st;
  st.s = store;
  st.inst = entry->instance;
  st.entry_top = entry_top;
  st.stack_end = s.value_stack_end;
  st.frame_top = s.frames.get() + s.frame_count;
  st.frame_end = s.frames.get() + s.frame_capacity;
  uint8_t* mem;
  load_memory(&st, mem);
  if (fc->param_slots) std::memcpy(entry_top, slots, fc->param_slots * 8);
  zero_slots(entry_top + fc->param_slots, fc->local_slots);
  if (fc->const_slots && fc->consts_read)
    copy_slots(entry_top + fc->param_slots + fc->local_slots, st.code_base + fc->const_offset,
               fc->const_slots);
  *st.frame_top++ = Frame{reinterpret_cast<const uint8_t*>(leave_code), nullptr, nullptr, nullptr};

  const uint8_t* pc = st.code_base + fc->code_offset;
#ifdef WEFT_DISPATCH_PROFILE
  dispatch_profile::count(read_handler(pc));
#endif
  int64_t fuel;
  split_fuel(&st, s.fuel, fuel);
  if constexpr (detail::signal_traps) {
    ExecState* const outer = t_running;  // a host function's caller, or null
    t_running = &st;
    weft_run_handlers(pc, reinterpret_cast<uint8_t*>(entry_top), mem, &st, fuel, read_handler(pc));
    t_running = outer;
  } else {
    reinterpret_cast<Handler>(const_cast<void*>(read_handler(pc)))(
        pc, reinterpret_cast<uint8_t*>(entry_top), mem, &st, fuel);
  }
  // Every way out of the handlers wrote the fuel left back to s.fuel.

  s.frame_count = entry_frames;
  if (st.trap != TrapKind::none) {
    s.stack_top = entry_top;
    return Failure{Error::make_trap(st.trap)};
  }
  if (st.failed) {
    s.stack_top = entry_top;
    return Failure{std::move(st.error)};
  }
  if (fc->result_slots) std::memcpy(slots, entry_top, fc->result_slots * 8);
  return {};
}

}  // namespace

const void* const* handler_table() noexcept { return handlers; }

namespace {
/// [0]: the handlers for a backward branch, [1]: for a forward one, per IOp (see Dir).
struct DirectedHandlers {
  const void* table[2][iop_count] = {};
  DirectedHandlers() {
    auto add = [&](IOp op, const void* back, const void* fwd) {
      table[0][static_cast<size_t>(op)] = back;
      table[1][static_cast<size_t>(op)] = fwd;
    };
#define WEFT_DIRECTED(name)                                                  \
  add(IOp::name, reinterpret_cast<const void*>(&op_##name<Dir::back>),       \
      reinterpret_cast<const void*>(&op_##name<Dir::fwd>));
    WEFT_DIRECTED(br)
    WEFT_DIRECTED(br_if)
    WEFT_DIRECTED(br_unless)
    WEFT_DIRECTED(br_i32_eq) WEFT_DIRECTED(br_i32_ne) WEFT_DIRECTED(br_i32_lt_s) WEFT_DIRECTED(br_i32_lt_u)
    WEFT_DIRECTED(br_i32_gt_s) WEFT_DIRECTED(br_i32_gt_u) WEFT_DIRECTED(br_i32_le_s) WEFT_DIRECTED(br_i32_le_u)
    WEFT_DIRECTED(br_i32_ge_s) WEFT_DIRECTED(br_i32_ge_u)
    WEFT_DIRECTED(br_i64_eq) WEFT_DIRECTED(br_i64_ne) WEFT_DIRECTED(br_i64_lt_s) WEFT_DIRECTED(br_i64_lt_u)
    WEFT_DIRECTED(br_i64_gt_s) WEFT_DIRECTED(br_i64_gt_u) WEFT_DIRECTED(br_i64_le_s) WEFT_DIRECTED(br_i64_le_u)
    WEFT_DIRECTED(br_i64_ge_s) WEFT_DIRECTED(br_i64_ge_u)
    WEFT_DIRECTED(br_i64_eqz) WEFT_DIRECTED(br_i64_nez)
    WEFT_DIRECTED(copy64_br) WEFT_DIRECTED(i32_add_br) WEFT_DIRECTED(copy64x2_br) WEFT_DIRECTED(copy64x4_br)
    WEFT_DIRECTED(i32_add_x2_f64_load_f64_mul_f64_add_mem_x2_add_br_i32_ne)
    WEFT_DIRECTED(i32_add_x2_f64_load_f64_mul_f64_add_mem_x2_add_br_i32_lt_u)
    WEFT_DIRECTED(i32_add_x2_f64_load_f64_mul_f64_add_mem_x2_add_br_i32_lt_s)
    // Superinstructions: a branch on a value (branch, branch_z), and an instruction then a
    // branch (then_br), unless that instruction branches too.
#define WEFT_DIRECTED_KIND_branch(a, name) WEFT_DIRECTED(name)
#define WEFT_DIRECTED_KIND_branch_z(a, name) WEFT_DIRECTED(name)
#define WEFT_DIRECTED_KIND_then_br(a, name) \
  if (std::string_view(#a).find("br") == std::string_view::npos) WEFT_DIRECTED(name)
#define WEFT_DIRECTED_KIND_pair(a, name)
#define WEFT_DIRECTED_KIND_pair_r(a, name)
#define WEFT_DIRECTED_KIND_load(a, name)
#define WEFT_DIRECTED_KIND_load_r(a, name)
#define WEFT_DIRECTED_KIND_load_add(a, name)
#define WEFT_DIRECTED_KIND_load_add_r(a, name)
#define WEFT_DIRECTED_KIND_store(a, name)
#define WEFT_DIRECTED_KIND_rmw(a, name)
#define WEFT_DIRECTED_KIND_select(a, name)
#define WEFT_DIRECTED_KIND_scaled(a, name)
#define WEFT_DIRECTED_KIND_rmw_of(a, name)
#define WEFT_DIRECTED_KIND_chain(a, name)
#define WEFT_DIRECTED_KIND_pair_keep(a, name)
#define WEFT_DIRECTED_KIND_absorb(a, name)  // the absorbed branches keep their offset inside
#define WEFT_DIRECTED_KIND_add_addr(a, name)
#define WEFT_FUSED(kind, T, a, b, x, name, n) WEFT_DIRECTED_KIND_##kind(a, name)
    WEFT_FUSED_OPS()
#undef WEFT_FUSED
#undef WEFT_DIRECTED
  }
};
/// Built on first use, not at static initialization: a module may be compiled from another
/// translation unit's static initializer.
const DirectedHandlers& directed_handlers() {
  static const DirectedHandlers table;
  return table;
}

/// Handlers compiled with some operands as immediates (kImm), for the instructions and the
/// operands that the benchmarks' hot loops read constants from (the dispatch profile and
/// bench/: loop bounds and steps, array bases, shift counts). Each saves the load of the
/// constant's slot. finish_code picks, per instruction, the variant with the most of its
/// constant operands.
struct ImmediateVariant {
  uint32_t mask;
  const void* handler[3];  ///< Dir::any, back, fwd (the last two for branches only)
};
#define WEFT_B(i) (1u << (i))
#define WEFT_IMMEDIATE_VARIANTS(X, XB)                                                        \
  X(i32_add, WEFT_B(2)) X(i32_sub, WEFT_B(2)) X(i32_mul, WEFT_B(2)) X(i32_and, WEFT_B(2))   \
  X(i32_or, WEFT_B(2)) X(i32_xor, WEFT_B(2)) X(i32_shl, WEFT_B(2)) X(i32_shr_u, WEFT_B(2))  \
  X(i32_shr_s, WEFT_B(2)) X(i32_rotl, WEFT_B(2)) X(i32_gt_u, WEFT_B(2)) X(i32_lt_u, WEFT_B(2)) \
  X(i32_eq, WEFT_B(2)) X(i32_ne, WEFT_B(2)) X(i64_add, WEFT_B(2))                           \
  X(i64_shr_u_i64_xor, WEFT_B(2)) X(i64_shl_i64_xor, WEFT_B(2))                             \
  X(i32_load, WEFT_B(1)) X(f64_load, WEFT_B(1)) X(i32_store, WEFT_B(0)) X(f64_store, WEFT_B(0)) \
  X(i32_store8, WEFT_B(0))                                                                    \
  X(i32_load_add, WEFT_B(2)) X(i32_load8_u_add, WEFT_B(2)) X(i32_load8_s_add, WEFT_B(2))     \
  X(f64_load_add, WEFT_B(2)) X(i32_store8_add, WEFT_B(1) | WEFT_B(2))                        \
  X(i32_store8_add, WEFT_B(1)) X(i32_store_add, WEFT_B(1))                                   \
  X(i32_load8_u_add_i32_add, WEFT_B(2)) X(f64_load_add_f64_sub_r, WEFT_B(2))                 \
  X(i32_add_f64_mul_f64_mul_f64_add_mem, WEFT_B(2)) X(i32_load_add_load_i32_mul, WEFT_B(2))  \
  X(i32_add_x2, WEFT_B(2) | WEFT_B(5)) X(i32_add_x2, WEFT_B(2)) X(i32_add_x2, WEFT_B(5))     \
  X(i32_add_i32_add_keep, WEFT_B(3)) X(i32_shr_u_i32_and, WEFT_B(3))                        \
  X(i32_and_i32_shr_u, WEFT_B(2) | WEFT_B(3)) X(i32_shl_i32_xor_keep, WEFT_B(2) | WEFT_B(3)) \
  X(i32_xor_i32_and, WEFT_B(2)) X(i32_add_i32_shl, WEFT_B(3))                               \
  X(i32_add_i32_add_rotl3_xor, WEFT_B(4) | WEFT_B(5) | WEFT_B(6))                            \
  X(i32_add_i32_add_rotl2_shr_u_xor, WEFT_B(4) | WEFT_B(5) | WEFT_B(6))                      \
  X(i32_rotl2_shr_u_xor, WEFT_B(2) | WEFT_B(3) | WEFT_B(4))                                  \
  X(i32_rotl3_xor, WEFT_B(2) | WEFT_B(3) | WEFT_B(4))                                        \
  X(i32_shr_u_xor_table_and_xor, WEFT_B(2) | WEFT_B(3) | WEFT_B(4) | WEFT_B(7) | WEFT_B(8))   \
  X(i32_shr_u_xor_table_and_xor, WEFT_B(2) | WEFT_B(3) | WEFT_B(4) | WEFT_B(7))              \
  X(i32_add_call_local, WEFT_B(2))                                                            \
  /* the constant first: `k + x`, `k & x`, a base plus an index */                            \
  X(i32_add, WEFT_B(1)) X(i32_mul, WEFT_B(1)) X(i32_and, WEFT_B(1)) X(i32_or, WEFT_B(1))      \
  X(i32_xor, WEFT_B(1)) X(i32_load_add, WEFT_B(1)) X(i32_load8_u_add, WEFT_B(1))              \
  X(i32_load8_s_add, WEFT_B(1)) X(f64_load_add, WEFT_B(1))                                    \
  X(copy64, WEFT_B(1)) X(i32_le_u, WEFT_B(2)) X(i32_store8, WEFT_B(1)) X(i32_store, WEFT_B(1))  \
  X(i32_shr_u_i32_or, WEFT_B(2)) X(i32_shl_i32_and, WEFT_B(2) | WEFT_B(3))                    \
  X(i32_shl_i32_and, WEFT_B(1) | WEFT_B(3)) X(i32_add_i32_store, WEFT_B(2))                   \
  X(i32_eq_select, WEFT_B(4))           X(i32_add_i32_and, WEFT_B(2) | WEFT_B(3))           \
  X(i32_add_i32_add, WEFT_B(2)) X(i32_shl_i32_add, WEFT_B(2))                                 \
  X(i32_load8_s_add_br_table, WEFT_B(2) | WEFT_B(4)) X(i32_load8_u_add_br_table, WEFT_B(2) | WEFT_B(4)) \
  X(i32_load8_u_add_br_i32_eq_then_br_i32_eq, WEFT_B(2) | WEFT_B(4) | WEFT_B(7))              \
  X(i32_load8_u_add_br_i32_eq_then_br_i32_ne, WEFT_B(2) | WEFT_B(4) | WEFT_B(7))              \
  X(i32_load8_u_i32_add_i32_and_br_i32_lt_u, WEFT_B(1) | WEFT_B(2) | WEFT_B(3))               \
  X(f64_load_add_f64_sub_r_f64_mul_keep, WEFT_B(4)) X(i32_add_i32_add_xor_and, WEFT_B(4))     \
  XB(copy64_br, WEFT_B(1)) XB(i32_add_br_i32_ge_s, WEFT_B(2)) XB(i32_and_br_if, WEFT_B(2))    \
  XB(i32_and_br_unless, WEFT_B(2))                                                            \
  XB(br_i32_eq, WEFT_B(1)) XB(br_i32_ne, WEFT_B(1)) XB(br_i32_lt_s, WEFT_B(1))                \
  XB(br_i32_lt_u, WEFT_B(1)) XB(br_i32_gt_s, WEFT_B(1)) XB(br_i32_gt_u, WEFT_B(1))            \
  XB(br_i32_le_s, WEFT_B(1)) XB(br_i32_le_u, WEFT_B(1)) XB(br_i32_ge_s, WEFT_B(1))            \
  XB(br_i32_ge_u, WEFT_B(1)) XB(i32_add_br, WEFT_B(2))                                        \
  XB(i32_add_br_if, WEFT_B(2)) XB(i32_add_then_br_if, WEFT_B(2))                              \
  XB(i32_add_br_i32_ne, WEFT_B(2) | WEFT_B(3)) XB(i32_add_br_i32_ne, WEFT_B(2))               \
  XB(i32_add_br_i32_ne, WEFT_B(3)) XB(i32_add_br_i32_lt_u, WEFT_B(2) | WEFT_B(3))             \
  XB(i32_add_br_i32_lt_u, WEFT_B(2)) XB(i32_add_br_i32_lt_s, WEFT_B(2) | WEFT_B(3))           \
  XB(i32_add_br_i32_lt_s, WEFT_B(2)) XB(i32_add_br_i32_ge_u, WEFT_B(2))                      \
  XB(i32_add_br_i32_eq, WEFT_B(2) | WEFT_B(3)) XB(i32_add_then_br_i32_eq, WEFT_B(4))         \
  XB(i32_add_then_br_i32_ne, WEFT_B(4))                                                       \
  XB(i32_add_i32_and_br_i32_lt_u, WEFT_B(2) | WEFT_B(3) | WEFT_B(4))                          \
  XB(i32_store8_add_add_br_i32_lt_u, WEFT_B(1) | WEFT_B(2) | WEFT_B(7))                        \
  XB(i32_store8_add_add_br_i32_lt_u, WEFT_B(1) | WEFT_B(7))                                   \
  XB(copy64_add_br_i32_lt_u, WEFT_B(4)) XB(copy64_add_br_i32_ne, WEFT_B(4) | WEFT_B(5))       \
  XB(copy64_add_br_i32_ne, WEFT_B(4))                                                         \
  XB(i32_add_x2_then_br_if, WEFT_B(2) | WEFT_B(5)) XB(i32_add_x2_then_br_i32_ne, WEFT_B(2) | WEFT_B(5) | WEFT_B(7)) \
  XB(i32_add_x2_then_br_i32_ne, WEFT_B(2) | WEFT_B(5))                                        \
  XB(i32_add_x2_add_br_i32_ne, WEFT_B(2) | WEFT_B(5) | WEFT_B(8) | WEFT_B(9))                \
  XB(i32_add_x2_add_br_i32_lt_u, WEFT_B(2) | WEFT_B(5) | WEFT_B(8) | WEFT_B(9))              \
  XB(i32_add_x2_f64_load_f64_mul_f64_add_mem_x2_add_br_i32_ne,                                \
     WEFT_B(9) | WEFT_B(10) | WEFT_B(13) | WEFT_B(14))                                        \
  XB(i32_add_x2_f64_load_f64_mul_f64_add_mem_x2_add_br_i32_lt_u,                              \
     WEFT_B(9) | WEFT_B(10) | WEFT_B(13) | WEFT_B(14))                                        \
  XB(i32_add_x2_f64_load_f64_mul_f64_add_mem_x2_add_br_i32_lt_s,                              \
     WEFT_B(9) | WEFT_B(10) | WEFT_B(13) | WEFT_B(14))
struct ImmediateVariants {
  std::vector<ImmediateVariant> of[iop_count];
  ImmediateVariants() {
#define WEFT_IMM(name, mask)                                                                  \
  of[static_cast<size_t>(IOp::name)].push_back(                                              \
      {mask, {reinterpret_cast<const void*>(&op_##name<Dir::any, mask>), nullptr, nullptr}});
#define WEFT_IMM_BR(name, mask)                                                               \
  of[static_cast<size_t>(IOp::name)].push_back(                                              \
      {mask,                                                                                  \
       {reinterpret_cast<const void*>(&op_##name<Dir::any, mask>),                            \
        reinterpret_cast<const void*>(&op_##name<Dir::back, mask>),                           \
        reinterpret_cast<const void*>(&op_##name<Dir::fwd, mask>)}});
    WEFT_IMMEDIATE_VARIANTS(WEFT_IMM, WEFT_IMM_BR)
#undef WEFT_IMM
#undef WEFT_IMM_BR
  }
};
#undef WEFT_B
const ImmediateVariants& immediate_variants() {
  static const ImmediateVariants variants;
  return variants;
}

/// The value of the constant slot at byte offset `field` of c's frame, when it is one and
/// the value fits 32 bits zero-extended (every i32 constant; i64 and float ones rarely).
std::optional<uint32_t> constant_fits(const detail::ModuleData& data, const FunctionCode& c, uint32_t field) {
  const uint64_t first = uint64_t{c.param_slots + c.local_slots} * 8;
  if (field % 8 != 0 || field < first || field >= first + uint64_t{c.const_slots} * 8) return std::nullopt;
  uint64_t value;
  std::memcpy(&value, data.code.data() + c.const_offset + (field - first), 8);
  if (value > UINT32_MAX) return std::nullopt;
  return static_cast<uint32_t>(value);
}

/// Once the function's code is final (every offset resolved): puts in place, for each
/// instruction, the variant with its constant operands as immediates, if there is one, and
/// for each branch the handler of its direction.
/// handler_iop() for one module's instructions, a few hundred distinct handlers: a small
/// direct-mapped cache in front of the sorted table's search.
struct HandlerLookup {
  static constexpr size_t size = 1024;
  const void* key[size] = {};
  IOp op[size] = {};
  IOp operator()(const void* h) {
    const size_t i = (reinterpret_cast<uintptr_t>(h) >> 4) & (size - 1);
    if (key[i] == h) return op[i];
    std::optional<IOp> found = handler_iop(h);
    if (!found) std::abort();  // the lowering wrote only handlers here
    key[i] = h;
    op[i] = *found;
    return *found;
  }
};

void specialize(detail::ModuleData& data, FunctionCode& c, HandlerLookup& lookup) {
  std::vector<size_t> immediate_fields;  // in increasing order
  size_t pc = c.code_offset;
  while (pc + handler_size <= c.const_offset) {
    uint8_t* p = data.code.data() + pc;
    const void* h;
    std::memcpy(&h, p, sizeof h);
    const IOp op = lookup(h);
    uint32_t n = iop_operands(op);
    // The operands after the fixed ones: br_table's count, then the table of offsets.
    const bool table = has_offset_table(op);
    const uint32_t extra = table ? read_operand(p, n - 1) + 1 : 0;
    // For a branch (none of those): its offset, the last operand.
    const bool backward = !table && n > 0 && static_cast<int32_t>(read_operand(p, n - 1)) < 0;
    const void* chosen = nullptr;
    // Operands naming a constant whose value fits 32 bits (zero-extended): the variant
    // with the most of them as immediates, if any.
    const ImmediateVariant* best = nullptr;
    for (const ImmediateVariant& v : immediate_variants().of[static_cast<size_t>(op)]) {
      bool all = true;
      for (uint32_t i = 0; i < n && all; ++i)
        if ((v.mask >> i) & 1) all = constant_fits(data, c, read_operand(p, i)).has_value();
      if (all && (!best || std::popcount(v.mask) > std::popcount(best->mask))) best = &v;
    }
    if (best) {
      for (uint32_t i = 0; i < n; ++i) {
        if (((best->mask >> i) & 1) == 0) continue;
        const uint32_t value = *constant_fits(data, c, read_operand(p, i));
        std::memcpy(p + handler_size + operand_size * i, &value, 4);
        immediate_fields.push_back(pc + handler_size + operand_size * i);
      }
      chosen = best->handler[1] ? best->handler[backward ? 1 : 2] : best->handler[0];
    } else if (const void* back = directed_handlers().table[0][static_cast<size_t>(op)]) {
      chosen = backward ? back : directed_handlers().table[1][static_cast<size_t>(op)];
    }
    if (chosen) std::memcpy(p, &chosen, sizeof chosen);
    pc += handler_size + operand_size * (n + extra);
  }
  // Every operand naming a constant became an immediate: no call needs the constants.
  c.consts_read = !std::all_of(c.const_fields.begin(), c.const_fields.end(), [&](size_t at) {
    return std::binary_search(immediate_fields.begin(), immediate_fields.end(), at);
  });
}
}  // namespace

const void* const* directed_handler_table(bool back) noexcept { return directed_handlers().table[back ? 0 : 1]; }

namespace {
struct HandlerEntry {
  const void* handler;
  IOp op;
  uint32_t immediates;
};
/// Every handler address, sorted, with its IOp and immediate operands: a few thousand,
/// looked up once per instruction when a module is finished (a hash map's nodes cost more
/// to build than all the lookups of a module). Never destroyed: the dispatch profile reads
/// it at exit.
const HandlerEntry* find_handler(const void* h) noexcept {
  static const std::vector<HandlerEntry>* const sorted = [] {
    auto* v = new std::vector<HandlerEntry>;
    v->reserve(4 * iop_count);
    for (size_t i = 0; i < iop_count; ++i) {
      const IOp op = static_cast<IOp>(i);
      v->push_back({handlers[i], op, 0});
      for (const auto& t : directed_handlers().table)
        if (t[i]) v->push_back({t[i], op, 0});
      for (const ImmediateVariant& iv : immediate_variants().of[i])
        for (const void* vh : iv.handler)
          if (vh) v->push_back({vh, op, iv.mask});
    }
    std::sort(v->begin(), v->end(), [](const HandlerEntry& a, const HandlerEntry& b) {
      return std::less<>()(a.handler, b.handler);
    });
    return v;
  }();
  auto it = std::lower_bound(sorted->begin(), sorted->end(), h, [](const HandlerEntry& e, const void* x) {
    return std::less<>()(e.handler, x);
  });
  if (it == sorted->end() || it->handler != h) return nullptr;
  return &*it;
}
}  // namespace

std::optional<IOp> handler_iop(const void* h) noexcept {
  const HandlerEntry* e = find_handler(h);
  if (!e) return std::nullopt;
  return e->op;
}

uint32_t handler_immediates(const void* h) noexcept {
  const HandlerEntry* e = find_handler(h);
  return e ? e->immediates : 0;
}

void finish_code(detail::ModuleData& data) {
  auto lookup = std::make_unique<HandlerLookup>();
  for (FunctionCode& c : data.funcs) {
    specialize(data, c, *lookup);
    c.const_fields.clear();
    c.const_fields.shrink_to_fit();
  }
  data.code.resize(data.code.size() + fast_const_slots * 8);
  data.code.shrink_to_fit();
  for (FunctionCode& c : data.funcs) {
    c.entry = data.code.data() + c.code_offset;
    c.consts = data.code.data() + c.const_offset;
    bool fast = c.local_slots <= fast_local_slots && c.const_slots <= fast_const_slots;
    c.fast_frame_bytes = fast ? (uint64_t{c.frame_slots} + fast_const_slots) * 8 : uint64_t{1} << 62;
  }
}

IOp iop_of(wasm::Op op) noexcept { return iop_map[static_cast<size_t>(op)]; }

void install_signal_traps() {
  if constexpr (detail::signal_traps) {
    static std::once_flag once;
    std::call_once(once, [] {
      struct sigaction action {};
      action.sa_sigaction = [](int sig, siginfo_t* info, void* context) { on_fault(sig, info, context); };
      action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
      sigemptyset(&action.sa_mask);
      sigaction(SIGSEGV, &action, &g_previous_segv);
      sigaction(SIGBUS, &action, &g_previous_bus);
    });
  }
}

Result<void> invoke(StoreImpl& store, FuncInst* f, uint64_t* slots) noexcept {
  if (f == nullptr) return fail(ErrorKind::usage, "call of a null function");
  if (f->store != &store)
    return fail(ErrorKind::usage, "the function belongs to a different store");
  if (!store.value_stack)
    return fail(ErrorKind::usage, "the store has no execution stack");
  if (f->code == nullptr) {
    if (store.frame_count >= store.frame_capacity)
      return Failure{Error::make_trap(TrapKind::call_stack_exhausted)};
    return call_host(store, f, slots, nullptr);
  }
  return execute(&store, f, slots);
}

}  // namespace weft::interp
