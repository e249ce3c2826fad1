// weft CLI: options, file reading and argument parsing shared by the subcommands.
#include "cli/cli_util.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <ostream>

namespace weft::cli {

namespace {

Failure usage(std::string message) { return fail(ErrorKind::usage, std::move(message)); }

/// The features that --enable/--disable name, as wabt spells them.
struct FeatureFlag {
  std::string_view name;
  bool Features::*flag;
};
constexpr FeatureFlag k_features[] = {
    {"sign-extension", &Features::sign_extension},
    {"saturating-float-to-int", &Features::saturating_float_to_int},
    {"multi-value", &Features::multi_value},
    {"bulk-memory", &Features::bulk_memory},
    {"reference-types", &Features::reference_types},
    {"simd", &Features::simd},
};

Result<void> set_feature(Features& features, std::string_view name, bool on) {
  if (name == "all") {
    for (const auto& f : k_features) features.*f.flag = on;
    return {};
  }
  for (const auto& f : k_features) {
    if (f.name == name) {
      features.*f.flag = on;
      return {};
    }
  }
  std::string known = "all";
  for (const auto& f : k_features) known += ", " + std::string(f.name);
  return usage("unknown feature '" + std::string(name) + "' (known: " + known + ")");
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Parses unsigned digits (decimal, or hex after "0x"), with '_' allowed between digits as in
/// the text format. Returns nothing on a bad digit or overflow of 64 bits.
std::optional<uint64_t> parse_magnitude(std::string_view text) {
  unsigned base = 10;
  if (starts_with_ci(text, "0x")) {
    base = 16;
    text.remove_prefix(2);
  }
  if (text.empty() || text.front() == '_' || text.back() == '_') return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c == '_') continue;
    int d = hex_digit(c);
    if (d < 0 || static_cast<unsigned>(d) >= base) return std::nullopt;
    if (value > (std::numeric_limits<uint64_t>::max() - static_cast<unsigned>(d)) / base)
      return std::nullopt;
    value = value * base + static_cast<unsigned>(d);
  }
  return value;
}

/// An integer of `bits` bits, signed or unsigned: "-1" and "0xffffffff" are both i32 -1.
Result<uint64_t> parse_integer(std::string_view text, unsigned bits) {
  std::string_view digits = text;
  bool negative = false;
  if (!digits.empty() && (digits.front() == '-' || digits.front() == '+')) {
    negative = digits.front() == '-';
    digits.remove_prefix(1);
  }
  const char* type = bits == 32 ? "i32" : "i64";
  auto magnitude = parse_magnitude(digits);
  if (!magnitude)
    return usage("'" + std::string(text) + "' is not an " + type +
                 " (decimal or 0x hex, optionally signed)");
  uint64_t unsigned_max = bits == 32 ? 0xffff'ffffull : std::numeric_limits<uint64_t>::max();
  uint64_t negative_max = uint64_t{1} << (bits - 1);
  if (negative ? *magnitude > negative_max : *magnitude > unsigned_max)
    return usage("'" + std::string(text) + "' is out of range for " + type);
  return negative ? uint64_t{0} - *magnitude : *magnitude;
}

/// The bits of a float "nan", "nan:0x...", "inf" (with an optional sign), or nothing if the
/// text is none of these. `mantissa_bits` is 23 or 52.
Result<std::optional<uint64_t>> parse_special_float(std::string_view text, unsigned mantissa_bits) {
  bool negative = false;
  std::string_view body = text;
  if (!body.empty() && (body.front() == '-' || body.front() == '+')) {
    negative = body.front() == '-';
    body.remove_prefix(1);
  }
  unsigned exponent_bits = mantissa_bits == 23 ? 8 : 11;
  uint64_t sign = uint64_t{negative} << (mantissa_bits + exponent_bits);
  uint64_t exponent = ((uint64_t{1} << exponent_bits) - 1) << mantissa_bits;
  uint64_t mantissa_mask = (uint64_t{1} << mantissa_bits) - 1;
  if (body == "inf" || body == "infinity") return std::optional<uint64_t>(sign | exponent);
  if (body == "nan") {
    uint64_t quiet = uint64_t{1} << (mantissa_bits - 1);
    return std::optional<uint64_t>(sign | exponent | quiet);
  }
  if (body.starts_with("nan:")) {
    std::string_view payload_text = body.substr(4);
    auto payload =
        starts_with_ci(payload_text, "0x") ? parse_magnitude(payload_text) : std::nullopt;
    if (!payload || *payload == 0 || *payload > mantissa_mask)
      return usage("'" + std::string(text) + "': a NaN payload is 0x1 to 0x" +
                   (mantissa_bits == 23 ? std::string("7fffff") : std::string("fffffffffffff")));
    return std::optional<uint64_t>(sign | exponent | *payload);
  }
  return std::optional<uint64_t>();
}

/// A finite float in decimal or hex float notation, rounded once to the target type.
template <class Float>
Result<Float> parse_finite_float(std::string_view text) {
  const char* type = sizeof(Float) == 4 ? "f32" : "f64";
  auto bad = [&] {
    return usage("'" + std::string(text) + "' is not an " + type +
                 " (decimal, hex float, nan, nan:0xPAYLOAD or inf, optionally signed)");
  };
  // strtod would skip leading spaces and accept "infinity"/"nan(...)" spellings: only digits,
  // a sign, a point, exponents and hex digits may reach it.
  if (text.empty()) return bad();
  for (char c : text) {
    bool allowed = hex_digit(c) >= 0 || c == '.' || c == '-' || c == '+' || c == 'x' || c == 'X' ||
                   c == 'p' || c == 'P';
    if (!allowed) return bad();
  }
  std::string copy(text);
  char* end = nullptr;
  errno = 0;
  Float value;
  if constexpr (sizeof(Float) == 4)
    value = std::strtof(copy.c_str(), &end);
  else
    value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return bad();
  if (errno == ERANGE && std::isinf(value))
    return usage("'" + std::string(text) + "' is out of range for " + type);
  return value;
}

Result<Value> parse_v128(std::string_view text) {
  auto bad = [&] {
    return usage("'" + std::string(text) + "' is not a v128 (0x and up to 32 hex digits)");
  };
  if (!starts_with_ci(text, "0x")) return bad();
  std::string_view digits = text.substr(2);
  if (digits.empty() || digits.size() > 32) return bad();
  V128 v;
  // The last digit is the low nibble of byte 0 (little-endian lanes).
  for (size_t i = 0; i < digits.size(); ++i) {
    int d = hex_digit(digits[digits.size() - 1 - i]);
    if (d < 0) return bad();
    v.bytes[i / 2] = static_cast<uint8_t>(v.bytes[i / 2] | (d << (4 * (i % 2))));
  }
  return Value::v128(v);
}

}  // namespace

