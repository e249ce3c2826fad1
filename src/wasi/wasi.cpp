// weft WASI: the public Wasi object and the registration of wasi_snapshot_preview1.
#include "weft/wasi.hpp"

#include "wasi/wasi_state.hpp"

namespace weft {

using wasi_detail::FuncDef;
using wasi_detail::GuestMem;
using wasi_detail::WasiState;

Wasi::Wasi(const WasiConfig& config) : m_state(std::make_shared<WasiState>(config)) {}
Wasi::~Wasi() = default;

Result<void> Wasi::status() const {
  if (m_state->setup_errno != wasi_detail::e_success)
    return fail(ErrorKind::io, m_state->setup_error);
  return {};
}

Result<void> Wasi::define(Linker& linker) const {
  WEFT_TRY_VOID(status());
  for (auto group : {wasi_detail::fd_functions(), wasi_detail::path_functions(),
                     wasi_detail::misc_functions()}) {
    for (const FuncDef& def : group) {
      FuncType type;
      for (char c : def.params) type.params.push_back(c == 'I' ? ValType::i64 : ValType::i32);
      if (def.returns_errno) type.results.push_back(ValType::i32);
      const FuncDef* d = &def;  // the tables are static
      linker.define_func("wasi_snapshot_preview1", def.name, type,
                         [st = m_state, d](Caller& caller, std::span<const Value> args,
                                           std::span<Value> results) -> Result<void> {
                           GuestMem mem(caller.memory());
                           Result<uint32_t> r = d->call(*st, mem, args);
                           if (!r) return Failure{std::move(r).error()};
                           if (d->returns_errno) results[0] = Value::i32(static_cast<int32_t>(*r));
                           return {};
                         });
    }
  }
  return {};
}

Result<uint32_t> Wasi::run_start(Store& store, const Instance& instance) const {
  auto start = instance.get_func("_start");
  if (!start) return fail(ErrorKind::usage, "the module exports no '_start' function");
  if (!start->type().params.empty() || !start->type().results.empty())
    return fail(ErrorKind::usage,
                "'_start' has type " + start->type().to_string() + ", not [] -> []");
  auto r = start->call(store, {});
  if (!r) {
    const Error& e = r.error();
    if (e.kind == ErrorKind::trap && e.trap == TrapKind::exit) return e.exit_code;
    return Failure{std::move(r).error()};
  }
  return 0u;
}

Result<void> Wasi::initialize(Store& store, const Instance& instance) const {
  auto init = instance.get_func("_initialize");
  if (!init) return {};
  auto r = init->call(store, {});
  if (!r) return Failure{std::move(r).error()};
  return {};
}

std::string Wasi::stdout_text() const { return m_state->stdout_buf; }
std::string Wasi::stderr_text() const { return m_state->stderr_buf; }

}  // namespace weft
