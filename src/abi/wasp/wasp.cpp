// weft::wasp: Wasp's typed-call convention over weft::Plugin (docs/abi/wasp.md).
//
// Two paths reach the guest's allocator. Calls from the host (Instance::call) go through
// Plugin::call_export, so `allocate`, `deallocate` and `get_string_size` run under the same
// limits as the function called. Host callbacks run inside a call, where the plugin refuses
// reentrant calls: they call the guest's `allocate` directly on the caller's store, nested in
// the running call and covered by its limits.
#include "weft/wasp.hpp"

#include <concepts>
#include <cstdio>
#include <cstring>

#include "plugin/plugin_state.hpp"

namespace weft::wasp {

namespace detail {

/// An Instance's state, reached by `env.raise_error` through Plugin::abi_state.
struct InstanceState {
  /// Tells this state apart from another adapter's, should a plugin be shared by mistake.
  static constexpr uint64_t tag = 0x7773617077656674;  // "weftwasp"
  uint64_t magic = tag;
  std::unique_ptr<Plugin> plugin;
  /// The last message the guest raised during the running call (Wasp keeps the last one).
  std::optional<std::string> raised;
};

}  // namespace detail

namespace {

using detail::Arg;
using detail::InstanceState;
using detail::RetKind;
using detail::Returned;

const FuncType allocate_type{{ValType::i32}, {ValType::i32}};
const FuncType deallocate_type{{ValType::i32, ValType::i32}, {}};
const FuncType string_size_type{{ValType::i32}, {ValType::i32}};
/// env.raise_error(ptr, len), and Wasp's own form, raise_error(ptr) with a NUL-terminated string.
const FuncType raise_ptr_len_type{{ValType::i32, ValType::i32}, {}};
const FuncType raise_ptr_type{{ValType::i32}, {}};

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

Failure guest_error(std::string message) {
  return fail(ErrorKind::guest, "wasp: " + std::move(message));
}

/// What an error message names: a text, or a callback's argument or result (whose text is
/// made only when an error needs it, so callbacks do not build strings on every call).
std::string text(std::string_view what) { return std::string(what); }
std::string text(const detail::Where& where) { return where.to_string(); }
template <class F>
requires std::invocable<const F&> std::string text(const F& make) { return make(); }

/// A range of guest memory, or an error saying why it is not one.
template <class What>
Result<std::span<uint8_t>> guest_range(const Memory& memory, uint64_t ptr, uint64_t length,
                                       const What& what) {
  auto v = memory.view(ptr, length);
  if (!v)
    return guest_error(text(what) + ": " + std::to_string(length) + " bytes at " + hex(ptr) +
                       " are outside the guest's memory (" + std::to_string(memory.size_bytes()) +
                       " bytes)");
  return *v;
}

/// The NUL-terminated string at `ptr`: it must end before the memory does.
template <class What>
Result<std::string> c_string_at(const Memory& memory, uint32_t ptr, const What& what) {
  if (ptr == 0) return guest_error(text(what) + ": a null string pointer");
  if (ptr >= memory.size_bytes())
    return guest_error(text(what) + ": string pointer " + hex(ptr) +
                       " is outside the guest's memory (" + std::to_string(memory.size_bytes()) +
                       " bytes)");
  const uint8_t* start = memory.data() + ptr;
  size_t room = memory.size_bytes() - ptr;
  const void* nul = std::memchr(start, 0, room);
  if (!nul)
    return guest_error(text(what) + ": the string at " + hex(ptr) +
                       " has no NUL terminator before the end of the guest's memory");
  return std::string(reinterpret_cast<const char*>(start),
                     static_cast<const uint8_t*>(nul) - start);
}

/// The length-prefixed byte array at `ptr`.
template <class What>
Result<std::vector<uint8_t>> prefixed_bytes_at(const Memory& memory, uint32_t ptr,
                                               const What& what) {
  if (ptr == 0) return guest_error(text(what) + ": a null byte array pointer");
  WEFT_TRY(std::span<uint8_t> prefix,
           guest_range(memory, ptr, 4, [&] { return text(what) + " length"; }));
  uint32_t length = uint32_t(prefix[0]) | uint32_t(prefix[1]) << 8 | uint32_t(prefix[2]) << 16 |
                    uint32_t(prefix[3]) << 24;
  WEFT_TRY(std::span<uint8_t> body, guest_range(memory, uint64_t(ptr) + 4, length, what));
  return std::vector<uint8_t>(body.begin(), body.end());
}

void put_u32_le(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v);
  p[1] = uint8_t(v >> 8);
  p[2] = uint8_t(v >> 16);
  p[3] = uint8_t(v >> 24);
}

/// What a block holds: a string (NUL-terminated) or a byte array (u32 LE length first).
enum class Layout : uint8_t { c_string, prefixed };

uint64_t block_size(Layout layout, size_t length) {
  return layout == Layout::c_string ? uint64_t(length) + 1 : uint64_t(length) + 4;
}

void fill_block(std::span<uint8_t> block, Layout layout, std::span<const uint8_t> data) {
  uint8_t* p = block.data();
  if (layout == Layout::prefixed) {
    put_u32_le(p, static_cast<uint32_t>(data.size()));
    p += 4;
  }
  if (!data.empty()) std::memcpy(p, data.data(), data.size());
  if (layout == Layout::c_string) p[data.size()] = 0;
}

std::string_view layout_name(Layout layout) {
  return layout == Layout::c_string ? "a string" : "a byte array";
}

Result<void> check_export_type(const Func& f, std::string_view name, const FuncType& want) {
  if (!(f.type() == want))
    return fail(ErrorKind::usage, "wasp: the guest's '" + std::string(name) + "' has type " +
                                      f.type().to_string() + "; Wasp's convention is " +
                                      want.to_string());
  return {};
}

// ---- the guest's helpers, called from the host (under the plugin's limits) --------------

/// The Wasp helpers of one plugin, called through Plugin::call_export.
class GuestHelpers {
 public:
  explicit GuestHelpers(Plugin& plugin) : m_plugin(plugin) {}

