// weft: the public C++ API.
//
//   weft::Engine engine;
//   auto module = engine.compile(bytes);                 // Result<Module>
//   weft::Store store(engine);
//   weft::Linker linker(engine);
//   linker.define_func("env", "log", [](weft::Caller&, int32_t x) { ... });
//   auto instance = linker.instantiate(store, *module);  // Result<Instance>
//   auto add = instance->typed_func<int32_t(int32_t, int32_t)>("add");
//   auto sum = (*add)(store, 1, 2);                       // Result<int32_t>
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "weft/result.hpp"
#include "weft/value.hpp"

namespace weft {

namespace detail {
struct EngineImpl;
struct ModuleData;
struct StoreImpl;
struct InstanceImpl;
struct FuncInst;
struct MemoryInst;
struct TableInst;
struct GlobalInst;
struct LinkerImpl;
}  // namespace detail

/// Optional WebAssembly features. All of WebAssembly 2.0 is the default.
struct Features {
  bool sign_extension = true;
  bool saturating_float_to_int = true;
  bool multi_value = true;
  bool bulk_memory = true;
  bool reference_types = true;
  bool simd = true;  ///< fixed-width SIMD (v128)
};

/// Engine-wide configuration.
struct EngineConfig {
  Features features;
  /// Deepest wasm call nesting before a call traps with "call stack exhausted".
  uint32_t max_call_depth = 20000;
  /// Size of each store's operand stack, in 8-byte slots.
  uint32_t value_stack_slots = 1u << 20;
  /// Upper bound of any memory, in 64 KiB pages (65536 = 4 GiB).
  uint32_t max_memory_pages = 65536;
  /// Upper bound of any table's element count.
  uint32_t max_table_elements = 10'000'000;
};

/// An import or export kind.
enum class ExternKind : uint8_t { func = 0, table = 1, memory = 2, global = 3 };
std::string_view extern_kind_name(ExternKind k) noexcept;

/// Size limits of a memory (in pages) or a table (in elements).
struct Limits {
  uint64_t min = 0;
  std::optional<uint64_t> max;
};
struct TableType {
  ValType element = ValType::funcref;
  Limits limits;
};
struct MemoryType {
  Limits limits;
};
struct GlobalType {
  ValType type = ValType::i32;
  bool mutable_ = false;
};

/// The type of an import or export, as the module declares it.
struct ExternType {
  ExternKind kind = ExternKind::func;
  FuncType func;
  TableType table;
  MemoryType memory;
  GlobalType global;
  std::string to_string() const;
};

struct ImportDesc {
  std::string module;
  std::string name;
  ExternType type;
};
struct ExportDesc {
  std::string name;
  ExternType type;
};

/// Shared, thread-safe state: configuration and the registry of function types.
class Engine {
 public:
  Engine();
  explicit Engine(const EngineConfig& config);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const EngineConfig& config() const noexcept;

  /// Decodes, validates and lowers a binary module. Errors are malformed or invalid.
  Result<class Module> compile(std::span<const uint8_t> bytes) const;
  /// Decodes and validates only.
  Result<void> validate(std::span<const uint8_t> bytes) const;

  detail::EngineImpl& impl() const noexcept { return *m_impl; }

 private:
  std::unique_ptr<detail::EngineImpl> m_impl;
};

/// A compiled module: immutable, cheap to copy, shareable between threads and stores.
class Module {
 public:
  std::vector<ImportDesc> imports() const;
  std::vector<ExportDesc> exports() const;
  /// Name and size of each section, in order, for inspection.
  struct SectionInfo {
    uint8_t id;
    std::string name;
    size_t offset;
    size_t size;
  };
  std::vector<SectionInfo> sections() const;
  /// Size of the binary the module was compiled from, in bytes.
  size_t binary_size() const noexcept;
  /// A listing of the interpreter's lowered code for every function the module defines,
  /// each headed by its function index and export names: for reading what the engine runs.
  std::string lowered_code() const;

