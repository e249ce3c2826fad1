// weft call: calls a function of an Extism plugin (a manifest or a raw .wasm) with input
// bytes, and prints the output bytes.
#include <iterator>
#include <map>
#include <ostream>

#include "cli/cli_util.hpp"
#include "weft/plugin.hpp"

namespace weft::cli {

namespace {

int run_call(Args args, Io& io) {
  const Command& self = call_command();
  std::vector<std::string> common;
  std::vector<std::string> positional;
  std::optional<std::string> input;
  std::optional<std::string> input_file;
  std::vector<std::string> hosts;
  PluginOptions options;
  PluginFlags plugin_flags(options, io);
  for (size_t i = 0; i < args.size(); ++i) {
    OptionCursor at{args, i};
    std::string_view a = at.arg();
    std::string flag_error;
    auto shared = plugin_flags.parse(at, flag_error);
    if (shared == PluginFlags::Parsed::bad) return usage_error(io, self, flag_error);
    if (shared == PluginFlags::Parsed::ok) continue;
    if (a == "--") {
      for (++i; i < args.size(); ++i) positional.push_back(args[i]);
      break;
    } else if (at.is("--input")) {
      input = at.value("--input");
      if (!input) return usage_error(io, self, "--input needs a string");
    } else if (at.is("--input-file")) {
      input_file = at.value("--input-file");
      if (!input_file) return usage_error(io, self, "--input-file needs a file");
    } else if (a.starts_with("--") || a == "-h") {
      common.emplace_back(a);
    } else {
      positional.emplace_back(a);
    }
  }
  auto parsed = parse_options(common);
  if (!parsed) return usage_error(io, self, parsed.error().message);
  if (parsed->help) {
    print_command_help(io.out, self);
    return exit_ok;
  }
  if (positional.size() != 2) return usage_error(io, self, "expected PLUGIN_OR_MANIFEST and FUNC");
  if (input && input_file) return usage_error(io, self, "--input and --input-file exclude each other");
  const std::string& path = positional[0];
  const std::string& func = positional[1];

  auto manifest = Manifest::load(path);
  if (!manifest) {
    print_error(io, path, manifest.error());
    return manifest.error().kind == ErrorKind::io ? exit_no_input : exit_failure;
  }
  for (auto& [k, v] : plugin_flags.config) manifest->config[k] = v;
  plugin_flags.apply(*manifest);
  for (auto& h : hosts) manifest->allowed_hosts.push_back(h);

  std::vector<uint8_t> in;
  if (input) {
    in.assign(input->begin(), input->end());
  } else {
    auto bytes = read_file(input_file ? *input_file : std::string("-"));
    if (!bytes) {
      print_error(io, input_file ? *input_file : "stdin", bytes.error());
      return exit_no_input;
    }
    in = std::move(*bytes);
  }

  Engine engine(parsed->config);
  auto compiled = CompiledPlugin::create(engine, std::move(*manifest), std::move(options));
  if (!compiled) {
    print_error(io, path, compiled.error());
    return exit_failure;
  }
  auto plugin = Plugin::create(*compiled);
  if (!plugin) {
    print_error(io, path, plugin.error());
    return exit_code_for(plugin.error());
  }
  if (!(*plugin)->function_exists(func)) {
    io.err << "weft: " << path << ": the plugin has no function named '" << func << "'\n";
    return exit_failure;
  }
  io.out.flush();
  auto out = (*plugin)->call(func, std::span<const uint8_t>(in));
  if (!out) {
    CallStatus st = (*plugin)->last_status();
    if (st == CallStatus::guest_error) {
      io.err << "weft: " << func << ": error: " << out.error().message << "\n";
      return exit_failure;
    }
    print_error(io, func, out.error());
    return st == CallStatus::host_error ? exit_failure : exit_trap;
  }
  io.out.write(reinterpret_cast<const char*>(out->data()), std::streamsize(out->size()));
  io.out.flush();
  return exit_ok;
}

}  // namespace

const Command& call_command() {
  static const Command command{
      "call", "call a function of an Extism plugin",
      "usage: weft call [options] PLUGIN_OR_MANIFEST FUNC [--input STR | --input-file F]\n"
      "                 [--config K=V] [--wasi] [--allow-path [ro:]HOST[:GUEST]]\n"
      "                 [--allow-host GLOB] [--timeout MS] [--fuel N] [--max-pages N]\n"
      "                 [--log-level L]\n"
      "\n"
      "Loads an Extism plugin (a manifest in Extism's JSON, or a .wasm file), calls FUNC\n"
      "with the input (--input, --input-file, else standard input) and writes the output\n"
      "bytes to standard output.\n"
      "  --config K=V        a config entry (over the manifest's)\n"
      "  --wasi              link WASI preview 1; --allow-path preopens a directory\n"
      "  --allow-host GLOB   a host http_request may reach (glob: *.example.com); none by default\n"
      "  --timeout MS        per-call timeout; --fuel N an instruction budget\n"
      "  --max-pages N       cap of the guest's memory and of the Extism memory, in 64 KiB pages\n"
      "  --log-level L       trace, debug, info, warn, error or off (default); logs go to stderr\n"
      "\n"
      "exit status: 0 success, 1 the guest reported an error (its message on standard\n"
      "error) or the plugin cannot be loaded, 2 the call trapped, timed out, was cancelled\n"
      "or ran out of fuel, 64 bad command line, 66 unreadable file.\n",
      run_call};
  return command;
}

}  // namespace weft::cli
