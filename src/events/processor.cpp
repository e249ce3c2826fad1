// ProcessorPlugin: a plugin compiled for one event ABI, and the names of the ABIs. The ABIs
// themselves are adapters in src/abi/<name>/ (src/abi/adapter.hpp).
#include "abi/adapter.hpp"
#include "plugin/plugin_state.hpp"
#include "weft/events.hpp"

namespace weft::events {

namespace {

const detail::AbiAdapter& adapter_of(Abi abi) {
  switch (abi) {
    case Abi::fluentbit: return detail::fluentbit_adapter();
    case Abi::elastic: return detail::elastic_adapter();
    case Abi::weft: break;
  }
  return detail::weft_adapter();
}

}  // namespace

Result<std::shared_ptr<const ProcessorPlugin>> ProcessorPlugin::create(const Engine& engine, Abi abi, Manifest manifest,
                                                                       ProcessorOptions options) {
  const detail::AbiAdapter& adapter = adapter_of(abi);
  if (options.function.empty()) {
    if (!*adapter.default_function)
      return fail(ErrorKind::usage, "the " + std::string(abi_name(abi)) +
                                        " ABI has no default function: name the one to call (--function)");
    options.function = adapter.default_function;
  }
  PluginOptions plugin_options = options.plugin;
  adapter.add_host_functions(plugin_options, options);
  WEFT_TRY(auto compiled, CompiledPlugin::create(engine, std::move(manifest), std::move(plugin_options)));
  const auto& data = *compiled->data();
  const Module& main = data.modules[data.main];
  if (auto r = adapter.check(main, options); !r) {
    Error e = std::move(r).error();
    e.message = std::string(abi_name(abi)) + " ABI: " + e.message;
    return Failure{std::move(e)};
  }
  return std::make_shared<const ProcessorPlugin>(abi, std::move(options), std::move(compiled));
}

Result<std::unique_ptr<Processor>> ProcessorPlugin::instantiate() const {
  return adapter_of(m_abi).open(m_compiled, m_options);
}

}  // namespace weft::events