  explicit Module(std::shared_ptr<const detail::ModuleData> data) : m_data(std::move(data)) {}
  const std::shared_ptr<const detail::ModuleData>& data() const noexcept { return m_data; }

 private:
  std::shared_ptr<const detail::ModuleData> m_data;
};

class Store;
class Caller;

/// A function of a store: wasm or host. A cheap handle, valid while its store lives.
class Func {
 public:
  Func() = default;
  explicit Func(detail::FuncInst* f) : m_f(f) {}
  const FuncType& type() const;
  /// Calls with arguments checked against the signature. A trap comes back as an error.
  Result<std::vector<Value>> call(Store& store, std::span<const Value> args) const;
  Result<void> call(Store& store, std::span<const Value> args, std::span<Value> results) const;
  detail::FuncInst* raw() const noexcept { return m_f; }
  explicit operator bool() const noexcept { return m_f != nullptr; }

 private:
  detail::FuncInst* m_f = nullptr;
};

/// A linear memory of a store.
class Memory {
 public:
  Memory() = default;
  explicit Memory(detail::MemoryInst* m) : m_m(m) {}
  uint64_t size_pages() const noexcept;
  uint64_t size_bytes() const noexcept;
  uint8_t* data() const noexcept;
  /// Grows by `delta` pages; returns the old size in pages, or nothing if it cannot grow.
  std::optional<uint64_t> grow(uint64_t delta) const;
  /// A bounds-checked view of [offset, offset+length), or nothing if out of bounds.
  std::optional<std::span<uint8_t>> view(uint64_t offset, uint64_t length) const noexcept;
  std::optional<std::string_view> read_string(uint64_t offset, uint64_t length) const noexcept;
  MemoryType type() const;
  detail::MemoryInst* raw() const noexcept { return m_m; }
  explicit operator bool() const noexcept { return m_m != nullptr; }

 private:
  detail::MemoryInst* m_m = nullptr;
};

/// A table of references of a store.
class Table {
 public:
  Table() = default;
  explicit Table(detail::TableInst* t) : m_t(t) {}
  uint64_t size() const noexcept;
  std::optional<Value> get(uint64_t index) const;
  Result<void> set(uint64_t index, const Value& v) const;
  std::optional<uint64_t> grow(uint64_t delta, const Value& init) const;
  TableType type() const;
  detail::TableInst* raw() const noexcept { return m_t; }
  explicit operator bool() const noexcept { return m_t != nullptr; }

 private:
  detail::TableInst* m_t = nullptr;
};

/// A global of a store.
class Global {
 public:
  Global() = default;
  explicit Global(detail::GlobalInst* g) : m_g(g) {}
  Value get() const;
  Result<void> set(const Value& v) const;
  GlobalType type() const;
  detail::GlobalInst* raw() const noexcept { return m_g; }
  explicit operator bool() const noexcept { return m_g != nullptr; }

 private:
  detail::GlobalInst* m_g = nullptr;
};

/// Any of the four kinds of external values.
class Extern {
 public:
  Extern() = default;
  Extern(Func f) : m_kind(ExternKind::func), m_ptr(f.raw()) {}      // NOLINT
  Extern(Table t) : m_kind(ExternKind::table), m_ptr(t.raw()) {}    // NOLINT
  Extern(Memory m) : m_kind(ExternKind::memory), m_ptr(m.raw()) {}  // NOLINT
  Extern(Global g) : m_kind(ExternKind::global), m_ptr(g.raw()) {}  // NOLINT
  ExternKind kind() const noexcept { return m_kind; }
  std::optional<Func> func() const;
  std::optional<Table> table() const;
  std::optional<Memory> memory() const;
  std::optional<Global> global() const;
  void* raw() const noexcept { return m_ptr; }

