// The Fluent Bit filter ABI: per event, the tag and the record are copied into the guest
// (NUL-terminated) and `char* FN(char* tag, int tag_len, uint32_t sec, uint32_t nsec,
// char* record, int record_len)` is called; the string it returns is the new record. See
// docs/abi/fluentbit.md for the whole contract (allocation, msgpack's length prefix,
// ownership of the returned buffer).
#include "abi/adapter.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "abi/fluentbit/fluentbit.hpp"
#include "plugin/plugin_state.hpp"

namespace weft::events::fluentbit {

namespace {

constexpr ValType I = ValType::i32;

std::string hex(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

const FuncType& filter_type() {
  static const FuncType t{{I, I, I, I, I, I}, {I}};
  return t;
}

std::optional<ExportDesc> find_export(const Module& m, std::string_view name) {
  for (ExportDesc& e : m.exports())
    if (e.name == name) return e;
  return std::nullopt;
}

bool imports_env_malloc(const Module& m) {
  for (const ImportDesc& i : m.imports())
    if (i.module == "env" && i.name == "malloc") return true;
  return false;
}

/// An excerpt of guest output for an error message: at most 60 bytes, control bytes escaped.
std::string excerpt(std::string_view s) {
  std::string out;
  for (unsigned char c : s.substr(0, 60)) {
    if (c >= 0x20 && c != 0x7f) {
      out += char(c);
    } else {
      char b[8];
      std::snprintf(b, sizeof b, "\\x%02x", c);
      out += b;
    }
  }
  if (s.size() > 60) out += "...";
  return out;
}

Result<void> check(const Module& main, const ProcessorOptions& options) {
  if (!options.config.empty())
    return fail(ErrorKind::usage, "Fluent Bit filters take no configuration, but key '" +
                                      options.config.begin()->first +
                                      "' was given: remove the configuration");
  auto fn = find_export(main, options.function);
  if (!fn || fn->type.kind != ExternKind::func)
    return fail(ErrorKind::usage, "the plugin exports no function '" + options.function +
                                      "' (name the filter function with --function)");
  if (!(fn->type.func == filter_type()))
    return fail(ErrorKind::usage,
                "export '" + options.function + "' has type " + fn->type.func.to_string() +
                    ", not " + filter_type().to_string() +
                    " (char* FN(char* tag, int tag_len, uint32_t sec, uint32_t nsec, "
                    "char* record, int record_len))");
  auto mem = find_export(main, "memory");
  if (!mem || mem->type.kind != ExternKind::memory)
    return fail(ErrorKind::usage,
                "the plugin exports no memory named 'memory' (events are copied into it)");
  if (!imports_env_malloc(main)) {
    if (auto m = find_export(main, "malloc");
        m && !(m->type.kind == ExternKind::func && m->type.func == FuncType{{I}, {I}}))
      return fail(ErrorKind::usage, "export 'malloc' is not a function of type (i32) -> (i32)");
    if (auto f = find_export(main, "free");
        f && find_export(main, "malloc") &&
        !(f->type.kind == ExternKind::func && f->type.func == FuncType{{I}, {}}))
      return fail(ErrorKind::usage, "export 'free' is not a function of type (i32) -> ()");
  }
  return {};
}

void add_host_functions(PluginOptions& plugin, const ProcessorOptions&) {
  add_env_functions(plugin.functions);
}

class FluentbitProcessor final : public Processor {
 public:
  FluentbitProcessor(std::unique_ptr<Plugin> plugin, const ProcessorOptions& options,
                     AllocMode mode, bool guest_free)
      : m_plugin(std::move(plugin)), m_function(options.function), m_format(options.format) {
    m_state.plugin = m_plugin.get();
    m_state.mode = mode;
    m_state.guest_free = guest_free;
    m_plugin->set_abi_state(&m_state);
  }
  ~FluentbitProcessor() override { m_plugin->set_abi_state(nullptr); }

  Abi abi() const noexcept override { return Abi::fluentbit; }
  Plugin& plugin() noexcept override { return *m_plugin; }

  Result<std::vector<Outcome>> process(std::span<const Event> batch) override {
    std::vector<Outcome> out;
    out.reserve(batch.size());
    for (const Event& e : batch) {
      WEFT_TRY(Outcome o, process_one(e));
      out.push_back(std::move(o));
    }
    return out;
  }

 private:
  /// The live instance's memory, the heap made current for it. Fails when the plugin cannot
  /// be instantiated (nothing can run then). Kept while the instance is known to be the same:
  /// the last call succeeded (a failed one, ours or the embedder's through plugin(), may
  /// have dropped the instance) and no new instance was made.
  Result<Memory> memory() {
    if (m_memory && m_plugin->last_status() == CallStatus::ok &&
        m_plugin->instance_generation() == m_state.generation)
      return m_memory;
    WEFT_TRY(Instance inst, m_plugin->instance());
    auto mem = inst.get_memory("memory");
    if (!mem)
      return fail(ErrorKind::usage, "fluentbit ABI: the plugin exports no memory named 'memory'");
    m_state.sync(m_plugin->instance_generation(), *mem, inst.get_global("__heap_base"));
    m_memory = *mem;
    return *mem;
  }

  /// Calls a guest export; a failure (the instance is then dropped) forgets the memory.
  Result<std::vector<Value>> call(const std::string& name, std::span<const Value> args) {
    auto r = m_plugin->call_export(name, args);
    if (!r) m_memory = Memory();
    return r;
  }

  /// `bytes` and a NUL in a new guest buffer; an error (for this event) when it cannot be had.
  Result<uint32_t> copy_in(std::string_view bytes) {
    uint64_t n = uint64_t(bytes.size()) + 1;
    if (n > INT32_MAX) return fail(ErrorKind::usage, "the event is too large for a 32-bit guest");
    uint32_t p = 0;
    if (m_state.mode == AllocMode::guest_malloc) {
      Value arg = Value::i32(int32_t(n));
      auto r = call("malloc", std::span<const Value>(&arg, 1));
      if (!r) {
        Error e = std::move(r).error();
        e.message = "the filter's malloc(" + std::to_string(n) + ") failed: " + e.message;
        return Failure{std::move(e)};
      }
      p = uint32_t((*r)[0].i32());
    } else {
      WEFT_TRY(Memory mem, memory());
      p = m_state.heap.alloc(mem, uint32_t(n)).value_or(0);
    }
    if (p == 0)
      return fail(ErrorKind::guest,
                  "cannot allocate " + std::to_string(n) + " bytes in the filter's memory");
    WEFT_TRY(Memory mem, memory());
    auto v = mem.view(p, n);
    if (!v)
      return fail(ErrorKind::guest,
                  "the filter's malloc returned " + hex(p) + ", outside its memory");
    if (!bytes.empty()) std::memcpy(v->data(), bytes.data(), bytes.size());
    (*v)[bytes.size()] = 0;
    m_buffers.push_back(p);
    return p;
  }

  /// Frees this event's buffers (and the returned one, `ret`, when the host owns it).
  Result<void> release(uint32_t ret) {
    std::vector<uint32_t> buffers = std::move(m_buffers);
    m_buffers.clear();
    // After a failed call (a trapping malloc) the instance is gone, or new: so are the buffers.
    if (m_plugin->last_status() != CallStatus::ok ||
        m_plugin->instance_generation() != m_state.generation)
      return {};
    bool ret_is_input = std::find(buffers.begin(), buffers.end(), ret) != buffers.end();
    switch (m_state.mode) {
      case AllocMode::guest_malloc:
        if (!m_state.guest_free) return {};
        if (ret && !ret_is_input) buffers.push_back(ret);
        for (uint32_t p : buffers) {
          Value arg = Value::i32(int32_t(p));
          auto r = call("free", std::span<const Value>(&arg, 1));
          if (!r) {
            Error e = std::move(r).error();
            e.message = "the filter's free(" + hex(p) + ") failed: " + e.message;
            return Failure{std::move(e)};
          }
        }
        return {};
      case AllocMode::env_heap:
        // The result is freed when it is a block of the env heap; a static string is not.
        if (ret && !ret_is_input && m_state.heap.block_size(ret)) buffers.push_back(ret);
        break;
      case AllocMode::host_heap:
        // The result is the guest's own memory, which the host cannot free.
        break;
    }
    for (uint32_t p : buffers) m_state.heap.free(p);
    return {};
  }

  /// What the filter returned at `ret`: the record, nothing (dropped), or an error.
  Result<std::optional<Record>> read_output(uint32_t ret) {
    if (ret == 0) return std::optional<Record>();
    WEFT_TRY(Memory mem, memory());
    uint64_t size = mem.size_bytes();
    if (ret >= size)
      return fail(ErrorKind::guest, "the filter returned " + hex(ret) + ", outside its memory (" +
                                        std::to_string(size) + " bytes)");
    if (m_format == RecordFormat::json) {
      const char* base = reinterpret_cast<const char*>(mem.data()) + ret;
      const void* nul = std::memchr(base, 0, size - ret);
      if (!nul)
        return fail(ErrorKind::guest, "the string the filter returned at " + hex(ret) +
                                          " has no terminating NUL before the end of its memory");
      std::string_view text(base, static_cast<const char*>(nul) - base);
      if (text.empty()) return std::optional<Record>();
      auto rec = Record::from_json(text);
      if (!rec)
        return fail(ErrorKind::guest, "the filter returned invalid JSON: " + rec.error().message +
                                          " (output: \"" + excerpt(text) + "\")");
      return std::optional<Record>(std::move(*rec));
    }
    // msgpack: a u32 little-endian length, then that many bytes (zero bytes included).
    auto head = mem.view(ret, 4);
    if (!head)
      return fail(ErrorKind::guest,
                  "the filter returned " + hex(ret) +
                      ", too close to the end of its memory for the msgpack length");
    uint32_t len = uint32_t((*head)[0]) | uint32_t((*head)[1]) << 8 | uint32_t((*head)[2]) << 16 |
                   uint32_t((*head)[3]) << 24;
    if (len == 0) return std::optional<Record>();
    auto body = mem.view(uint64_t(ret) + 4, len);
    if (!body)
      return fail(ErrorKind::guest, "the filter's msgpack output at " + hex(ret) + " claims " +
                                        std::to_string(len) + " bytes, past the end of its memory");
    auto rec = Record::from_msgpack(*body);
    if (!rec) {
      std::string_view raw(reinterpret_cast<const char*>(body->data()), body->size());
      return fail(ErrorKind::guest, "the filter returned invalid msgpack: " + rec.error().message +
                                        " (output: \"" + excerpt(raw) + "\")");
    }
    return std::optional<Record>(std::move(*rec));
  }

  /// One event. The Result fails only when the plugin cannot be instantiated; every other
  /// failure is the Outcome's error.
  Result<Outcome> process_one(const Event& e) {
    Outcome out;
    auto event_error = [&](Error err) -> Result<Outcome> {
      out.error = std::move(err);
      return out;
    };
    auto record = m_format == RecordFormat::json ? e.record.json() : e.record.msgpack();
    if (!record) {
      Error err = std::move(record).error();
      err.message = "the record cannot be given to the filter as " +
                    std::string(record_format_name(m_format)) + ": " + err.message;
      return event_error(std::move(err));
    }
    WEFT_TRY_VOID(memory());  // instantiates if a failed call dropped the instance

    auto tag = copy_in(e.tag);
    if (!tag) {
      (void)release(0);
      return event_error(std::move(tag).error());
    }
    auto rec = copy_in(*record);
    if (!rec) {
      (void)release(0);
      return event_error(std::move(rec).error());
    }
    Value args[6] = {Value::i32(int32_t(*tag)),
                     Value::i32(int32_t(e.tag.size())),
                     Value::i32(int32_t(uint32_t(e.time.sec))),
                     Value::i32(int32_t(e.time.nsec)),
                     Value::i32(int32_t(*rec)),
                     Value::i32(int32_t(record->size()))};
    auto r = call(m_function, args);
    flush_output(m_state);
    if (!r) {
      m_buffers.clear();  // the instance, and its memory, are gone
      Error err = std::move(r).error();
      err.message = "the filter '" + m_function + "' failed: " + err.message;
      return event_error(std::move(err));
    }
    uint32_t ret = uint32_t((*r)[0].i32());
    auto output = read_output(ret);
    auto released = release(ret);
    if (!output) return event_error(std::move(output).error());
    if (!released) return event_error(std::move(released).error());
    if (*output) out.events.push_back(Event{e.tag, e.time, std::move(**output), e.metadata});
    return out;
  }

  std::unique_ptr<Plugin> m_plugin;
  std::string m_function;
  RecordFormat m_format;
  State m_state;
  Memory m_memory;                  ///< of the live instance, once looked up
  std::vector<uint32_t> m_buffers;  ///< this event's input buffers
};

Result<std::unique_ptr<Processor>> open(std::shared_ptr<const CompiledPlugin> compiled,
                                        const ProcessorOptions& options) {
  const auto& data = *compiled->data();
  const Module& main = data.modules[data.main];
  AllocMode mode = AllocMode::host_heap;
  bool guest_free = false;
  if (imports_env_malloc(main)) {
    mode = AllocMode::env_heap;
  } else if (find_export(main, "malloc")) {
    mode = AllocMode::guest_malloc;
    guest_free = find_export(main, "free").has_value();
  }
  WEFT_TRY(auto plugin, Plugin::create(std::move(compiled)));
  return std::unique_ptr<Processor>(
      new FluentbitProcessor(std::move(plugin), options, mode, guest_free));
}

}  // namespace

}  // namespace weft::events::fluentbit

namespace weft::events::detail {

const AbiAdapter& fluentbit_adapter() {
  static const AbiAdapter a{Abi::fluentbit, "", &fluentbit::add_host_functions, &fluentbit::check,
                            &fluentbit::open};
  return a;
}

}  // namespace weft::events::detail