void print_command_help(std::ostream& out, const Command& command) {
  out << command.help
      << "common options:\n"
         "  --disable=FEATURE   turn off a WebAssembly 2.0 feature (all are on): sign-extension,\n"
         "                      saturating-float-to-int, multi-value, bulk-memory,\n"
         "                      reference-types, simd, or all\n"
         "  --enable=FEATURE    turn a feature back on (after --disable=all, say)\n"
         "  -h, --help          show this help\n"
         "  --                  end of options: what follows is positional\n";
}

bool Options::has_flag(std::string_view flag) const {
  return std::ranges::find(flags, flag) != flags.end();
}

Result<Options> parse_options(Args args, std::span<const std::string_view> extra_flags) {
  Options options;
  bool options_ended = false;
  for (const std::string& arg : args) {
    std::string_view a = arg;
    if (options_ended || !(a.starts_with("--") || a == "-h")) {
      options.positional.push_back(arg);
    } else if (a == "--") {
      options_ended = true;
    } else if (a == "-h" || a == "--help") {
      options.help = true;
    } else if (a.starts_with("--enable=")) {
      WEFT_TRY_VOID(set_feature(options.config.features, a.substr(9), true));
    } else if (a.starts_with("--disable=")) {
      WEFT_TRY_VOID(set_feature(options.config.features, a.substr(10), false));
    } else if (std::find(extra_flags.begin(), extra_flags.end(), a) != extra_flags.end()) {
      options.flags.push_back(arg);
    } else {
      return usage("unknown option '" + arg + "'");
    }
  }
  return options;
}

