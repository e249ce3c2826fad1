// weft invoke: instantiates a module and calls one of its exported functions with arguments
// from the command line, parsed by the function's parameter types.
#include <ostream>

#include "cli/cli_util.hpp"

namespace weft::cli {

namespace {

std::string function_exports(const std::vector<ExportDesc>& exports) {
  std::string out;
  for (const ExportDesc& e : exports) {
    if (e.type.kind != ExternKind::func) continue;
    out += "\n  " + e.name + ": " + e.type.func.to_string();
  }
  return out.empty() ? " (none)" : out;
}

int run_invoke(Args args, Io& io) {
  const Command& self = invoke_command();
  auto options = parse_options(args);
  if (!options) return usage_error(io, self, options.error().message);
  if (options->help) {
    print_command_help(io.out, self);
    return exit_ok;
  }
  const std::vector<std::string>& pos = options->positional;
  if (pos.empty()) return usage_error(io, self, "no module given");
  if (pos.size() < 2) return usage_error(io, self, "no function given");
  const std::string& path = pos[0];
  const std::string& func_name = pos[1];
  Args arg_texts = Args(pos).subspan(2);

  Engine engine(options->config);
  int status = exit_ok;
  auto module = load_module(io, engine, path, status);
  if (!module) return status;

  // Everything about the command line is checked before anything runs.
  std::vector<ExportDesc> exports = module->exports();
  const ExportDesc* target = nullptr;
  for (const ExportDesc& e : exports)
    if (e.name == func_name && e.type.kind == ExternKind::func) target = &e;
  if (!target) {
    return usage_error(io, self,
                       path + " exports no function named '" + func_name +
                           "'; its functions:" + function_exports(exports));
  }
  const FuncType& type = target->type.func;
  if (arg_texts.size() != type.params.size()) {
    return usage_error(io, self,
                       func_name + " takes " + std::to_string(type.params.size()) +
                           " argument(s) " + type.to_string() + ", got " +
                           std::to_string(arg_texts.size()));
  }
  std::vector<Value> call_args;
  for (size_t i = 0; i < arg_texts.size(); ++i) {
    auto value = parse_value(type.params[i], arg_texts[i]);
    if (!value) {
      return usage_error(
          io, self,
          "argument " + std::to_string(i + 1) + " of " + func_name + ": " + value.error().message);
    }
    call_args.push_back(*value);
  }

  // weft invoke defines no imports: say which ones the module needs, all at once.
  std::vector<ImportDesc> imports = module->imports();
  if (!imports.empty()) {
    std::string list;
    for (const ImportDesc& i : imports)
      list += "\n  " + i.module + "." + i.name + ": " + i.type.to_string();
    print_error(io, path,
                Error::make(ErrorKind::unlinkable,
                            "the module imports what `weft invoke` does not provide:" + list));
    return exit_failure;
  }

  Store store(engine);
  Linker linker(engine);
  auto instance = linker.instantiate(store, *module);
  if (!instance) {
    print_error(io, path, instance.error());
    return exit_code_for(instance.error());
  }
  auto func = instance->get_func(func_name);
  if (!func) {
    print_error(io, path, Error::make(ErrorKind::usage, "export '" + func_name + "' vanished"));
    return exit_failure;
  }
  auto results = func->call(store, call_args);
  if (!results) {
    print_error(io, format_call(func_name, call_args), results.error());
    return exit_code_for(results.error());
  }
  for (const Value& v : *results) io.out << v.to_string() << "\n";
  return exit_ok;
}

}  // namespace

const Command& invoke_command() {
  static const Command command{
      "invoke", "call an exported function with arguments",
      "usage: weft invoke [options] MODULE.wasm FUNCTION [ARG...]\n"
      "\n"
      "Instantiates the module (it must have no imports) and calls FUNCTION. Each ARG is\n"
      "parsed by the type of its parameter:\n"
      "  i32, i64   decimal or 0x hex, signed or unsigned: -1 and 0xffffffff are the same i32\n"
      "  f32, f64   decimal or hex float (0x1.8p+1), nan, nan:0xPAYLOAD, inf, with a sign\n"
      "  v128       0x and up to 32 hex digits\n"
      "  funcref, externref   null\n"
      "Prints each result as TYPE:VALUE (i32:42, f64:0x1.8p+1). A trap prints its kind and\n"
      "message and exits with status 2. Put -- before arguments that start with --.\n"
      "\n",
      run_invoke};
  return command;
}

}  // namespace weft::cli
