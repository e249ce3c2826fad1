// weft validate: decodes and validates modules, and says why one is not valid.
#include <ostream>

#include "cli/cli_util.hpp"

namespace weft::cli {

namespace {

int run_validate(Args args, Io& io) {
  const Command& self = validate_command();
  auto options = parse_options(args);
  if (!options) return usage_error(io, self, options.error().message);
  if (options->help) {
    print_command_help(io.out, self);
    return exit_ok;
  }
  const std::vector<std::string>& files = options->positional;
  if (files.empty()) return usage_error(io, self, "no module given");

  Engine engine(options->config);
  int status = exit_ok;
  for (const std::string& path : files) {
    // With several files each line says which one it is about.
    std::string prefix = files.size() > 1 ? path + ": " : "";
    auto bytes = read_file(path);
    Result<void> valid = bytes ? engine.validate(*bytes) : Result<void>(Failure{bytes.error()});
    if (valid) {
      io.out << prefix << "valid\n";
      continue;
    }
    print_error(io, path, valid.error());
    int code = exit_code_for(valid.error());
    if (code > status) status = code;
  }
  return status;
}

}  // namespace

const Command& validate_command() {
  static const Command command{
      "validate", "decode and validate modules",
      "usage: weft validate [options] MODULE.wasm...\n"
      "\n"
      "Decodes and validates each module. Prints \"valid\", or the error with its kind\n"
      "(malformed: the bytes do not decode; invalid: validation failed) and the byte offset\n"
      "where it was found, and exits with status 1. MODULE may be - for standard input.\n"
      "\n",
      run_validate};
  return command;
}

}  // namespace weft::cli
