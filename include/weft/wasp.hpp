// weft: typed calls in the convention of Wasp (Web Assembly System Plugins), over the plugin
// host, so a manifest, timeouts, fuel and cancellation apply as they do to Extism plugins.
//
//   weft::wasp::Builder builder;
//   builder.define("plugin", "log", [](std::string_view msg) { std::puts(msg.data()); });
//   auto wasp = builder.instantiate(engine, weft::Manifest::from_wasm(bytes));  // Result<Instance>
//   auto greeting = wasp->call<std::string>("greet", "world");                  //
//   Result<std::string> auto sum = wasp->call<int64_t>("sum", int64_t{1}, int64_t{2});
//
// The guest exports `memory`, `allocate(size) -> ptr`, `deallocate(ptr, size)` and, to return
// strings, `get_string_size(ptr) -> size`; it reports an error with `env.raise_error`. How
// each C++ type crosses the boundary, who frees what, and where weft differs from Wasp's own
// host: docs/abi/wasp.md.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "weft/plugin.hpp"

namespace weft::wasp {

namespace detail {

template <class T>
using Plain = std::remove_cvref_t<T>;
/// A call argument's type as marshalled: a string literal (a char array) is a const char*.
template <class T>
using ArgOf = std::conditional_t<std::is_array_v<Plain<T>>, const std::remove_extent_t<Plain<T>>*,
                                 std::decay_t<T>>;

/// Numbers: every integer type up to 64 bits (i32 when it has at most 4 bytes, else i64),
/// float (f32) and double (f64).
template <class T>
inline constexpr bool is_number_v =
    std::is_integral_v<T> || std::is_same_v<T, float> || std::is_same_v<T, double>;
/// Strings: NUL-terminated copies in guest memory.
template <class T>
inline constexpr bool is_string_v =
    std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view> ||
    std::is_same_v<T, const char*> || std::is_same_v<T, char*>;
/// Byte arrays: a u32 little-endian length, then the bytes, in guest memory.
template <class T>
inline constexpr bool is_bytes_v =
    std::is_same_v<T, std::vector<uint8_t>> || std::is_same_v<T, std::span<const uint8_t>> ||
    std::is_same_v<T, std::span<uint8_t>>;
template <class T>
inline constexpr bool is_marshalled_v = is_number_v<T> || is_string_v<T> || is_bytes_v<T>;

/// The wasm type a C++ value travels as (a pointer, i32, for strings and byte arrays).
template <class T>
constexpr ValType wasm_type() {
  if constexpr (std::is_same_v<T, float>) {
    return ValType::f32;
  } else if constexpr (std::is_same_v<T, double>) {
    return ValType::f64;
  } else if constexpr (std::is_integral_v<T> && sizeof(T) == 8) {
    return ValType::i64;
  } else {
    return ValType::i32;
  }
}

template <class T>
Value number_to_value(T v) {
  if constexpr (std::is_same_v<T, float>) {
    return Value::f32(v);
  } else if constexpr (std::is_same_v<T, double>) {
    return Value::f64(v);
  } else if constexpr (sizeof(T) == 8) {
    return Value::i64(static_cast<int64_t>(v));
  } else {
    // Sign- or zero-extended from the C++ type, as a C compiler for wasm32 passes it.
    return Value::i32(static_cast<int32_t>(v));
  }
}

template <class T>
T number_from_value(const Value& v) {
  if constexpr (std::is_same_v<T, float>) {
    return v.f32();
  } else if constexpr (std::is_same_v<T, double>) {
    return v.f64();
  } else if constexpr (std::is_same_v<T, bool>) {
    return v.i32() != 0;
  } else if constexpr (sizeof(T) == 8) {
    return static_cast<T>(v.i64());
  } else {
    return static_cast<T>(v.i32());  // narrowed as C converts
  }
}

/// One argument of a call, before it is placed in guest memory.
struct Arg {
  enum class Kind : uint8_t { value, string, bytes };
  Kind kind = Kind::value;
  Value value;                    ///< Kind::value
  std::span<const uint8_t> data;  ///< Kind::string (without the NUL) and Kind::bytes
};

template <class T>
Arg make_arg(const T& v) {
  static_assert(is_marshalled_v<T>,
                "weft::wasp: arguments are integers, float, double, std::string, "
                "std::string_view, const char*, std::vector<uint8_t> or std::span<const uint8_t>");
  if constexpr (is_number_v<T>) {
    return Arg{Arg::Kind::value, number_to_value(v), {}};
  } else if constexpr (std::is_same_v<T, const char*> || std::is_same_v<T, char*>) {
    if (v == nullptr) return Arg{Arg::Kind::value, Value::i32(0), {}};  // NULL stays NULL
    std::string_view s(v);
    return Arg{Arg::Kind::string, {}, {reinterpret_cast<const uint8_t*>(s.data()), s.size()}};
  } else if constexpr (is_string_v<T>) {
    return Arg{Arg::Kind::string, {}, {reinterpret_cast<const uint8_t*>(v.data()), v.size()}};
  } else {
    return Arg{Arg::Kind::bytes, {}, {v.data(), v.size()}};
  }
}

/// What a call returns: nothing, a number, a string or a byte array.
enum class RetKind : uint8_t { none, value, string, bytes };
struct Returned {
  Value value;
  std::string text;
  std::vector<uint8_t> bytes;
};

template <class R>
constexpr RetKind ret_kind() {
  if constexpr (std::is_void_v<R>) {
    return RetKind::none;
  } else if constexpr (is_number_v<R>) {
    return RetKind::value;
  } else if constexpr (std::is_same_v<R, std::string>) {
    return RetKind::string;
  } else {
    static_assert(std::is_same_v<R, std::vector<uint8_t>>,
                  "weft::wasp: a call returns void, a number, std::string or std::vector<uint8_t>");
    return RetKind::bytes;
  }
}

template <class R>
std::vector<ValType> result_types() {
  if constexpr (std::is_void_v<R>) {
    return {};
  } else {
    return {wasm_type<R>()};
  }
}

// ---- host callbacks -----------------------------------------------------------------------

/// Names a callback's argument or result in error messages ("plugin.log argument 1",
/// "plugin.upper result"); the text is made only when an error needs it.
struct Where {
  std::string_view function;  ///< "namespace.name"
  size_t argument = 0;        ///< 1-based; 0 for the result
  std::string to_string() const;
};

/// Reads the NUL-terminated string at `ptr` of the calling guest's memory.
Result<std::string> read_c_string(Caller& caller, uint32_t ptr, const Where& where);
/// Reads the length-prefixed byte array at `ptr`.
Result<std::vector<uint8_t>> read_prefixed_bytes(Caller& caller, uint32_t ptr, const Where& where);
/// Copies `s` NUL-terminated (or `bytes` length-prefixed) into a block from the guest's
/// `allocate`; the guest owns the block.
Result<uint32_t> write_c_string(Caller& caller, std::string_view s, const Where& where);
Result<uint32_t> write_prefixed_bytes(Caller& caller, std::span<const uint8_t> bytes,
                                      const Where& where);

/// A callback parameter: what is kept during the call (`Storage`), how it is read from the
/// guest's value, and how it is handed to the callable.
template <class T, class = void>
struct Param {
  static_assert(is_marshalled_v<T>,
                "weft::wasp: callback parameters are integers, float, double, std::string, "
                "std::string_view, const char*, std::vector<uint8_t> or std::span<const uint8_t>");
};
template <class T>
struct Param<T, std::enable_if_t<is_number_v<T>>> {
  using Storage = T;
  static Result<T> fetch(Caller&, const Value& v, const Where&) { return number_from_value<T>(v); }
  static T pass(T& v) { return v; }
};
template <class T>
struct Param<
    T, std::enable_if_t<std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>>> {
  using Storage = std::string;
  static Result<std::string> fetch(Caller& c, const Value& v, const Where& what) {
    return read_c_string(c, static_cast<uint32_t>(v.i32()), what);
  }
  static auto pass(std::string& s) {
    if constexpr (std::is_same_v<T, std::string>) {
      return std::move(s);
    } else {
      return std::string_view(s);
    }
  }
};
template <class T>
struct Param<T, std::enable_if_t<std::is_same_v<T, const char*> || std::is_same_v<T, char*>>> {
  using Storage = std::optional<std::string>;  // NULL stays NULL
  static Result<Storage> fetch(Caller& c, const Value& v, const Where& what) {
    if (v.i32() == 0) return Storage();
    WEFT_TRY(std::string s, read_c_string(c, static_cast<uint32_t>(v.i32()), what));
    return Storage(std::move(s));
  }
  static T pass(Storage& s) {
    if (!s) return nullptr;
    if constexpr (std::is_same_v<T, char*>) {
      return s->data();
    } else {
      return s->c_str();
    }
  }
};
template <class T>
struct Param<T, std::enable_if_t<is_bytes_v<T>>> {
  using Storage = std::vector<uint8_t>;
  static Result<Storage> fetch(Caller& c, const Value& v, const Where& what) {
    return read_prefixed_bytes(c, static_cast<uint32_t>(v.i32()), what);
  }
  static auto pass(Storage& b) {
    if constexpr (std::is_same_v<T, std::vector<uint8_t>>) {
      return std::move(b);
    } else {
      return T(b);
    }
  }
};

template <class R>
struct Unwrap {
  using type = R;
  static constexpr bool is_result = false;
};
template <class R>
struct Unwrap<Result<R>> {
  using type = R;
  static constexpr bool is_result = true;
};

/// Puts a callback's value into its wasm result: a number as is, a string or byte array
/// through the guest's `allocate`.
template <class T>
Result<void> store_result(Caller& c, const T& v, std::span<Value> results, const Where& what) {
  if constexpr (is_number_v<T>) {
    results[0] = number_to_value(v);
  } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>) {
    WEFT_TRY(uint32_t ptr, write_c_string(c, v, what));
    results[0] = Value::i32(static_cast<int32_t>(ptr));
  } else {
    static_assert(std::is_same_v<T, std::vector<uint8_t>>,
                  "weft::wasp: a callback returns void, a number, std::string, std::string_view "
                  "or std::vector<uint8_t> (or a weft::Result of one)");
    WEFT_TRY(uint32_t ptr, write_prefixed_bytes(c, v, what));
    results[0] = Value::i32(static_cast<int32_t>(ptr));
  }
  return {};
}

/// A typed callable as a host function: `P...` are its wasm-facing parameters (after an
/// optional leading `CurrentPlugin&`).
template <class F, class Ret, bool WithPlugin, class... P>
struct CallbackImpl {
  using Value_ = typename Unwrap<Ret>::type;

