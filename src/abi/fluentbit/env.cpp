// The `env` libc set of the Fluent Bit ABI: what WAMR's libc-builtin answers for a filter
// built with `clang --target=wasm32 -nostdlib -Wl,--allow-undefined` (see
// docs/abi/fluentbit.md). Types are wasm32's: int, long, size_t and pointers are i32, long
// long and intmax_t i64, time_t and clock_t i64 (wasi-libc's). Every pointer the guest passes
// is bounds-checked; a bad one traps the call with the function's name and the address.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "abi/fluentbit/fluentbit.hpp"
#include "plugin/plugin_state.hpp"

namespace weft::events::fluentbit {

namespace {

constexpr uint64_t k_max_format_output = 16u << 20;

std::string hex(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

/// One call of an env function: its name (for messages), the caller's memory and state.
class Ctx {
 public:
  Ctx(CurrentPlugin& cp, const char* name) : m_cp(&cp), m_name(name) {}

  Failure trap(const std::string& message) const {
    return Failure{
        Error::make_trap(TrapKind::host_error, std::string("env.") + m_name + ": " + message)};
  }

  Result<Memory> memory() const {
    auto m = m_cp->caller().memory();
    if (!m) return trap("the plugin has no memory");
    return *m;
  }

  /// [p, p+n) of the memory, or a trap naming the range.
  Result<std::span<uint8_t>> bytes(uint64_t p, uint64_t n) const {
    WEFT_TRY(Memory m, memory());
    auto v = m.view(p, n);
    if (!v)
      return trap("[" + hex(p) + ", +" + std::to_string(n) + ") is outside the plugin's memory (" +
                  std::to_string(m.size_bytes()) + " bytes)");
    return *v;
  }

  /// The C string at `p` (without its NUL), reading at most `max` bytes when no NUL comes
  /// first; a trap when the memory ends before either.
  Result<std::string_view> cstr(uint64_t p, uint64_t max = UINT64_MAX) const {
    if (max == 0) return std::string_view();
    WEFT_TRY(Memory m, memory());
    uint64_t size = m.size_bytes();
    if (p >= size && max > 0)
      return trap("string pointer " + hex(p) + " is outside the plugin's memory (" +
                  std::to_string(size) + " bytes)");
    const char* base = reinterpret_cast<const char*>(m.data()) + p;
    uint64_t avail = std::min<uint64_t>(size - std::min(p, size), max);
    const void* nul = std::memchr(base, 0, avail);
    if (nul) return std::string_view(base, static_cast<const char*>(nul) - base);
    if (avail == max) return std::string_view(base, avail);
    return trap("the string at " + hex(p) + " has no terminating NUL before the end of memory");
  }

  /// The state of the plugin, its heap made current for the live instance.
  Result<State*> state() const {
    auto* st = static_cast<State*>(m_cp->abi_state());
    if (!st || !m_cp->plugin()) return trap("the plugin is not run through the fluentbit ABI");
    uint64_t generation = m_cp->plugin()->instance_generation();
    if (st->generation == generation) return st;
    WEFT_TRY(Memory m, memory());
    std::optional<Global> heap_base;
    if (auto e = m_cp->caller().get_export("__heap_base")) heap_base = e->global();
    st->sync(generation, m, heap_base);
    return st;
  }

  Result<uint32_t> malloc(uint64_t n) const {
    WEFT_TRY(State * st, state());
    WEFT_TRY(Memory m, memory());
    if (n > UINT32_MAX) return uint32_t(0);
    auto p = st->heap.alloc(m, uint32_t(n));
    return p ? *p : 0;
  }

  Result<void> free(uint32_t p) const {
    if (p == 0) return {};
    WEFT_TRY(State * st, state());
    if (!st->heap.free(p))
      return trap("free(" + hex(p) + "): not a block from malloc (a double free or a bad pointer)");
    return {};
  }

  Store& store() const { return m_cp->caller().store(); }

 private:
  CurrentPlugin* m_cp;
  const char* m_name;
};

// ---- printf ----------------------------------------------------------------------------

/// Reads the variadic arguments clang lays out for wasm32: an area in linear memory, each
/// argument aligned to its size (4 for int/long/pointers, 8 for long long and double).
class VaArgs {
 public:
  VaArgs(const Ctx& ctx, uint32_t area) : m_ctx(ctx), m_at(area) {}
  Result<uint32_t> u32() {
    m_at = (m_at + 3) & ~uint64_t(3);
    WEFT_TRY(auto b, m_ctx.bytes(m_at, 4));
    m_at += 4;
    uint32_t v;
    std::memcpy(&v, b.data(), 4);
    return v;
  }
  Result<uint64_t> u64() {
    m_at = (m_at + 7) & ~uint64_t(7);
    WEFT_TRY(auto b, m_ctx.bytes(m_at, 8));
    m_at += 8;
    uint64_t v;
    std::memcpy(&v, b.data(), 8);
    return v;
  }

 private:
  const Ctx& m_ctx;
  uint64_t m_at;
};

template <class... T>
Result<void> append_formatted(const Ctx& ctx, std::string& out, const std::string& spec,
                              T... args) {
  int n = std::snprintf(nullptr, 0, spec.c_str(), args...);
  if (n < 0) return ctx.trap("cannot format '" + spec + "' (a width or precision too large?)");
  if (out.size() + uint64_t(n) > k_max_format_output)
    return ctx.trap("formatted output exceeds " + std::to_string(k_max_format_output >> 20) +
                    " MiB");
  size_t at = out.size();
  out.resize(at + size_t(n) + 1);
  std::snprintf(out.data() + at, size_t(n) + 1, spec.c_str(), args...);
  out.resize(at + size_t(n));
  return {};
}

/// printf's formatting over the guest's format string and argument area. Each conversion
/// is rebuilt with its flags, width and precision resolved (`*` read from the arguments)
/// and the argument read at its wasm32 size, then formatted by the host's snprintf.
Result<std::string> format(const Ctx& ctx, uint32_t fmt_ptr, uint32_t va_area) {
  WEFT_TRY(std::string_view fmt, ctx.cstr(fmt_ptr));
  VaArgs va(ctx, va_area);
  std::string out;
  size_t i = 0;
  while (i < fmt.size()) {
    size_t pct = fmt.find('%', i);
    if (pct == std::string_view::npos) pct = fmt.size();
    out.append(fmt.substr(i, pct - i));
    if (pct == fmt.size()) break;
    size_t start = pct;
    i = pct + 1;
    std::string flags;
    while (i < fmt.size() && std::strchr("-+ #0", fmt[i])) flags += fmt[i++];
    std::optional<int64_t> width, precision;
    if (i < fmt.size() && fmt[i] == '*') {
      WEFT_TRY(uint32_t w, va.u32());
      int64_t wv = int32_t(w);
      if (wv < 0) {  // a negative `*` width is the `-` flag with its absolute value
        flags += '-';
        wv = -wv;
      }
      width = wv;
      ++i;
    } else {
      int64_t w = 0;
      bool any = false;
      while (i < fmt.size() && fmt[i] >= '0' && fmt[i] <= '9') {
        w = std::min<int64_t>(w * 10 + (fmt[i++] - '0'), INT32_MAX);
        any = true;
      }
      if (any) width = w;
    }
    if (i < fmt.size() && fmt[i] == '.') {
      ++i;
      if (i < fmt.size() && fmt[i] == '*') {
        WEFT_TRY(uint32_t p, va.u32());
        if (int32_t(p) >= 0) precision = int32_t(p);  // negative: as if omitted
        ++i;
      } else {
        int64_t p = 0;
        while (i < fmt.size() && fmt[i] >= '0' && fmt[i] <= '9')
          p = std::min<int64_t>(p * 10 + (fmt[i++] - '0'), INT32_MAX);
        precision = p;
      }
    }
    std::string length;
    while (i < fmt.size() && std::strchr("hlzjtLq", fmt[i])) length += fmt[i++];
    if (i >= fmt.size())
      return ctx.trap("the format ends inside a conversion: '" + std::string(fmt.substr(start)) +
                      "'");
    char conv = fmt[i++];
    std::string spec = "%" + flags;
    if (width) spec += std::to_string(*width);
    if (precision) spec += "." + std::to_string(*precision);
    std::string whole(fmt.substr(start, i - start));
    bool known_length = length.empty() || length == "hh" || length == "h" || length == "l" ||
                        length == "ll" || length == "z" || length == "j" || length == "t";
    if (!known_length)
      return ctx.trap("length modifier '" + length + "' in '" + whole +
                      "' is not supported (long double is not)");
    switch (conv) {
      case '%': out += '%'; break;
      case 'd':
      case 'i': {
        int64_t v;
        if (length == "ll" || length == "j") {
          WEFT_TRY(uint64_t x, va.u64());
          v = int64_t(x);
        } else {
          WEFT_TRY(uint32_t x, va.u32());
          v = length == "hh"  ? int64_t(int8_t(x))
              : length == "h" ? int64_t(int16_t(x))
                              : int64_t(int32_t(x));
        }
        WEFT_TRY_VOID(append_formatted(ctx, out, spec + "ll" + conv, static_cast<long long>(v)));
        break;
      }
      case 'u':
      case 'o':
      case 'x':
      case 'X': {
        uint64_t v;
        if (length == "ll" || length == "j") {
          WEFT_TRY(uint64_t x, va.u64());
          v = x;
        } else {
          WEFT_TRY(uint32_t x, va.u32());
          v = length == "hh" ? uint8_t(x) : length == "h" ? uint16_t(x) : x;
        }
        WEFT_TRY_VOID(
            append_formatted(ctx, out, spec + "ll" + conv, static_cast<unsigned long long>(v)));
        break;
      }
      case 'c': {
        if (!length.empty()) return ctx.trap("'" + whole + "': wide characters are not supported");
        WEFT_TRY(uint32_t x, va.u32());
        WEFT_TRY_VOID(append_formatted(ctx, out, spec + 'c', int(static_cast<unsigned char>(x))));
        break;
      }
      case 's': {
        if (!length.empty()) return ctx.trap("'" + whole + "': wide strings are not supported");
        WEFT_TRY(uint32_t p, va.u32());
        std::string s = "(null)";  // as glibc
        if (p) {
          WEFT_TRY(std::string_view sv, ctx.cstr(p, precision ? uint64_t(*precision) : UINT64_MAX));
          s.assign(sv);
        }
        WEFT_TRY_VOID(append_formatted(ctx, out, spec + 's', s.c_str()));
        break;
      }
      case 'p': {
        // A wasm32 pointer, as `%#x` would show it but with "0x" for null too.
        WEFT_TRY(uint32_t p, va.u32());
        std::string f = "%";
        if (flags.find('-') != std::string::npos) f += '-';
        if (width) f += std::to_string(*width);
        WEFT_TRY_VOID(append_formatted(ctx, out, f + 's', hex(p).c_str()));
        break;
      }
      case 'f':
      case 'F':
      case 'e':
      case 'E':
      case 'g':
      case 'G':
      case 'a':
      case 'A': {
        if (!length.empty() && length != "l")
          return ctx.trap("'" + whole + "': length modifier on a float");
        WEFT_TRY(uint64_t bits, va.u64());
        double d;
        std::memcpy(&d, &bits, 8);
        WEFT_TRY_VOID(append_formatted(ctx, out, spec + conv, d));
        break;
      }
      case 'n': return ctx.trap("'" + whole + "' is refused: %n would write through the format");
      default:
        return ctx.trap("unknown conversion '" + whole + "' in format \"" + std::string(fmt) +
                        "\"");
    }
  }
  return out;
}

/// The guest printed `text`: complete lines go to the log, the rest waits for its newline.
Result<void> print(const Ctx& ctx, std::string_view text) {
  WEFT_TRY(State * st, ctx.state());
  st->pending_output.append(text);
  size_t nl;
  while ((nl = st->pending_output.find('\n')) != std::string::npos) {
    emit_output(ctx.store(), std::string_view(st->pending_output).substr(0, nl));
    st->pending_output.erase(0, nl + 1);
  }
  return {};
}

// ---- strtol ----------------------------------------------------------------------------

/// strtol/strtoul for wasm32's 32-bit long: C's rules (whitespace, sign, base prefix,
/// clamping on overflow, strtoul negating in unsigned arithmetic), with *endp written.
Result<uint32_t> strtox(const Ctx& ctx, uint32_t s, uint32_t endp, int32_t base, bool is_signed) {
  WEFT_TRY(std::string_view str, ctx.cstr(s));
  if (base != 0 && (base < 2 || base > 36)) return uint32_t(0);
  size_t i = 0;
  while (i < str.size() && std::strchr(" \t\n\v\f\r", str[i])) ++i;
  bool neg = false;
  if (i < str.size() && (str[i] == '+' || str[i] == '-')) neg = str[i++] == '-';
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'z') return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
    return 99;
  };
  if ((base == 0 || base == 16) && i + 2 <= str.size() && str[i] == '0' &&
      (str[i + 1] | 0x20) == 'x' && i + 2 < str.size() && digit(str[i + 2]) < 16) {
    i += 2;
    base = 16;
  } else if (base == 0) {
    base = i < str.size() && str[i] == '0' ? 8 : 10;
  }
  size_t first = i;
  uint64_t v = 0;
  bool overflow = false;
  while (i < str.size() && digit(str[i]) < base) {
    v = v * uint64_t(base) + uint64_t(digit(str[i++]));
    if (v > UINT32_MAX) overflow = true, v = UINT32_MAX;
  }
  if (endp) {
    WEFT_TRY(auto b, ctx.bytes(endp, 4));
    uint32_t end = i == first ? s : s + uint32_t(i);
    std::memcpy(b.data(), &end, 4);
  }
  if (i == first) return uint32_t(0);
  if (is_signed) {
    if (!neg) return uint32_t(overflow || v > uint64_t(INT32_MAX) ? INT32_MAX : int32_t(v));
    if (overflow || v > uint64_t(INT32_MAX) + 1) return uint32_t(INT32_MIN);
    return uint32_t(-int64_t(v));
  }
  if (overflow) return UINT32_MAX;
  return neg ? uint32_t(0) - uint32_t(v) : uint32_t(v);
}

// ---- definitions -----------------------------------------------------------------------

using Args = std::span<const Value>;
using Results = std::span<Value>;

uint32_t u(const Value& v) { return uint32_t(v.i32()); }

void def(std::vector<PluginHostFunction>& out, const char* name, std::vector<ValType> params,
         std::vector<ValType> results,
         std::function<Result<void>(const Ctx&, Args, Results)> body) {
  PluginHostFunction f;
  f.ns = "env";
  f.name = name;
  f.type = FuncType{std::move(params), std::move(results)};
  f.fn = [name, body = std::move(body)](CurrentPlugin& cp, Args a, Results r,
                                        void*) -> Result<void> {
    Ctx ctx(cp, name);
    return body(ctx, a, r);
  };
  out.push_back(std::move(f));
}

constexpr ValType I = ValType::i32;

/// Writes the formatted `text` to [buf, buf+cap) as snprintf does (cap 0 writes nothing).
Result<void> write_truncated(const Ctx& ctx, uint32_t buf, uint64_t cap, const std::string& text) {
  if (cap == 0) return {};
  uint64_t n = std::min<uint64_t>(text.size(), cap - 1);
  WEFT_TRY(auto b, ctx.bytes(buf, n + 1));
  std::memcpy(b.data(), text.data(), n);
  b[n] = 0;
  return {};
}

}  // namespace

