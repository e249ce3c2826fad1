// weft spec runner: executing the commands of one script through the public API.
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "json_commands.hpp"
#include "weft/weft.hpp"

namespace weft::spec {

/// Passed, failed and skipped commands.
struct Counts {
  uint64_t passed = 0;
  uint64_t failed = 0;
  uint64_t skipped = 0;
  Counts& operator+=(const Counts& o) {
    passed += o.passed;
    failed += o.failed;
    skipped += o.skipped;
    return *this;
  }
};

/// A command that did not do what the script expects.
struct CommandFailure {
  int line = 0;         ///< line in the .wast (0 for the file as a whole)
  std::string kind;     ///< the command's type ("assert_return"), or "file"
  std::string command;  ///< the command in short: `assert_return invoke "add"(i32:1, i32:2)`
  std::string message;  ///< expected vs got
};

/// What became of one command.
struct CommandOutcome {
  enum class Status : char { passed = 'p', failed = 'f', skipped = 's' };
  Status status = Status::passed;
  CommandFailure detail;  ///< line and kind always; command and message for failures
};

/// The outcome of one script.
struct ScriptReport {
  Counts total;
  std::map<std::string, Counts> by_kind;
  std::vector<CommandFailure> failures;

  void add(const CommandOutcome& outcome);
  /// Records a failure of the file itself (missing json, wast2json error): one failed command
  /// of kind "file" at line 0.
  void fail_file(const std::string& message);
};

/// Observes a run command by command, to stream it out of a child process.
struct ScriptObserver {
  virtual ~ScriptObserver() = default;
  /// Before a command runs (`kind` is its type, `command` its short description).
  virtual void begin(int line, const std::string& kind, const std::string& command) = 0;
  /// After it ran, and for failures of the file itself.
  virtual void end(const CommandOutcome& outcome) = 0;
};

/// Runs every command of `script`, in order, in a fresh Store and Linker with `spectest`
/// defined. Never throws and never stops early: every command is counted. With `log`, prints
/// the engine's message of each assert_invalid/assert_malformed that passed.
ScriptReport run_script(const Engine& engine, const Script& script, const std::string& wast_name,
                        std::ostream* log, ScriptObserver* observer = nullptr);

}  // namespace weft::spec
