// weft run: runs a WASI command module (`_start`) with preopened directories, environment
// variables and arguments, and exits with the guest's exit status.
#include <ostream>

#include "cli/cli_util.hpp"
#include "weft/wasi.hpp"

namespace weft::cli {

namespace {

/// "HOST" or "HOST::GUEST" (the guest path defaults to HOST as written).
WasiPreopen parse_dir(std::string_view spec, bool read_only) {
  size_t sep = spec.find("::");
  if (sep == std::string_view::npos) return {std::string(spec), std::string(spec), read_only};
  return {std::string(spec.substr(0, sep)), std::string(spec.substr(sep + 2)), read_only};
}

int run_run(Args args, Io& io) {
  const Command& self = run_command();
  WasiConfig wasi_config;
  std::vector<std::string> common;  // --enable=, --disable=, --help: cli_util parses them
  std::string module_path;
  std::vector<std::string> guest_args;
  // Options come before the guest's arguments: the first positional after the module, or
  // everything after "--", belongs to the guest.
  size_t i = 0;
  for (; i < args.size(); ++i) {
    std::string_view a = args[i];
    auto value = [&](std::string_view name) -> std::optional<std::string> {
      if (a.size() > name.size() && a.substr(0, name.size()) == name && a[name.size()] == '=')
        return std::string(a.substr(name.size() + 1));
      if (a == name && i + 1 < args.size()) return args[++i];
      return std::nullopt;
    };
    if (a == "--") {
      ++i;
      break;
    }
    if (a == "--dir" || a.starts_with("--dir=") || a == "--dir-ro" || a.starts_with("--dir-ro=")) {
      bool ro = a.starts_with("--dir-ro");
      auto v = value(ro ? "--dir-ro" : "--dir");
      if (!v || v->empty()) return usage_error(io, self, std::string(a) + " needs a directory");
      wasi_config.preopens.push_back(parse_dir(*v, ro));
    } else if (a == "--env" || a.starts_with("--env=")) {
      auto v = value("--env");
      size_t eq = v ? v->find('=') : std::string::npos;
      if (!v || eq == std::string::npos || eq == 0)
        return usage_error(io, self, "--env needs KEY=VALUE");
      wasi_config.env(v->substr(0, eq), v->substr(eq + 1));
    } else if (a.starts_with("--") || a == "-h") {
      common.emplace_back(a);
    } else if (module_path.empty()) {
      module_path = std::string(a);
    } else {
      break;
    }
  }
  for (; i < args.size(); ++i) guest_args.push_back(args[i]);
  if (module_path.empty() && !guest_args.empty()) {
    module_path = guest_args.front();
    guest_args.erase(guest_args.begin());
  }

  auto options = parse_options(common);
  if (!options) return usage_error(io, self, options.error().message);
  if (options->help) {
    print_command_help(io.out, self);
    return exit_ok;
  }
  if (module_path.empty()) return usage_error(io, self, "no module given");

  Engine engine(options->config);
  int load_status = exit_ok;
  auto module = load_module(io, engine, module_path, load_status);
  if (!module) return load_status;

  wasi_config.arg(module_path).args(guest_args);
  wasi_config.inherit_stdio();
  Wasi wasi(wasi_config);
  if (auto s = wasi.status(); !s) {
    print_error(io, "--dir", s.error());
    return exit_no_input;
  }
  Store store(engine);
  Linker linker(engine);
  if (auto d = wasi.define(linker); !d) {
    print_error(io, module_path, d.error());
    return exit_failure;
  }
  auto instance = linker.instantiate(store, *module);
  if (!instance) {
    print_error(io, module_path, instance.error());
    return exit_code_for(instance.error());
  }
  // The guest writes to fd 1 itself: what weft buffered goes first.
  io.out.flush();
  auto status = wasi.run_start(store, *instance);
  if (!status) {
    print_error(io, module_path, status.error());
    return exit_code_for(status.error());
  }
  return static_cast<int>(*status & 0xff);
}

}  // namespace

const Command& run_command() {
  static const Command command{
      "run", "run a WASI command module",
      "usage: weft run [options] MODULE.wasm [--dir HOST[::GUEST]] [--dir-ro HOST[::GUEST]]\n"
      "                [--env KEY=VALUE] [--] [ARG...]\n"
      "\n"
      "Instantiates MODULE with WASI preview 1 (wasi_snapshot_preview1) and calls its\n"
      "_start. The guest sees only the directories given:\n"
      "  --dir HOST[::GUEST]      the host directory HOST, as GUEST (default: HOST as written)\n"
      "  --dir-ro HOST[::GUEST]   the same, read-only: modifications fail with EROFS\n"
      "  --env KEY=VALUE          an environment variable (the host's are not passed)\n"
      "The guest's argv is MODULE then ARG...; options end at the first ARG or at \"--\".\n"
      "Standard input, output and error are the tool's own.\n"
      "\n"
      "exit status: the guest's proc_exit status (0 when _start returns), 2 when it traps\n"
      "(with the trap on standard error), 1 when the module cannot be loaded or linked.\n",
      run_run};
  return command;
}

}  // namespace weft::cli