int usage_error(Io& io, const Command& command, std::string_view message) {
  std::string_view usage_line = command.help.substr(0, command.help.find('\n'));
  io.err << "weft " << command.name << ": " << message << "\n"
         << usage_line << "\n"
         << "Try 'weft " << command.name << " --help'.\n";
  return exit_usage;
}

void print_error(Io& io, std::string_view context, const Error& error) {
  io.err << "weft: " << context << ": " << error.to_string() << "\n";
}

int exit_code_for(const Error& error) {
  switch (error.kind) {
    case ErrorKind::trap: return exit_trap;
    case ErrorKind::io: return exit_no_input;
    case ErrorKind::usage: return exit_usage;
    default: return exit_failure;
  }
}

std::optional<Module> load_module(Io& io, const Engine& engine, const std::string& path,
                                  int& status) {
  auto bytes = read_file(path);
  if (!bytes) {
    print_error(io, path, bytes.error());
    status = exit_code_for(bytes.error());
    return std::nullopt;
  }
  auto module = engine.compile(*bytes);
  if (!module) {
    print_error(io, path, module.error());
    status = exit_failure;
    return std::nullopt;
  }
  return std::move(*module);
}

Result<std::vector<uint8_t>> read_file(const std::string& path) {
  auto io_error = [&](std::string what) {
    return fail(ErrorKind::io, "cannot read '" + path + "': " + std::move(what));
  };
  bool is_stdin = path == "-";
  int fd = is_stdin ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error(std::strerror(errno));
  struct FdCloser {
    int fd;
    bool owned;
    ~FdCloser() {
      if (owned) ::close(fd);
    }
  } closer{fd, !is_stdin};

  struct stat st {};
  if (::fstat(fd, &st) != 0) return io_error(std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return io_error("it is a directory");
  // The binary format cannot describe more than 4 GiB of anything useful; refuse to read more.
  constexpr uint64_t max_size = uint64_t{1} << 32;
  if (S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) > max_size)
    return io_error("larger than 4 GiB");

  std::vector<uint8_t> bytes;
  if (S_ISREG(st.st_mode)) bytes.reserve(static_cast<size_t>(st.st_size));
  uint8_t buffer[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error(std::strerror(errno));
    }
    if (n == 0) break;
    if (bytes.size() + static_cast<size_t>(n) > max_size) return io_error("larger than 4 GiB");
    bytes.insert(bytes.end(), buffer, buffer + n);
  }
  return bytes;
}

Result<Value> parse_value(ValType type, std::string_view text) {
  switch (type) {
    case ValType::i32: {
      WEFT_TRY(uint64_t bits, parse_integer(text, 32));
      return Value::i32(static_cast<int32_t>(static_cast<uint32_t>(bits)));
    }
    case ValType::i64: {
      WEFT_TRY(uint64_t bits, parse_integer(text, 64));
      return Value::i64(static_cast<int64_t>(bits));
    }
    case ValType::f32: {
      WEFT_TRY(auto special, parse_special_float(text, 23));
      if (special) return Value::f32_bits(static_cast<uint32_t>(*special));
      WEFT_TRY(float f, parse_finite_float<float>(text));
      return Value::f32(f);
    }
    case ValType::f64: {
      WEFT_TRY(auto special, parse_special_float(text, 52));
      if (special) return Value::f64_bits(*special);
      WEFT_TRY(double d, parse_finite_float<double>(text));
      return Value::f64(d);
    }
    case ValType::v128: return parse_v128(text);
    case ValType::funcref:
    case ValType::externref:
      if (text == "null") return Value::null(type);
      return usage("'" + std::string(text) + "': a " + std::string(valtype_name(type)) +
                   " argument can only be null on the command line");
  }
  return usage("unknown value type");
}

