// weft CLI: what the subcommands share: exit codes, the command table, options, reading
// files, parsing argument values.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <span>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "weft/plugin.hpp"
#include "weft/weft.hpp"

/// The project's version, from CMake's project(VERSION).
#ifndef WEFT_VERSION
#define WEFT_VERSION "unknown"
#endif

namespace weft::cli {

/// Exit statuses, in the style of sysexits.h for the usage and input errors.
enum ExitCode : int {
  exit_ok = 0,
  exit_failure = 1,   ///< the module is malformed, invalid, unlinkable or uninstantiable
  exit_trap = 2,      ///< the invoked function trapped
  exit_usage = 64,    ///< EX_USAGE: the command line is wrong
  exit_no_input = 66  ///< EX_NOINPUT: a module file cannot be read
};

/// Where a command writes: standard output for results, standard error for diagnostics.
struct Io {
  std::ostream& out;
  std::ostream& err;
};

using Args = std::span<const std::string>;

/// A subcommand: `weft <name> [args...]`.
struct Command {
  std::string_view name;
  std::string_view summary;  ///< one line, for `weft --help`
  std::string_view help;     ///< `weft <name> --help` before the common options: usage first
  int (*run)(Args args, Io& io);
};

const Command& validate_command();
const Command& invoke_command();
const Command& inspect_command();
const Command& demo_command();
const Command& run_command();
const Command& call_command();
const Command& process_command();

/// The option at args[i]: `--name=value` or `--name value` (which advances i).
struct OptionCursor {
  Args args;
  size_t& i;
  std::string_view arg() const { return args[i]; }
  /// Whether the option is `name` (alone or with "=value").
  bool is(std::string_view name) const;
  /// Its value, or nothing if it has none.
  std::optional<std::string> value(std::string_view name) const;
};

/// A decimal unsigned integer, the whole of `s`.
std::optional<uint64_t> parse_u64(std::string_view s);

/// What the commands that run plugins (call, process) share on their command line: --wasi,
/// --allow-path [ro:]HOST[:GUEST], --timeout MS, --fuel N, --max-pages N, --log-level L and
/// --config K=V; the plugin's log lines go to standard error.
struct PluginFlags {
  PluginFlags(PluginOptions& plugin_options, Io& io);

  PluginOptions& options;
  std::vector<ManifestPath> paths;
  std::optional<uint32_t> max_pages;
  std::map<std::string, std::string> config;

  enum class Parsed { not_mine, ok, bad };
  /// Takes the option at the cursor if it is one of these; `bad` sets `error` to the usage
  /// message.
  Parsed parse(const OptionCursor& at, std::string& error);
  /// Adds the allowed paths and the memory cap to `manifest`.
  void apply(Manifest& manifest) const;
};

/// Runs the command line `weft args...` (args excludes the program name); returns the exit
/// status.
int run(Args args, Io& io);

/// Prints `weft <name> --help`: the command's own text, then the common options.
void print_command_help(std::ostream& out, const Command& command);

/// The options every command accepts, the command's own flags, and the positional arguments.
struct Options {
  EngineConfig config;
  std::vector<std::string> flags;  ///< those of `extra_flags` that were given
  std::vector<std::string> positional;
  bool help = false;

  bool has_flag(std::string_view flag) const;
};

/// Splits `args` into options and positional arguments. Options start with "--" (or are
/// "-h"); "--" ends them, so anything after it is positional. A single "-" (standard input)
/// and negative numbers ("-5", "-inf") are positional. `extra_flags` are the command's own
/// flags ("--list"). Errors are of kind usage.
Result<Options> parse_options(Args args, std::span<const std::string_view> extra_flags = {});

/// Reports a usage error: the message, the command's usage line, a hint. Returns exit_usage.
int usage_error(Io& io, const Command& command, std::string_view message);

/// Reports an error about a module or file ("weft: m.wasm: invalid at offset 0x1f: ...").
void print_error(Io& io, std::string_view context, const Error& error);

/// The exit status for an error: exit_trap for traps, exit_no_input for io, exit_usage for
/// usage, exit_failure otherwise.
int exit_code_for(const Error& error);

/// Reads a whole file ("-" is standard input). Errors are of kind io and name the path.
Result<std::vector<uint8_t>> read_file(const std::string& path);

/// Reads and compiles the module at `path` with `engine` (which must outlive the module).
/// On failure prints the error for `path` and sets `status` to the exit code to return.
std::optional<Module> load_module(Io& io, const Engine& engine, const std::string& path,
                                  int& status);

/// Parses a command-line argument as a value of type `type`: i32/i64 in decimal or 0x hex,
/// signed or unsigned ("-1" and "0xffffffff" are the same i32); f32/f64 in decimal or hex
/// float notation, "nan", "nan:0xPAYLOAD", "inf", each with an optional sign; v128 as 0x and
/// up to 32 hex digits; "null" for references. Errors are of kind usage.
Result<Value> parse_value(ValType type, std::string_view text);

/// "1, 2.5, nan": arguments as typed values, for messages.
std::string join_values(std::span<const Value> values);

/// "f(i32:1, i32:2)".
std::string format_call(std::string_view func, std::span<const Value> args);

/// True if both values have the same type and the same bits.
bool same_value(const Value& a, const Value& b);

}  // namespace weft::cli