 private:
  ExternKind m_kind = ExternKind::func;
  void* m_ptr = nullptr;
};

/// What a host function sees of its caller: the store, and the calling instance's memory.
class Caller {
 public:
  Caller(Store& store, detail::InstanceImpl* instance) : m_store(store), m_instance(instance) {}
  Store& store() const noexcept { return m_store; }
  /// The calling instance's memory 0 (or its export named `name`), if it has one.
  std::optional<Memory> memory() const;
  std::optional<Extern> get_export(std::string_view name) const;
  /// The embedder's data attached to the store.
  void* user_data() const noexcept;

 private:
  Store& m_store;
  detail::InstanceImpl* m_instance;
};

/// The uniform host function signature: arguments and result slots, both of the declared types.
/// Return an error to trap the guest (kind host_error unless the error is itself a trap).
using HostFunction =
    std::function<Result<void>(Caller& caller, std::span<const Value> args, std::span<Value> results)>;

/// Owns instances, memories, tables, globals and functions, and the execution stacks.
/// Not thread-safe: one thread uses a store at a time.
class Store {
 public:
  explicit Store(const Engine& engine, void* user_data = nullptr);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const Engine& engine() const noexcept;
  void* user_data() const noexcept;
  void set_user_data(void* p) noexcept;

  /// Host objects that modules can import.
  Func create_host_func(const FuncType& type, HostFunction fn);
  Result<Memory> create_memory(const MemoryType& type);
  Result<Table> create_table(const TableType& type, const Value& init);
  Result<Global> create_global(const GlobalType& type, const Value& init);

  /// Deterministic metering. With fuel set, every function entry and loop iteration
  /// consumes the number of instructions of the code it starts (a loop body counts its own
  /// instructions, not those of loops nested in it); running out traps with out_of_fuel.
  /// `std::nullopt` turns metering off (the default).
  void set_fuel(std::optional<uint64_t> fuel) noexcept;
  /// Fuel left, or nothing when metering is off.
  std::optional<uint64_t> fuel() const noexcept;

  /// Asks running wasm on this store to stop: it traps with `interrupted` at its next
  /// function entry or loop iteration. Safe to call from any thread. The request stays
  /// pending until a call consumes it or clear_interrupt() is called.
  void interrupt() noexcept;
  void clear_interrupt() noexcept;

  /// Caps, in 64 KiB pages, every memory this store creates from now on (instantiation and
  /// create_memory) and how far memory.grow may take it, below the engine's own ceiling.
  void set_memory_limit_pages(uint64_t pages) noexcept;
  /// The effective ceiling of this store's new memories: the engine's or the store's, lower.
  uint64_t memory_limit_pages() const noexcept;

  detail::StoreImpl& impl() noexcept { return *m_impl; }

 private:
  std::unique_ptr<detail::StoreImpl> m_impl;
};

template <class Sig>
class TypedFunc;

/// An instantiated module.
class Instance {
 public:
  Instance() = default;
  explicit Instance(detail::InstanceImpl* i) : m_i(i) {}

  std::optional<Extern> get_export(std::string_view name) const;
  std::optional<Func> get_func(std::string_view name) const;
  std::optional<Memory> get_memory(std::string_view name) const;
  std::optional<Table> get_table(std::string_view name) const;
  std::optional<Global> get_global(std::string_view name) const;
  /// Every export, in the module's order.
  std::vector<std::pair<std::string, Extern>> exports() const;

  /// A typed view of exported function `name`; fails if it is missing or its type differs.
  template <class Sig>
  Result<TypedFunc<Sig>> typed_func(std::string_view name) const;

  detail::InstanceImpl* raw() const noexcept { return m_i; }

 private:
  detail::InstanceImpl* m_i = nullptr;
};

/// Resolves imports by (module, name) and instantiates modules.
class Linker {
 public:
  explicit Linker(const Engine& engine);
  ~Linker();
  Linker(const Linker&) = delete;
  Linker& operator=(const Linker&) = delete;

