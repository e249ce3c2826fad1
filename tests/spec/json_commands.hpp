// weft spec runner: the commands of a wast2json file, as plain data.
//
// wast2json turns a .wast script into <name>.json (the command list) and <name>.N.wasm /
// <name>.N.wat beside it. This header models the json; nothing here touches the engine.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "weft/result.hpp"

namespace weft::spec {

/// A value as written in the json: `{"type": "i32", "value": "4294967295"}`, or for v128
/// `{"type": "v128", "lane_type": "f32", "value": ["0", "nan:canonical", ...]}`.
/// `lanes` holds the one value of a scalar, or the lanes of a v128; it is empty when the json
/// has no "value" (an expected `(ref.func)` or `(ref.extern)`: any non-null reference).
struct JsonValue {
  std::string type;
  std::string lane_type;
  std::vector<std::string> lanes;
  bool has_value = false;
};

/// An `invoke` or `get` action.
struct Action {
  enum class Kind { invoke, get };
  Kind kind = Kind::invoke;
  std::string module;  ///< "$M", or empty for the current module
  std::string field;   ///< the export name (UTF-8, may contain NUL)
  std::vector<JsonValue> args;
};

/// One command of the script. Which fields are set depends on `type`.
struct Command {
  std::string type;         ///< "module", "register", "assert_return", ...
  int line = 0;             ///< line in the .wast
  std::string filename;     ///< module file, relative to the json's directory
  std::string module_type;  ///< "binary" or "text" (assertions on modules)
  std::string name;         ///< "$M" of a module or register command
  std::string as;           ///< register: the name to register under
  std::string text;         ///< expected message of an assertion
  std::optional<Action> action;
  std::vector<JsonValue> expected;
  /// Why the command could not be read (a missing or mistyped field); the runner counts
  /// such a command as failed rather than dropping the whole file.
  std::string parse_error;
};

/// A parsed script.
struct Script {
  std::string source_filename;   ///< the .wast wast2json read
  std::string directory;         ///< directory of the json, where the module files are
  std::string conversion_error;  ///< set by convert_wast.cmake when wast2json failed
  std::vector<Command> commands;
};

/// Reads and parses a wast2json json file. A missing or unreadable file or bad json is an error
/// (kind io or malformed) naming the file; a bad command only sets its `parse_error`.
Result<Script> load_script(const std::string& json_path);

/// Reads a module file named by a command, relative to the script's directory.
Result<std::vector<uint8_t>> read_module_file(const Script& script, const std::string& filename);

}  // namespace weft::spec
