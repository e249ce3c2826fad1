// weft: errors as values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace weft {

/// The class of an error. The first four match the spec testsuite's classes.
enum class ErrorKind : uint8_t {
  malformed,       ///< the bytes are not a well-formed binary module
  invalid,         ///< the module is well-formed but fails validation
  unlinkable,      ///< an import is missing or has the wrong type
  uninstantiable,  ///< instantiation trapped (segment out of bounds, start trapped)
  trap,            ///< execution trapped; see Error::trap
  usage,           ///< the embedder called the API wrongly (wrong arity, wrong store...)
  io,              ///< reading a file failed
  unsupported,     ///< a feature weft knows but does not (yet) execute, or that is disabled
  guest,           ///< a plugin reported an error (Extism error_set or a non-zero return code)
};

/// Why execution stopped abnormally.
enum class TrapKind : uint8_t {
  none,
  unreachable,
  memory_out_of_bounds,
  table_out_of_bounds,
  undefined_element,
  uninitialized_element,
  indirect_call_type_mismatch,
  integer_divide_by_zero,
  integer_overflow,
  invalid_conversion_to_integer,
  null_reference,
  call_stack_exhausted,
  interrupted,
  out_of_fuel,
  host_error,
  exit,  ///< the guest asked to exit (WASI proc_exit); Error::exit_code holds its status
};

/// The spec's wording of a trap ("integer divide by zero"), as printed by the reference
/// interpreter and expected by assert_trap.
std::string_view trap_message(TrapKind kind) noexcept;
/// A short name ("integer_divide_by_zero").
std::string_view trap_name(TrapKind kind) noexcept;
std::string_view error_kind_name(ErrorKind kind) noexcept;

/// An error: a kind, a trap kind for traps, the byte offset in the module where it applies
/// (`no_offset` when none), and a message a person can act on.
struct Error {
  static constexpr size_t no_offset = static_cast<size_t>(-1);

  ErrorKind kind = ErrorKind::usage;
  TrapKind trap = TrapKind::none;
  size_t offset = no_offset;
  std::string message;
  /// With TrapKind::exit: the status the guest passed to proc_exit.
  uint32_t exit_code = 0;

  static Error make(ErrorKind kind, std::string message, size_t offset = no_offset) {
    Error e;
    e.kind = kind;
    e.message = std::move(message);
    e.offset = offset;
    return e;
  }
  static Error make_trap(TrapKind trap, std::string message = {}) {
    Error e;
    e.kind = ErrorKind::trap;
    e.trap = trap;
    e.message = message.empty() ? std::string(trap_message(trap)) : std::move(message);
    return e;
  }

  /// A clean exit requested by the guest (WASI proc_exit): a trap of kind exit.
  static Error make_exit(uint32_t code) {
    Error e = make_trap(TrapKind::exit, "exit with status " + std::to_string(code));
    e.exit_code = code;
    return e;
  }

  /// "invalid at offset 0x4f: type mismatch in i32.add: expected i32, got f64".
  std::string to_string() const;
};

/// Tag used to construct a failed Result: `return weft::fail(err);`.
struct Failure {
  Error error;
};
inline Failure fail(Error e) { return Failure{std::move(e)}; }
inline Failure fail(ErrorKind kind, std::string message, size_t offset = Error::no_offset) {
  return Failure{Error::make(kind, std::move(message), offset)};
}

/// A value or an error, in the shape of std::expected. No exceptions cross weft's API.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : m_v(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Failure f) : m_v(std::in_place_index<1>, std::move(f.error)) {}  // NOLINT
  template <class U, class = std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                              !std::is_same_v<std::decay_t<U>, Result> &&
                                              !std::is_same_v<std::decay_t<U>, Failure>>>
  Result(U&& value) : m_v(std::in_place_index<0>, T(std::forward<U>(value))) {}  // NOLINT

  bool has_value() const noexcept { return m_v.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & { return std::get<0>(m_v); }
  const T& value() const& { return std::get<0>(m_v); }
  T&& value() && { return std::get<0>(std::move(m_v)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { return std::get<1>(m_v); }
  Error&& error() && { return std::get<1>(std::move(m_v)); }

  template <class U>
  T value_or(U&& fallback) const& {
    return has_value() ? value() : T(std::forward<U>(fallback));
  }

 private:
  std::variant<T, Error> m_v;
};

/// Result of an operation with no value.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Failure f) : m_error(std::move(f.error)), m_ok(false) {}  // NOLINT

  bool has_value() const noexcept { return m_ok; }
  explicit operator bool() const noexcept { return m_ok; }
  void value() const noexcept {}
  const Error& error() const& { return m_error; }
  Error&& error() && { return std::move(m_error); }

 private:
  Error m_error;
  bool m_ok = true;
};

/// Propagates the error of a Result-returning expression: `WEFT_TRY(auto x, f());`.
#define WEFT_CONCAT_INNER(a, b) a##b
#define WEFT_CONCAT(a, b) WEFT_CONCAT_INNER(a, b)
#define WEFT_TRY(decl, expr) WEFT_TRY_IMPL(WEFT_CONCAT(weft_try_, __LINE__), decl, expr)
#define WEFT_TRY_IMPL(tmp, decl, expr)                      \
  auto tmp = (expr);                                        \
  if (!tmp) return ::weft::Failure{std::move(tmp).error()}; \
  decl = std::move(tmp).value()
#define WEFT_TRY_VOID(expr)                                                 \
  do {                                                                      \
    auto weft_try_void_ = (expr);                                           \
    if (!weft_try_void_) return ::weft::Failure{std::move(weft_try_void_).error()}; \
  } while (0)

}  // namespace weft