  /// Defines an import. A later definition of the same name replaces the earlier one.
  void define(std::string_view module, std::string_view name, Extern value);
  /// Defines every export of `instance` under module name `module` (the spec's "register").
  void define_instance(std::string_view module, const Instance& instance);
  /// Defines a host function with an explicit type.
  void define_func(std::string_view module, std::string_view name, const FuncType& type,
                   HostFunction fn);
  /// Defines a host function from a C++ callable; its wasm type is derived from the signature.
  /// The callable may take `Caller&` first, then i32/i64/f32/f64 (as int32_t, uint32_t,
  /// int64_t, uint64_t, float, double) and return void, one such value, or Result of those.
  template <class F>
  void define_func(std::string_view module, std::string_view name, F&& fn);

  /// Instantiates: resolves and type-checks imports (unlinkable), then initializes segments
  /// and runs the start function (uninstantiable on a trap).
  Result<Instance> instantiate(Store& store, const Module& module) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
  const Engine& m_engine;
  /// Host functions are created lazily in each store that instantiates (once per store);
  /// every store calls the one callable the linker holds.
  void define_host(std::string_view module, std::string_view name, const FuncType& type,
                   HostFunction fn);
};

// ---- typed calls ----------------------------------------------------------------------

namespace detail {
template <class T>
struct WasmType;
template <> struct WasmType<int32_t> { static constexpr ValType type = ValType::i32; static Value to(int32_t v) { return Value::i32(v); } static int32_t from(const Value& v) { return v.i32(); } };
template <> struct WasmType<uint32_t> { static constexpr ValType type = ValType::i32; static Value to(uint32_t v) { return Value::i32(static_cast<int32_t>(v)); } static uint32_t from(const Value& v) { return static_cast<uint32_t>(v.i32()); } };
template <> struct WasmType<int64_t> { static constexpr ValType type = ValType::i64; static Value to(int64_t v) { return Value::i64(v); } static int64_t from(const Value& v) { return v.i64(); } };
template <> struct WasmType<uint64_t> { static constexpr ValType type = ValType::i64; static Value to(uint64_t v) { return Value::i64(static_cast<int64_t>(v)); } static uint64_t from(const Value& v) { return static_cast<uint64_t>(v.i64()); } };
template <> struct WasmType<float> { static constexpr ValType type = ValType::f32; static Value to(float v) { return Value::f32(v); } static float from(const Value& v) { return v.f32(); } };
template <> struct WasmType<double> { static constexpr ValType type = ValType::f64; static Value to(double v) { return Value::f64(v); } static double from(const Value& v) { return v.f64(); } };

/// Calls a wasm function with raw 8-byte slots (args in, results out). Defined by the runtime.
Result<void> call_raw(Store& store, FuncInst* f, uint64_t* slots);
const FuncType& func_type(const FuncInst* f);

template <class R>
struct ResultTypes {
  static std::vector<ValType> get() { return {WasmType<R>::type}; }
};
template <>
struct ResultTypes<void> {
  static std::vector<ValType> get() { return {}; }
};
}  // namespace detail

/// A function whose signature was checked once, called without per-call type checks.
template <class R, class... Args>
class TypedFunc<R(Args...)> {
 public:
  explicit TypedFunc(Func f) : m_f(f) {}
  static FuncType signature() {
    return FuncType{{detail::WasmType<Args>::type...}, detail::ResultTypes<R>::get()};
  }
  Result<R> operator()(Store& store, Args... args) const {
    constexpr size_t n = sizeof...(Args) > 1 ? sizeof...(Args) : 1;
    uint64_t slots[n] = {};
    size_t i = 0;
    ((slots[i++] = detail::WasmType<Args>::to(args).raw()), ...);
    (void)i;
    WEFT_TRY_VOID(detail::call_raw(store, m_f.raw(), slots));
    if constexpr (std::is_void_v<R>) {
      return Result<void>();
    } else {
      return detail::WasmType<R>::from(Value::from_raw(detail::WasmType<R>::type, slots[0]));
    }
  }
  Func func() const noexcept { return m_f; }