std::string join_values(std::span<const Value> values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ", ";
    out += values[i].to_string();
  }
  return out;
}

std::string format_call(std::string_view func, std::span<const Value> args) {
  return std::string(func) + "(" + join_values(args) + ")";
}

bool same_value(const Value& a, const Value& b) {
  if (a.type() != b.type()) return false;
  if (a.type() == ValType::v128) return a.v128() == b.v128();
  return a.raw() == b.raw();
}

// ---- options shared by the plugin commands -------------------------------------------------

bool OptionCursor::is(std::string_view name) const {
  std::string_view a = arg();
  return a == name || (a.starts_with(name) && a.size() > name.size() && a[name.size()] == '=');
}

std::optional<std::string> OptionCursor::value(std::string_view name) const {
  std::string_view a = arg();
  if (a.size() > name.size() && a.substr(0, name.size()) == name && a[name.size()] == '=')
    return std::string(a.substr(name.size() + 1));
  if (a == name && i + 1 < args.size()) return args[++i];
  return std::nullopt;
}

std::optional<uint64_t> parse_u64(std::string_view s) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

PluginFlags::PluginFlags(PluginOptions& plugin_options, Io& io) : options(plugin_options) {
  options.log_sink = [&io](LogLevel level, std::string_view message) {
    io.err << "[" << log_level_name(level) << "] " << message << "\n";
  };
}

PluginFlags::Parsed PluginFlags::parse(const OptionCursor& at, std::string& error) {
  auto bad = [&](const char* message) {
    error = message;
    return Parsed::bad;
  };
  if (at.is("--config")) {
    auto v = at.value("--config");
    size_t eq = v ? v->find('=') : std::string::npos;
    if (!v || eq == std::string::npos || eq == 0) return bad("--config needs KEY=VALUE");
    config[v->substr(0, eq)] = v->substr(eq + 1);
  } else if (at.arg() == "--wasi") {
    options.wasi = true;
  } else if (at.is("--allow-path")) {
    auto v = at.value("--allow-path");
    if (!v || v->empty()) return bad("--allow-path needs HOST[:GUEST]");
    ManifestPath p;
    std::string spec = *v;
    if (spec.starts_with("ro:")) {
      p.read_only = true;
      spec = spec.substr(3);
    }
    size_t colon = spec.find(':');
    p.host_path = spec.substr(0, colon);
    p.guest_path = colon == std::string::npos ? p.host_path : spec.substr(colon + 1);
    paths.push_back(std::move(p));
  } else if (at.is("--timeout")) {
    auto v = at.value("--timeout");
    auto n = v ? parse_u64(*v) : std::nullopt;
    if (!n) return bad("--timeout needs a number of milliseconds");
    options.timeout_ms = *n;
  } else if (at.is("--fuel")) {
    auto v = at.value("--fuel");
    auto n = v ? parse_u64(*v) : std::nullopt;
    if (!n) return bad("--fuel needs a number");
    options.fuel = *n;
  } else if (at.is("--max-pages")) {
    auto v = at.value("--max-pages");
    auto n = v ? parse_u64(*v) : std::nullopt;
    if (!n || *n > 65536) return bad("--max-pages needs a number up to 65536");
    max_pages = uint32_t(*n);
  } else if (at.is("--log-level")) {
    auto v = at.value("--log-level");
    auto l = v ? parse_log_level(*v) : std::nullopt;
    if (!l) return bad("--log-level needs trace, debug, info, warn, error or off");
    options.log_level = *l;
  } else {
    return Parsed::not_mine;
  }
  return Parsed::ok;
}

void PluginFlags::apply(Manifest& manifest) const {
  for (const ManifestPath& p : paths) manifest.allowed_paths.push_back(p);
  if (max_pages) manifest.max_pages = max_pages;
}

}  // namespace weft::cli