  Result<Memory> memory() {
    WEFT_TRY(weft::Instance inst, m_plugin.instance());
    auto m = inst.get_memory("memory");
    if (!m)
      return fail(ErrorKind::usage,
                  "wasp: the guest does not export its memory as 'memory', which strings and byte "
                  "arrays are passed through");
    return *m;
  }

  /// Checks that export `name` exists with `type` (`why` says what needs it).
  Result<void> require(std::string_view name, const FuncType& type, std::string_view why) {
    WEFT_TRY(weft::Instance inst, m_plugin.instance());
    auto f = inst.get_func(name);
    if (!f)
      return fail(ErrorKind::usage, "wasp: " + std::string(why) + " needs the guest to export " +
                                        std::string(name) + " " + type.to_string() +
                                        "; it does not");
    return check_export_type(*f, name, type);
  }

  /// A block of `size` bytes from the guest's allocate, checked to lie inside its memory.
  Result<uint32_t> allocate(uint64_t size, std::string_view why) {
    if (size > UINT32_MAX)
      return fail(ErrorKind::usage, "wasp: " + std::string(why) + " is larger than 4 GiB");
    WEFT_TRY_VOID(require("allocate", allocate_type, why));
    Value arg = Value::i32(static_cast<int32_t>(size));
    WEFT_TRY(std::vector<Value> r,
             m_plugin.call_export("allocate", std::span<const Value>(&arg, 1)));
    uint32_t ptr = static_cast<uint32_t>(r[0].i32());
    if (ptr == 0)
      return guest_error("allocate(" + std::to_string(size) + ") for " + std::string(why) +
                         " returned 0: the guest is out of memory");
    WEFT_TRY(Memory m, memory());
    WEFT_TRY(auto block,
             guest_range(m, ptr, size,
                         "allocate(" + std::to_string(size) + ") for " + std::string(why)));
    (void)block;
    return ptr;
  }

  Result<void> deallocate(uint32_t ptr, uint64_t size) {
    WEFT_TRY_VOID(require("deallocate", deallocate_type, "freeing a string or byte array"));
    Value args[2] = {Value::i32(static_cast<int32_t>(ptr)), Value::i32(static_cast<int32_t>(size))};
    WEFT_TRY(auto ignored, m_plugin.call_export("deallocate", args));
    (void)ignored;
    return {};
  }

  Result<uint32_t> string_size(uint32_t ptr, std::string_view why) {
    WEFT_TRY_VOID(require("get_string_size", string_size_type, why));
    Value arg = Value::i32(static_cast<int32_t>(ptr));
    WEFT_TRY(std::vector<Value> r,
             m_plugin.call_export("get_string_size", std::span<const Value>(&arg, 1)));
    return static_cast<uint32_t>(r[0].i32());
  }

