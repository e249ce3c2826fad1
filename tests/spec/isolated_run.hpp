// weft spec runner: running a script in a child process, so that an engine crash costs one
// failure instead of the whole run.
#pragma once

#include <ostream>
#include <string>

#include "json_commands.hpp"
#include "script_runner.hpp"

namespace weft::spec {

/// Runs `script` like run_script, with a default Engine, in a forked child that streams each
/// command's outcome back through a pipe. If the child dies (a signal, a sanitizer's exit) or
/// runs longer than `timeout_seconds` (0: no limit), the command it was running fails with that
/// reason and the commands before it keep their results. Falls back to running in this process
/// if fork fails.
ScriptReport run_script_isolated(const Script& script, const std::string& wast_name,
                                 std::ostream* log, unsigned timeout_seconds);

}  // namespace weft::spec
