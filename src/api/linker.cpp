// weft: Linker, which resolves imports by name and instantiates.
#include <map>
#include <string>
#include <utility>
#include <variant>

#include "runtime/instantiate.hpp"
#include "runtime/objects.hpp"

namespace weft {

namespace {

/// A host function defined on a linker. It becomes a FuncInst in each store that imports it;
/// every store calls the same callable.
struct HostDef {
  uint32_t type_id = 0;
  HostFunction fn;
};

using Definition = std::variant<Extern, std::shared_ptr<const HostDef>>;

/// The host function of `def` in `store`, created on first use and reused afterwards.
detail::FuncInst* materialize(detail::StoreImpl& store, const std::shared_ptr<const HostDef>& def) {
  auto it = store.linker_funcs.find(def.get());
  if (it != store.linker_funcs.end()) return it->second;
  const HostDef* d = def.get();
  detail::FuncInst* f = detail::new_host_func(
      store, d->type_id, [d](Caller& c, std::span<const Value> args, std::span<Value> results) {
        return d->fn(c, args, results);
      });
  store.linker_defs.push_back(def);  // keeps `d` alive, and its address unique, in this store
  store.linker_funcs.emplace(d, f);
  return f;
}

}  // namespace

struct Linker::Impl {
  /// By (module, name).
  std::map<std::pair<std::string, std::string>, Definition> defs;

  void set(std::string_view module, std::string_view name, Definition d) {
    defs.insert_or_assign(std::pair<std::string, std::string>(module, name), std::move(d));
  }
};

Linker::Linker(const Engine& engine) : m_impl(std::make_unique<Impl>()), m_engine(engine) {}
Linker::~Linker() = default;

void Linker::define(std::string_view module, std::string_view name, Extern value) {
  m_impl->set(module, name, value);
}

void Linker::define_instance(std::string_view module, const Instance& instance) {
  if (instance.raw() == nullptr) return;
  for (const auto& [name, value] : instance.raw()->exports) m_impl->set(module, name, value);
}

void Linker::define_func(std::string_view module, std::string_view name, const FuncType& type,
                         HostFunction fn) {
  define_host(module, name, type, std::move(fn));
}

void Linker::define_host(std::string_view module, std::string_view name, const FuncType& type,
                         HostFunction fn) {
  auto def = std::make_shared<HostDef>();
  def->type_id = m_engine.impl().types.intern(type);
  if (fn) {
    def->fn = std::move(fn);
  } else {
    def->fn = [](Caller&, std::span<const Value>, std::span<Value>) -> Result<void> {
      return fail(ErrorKind::usage, "host function has no body");
    };
  }
  m_impl->set(module, name, std::shared_ptr<const HostDef>(std::move(def)));
}

Result<Instance> Linker::instantiate(Store& store, const Module& module) const {
  const auto& data = module.data();
  if (!data) return fail(ErrorKind::usage, "instantiate: the module is empty");
  detail::StoreImpl& s = store.impl();
  if (s.engine != &m_engine.impl() || data->engine != &m_engine.impl())
    return fail(ErrorKind::usage,
                "instantiate: the linker, the store and the module must share one engine");

  const auto& imports = data->module.imports;
  std::vector<Extern> values;
  values.reserve(imports.size());
  for (const wasm::Import& imp : imports) {
    auto it = m_impl->defs.find(std::make_pair(imp.module, imp.name));
    if (it == m_impl->defs.end())
      return fail(ErrorKind::unlinkable,
                  "unknown import: \"" + imp.module + "\" \"" + imp.name + "\"");
    if (const auto* host = std::get_if<std::shared_ptr<const HostDef>>(&it->second))
      values.emplace_back(Func(materialize(s, *host)));
    else
      values.push_back(std::get<Extern>(it->second));
  }
  WEFT_TRY(detail::InstanceImpl * inst, detail::instantiate(s, data, values));
  return Instance(inst);
}

}  // namespace weft