  /// Copies `data` into a new block laid out as `layout`.
  Result<uint32_t> copy_in(std::span<const uint8_t> data, Layout layout, std::string_view why) {
    uint64_t size = block_size(layout, data.size());
    WEFT_TRY(uint32_t ptr, allocate(size, why));
    WEFT_TRY(Memory m, memory());
    WEFT_TRY(std::span<uint8_t> block, guest_range(m, ptr, size, why));
    fill_block(block, layout, data);
    return ptr;
  }

 private:
  Plugin& m_plugin;
};

// ---- the guest's allocator, called from inside a call (host callbacks) -------------------

Result<Memory> caller_memory(Caller& caller) {
  auto m = caller.memory();
  if (!m) return fail(ErrorKind::usage, "wasp: the calling guest has no memory");
  return *m;
}

/// A block laid out as `layout` holding `data`, from the calling guest's allocate.
template <class What>
Result<uint32_t> caller_copy_in(Caller& caller, std::span<const uint8_t> data, Layout layout,
                                const What& what) {
  uint64_t size = block_size(layout, data.size());
  if (size > UINT32_MAX)
    return fail(ErrorKind::usage, "wasp: " + text(what) + " is larger than 4 GiB");
  auto ext = caller.get_export("allocate");
  auto allocate = ext ? ext->func() : std::nullopt;
  if (!allocate)
    return fail(ErrorKind::usage, "wasp: " + text(what) + " is " +
                                      std::string(layout_name(layout)) +
                                      ", which needs the guest to export allocate " +
                                      allocate_type.to_string() + "; it does not");
  WEFT_TRY_VOID(check_export_type(*allocate, "allocate", allocate_type));
  Value arg = Value::i32(static_cast<int32_t>(size));
  WEFT_TRY(std::vector<Value> r, allocate->call(caller.store(), std::span<const Value>(&arg, 1)));
  uint32_t ptr = static_cast<uint32_t>(r[0].i32());
  if (ptr == 0)
    return guest_error("allocate(" + std::to_string(size) + ") for " + text(what) +
                       " returned 0: the guest is out of memory");
  WEFT_TRY(Memory m, caller_memory(caller));  // after allocate, which may have grown it
  WEFT_TRY(std::span<uint8_t> block, guest_range(m, ptr, size, [&] {
             return "allocate(" + std::to_string(size) + ") for " + text(what);
           }));
  fill_block(block, layout, data);
  return ptr;
}

// ---- env.raise_error -----------------------------------------------------------------------

PluginHostFunction raise_error_function(const FuncType& type) {
  PluginHostFunction h;
  h.ns = "env";
  h.name = "raise_error";
  h.type = type;
  bool with_length = type.params.size() == 2;
  h.fn = [with_length](CurrentPlugin& cp, std::span<const Value> args, std::span<Value>,
                       void*) -> Result<void> {
    auto* state = static_cast<InstanceState*>(cp.abi_state());
    if (!state || state->magic != InstanceState::tag)
      return fail(
          ErrorKind::usage,
          "wasp: env.raise_error called on a plugin that weft::wasp::Instance does not run");
    WEFT_TRY(Memory m, caller_memory(cp.caller()));
    uint32_t ptr = static_cast<uint32_t>(args[0].i32());
    if (with_length) {
      uint32_t len = static_cast<uint32_t>(args[1].i32());
      WEFT_TRY(std::span<uint8_t> text, guest_range(m, ptr, len, "env.raise_error message"));
      state->raised = std::string(text.begin(), text.end());
    } else {
      WEFT_TRY(std::string text, c_string_at(m, ptr, "env.raise_error message"));
      state->raised = std::move(text);
    }
    return {};
  };
  return h;
}

/// How the modules import env.raise_error: nothing when none does; an error when one imports
/// it with a type Wasp does not use, or two disagree.
Result<std::optional<FuncType>> raise_error_import(const std::vector<Module>& modules) {
  std::optional<FuncType> found;
  for (const Module& m : modules) {
    for (const ImportDesc& imp : m.imports()) {
      if (imp.module != "env" || imp.name != "raise_error") continue;
      const FuncType& t = imp.type.func;
      if (imp.type.kind != ExternKind::func || !(t == raise_ptr_len_type || t == raise_ptr_type))
        return fail(ErrorKind::unlinkable,
                    "wasp: env.raise_error is imported as " + imp.type.to_string() +
                        "; it must be (i32, i32) -> () (pointer and length) or (i32) -> () "
                        "(a NUL-terminated string, Wasp's form)");
      if (found && !(*found == t))
        return fail(ErrorKind::unlinkable,
                    "wasp: the modules import env.raise_error with two different types");
      found = t;
    }
  }
  return found;
}

}  // namespace

