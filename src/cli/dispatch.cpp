// weft CLI: the command table, `weft --help`, `weft --version`, and dispatch to a subcommand.
#include <ostream>

#include "cli/cli_util.hpp"

namespace weft::cli {

namespace {

const Command* const k_commands[] = {&validate_command(), &invoke_command(), &inspect_command(),
                                     &run_command(), &call_command(), &process_command(),
                                     &demo_command()};

const Command* find_command(std::string_view name) {
  for (const Command* c : k_commands)
    if (c->name == name) return c;
  return nullptr;
}

void print_help(std::ostream& out) {
  out << "usage: weft <command> [options] [arguments]\n"
         "\n"
         "weft runs WebAssembly modules: it decodes, validates and interprets them.\n"
         "\n"
         "commands:\n";
  for (const Command* c : k_commands) {
    out << "  " << c->name << std::string(10 - c->name.size(), ' ') << c->summary << "\n";
  }
  out << "\n"
         "  weft <command> --help   shows a command's options\n"
         "  weft --version          prints the version\n"
         "\n"
         "exit status: 0 success, 1 the module is malformed, invalid, unlinkable or\n"
         "uninstantiable, 2 the function trapped, 64 bad command line, 66 unreadable file.\n";
}

}  // namespace

int run(Args args, Io& io) {
  if (args.empty()) {
    io.err << "weft: no command given\n";
    print_help(io.err);
    return exit_usage;
  }
  std::string_view first = args[0];
  if (first == "--help" || first == "-h" || first == "help") {
    if (first == "help" && args.size() > 1) {
      const Command* c = find_command(args[1]);
      if (!c) {
        io.err << "weft: unknown command '" << args[1] << "'\n";
        return exit_usage;
      }
      print_command_help(io.out, *c);
      return exit_ok;
    }
    print_help(io.out);
    return exit_ok;
  }
  if (first == "--version" || first == "-V" || first == "version") {
    io.out << "weft " << WEFT_VERSION << "\n";
    return exit_ok;
  }
  const Command* command = find_command(first);
  if (!command) {
    io.err << "weft: unknown command '" << first << "'\n"
           << "Try 'weft --help' for the list of commands.\n";
    return exit_usage;
  }
  return command->run(args.subspan(1), io);
}

}  // namespace weft::cli
