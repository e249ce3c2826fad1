// weft: Engine, and compiling bytes into a Module.
#include "interp/interpreter.hpp"
#include "runtime/objects.hpp"
#include "wasm/module.hpp"

namespace weft::detail {

EngineImpl::~EngineImpl() {
  // Reservations cached for this engine's memories go now; a memory still alive (its store
  // outlived the engine) unmaps its own when it dies.
  if (memory_pool) close_memory_pool(*memory_pool);
}

}  // namespace weft::detail

namespace weft {

Engine::Engine() : Engine(EngineConfig{}) {}

Engine::Engine(const EngineConfig& config) : m_impl(std::make_unique<detail::EngineImpl>()) {
  m_impl->config = config;
  m_impl->owner = this;
  interp::install_signal_traps();
}

Engine::~Engine() = default;

const EngineConfig& Engine::config() const noexcept { return m_impl->config; }

Result<Module> Engine::compile(std::span<const uint8_t> bytes) const {
  WEFT_TRY(wasm::Module decoded, wasm::decode_module(bytes, m_impl->config.features));
  auto data = std::make_shared<detail::ModuleData>();
  data->engine = m_impl.get();
  data->module = std::move(decoded);
  data->type_ids.reserve(data->module.types.size());
  for (const FuncType& t : data->module.types) data->type_ids.push_back(m_impl->types.intern(t));
  WEFT_TRY_VOID(wasm::validate_and_lower(*m_impl, *data));
  return Module(std::shared_ptr<const detail::ModuleData>(std::move(data)));
}

Result<void> Engine::validate(std::span<const uint8_t> bytes) const {
  WEFT_TRY_VOID(compile(bytes));
  return {};
}

}  // namespace weft