  static FuncType type() {
    std::vector<ValType> results;
    if constexpr (!std::is_void_v<Value_>) results.push_back(wasm_type<Plain<Value_>>());
    return FuncType{{wasm_type<Plain<P>>()...}, std::move(results)};
  }

  static Result<void> call(F& f, CurrentPlugin& cp, std::span<const Value> args,
                           std::span<Value> results, std::string_view label) {
    return call_impl(f, cp, args, results, label, std::index_sequence_for<P...>{});
  }

  template <size_t... I>
  static Result<void> call_impl(F& f, CurrentPlugin& cp, std::span<const Value> args,
                                std::span<Value> results, std::string_view label,
                                std::index_sequence<I...>) {
    Caller& caller = cp.caller();
    std::tuple<typename Param<Plain<P>>::Storage...> storage;
    std::optional<Error> error;
    // Arguments are read in order; the first unreadable one stops the call.
    auto fetch = [&]<size_t J>(std::integral_constant<size_t, J>) -> bool {
      using T = Plain<std::tuple_element_t<J, std::tuple<P...>>>;
      auto r = Param<T>::fetch(caller, args[J], Where{label, J + 1});
      if (!r) {
        error = std::move(r).error();
        return false;
      }
      std::get<J>(storage) = std::move(*r);
      return true;
    };
    if (!(true && ... && fetch(std::integral_constant<size_t, I>{})))
      return Failure{std::move(*error)};
    (void)fetch;

    auto invoke = [&]() -> decltype(auto) {
      if constexpr (WithPlugin) {
        return f(cp, Param<Plain<P>>::pass(std::get<I>(storage))...);
      } else {
        return f(Param<Plain<P>>::pass(std::get<I>(storage))...);
      }
    };
    if constexpr (std::is_void_v<Ret>) {
      invoke();
      return {};
    } else if constexpr (std::is_same_v<Ret, Result<void>>) {
      return invoke();
    } else if constexpr (Unwrap<Ret>::is_result) {
      auto r = invoke();
      if (!r) return Failure{std::move(r).error()};
      return store_result<Plain<Value_>>(caller, *r, results, Where{label, 0});
    } else {
      return store_result<Plain<Value_>>(caller, invoke(), results, Where{label, 0});
    }
  }
};

template <class F, class Ret, class Tuple>
struct Callback;
template <class F, class Ret, class... A>
struct Callback<F, Ret, std::tuple<A...>> : CallbackImpl<F, Ret, false, A...> {};
template <class F, class Ret, class... A>
struct Callback<F, Ret, std::tuple<CurrentPlugin&, A...>> : CallbackImpl<F, Ret, true, A...> {};

struct InstanceState;

}  // namespace detail

