// weft inspect: what a module is made of: its sections with offsets and sizes, its imports
// and its exports with their types.
#include <cstdio>
#include <ostream>

#include "cli/cli_util.hpp"

namespace weft::cli {

namespace {

std::string hex(size_t value) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%08zx", value);
  return buf;
}

std::string pad(std::string text, size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

std::string pad_left(std::string text, size_t width) {
  if (text.size() < width) text.insert(0, width - text.size(), ' ');
  return text;
}

int run_inspect(Args args, Io& io) {
  const Command& self = inspect_command();
  static constexpr std::string_view flags[] = {"--code"};
  auto options = parse_options(args, flags);
  if (!options) return usage_error(io, self, options.error().message);
  if (options->help) {
    print_command_help(io.out, self);
    return exit_ok;
  }
  if (options->positional.size() != 1)
    return usage_error(io, self,
                       options->positional.empty() ? "no module given" : "one module at a time");
  const std::string& path = options->positional[0];

  Engine engine(options->config);
  int status = exit_ok;
  auto module = load_module(io, engine, path, status);
  if (!module) return status;

  io.out << "module " << path << ": " << module->binary_size() << " bytes, valid\n";

  auto sections = module->sections();
  io.out << "\nsections (" << sections.size() << "):\n"
         << "  id  name          offset        size\n";
  for (const Module::SectionInfo& s : sections) {
    io.out << "  " << pad_left(std::to_string(s.id), 2) << "  " << pad(s.name, 12) << "  "
           << hex(s.offset) << "  " << pad_left(std::to_string(s.size), 8) << "\n";
  }

  auto imports = module->imports();
  io.out << "\nimports (" << imports.size() << "):\n";
  for (const ImportDesc& i : imports)
    io.out << "  " << i.module << "." << i.name << ": " << i.type.to_string() << "\n";

  auto exports = module->exports();
  io.out << "\nexports (" << exports.size() << "):\n";
  for (const ExportDesc& e : exports)
    io.out << "  " << e.name << ": " << e.type.to_string() << "\n";
  if (options->has_flag("--code")) io.out << "\nlowered code:\n" << module->lowered_code();
  return exit_ok;
}

}  // namespace

const Command& inspect_command() {
  static const Command command{
      "inspect", "show a module's sections, imports and exports",
      "usage: weft inspect [options] MODULE.wasm\n"
      "\n"
      "Compiles the module, then lists its sections (id, name, offset of the contents in the\n"
      "file, size in bytes), its imports and its exports with their types. A module that is\n"
      "not valid is reported as by `weft validate`.\n"
      "\n"
      "  --code   also list the interpreter's lowered code of every defined function: one\n"
      "           instruction a line: its offset, handler and operands (a slot is its byte\n"
      "           offset in the frame; a branch offset is relative to the instruction)\n"
      "\n",
      run_inspect};
  return command;
}

}  // namespace weft::cli