 private:
  Func m_f;
};

template <class Sig>
Result<TypedFunc<Sig>> Instance::typed_func(std::string_view name) const {
  auto f = get_func(name);
  if (!f) return fail(ErrorKind::usage, "no exported function named '" + std::string(name) + "'");
  FuncType want = TypedFunc<Sig>::signature();
  if (!(f->type() == want))
    return fail(ErrorKind::usage, "exported function '" + std::string(name) + "' has type " +
                                      f->type().to_string() + ", not " + want.to_string());
  return TypedFunc<Sig>(*f);
}

// ---- host functions from callables ----------------------------------------------------

namespace detail {
template <class T>
struct CallableTraits : CallableTraits<decltype(&T::operator())> {};
template <class C, class R, class... A>
struct CallableTraits<R (C::*)(A...) const> {
  using Ret = R;
  using ArgsTuple = std::tuple<A...>;
};
template <class C, class R, class... A>
struct CallableTraits<R (C::*)(A...)> {
  using Ret = R;
  using ArgsTuple = std::tuple<A...>;
};
template <class R, class... A>
struct CallableTraits<R (*)(A...)> {
  using Ret = R;
  using ArgsTuple = std::tuple<A...>;
};

template <class R>
struct Unwrap {
  using type = R;
};
template <class R>
struct Unwrap<Result<R>> {
  using type = R;
};

template <class F, class Ret, class Tuple>
struct Host;
template <class F, class Ret, class... A>
struct Host<F, Ret, std::tuple<A...>> {
  static constexpr bool with_caller =
      sizeof...(A) > 0 && std::is_same_v<std::tuple_element_t<0, std::tuple<A..., void>>, Caller&>;
  using Value_ = typename Unwrap<Ret>::type;

  template <size_t... I>
  static FuncType type_impl(std::index_sequence<I...>) {
    using T = std::tuple<A...>;
    constexpr size_t skip = with_caller ? 1 : 0;
    return FuncType{{WasmType<std::decay_t<std::tuple_element_t<I + skip, T>>>::type...},
                    ResultTypes<Value_>::get()};
  }
  static FuncType type() {
    return type_impl(std::make_index_sequence<sizeof...(A) - (with_caller ? 1 : 0)>{});
  }

  template <size_t... I>
  static Result<void> call_impl(F& f, Caller& c, std::span<const Value> args, std::span<Value> res,
                                std::index_sequence<I...>) {
    using T = std::tuple<A...>;
    constexpr size_t skip = with_caller ? 1 : 0;
    auto invoke = [&]() -> decltype(auto) {
      if constexpr (with_caller)
        return f(c, WasmType<std::decay_t<std::tuple_element_t<I + skip, T>>>::from(args[I])...);
      else
        return f(WasmType<std::decay_t<std::tuple_element_t<I + skip, T>>>::from(args[I])...);
    };
    if constexpr (std::is_void_v<Ret>) {
      invoke();
      return {};
    } else if constexpr (std::is_same_v<Ret, Result<void>>) {
      return invoke();
    } else if constexpr (!std::is_same_v<Ret, Value_>) {
      auto r = invoke();
      if (!r) return Failure{std::move(r).error()};
      res[0] = WasmType<Value_>::to(*r);
      return {};
    } else {
      res[0] = WasmType<Value_>::to(invoke());
      return {};
    }
  }
  static Result<void> call(F& f, Caller& c, std::span<const Value> args, std::span<Value> res) {
    return call_impl(f, c, args, res,
                     std::make_index_sequence<sizeof...(A) - (with_caller ? 1 : 0)>{});
  }
};
}  // namespace detail

template <class F>
void Linker::define_func(std::string_view module, std::string_view name, F&& fn) {
  using D = std::decay_t<F>;
  using Traits = detail::CallableTraits<D>;
  using H = detail::Host<D, typename Traits::Ret, typename Traits::ArgsTuple>;
  define_host(module, name, H::type(),
              [f = D(std::forward<F>(fn))](Caller& c, std::span<const Value> a,
                                           std::span<Value> r) mutable -> Result<void> {
                return H::call(f, c, a, r);
              });
}

}  // namespace weft