class Instance;

/// Collects host callbacks and plugin options, then compiles plugins that follow Wasp's
/// convention (it adds `env.raise_error` itself).
class Builder {
 public:
  /// Makes `fn` the guest's import `ns`.`name`. Its parameters (after an optional leading
  /// `weft::CurrentPlugin&`) and its result are marshalled like a call's: strings and byte
  /// arrays are copied out of guest memory (the guest keeps ownership), and a string or byte
  /// array result is copied into a block from the guest's `allocate`, which the guest then
  /// owns. Returning a failed weft::Result traps the guest with its message.
  template <class F>
  Builder& define(std::string ns, std::string name, F&& fn) {
    using D = std::decay_t<F>;
    using Traits = weft::detail::CallableTraits<D>;
    using C = detail::Callback<D, typename Traits::Ret, typename Traits::ArgsTuple>;
    PluginHostFunction h;
    h.ns = std::move(ns);
    h.name = std::move(name);
    h.type = C::type();
    h.fn = [f = D(std::forward<F>(fn)), label = h.ns + "." + h.name](
               CurrentPlugin& cp, std::span<const Value> a, std::span<Value> r, void*) mutable {
      return C::call(f, cp, a, r, label);
    };
    m_functions.push_back(std::move(h));
    return *this;
  }

