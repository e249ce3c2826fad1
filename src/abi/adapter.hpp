// The interface every event ABI adapter (src/abi/<name>/) gives to ProcessorPlugin
// (src/events/processor.cpp): which host functions it links, how it checks a module before
// instantiation, and how it makes a Processor over one Plugin.
#pragma once

#include <memory>

#include "weft/events.hpp"

namespace weft::events::detail {

struct AbiAdapter {
  Abi abi;
  /// The export called when ProcessorOptions::function is empty ("" when there is none and
  /// the caller must name one).
  const char* default_function;
  /// Adds the ABI's host functions to `plugin` (before the plugin is compiled).
  void (*add_host_functions)(PluginOptions& plugin, const ProcessorOptions& options);
  /// Checks the main module's exports and imports (ABI marker and version, the function to
  /// call and its type, required exports) before anything is instantiated. `options.function`
  /// is already resolved (never empty).
  Result<void> (*check)(const Module& main, const ProcessorOptions& options);
  /// A processor over a new Plugin of `compiled`, initialised (configuration passed).
  /// `options.function` is resolved.
  Result<std::unique_ptr<Processor>> (*open)(std::shared_ptr<const CompiledPlugin> compiled,
                                            const ProcessorOptions& options);
};

const AbiAdapter& fluentbit_adapter();  // src/abi/fluentbit/
const AbiAdapter& elastic_adapter();    // src/abi/elastic/
const AbiAdapter& weft_adapter();       // src/abi/weft/

}  // namespace weft::events::detail