void emit_output(Store& store, std::string_view line) {
  auto* s = static_cast<plugin_detail::PluginState*>(store.user_data());
  if (s && s->log_level <= LogLevel::info) s->log(LogLevel::info, line);
}

void flush_output(State& state) {
  if (state.pending_output.empty() || !state.plugin) return;
  emit_output(state.plugin->store(), state.pending_output);
  state.pending_output.clear();
}

void add_env_functions(std::vector<PluginHostFunction>& out) {
  // -- output
  def(out, "printf", {I, I}, {I}, [](const Ctx& c, Args a, Results r) -> Result<void> {
    WEFT_TRY(std::string s, format(c, u(a[0]), u(a[1])));
    WEFT_TRY_VOID(print(c, s));
    r[0] = Value::i32(int32_t(s.size()));
    return {};
  });
  def(out, "sprintf", {I, I, I}, {I}, [](const Ctx& c, Args a, Results r) -> Result<void> {
    WEFT_TRY(std::string s, format(c, u(a[1]), u(a[2])));
    WEFT_TRY_VOID(write_truncated(c, u(a[0]), uint64_t(s.size()) + 1, s));
    r[0] = Value::i32(int32_t(s.size()));
    return {};
  });
  def(out, "snprintf", {I, I, I, I}, {I}, [](const Ctx& c, Args a, Results r) -> Result<void> {
    WEFT_TRY(std::string s, format(c, u(a[2]), u(a[3])));
    WEFT_TRY_VOID(write_truncated(c, u(a[0]), u(a[1]), s));
    r[0] = Value::i32(int32_t(s.size()));
    return {};
  });
  def(out, "puts", {I}, {I}, [](const Ctx& c, Args a, Results r) -> Result<void> {
    WEFT_TRY(std::string_view s, c.cstr(u(a[0])));
    WEFT_TRY_VOID(print(c, std::string(s) + "\n"));
    r[0] = Value::i32(1);
    return {};
  });
  def(out, "putchar", {I}, {I}, [](const Ctx& c, Args a, Results r) -> Result<void> {
    char ch = char(u(a[0]) & 0xff);
    WEFT_TRY_VOID(print(c, std::string_view(&ch, 1)));
    r[0] = Value::i32(int32_t(uint8_t(ch)));
    return {};
  });

  // -- memory
  def(out, "memcmp", {I, I, I}, {I}, [](const Ctx& c, Args a, Results r) -> Result<void> {
    WEFT_TRY(auto x, c.bytes(u(a[0]), u(a[2])));
    WEFT_TRY(auto y, c.bytes(u(a[1]), u(a[2])));
    int v = x.empty() ? 0 : std::memcmp(x.data(), y.data(), x.size());
    r[0] = Value::i32(v < 0 ? -1 : v > 0 ? 1 : 0);
    return {};
  });
  for (const char* name : {"memcpy", "memmove"}) {
    def(out, name, {I, I, I}, {I}, [](const Ctx& c, Args a, Results r) -> Result<void> {
      WEFT_TRY(auto d, c.bytes(u(a[0]), u(a[2])));
      WEFT_TRY(auto s, c.bytes(u(a[1]), u(a[2])));
      if (!d.empty()) std::memmove(d.data(), s.data(), d.size());
      r[0] = a[0];
      return {};
    });
  }
  def(out, "memset", {I, I, I}, {I}, [](const Ctx& c, Args a, Results r) -> Result<void> {
    WEFT_TRY(auto d, c.bytes(u(a[0]), u(a[2])));
    if (!d.empty()) std::memset(d.data(), int(u(a[1]) & 0xff), d.size());
    r[0] = a[0];
    return {};
  });
  def(out, "memchr", {I, I, I}, {I}, [](const Ctx& c, Args a, Results r) -> Result<void> {
    WEFT_TRY(auto s, c.bytes(u(a[0]), u(a[2])));
    const void* p = s.empty() ? nullptr : std::memchr(s.data(), int(u(a[1]) & 0xff), s.size());
    r[0] =
        Value::i32(p ? int32_t(u(a[0]) + uint32_t(static_cast<const uint8_t*>(p) - s.data())) : 0);
    return {};
  });

  // -- strings
  def(out, "strlen", {I}, {I}, [](const Ctx& c, Args a, Results r) -> Result<void> {
    WEFT_TRY(std::string_view s, c.cstr(u(a[0])));
    r[0] = Value::i32(int32_t(s.size()));
    return {};
  });
  def(out, "strchr", {I, I}, {I}, [](const Ctx& c, Args a, Results r) -> Result<void> {
    WEFT_TRY(std::string_view s, c.cstr(u(a[0])));
    char ch = char(u(a[1]) & 0xff);
    size_t at = ch == 0 ? s.size() : s.find(ch);
    r[0] = Value::i32(at == std::string_view::npos ? 0 : int32_t(u(a[0]) + uint32_t(at)));
    return {};
  });
  def(out, "strcmp", {I, I}, {I}, [](const Ctx& c, Args a, Results r) -> Result<void> {
    WEFT_TRY(std::string_view x, c.cstr(u(a[0])));
    WEFT_TRY(std::string_view y, c.cstr(u(a[1])));
    int v = x.compare(y);  // char_traits<char>::compare is memcmp: unsigned bytes
    r[0] = Value::i32(v < 0 ? -1 : v > 0 ? 1 : 0);
    return {};
  });
  def(out, "strncmp", {I, I, I}, {I}, [](const Ctx& c, Args a, Results r) -> Result<void> {
    WEFT_TRY(std::string_view x, c.cstr(u(a[0]), u(a[2])));
    WEFT_TRY(std::string_view y, c.cstr(u(a[1]), u(a[2])));
    int v = x.compare(y);
    r[0] = Value::i32(v < 0 ? -1 : v > 0 ? 1 : 0);
    return {};
  });
  def(out, "strncasecmp", {I, I, I}, {I}, [](const Ctx& c, Args a, Results r) -> Result<void> {
    WEFT_TRY(std::string_view x, c.cstr(u(a[0]), u(a[2])));
    WEFT_TRY(std::string_view y, c.cstr(u(a[1]), u(a[2])));
    auto low = [](unsigned char ch) { return ch >= 'A' && ch <= 'Z' ? ch + 32 : int(ch); };
    int v = 0;
    for (size_t i = 0; v == 0; ++i) {
      int cx = i < x.size() ? low(uint8_t(x[i])) : 0, cy = i < y.size() ? low(uint8_t(y[i])) : 0;
      v = cx - cy;
      if (cx == 0 || cy == 0) break;
    }
    r[0] = Value::i32(v);
    return {};
  });
  def(out, "strcpy", {I, I}, {I}, [](const Ctx& c, Args a, Results r) -> Result<void> {
    WEFT_TRY(std::string_view s, c.cstr(u(a[1])));
    std::string copy(s);
    WEFT_TRY(auto d, c.bytes(u(a[0]), copy.size() + 1));
    std::memcpy(d.data(), copy.c_str(), copy.size() + 1);
    r[0] = a[0];
    return {};
  });
  def(out, "strncpy", {I, I, I}, {I}, [](const Ctx& c, Args a, Results r) -> Result<void> {
    WEFT_TRY(std::string_view s, c.cstr(u(a[1]), u(a[2])));
    std::string copy(s);
    copy.resize(u(a[2]), '\0');  // pads with NULs up to n, as C's strncpy
    WEFT_TRY(auto d, c.bytes(u(a[0]), copy.size()));
    if (!copy.empty()) std::memcpy(d.data(), copy.data(), copy.size());
    r[0] = a[0];
    return {};
  });
  def(out, "strdup", {I}, {I}, [](const Ctx& c, Args a, Results r) -> Result<void> {
    WEFT_TRY(std::string_view s, c.cstr(u(a[0])));
    std::string copy(s);
    WEFT_TRY(uint32_t p, c.malloc(copy.size() + 1));
    if (p) {
      WEFT_TRY(auto d, c.bytes(p, copy.size() + 1));
      std::memcpy(d.data(), copy.c_str(), copy.size() + 1);
    }
    r[0] = Value::i32(int32_t(p));
    return {};
  });
  def(out, "strstr", {I, I}, {I}, [](const Ctx& c, Args a, Results r) -> Result<void> {
    WEFT_TRY(std::string_view h, c.cstr(u(a[0])));
    WEFT_TRY(std::string_view n, c.cstr(u(a[1])));
    size_t at = h.find(n);
    r[0] = Value::i32(at == std::string_view::npos ? 0 : int32_t(u(a[0]) + uint32_t(at)));
    return {};
  });
  for (bool accept : {true, false}) {
    def(out, accept ? "strspn" : "strcspn", {I, I}, {I},
        [accept](const Ctx& c, Args a, Results r) -> Result<void> {
          WEFT_TRY(std::string_view s, c.cstr(u(a[0])));
          WEFT_TRY(std::string_view set, c.cstr(u(a[1])));
          size_t at = accept ? s.find_first_not_of(set) : s.find_first_of(set);
          r[0] = Value::i32(int32_t(at == std::string_view::npos ? s.size() : at));
          return {};
        });
  }
  def(out, "strtol", {I, I, I}, {I}, [](const Ctx& c, Args a, Results r) -> Result<void> {
    WEFT_TRY(uint32_t v, strtox(c, u(a[0]), u(a[1]), a[2].i32(), true));
    r[0] = Value::i32(int32_t(v));
    return {};
  });
  def(out, "strtoul", {I, I, I}, {I}, [](const Ctx& c, Args a, Results r) -> Result<void> {
    WEFT_TRY(uint32_t v, strtox(c, u(a[0]), u(a[1]), a[2].i32(), false));
    r[0] = Value::i32(int32_t(v));
    return {};
  });
  def(out, "atoi", {I}, {I}, [](const Ctx& c, Args a, Results r) -> Result<void> {
    WEFT_TRY(uint32_t v, strtox(c, u(a[0]), 0, 10, true));
    r[0] = Value::i32(int32_t(v));
    return {};
  });

  // -- heap
  def(out, "malloc", {I}, {I}, [](const Ctx& c, Args a, Results r) -> Result<void> {
    WEFT_TRY(uint32_t p, c.malloc(u(a[0])));
    r[0] = Value::i32(int32_t(p));
    return {};
  });
  def(out, "calloc", {I, I}, {I}, [](const Ctx& c, Args a, Results r) -> Result<void> {
    uint64_t n = uint64_t(u(a[0])) * u(a[1]);
    uint32_t p = 0;
    if (n <= UINT32_MAX) {
      WEFT_TRY(p, c.malloc(n));
      if (p) {
        // Freed blocks are reused as they are: zero it.
        WEFT_TRY(auto d, c.bytes(p, n));
        if (!d.empty()) std::memset(d.data(), 0, d.size());
      }
    }
    r[0] = Value::i32(int32_t(p));
    return {};
  });
  def(out, "realloc", {I, I}, {I}, [](const Ctx& c, Args a, Results r) -> Result<void> {
    uint32_t old = u(a[0]), n = u(a[1]);
    if (old == 0) {
      WEFT_TRY(uint32_t p, c.malloc(n));
      r[0] = Value::i32(int32_t(p));
      return {};
    }
    WEFT_TRY(State * st, c.state());
    auto old_size = st->heap.block_size(old);
    if (!old_size)
      return c.trap("realloc(" + hex(old) + "): not a block from malloc (freed, or a bad pointer)");
    if (n == 0) {  // glibc: frees and returns NULL
      WEFT_TRY_VOID(c.free(old));
      r[0] = Value::i32(0);
      return {};
    }
    if (n <= *old_size) {  // fits in place
      r[0] = a[0];
      return {};
    }
    WEFT_TRY(uint32_t p, c.malloc(n));
    if (p) {  // on failure the old block stays valid, as C says
      WEFT_TRY(auto from, c.bytes(old, *old_size));
      WEFT_TRY(auto to, c.bytes(p, *old_size));
      std::memcpy(to.data(), from.data(), from.size());
      WEFT_TRY_VOID(c.free(old));
    }
    r[0] = Value::i32(int32_t(p));
    return {};
  });
  def(out, "free", {I}, {},
      [](const Ctx& c, Args a, Results) -> Result<void> { return c.free(u(a[0])); });

  // -- ctype (the "C" locale; EOF and values outside unsigned char are in no class)
  struct Class {
    const char* name;
    int (*fn)(int);
  };
  static const Class classes[] = {
      {"isalnum", [](int ch) { return int(std::isalnum(ch) != 0); }},
      {"isalpha", [](int ch) { return int(std::isalpha(ch) != 0); }},
      {"isblank", [](int ch) { return int(std::isblank(ch) != 0); }},
      {"iscntrl", [](int ch) { return int(std::iscntrl(ch) != 0); }},
      {"isdigit", [](int ch) { return int(std::isdigit(ch) != 0); }},
      {"isgraph", [](int ch) { return int(std::isgraph(ch) != 0); }},
      {"islower", [](int ch) { return int(std::islower(ch) != 0); }},
      {"isprint", [](int ch) { return int(std::isprint(ch) != 0); }},
      {"ispunct", [](int ch) { return int(std::ispunct(ch) != 0); }},
      {"isspace", [](int ch) { return int(std::isspace(ch) != 0); }},
      {"isupper", [](int ch) { return int(std::isupper(ch) != 0); }},
      {"isxdigit", [](int ch) { return int(std::isxdigit(ch) != 0); }},
      {"isascii", [](int ch) { return int(ch >= 0 && ch < 128); }},
      {"tolower", [](int ch) { return ch >= 'A' && ch <= 'Z' ? ch + 32 : ch; }},
      {"toupper", [](int ch) { return ch >= 'a' && ch <= 'z' ? ch - 32 : ch; }},
  };
  for (const Class& k : classes) {
    int (*fn)(int) = k.fn;
    bool is_map = k.name[0] == 't';
    def(out, k.name, {I}, {I}, [fn, is_map](const Ctx&, Args a, Results r) -> Result<void> {
      int ch = a[0].i32();
      // The host's classes run in the C locale only for ASCII: above 127 nothing matches.
      if (ch < 0 || ch > 127)
        r[0] = Value::i32(is_map ? ch : 0);
      else
        r[0] = Value::i32(fn(ch));
      return {};
    });
  }

  // -- process and time
  def(out, "abort", {}, {}, [](const Ctx& c, Args, Results) -> Result<void> {
    return c.trap("the filter called abort()");
  });
  def(out, "exit", {I}, {}, [](const Ctx& c, Args a, Results) -> Result<void> {
    return c.trap("the filter called exit(" + std::to_string(a[0].i32()) + ")");
  });
  def(out, "clock_gettime", {I, I}, {I}, [](const Ctx& c, Args a, Results r) -> Result<void> {
    // struct timespec of wasm32 (wasi-libc): { int64 tv_sec; long (i32) tv_nsec; } in 16 bytes.
    clockid_t id = a[0].i32() == 0 ? CLOCK_REALTIME : CLOCK_MONOTONIC;
    if (a[0].i32() < 0 || a[0].i32() > 1) {
      r[0] = Value::i32(-1);
      return {};
    }
    timespec ts{};
    ::clock_gettime(id, &ts);
    WEFT_TRY(auto d, c.bytes(u(a[1]), 12));
    int64_t sec = ts.tv_sec;
    int32_t nsec = int32_t(ts.tv_nsec);
    std::memcpy(d.data(), &sec, 8);
    std::memcpy(d.data() + 8, &nsec, 4);
    r[0] = Value::i32(0);
    return {};
  });
  def(out, "clock", {}, {ValType::i64}, [](const Ctx&, Args, Results r) -> Result<void> {
    // clock_t is i64 with CLOCKS_PER_SEC 1,000,000 (wasi-libc): process CPU time in µs.
    r[0] = Value::i64(int64_t(std::clock()) * (1000000 / CLOCKS_PER_SEC));
    return {};
  });
}

}  // namespace weft::events::fluentbit