// ---- helpers for the callback templates --------------------------------------------------

namespace detail {

std::string Where::to_string() const {
  std::string s(function);
  return argument ? s + " argument " + std::to_string(argument) : s + " result";
}

Result<std::string> read_c_string(Caller& caller, uint32_t ptr, const Where& where) {
  WEFT_TRY(Memory m, caller_memory(caller));
  return c_string_at(m, ptr, where);
}

Result<std::vector<uint8_t>> read_prefixed_bytes(Caller& caller, uint32_t ptr, const Where& where) {
  WEFT_TRY(Memory m, caller_memory(caller));
  return prefixed_bytes_at(m, ptr, where);
}

Result<uint32_t> write_c_string(Caller& caller, std::string_view s, const Where& where) {
  return caller_copy_in(caller, {reinterpret_cast<const uint8_t*>(s.data()), s.size()},
                        Layout::c_string, where);
}

Result<uint32_t> write_prefixed_bytes(Caller& caller, std::span<const uint8_t> bytes,
                                      const Where& where) {
  return caller_copy_in(caller, bytes, Layout::prefixed, where);
}

}  // namespace detail

// ---- Builder ------------------------------------------------------------------------------

Result<std::shared_ptr<const CompiledPlugin>> Builder::compile(const Engine& engine,
                                                               Manifest manifest) const {
  // env.raise_error comes first so that a callback the embedder defines under the same name
  // replaces it. Its type follows the module's import: the plugin is compiled with the
  // (ptr, len) form, and again with Wasp's (ptr) form in the rare case a module wants that.
  auto options_with = [&](const FuncType& raise_type) {
    PluginOptions o = m_options;
    std::vector<PluginHostFunction> functions;
    functions.push_back(raise_error_function(raise_type));
    functions.insert(functions.end(), m_options.functions.begin(), m_options.functions.end());
    functions.insert(functions.end(), m_functions.begin(), m_functions.end());
    o.functions = std::move(functions);
    return o;
  };
  WEFT_TRY(std::shared_ptr<const CompiledPlugin> compiled,
           CompiledPlugin::create(engine, std::move(manifest), options_with(raise_ptr_len_type)));
  WEFT_TRY(std::optional<FuncType> imported, raise_error_import(compiled->data()->modules));
  if (imported && *imported == raise_ptr_type)
    return CompiledPlugin::create(engine, compiled->manifest(), options_with(raise_ptr_type));
  return compiled;
}

Result<Instance> Builder::instantiate(const Engine& engine, Manifest manifest) const {
  WEFT_TRY(std::shared_ptr<const CompiledPlugin> compiled, compile(engine, std::move(manifest)));
  return Instance::create(std::move(compiled));
}

// ---- Instance -----------------------------------------------------------------------------

Instance::Instance(std::unique_ptr<detail::InstanceState> state) : m_state(std::move(state)) {}
Instance::Instance(Instance&&) noexcept = default;
Instance& Instance::operator=(Instance&&) noexcept = default;
Instance::~Instance() = default;

Result<Instance> Instance::create(std::shared_ptr<const CompiledPlugin> compiled) {
  auto state = std::make_unique<InstanceState>();
  WEFT_TRY(state->plugin, Plugin::create(std::move(compiled)));
  state->plugin->set_abi_state(state.get());
  return Instance(std::move(state));
}

bool Instance::function_exists(std::string_view name) const {
  return m_state->plugin->function_exists(name);
}
Plugin& Instance::plugin() noexcept { return *m_state->plugin; }