  /// Limits (timeout_ms, fuel), WASI and logging of the plugins made; host functions given
  /// in `options.functions` are linked too.
  Builder& options(PluginOptions options) {
    m_options = std::move(options);
    return *this;
  }

  /// Compiles the manifest's modules once (shareable between threads; make one Instance per
  /// thread from it). Checks how the modules import `env.raise_error`.
  Result<std::shared_ptr<const CompiledPlugin>> compile(const Engine& engine,
                                                        Manifest manifest) const;
  /// compile(), then Instance::create().
  Result<Instance> instantiate(const Engine& engine, Manifest manifest) const;

 private:
  PluginOptions m_options;
  std::vector<PluginHostFunction> m_functions;
};

/// A plugin instance called with typed arguments. Not thread-safe: one call at a time.
class Instance {
 public:
  /// A new instance of a plugin compiled by Builder::compile.
  static Result<Instance> create(std::shared_ptr<const CompiledPlugin> compiled);
  Instance(Instance&&) noexcept;
  Instance& operator=(Instance&&) noexcept;
  ~Instance();

  /// Calls export `name` with `args`, expecting a result of type R (void, a number,
  /// std::string or std::vector<uint8_t>). The export's wasm type must be exactly the one
  /// the C++ types give (usage error otherwise, before anything is allocated). Strings and
  /// byte arrays are copied into blocks from the guest's `allocate`, freed with `deallocate`
  /// after the call; a string or byte array result is read and then freed with `deallocate`.
  /// A message the guest passed to `env.raise_error` during the call is an error of kind
  /// guest; a trap, a timeout, a cancel or running out of fuel is the plugin host's error.
  template <class R = void, class... Args>
  Result<R> call(std::string_view name, const Args&... args) {
    constexpr detail::RetKind kind = detail::ret_kind<R>();
    std::array<detail::Arg, sizeof...(Args)> marshalled{
        detail::make_arg<detail::ArgOf<Args>>(args)...};
    FuncType want{{detail::wasm_type<detail::ArgOf<Args>>()...}, detail::result_types<R>()};
    WEFT_TRY(detail::Returned out, call_marshalled(name, want, marshalled, kind));
    if constexpr (kind == detail::RetKind::none) {
      (void)out;
      return Result<void>();
    } else if constexpr (kind == detail::RetKind::value) {
      return detail::number_from_value<R>(out.value);
    } else if constexpr (kind == detail::RetKind::string) {
      return std::move(out.text);
    } else {
      return std::move(out.bytes);
    }
  }

  bool function_exists(std::string_view name) const;
  /// The plugin host's plugin: limits (set_timeout_ms, set_fuel), cancel_handle(), status.
  Plugin& plugin() noexcept;

 private:
  explicit Instance(std::unique_ptr<detail::InstanceState> state);
  Result<detail::Returned> call_marshalled(std::string_view name, const FuncType& want,
                                           std::span<const detail::Arg> args, detail::RetKind kind);

  std::unique_ptr<detail::InstanceState> m_state;
};

}  // namespace weft::wasp