Result<Returned> Instance::call_marshalled(std::string_view name, const FuncType& want,
                                           std::span<const Arg> args, RetKind kind) {
  Plugin& plugin = *m_state->plugin;
  const std::string fn(name);
  {
    WEFT_TRY(weft::Instance inst, plugin.instance());
    auto func = inst.get_func(name);
    if (!func)
      return fail(ErrorKind::usage, "wasp: the guest has no exported function named '" + fn + "'");
    if (!(func->type() == want))
      return fail(ErrorKind::usage,
                  "wasp: the guest's '" + fn + "' has type " + func->type().to_string() +
                      ", but the call's C++ argument and result types make " + want.to_string());
  }
  GuestHelpers guest(plugin);
  // Checked up front so that a missing helper does not strand blocks already allocated.
  bool copies_in = false;
  for (const Arg& a : args) copies_in = copies_in || a.kind != Arg::Kind::value;
  if (copies_in || kind == RetKind::string || kind == RetKind::bytes) {
    WEFT_TRY(Memory ignored, guest.memory());
    (void)ignored;
    std::string why = "calling '" + fn + "' with strings or byte arrays";
    if (copies_in) WEFT_TRY_VOID(guest.require("allocate", allocate_type, why));
    WEFT_TRY_VOID(guest.require("deallocate", deallocate_type, "calling '" + fn + "'"));
    if (kind == RetKind::string)
      WEFT_TRY_VOID(
          guest.require("get_string_size", string_size_type, "a string result of '" + fn + "'"));
  }

  // The blocks this call owns, freed when it ends. A guest call that trapped, timed out, was
  // cancelled or ran out of fuel dropped the instance (the next call makes a new one, of a new
  // generation): its blocks went with the old memory, and freeing them in the new one would
  // corrupt its allocator.
  struct Block {
    uint32_t ptr;
    uint64_t size;
  };
  std::vector<Block> owned;
  const uint64_t generation = plugin.instance_generation();
  auto instance_dropped = [&] {
    switch (plugin.last_status()) {
      case CallStatus::trap:
      case CallStatus::timeout:
      case CallStatus::cancelled:
      case CallStatus::out_of_fuel: return true;
      default: return plugin.instance_generation() != generation;
    }
  };
  auto release = [&]() -> Result<void> {
    if (instance_dropped()) return {};
    for (const Block& b : owned) WEFT_TRY_VOID(guest.deallocate(b.ptr, b.size));
    owned.clear();
    return {};
  };
  // Ends the call with `e`, after freeing what it allocated (the first error is the one told).
  auto fail_with = [&](Error e) -> Failure {
    (void)release();
    return Failure{std::move(e)};
  };

  std::vector<Value> values;
  values.reserve(args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    const Arg& a = args[i];
    if (a.kind == Arg::Kind::value) {
      values.push_back(a.value);
      continue;
    }
    Layout layout = a.kind == Arg::Kind::string ? Layout::c_string : Layout::prefixed;
    auto ptr =
        guest.copy_in(a.data, layout, "argument " + std::to_string(i + 1) + " of '" + fn + "'");
    if (!ptr) return fail_with(std::move(ptr).error());
    owned.push_back({*ptr, block_size(layout, a.data.size())});
    values.push_back(Value::i32(static_cast<int32_t>(*ptr)));
  }

  m_state->raised.reset();
  auto r = plugin.call_export(name, values);
  if (!r) return fail_with(std::move(r).error());
  if (m_state->raised) {
    // The result is not read: a guest that raises an error returns nothing meaningful.
    std::string message = std::move(*m_state->raised);
    m_state->raised.reset();
    if (message.empty()) message = "'" + fn + "' raised an error with an empty message";
    return fail_with(Error::make(ErrorKind::guest, std::move(message)));
  }

  Returned out;
  if (kind == RetKind::value) {
    out.value = (*r)[0];
  } else if (kind == RetKind::string || kind == RetKind::bytes) {
    uint32_t ptr = static_cast<uint32_t>((*r)[0].i32());
    std::string what = std::string(kind == RetKind::string ? "the string" : "the byte array") +
                       " returned by '" + fn + "'";
    if (ptr == 0) return fail_with(guest_error(what + " is a null pointer").error);
    uint64_t size = 0;
    if (kind == RetKind::string) {
      auto length = guest.string_size(ptr, what);
      if (!length) return fail_with(std::move(length).error());
      auto m = guest.memory();
      if (!m) return fail_with(std::move(m).error());
      auto text = guest_range(*m, ptr, *length,
                              what + " (get_string_size gave " + std::to_string(*length) + ")");
      if (!text) return fail_with(std::move(text).error());
      out.text.assign(text->begin(), text->end());
      size = block_size(Layout::c_string, *length);
    } else {
      auto m = guest.memory();
      if (!m) return fail_with(std::move(m).error());
      auto bytes = prefixed_bytes_at(*m, ptr, what);
      if (!bytes) return fail_with(std::move(bytes).error());
      out.bytes = std::move(*bytes);
      size = block_size(Layout::prefixed, out.bytes.size());
    }
    // Only a block read whole is handed back: a pointer that failed the checks above is not
    // passed to the guest's deallocate.
    owned.push_back({ptr, size});
  }
  WEFT_TRY_VOID(release());
  return out;
}

}  // namespace weft::wasp
