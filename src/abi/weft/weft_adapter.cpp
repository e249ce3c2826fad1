// The weft events ABI, version 1: the host side (the contract is docs/abi/weft-events.md).
// A batch of events is laid out in one guest buffer that lives across batches; the guest
// answers through the `weft` host functions, which record each input's outputs in place in
// the Outcomes being built. A trap retries the batch one event at a time on a fresh instance
// so that only the trapping event fails.
#include <bit>
#include <cstring>
#include <optional>

#include "events/json_text.hpp"
#include "abi/adapter.hpp"
#include "plugin/plugin_state.hpp"

namespace weft::events::detail {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the batch layout is little-endian and is written with memcpy");

constexpr std::string_view k_marker = "weft_events_abi_1";
constexpr std::string_view k_marker_prefix = "weft_events_abi_";
constexpr uint32_t k_magic = 0x31564557;  // "WEV1"
constexpr uint32_t k_flag_msgpack = 1;
constexpr uint64_t k_min_buffer = 64 * 1024;
constexpr uint32_t k_nsec_limit = 1'000'000'000;

/// The status codes of the host functions.
enum Status : int32_t {
  k_ok = 0,
  k_no_such_event = 1,
  k_invalid_argument = 2,
  k_invalid_record = 3
};

/// What the guest has said so far about one input event of the running call.
struct Slot {
  enum class State : uint8_t { open, emitted, dropped, failed };
  State state = State::open;
  bool routed = false;       ///< `tag` replaces the input's tag
  bool timed = false;        ///< `time` replaces the input's time
  bool meta_copied = false;  ///< `meta` (a copy of the input's, changed) replaces it
  std::string tag;
  Timestamp time;
  std::map<std::string, std::string> meta;
};

/// How one guest call ended when it did not return: the error, already worded.
struct Aborted {
  Error error;
  CallStatus status;
};

class WeftProcessor final : public Processor {
 public:
  WeftProcessor(std::unique_ptr<Plugin> plugin, const ProcessorOptions& options)
      : m_plugin(std::move(plugin)),
        m_function(options.function),
        m_config(options.config),
        m_format(options.format) {
    m_plugin->set_abi_state(this);
    m_has_init = m_plugin->function_exists("weft_init");
    m_has_free = m_plugin->function_exists("weft_free");
  }
  ~WeftProcessor() override { m_plugin->set_abi_state(nullptr); }

  Abi abi() const noexcept override { return Abi::weft; }
  Plugin& plugin() noexcept override { return *m_plugin; }
  Result<std::vector<Outcome>> process(std::span<const Event> batch) override;

  /// Makes sure the live instance is initialised (weft_init ran on it): after a trap,
  /// timeout or cancel the instance is new, and the buffer of the old one is gone.
  Result<void> ensure_ready();

  // ---- the host functions (module `weft`) -----------------------------------------------
  int32_t emit(CurrentPlugin& cp, int32_t index, uint32_t ptr, uint32_t len);
  int32_t emit_input(int32_t index);
  int32_t drop(int32_t index);
  int32_t fail_event(CurrentPlugin& cp, int32_t index, uint32_t ptr, uint32_t len);
  int32_t route(CurrentPlugin& cp, int32_t index, uint32_t ptr, uint32_t len);
  int32_t set_time(int32_t index, int64_t sec, uint32_t nsec);
  int32_t meta_set(CurrentPlugin& cp, int32_t index, uint32_t kptr, uint32_t klen, uint32_t vptr,
                   uint32_t vlen);
  int32_t meta_remove(CurrentPlugin& cp, int32_t index, uint32_t kptr, uint32_t klen);
  int32_t log(CurrentPlugin& cp, int32_t level, uint32_t ptr, uint32_t len);

 private:
  /// Runs one guest call over `events` (whose first is input `first` of the batch), filling
  /// `out`. The outer Result fails when the call could not be made at all; the inner value
  /// is set when the call did not return (a trap, timeout, cancel, fuel).
  Result<std::optional<Aborted>> run(std::span<const Event> events, std::span<Outcome> out,
                                     size_t first);
  /// The guest buffer holds at least `size` bytes (a new one from weft_alloc if not).
  Result<void> reserve_buffer(uint64_t size);
  Result<uint32_t> guest_alloc(uint64_t size);
  void guest_free(uint32_t ptr);
  /// An open slot of the running call, or nullptr (status 1).
  Slot* slot(int32_t index) noexcept;
  void fail_slot(size_t i, Error e);
  Result<Aborted> aborted(Error e) const;

  std::unique_ptr<Plugin> m_plugin;
  std::string m_function;
  std::map<std::string, std::string> m_config;
  RecordFormat m_format;
  bool m_has_init = false;
  bool m_has_free = false;

  // The guest's batch buffer, valid for instance generation m_generation.
  uint64_t m_generation = 0;
  bool m_ready = false;
  uint32_t m_buffer = 0;
  uint64_t m_buffer_size = 0;

  // The running call (weft_init or weft_process).
  bool m_in_init = false;
  bool m_in_batch = false;
  std::optional<std::string> m_call_failure;  ///< fail(-1, ...)'s message
  std::span<const Event> m_events;
  std::span<Outcome> m_out;
  size_t m_first = 0;
  std::vector<Slot> m_slots;  // reused across batches: no allocation in a steady stream
  /// Inputs whose record crossed converted (its format differs from the ABI's mode); the
  /// converted record is what emit_input outputs.
  std::vector<std::optional<Record>> m_converted;
  bool m_any_converted = false;
};

// ---- guest memory ---------------------------------------------------------------------------

std::optional<std::string_view> guest_string(CurrentPlugin& cp, uint32_t ptr, uint32_t len) {
  auto mem = cp.caller().memory();
  if (!mem) return std::nullopt;
  return mem->read_string(ptr, len);
}

Result<uint32_t> WeftProcessor::guest_alloc(uint64_t size) {
  if (size > UINT32_MAX)
    return fail(ErrorKind::usage,
                "a block of " + std::to_string(size) + " bytes does not fit in a 32-bit guest");
  Value arg = Value::i32(static_cast<int32_t>(size));
  auto r = m_plugin->call_export("weft_alloc", std::span<const Value>(&arg, 1));
  if (!r) {
    Error e = std::move(r).error();
    e.message = "weft_alloc(" + std::to_string(size) + ") failed: " + e.message;
    return Failure{std::move(e)};
  }
  auto ptr = static_cast<uint32_t>((*r)[0].i32());
  WEFT_TRY(Instance inst, m_plugin->instance());
  auto mem = inst.get_memory("memory");
  if (ptr == 0 || !mem || !mem->view(ptr, size))
    return fail(
        ErrorKind::guest,
        "weft_alloc(" + std::to_string(size) + ") returned " + std::to_string(ptr) +
            (ptr == 0 ? ": the guest is out of memory" : ", a block outside the guest's memory"));
  return ptr;
}

void WeftProcessor::guest_free(uint32_t ptr) {
  if (!m_has_free || ptr == 0) return;
  Value arg = Value::i32(static_cast<int32_t>(ptr));
  // A failing free costs the guest a block at worst; the instance is replaced if it trapped.
  (void)m_plugin->call_export("weft_free", std::span<const Value>(&arg, 1));
}

Result<void> WeftProcessor::reserve_buffer(uint64_t size) {
  if (m_buffer && size <= m_buffer_size) return {};
  uint64_t want = std::max(k_min_buffer, std::bit_ceil(size));
  if (want > UINT32_MAX)
    return fail(ErrorKind::usage, "the batch needs " + std::to_string(size) +
                                      " bytes, more than a 32-bit guest holds");
  guest_free(m_buffer);
  m_buffer = 0;
  m_buffer_size = 0;
  WEFT_TRY(uint32_t ptr, guest_alloc(want));
  m_buffer = ptr;
  m_buffer_size = want;
  return {};
}

// ---- initialisation -----------------------------------------------------------------------

void put_u32(std::string& out, uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); }

Result<void> WeftProcessor::ensure_ready() {
  WEFT_TRY(Instance inst, m_plugin->instance());
  (void)inst;
  if (m_ready && m_plugin->instance_generation() == m_generation) return {};
  m_ready = false;
  m_buffer = 0;  // the old instance's memory is gone with it
  m_buffer_size = 0;
  m_generation = m_plugin->instance_generation();
  if (m_has_init) {
    std::string block;
    put_u32(block, static_cast<uint32_t>(m_config.size()));
    for (const auto& [k, v] : m_config) {
      put_u32(block, static_cast<uint32_t>(k.size()));
      block += k;
      put_u32(block, static_cast<uint32_t>(v.size()));
      block += v;
    }
    WEFT_TRY(uint32_t ptr, guest_alloc(block.size()));
    WEFT_TRY(Instance live, m_plugin->instance());
    auto view = live.get_memory("memory")->view(ptr, block.size());
    std::memcpy(view->data(), block.data(), block.size());
    Value args[2] = {Value::i32(static_cast<int32_t>(ptr)),
                     Value::i32(static_cast<int32_t>(block.size()))};
    m_in_init = true;
    m_call_failure.reset();
    auto r = m_plugin->call_export("weft_init", args);
    m_in_init = false;
    if (!r) {
      Error e = std::move(r).error();
      e.message = "weft_init failed: " + e.message;
      return Failure{std::move(e)};
    }
    guest_free(ptr);
    int32_t status = (*r)[0].i32();
    if (status != 0) {
      std::string why =
          m_call_failure ? *m_call_failure : "weft_init returned " + std::to_string(status);
      return fail(ErrorKind::guest, "the plugin refused its configuration: " + why);
    }
    if (m_plugin->instance_generation() != m_generation)
      return fail(ErrorKind::guest, "the plugin's instance was replaced during weft_init");
  }
  m_ready = true;
  return {};
}

// ---- one call -----------------------------------------------------------------------------

constexpr uint64_t k_header_size = 12;
/// size, sec, nsec, tag_len, record_len, meta_count.
constexpr uint64_t k_event_fixed = 4 + 8 + 4 + 4 + 4 + 4;

Result<Aborted> WeftProcessor::aborted(Error e) const {
  CallStatus st = m_plugin->last_status();
  if (st == CallStatus::trap || st == CallStatus::out_of_fuel) {
    e.message = m_function + " trapped: " + e.message;
    // What the guest logged at error level just before (an SDK's panic or abort handler).
    if (!m_plugin->last_error_log().empty()) e.message += " (the plugin logged: " + m_plugin->last_error_log() + ")";
  }
  else if (st == CallStatus::host_error)
    e.message = m_function + " could not be called: " + e.message;
  return Aborted{std::move(e), st};
}

Result<std::optional<Aborted>> WeftProcessor::run(std::span<const Event> events,
                                                  std::span<Outcome> out, size_t first) {
  WEFT_TRY_VOID(ensure_ready());
  const size_t n = events.size();
  if (n > UINT32_MAX) return fail(ErrorKind::usage, "a batch holds at most 2^32-1 events");
  m_slots.resize(std::max(m_slots.size(), n));
  for (size_t i = 0; i < n; ++i) {
    Slot& s = m_slots[i];
    s.state = Slot::State::open;
    s.routed = s.timed = s.meta_copied = false;
  }

  // Records cross in the ABI's format: an input in the other one is converted (and fails
  // alone, before the call, when it cannot be).
  const RecordFormat format = m_format;
  m_any_converted = false;
  for (size_t i = 0; i < n; ++i) {
    if (events[i].record.format() == format) continue;
    if (!m_any_converted) m_converted.assign(n, std::nullopt), m_any_converted = true;
    auto r = events[i].record.to(format);
    if (!r) {
      Error e = std::move(r).error();
      e.message = "the record cannot cross as " + std::string(record_format_name(format)) + ": " +
                  e.message;
      m_slots[i].state = Slot::State::failed;
      out[i].error = std::move(e);
    } else {
      m_converted[i] = std::move(*r);
    }
  }
  auto record_of = [&](size_t i) -> std::string_view {
    if (m_any_converted && m_converted[i]) return m_converted[i]->bytes();
    if (events[i].record.format() != format) return format == RecordFormat::json ? "{}" : "\x80";
    return events[i].record.bytes();
  };

  uint64_t size = k_header_size;
  for (size_t i = 0; i < n; ++i) {
    const Event& e = events[i];
    size += k_event_fixed + e.tag.size() + record_of(i).size();
    for (const auto& [k, v] : e.metadata) size += 8 + k.size() + v.size();
  }
  if (size > UINT32_MAX)
    return fail(ErrorKind::usage, "the batch needs " + std::to_string(size) +
                                      " bytes, more than a 32-bit guest holds");
  WEFT_TRY_VOID(reserve_buffer(size));
  // weft_free or weft_alloc trapping would have replaced the instance, uninitialised.
  if (m_plugin->instance_generation() != m_generation) {
    m_ready = false;
    return fail(ErrorKind::guest,
                "the plugin trapped while its batch buffer was replaced (weft_free or weft_alloc)");
  }

  // Written straight into guest memory: no staging copy.
  WEFT_TRY(Instance inst, m_plugin->instance());
  auto view = inst.get_memory("memory")->view(m_buffer, size);
  if (!view)
    return fail(ErrorKind::guest, "the batch buffer is no longer inside the guest's memory");
  uint8_t* p = view->data();
  auto u32 = [&](uint64_t v) {
    auto x = static_cast<uint32_t>(v);
    std::memcpy(p, &x, 4);
    p += 4;
  };
  auto bytes = [&](std::string_view s) {
    u32(s.size());
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    p += s.size();
  };
  u32(k_magic);
  u32(n);
  u32(format == RecordFormat::msgpack ? k_flag_msgpack : 0);
  for (size_t i = 0; i < n; ++i) {
    const Event& e = events[i];
    std::string_view record = record_of(i);
    uint64_t event_size = k_event_fixed - 4 + e.tag.size() + record.size();
    for (const auto& [k, v] : e.metadata) event_size += 8 + k.size() + v.size();
    u32(event_size);
    std::memcpy(p, &e.time.sec, 8);
    p += 8;
    u32(e.time.nsec);
    bytes(e.tag);
    bytes(record);
    u32(e.metadata.size());
    for (const auto& [k, v] : e.metadata) {
      bytes(k);
      bytes(v);
    }
  }

  m_events = events;
  m_out = out;
  m_first = first;
  m_call_failure.reset();
  m_in_batch = true;
  Value args[3] = {Value::i32(static_cast<int32_t>(m_buffer)),
                   Value::i32(static_cast<int32_t>(size)), Value::i32(static_cast<int32_t>(n))};
  auto r = m_plugin->call_export(m_function, args);
  m_in_batch = false;
  m_events = {};
  m_out = {};
  if (!r) {
    WEFT_TRY(Aborted a, aborted(std::move(r).error()));
    return std::optional<Aborted>(std::move(a));
  }

  int32_t status = (*r)[0].i32();
  if (status != 0) {
    std::string why =
        m_call_failure ? *m_call_failure : m_function + " returned " + std::to_string(status);
    for (size_t i = 0; i < n; ++i) {
      if (m_slots[i].state == Slot::State::failed) continue;
      m_slots[i].state = Slot::State::failed;
      out[i].events.clear();
      out[i].error = Error::make(ErrorKind::guest, why);
    }
  }
  for (size_t i = 0; i < n; ++i) {
    if (m_slots[i].state != Slot::State::open) continue;
    out[i].error =
        Error::make(ErrorKind::guest, "the plugin neither emitted, dropped nor failed event " +
                                          std::to_string(first + i));
  }
  return std::optional<Aborted>();
}

Result<std::vector<Outcome>> WeftProcessor::process(std::span<const Event> batch) {
  std::vector<Outcome> out(batch.size());
  if (batch.empty()) return out;
  WEFT_TRY(std::optional<Aborted> stop, run(batch, out, 0));
  if (!stop) return out;

  // The call did not return: its partial results are discarded.
  auto fail_from = [&](size_t from, const Error& e) {
    for (size_t i = from; i < batch.size(); ++i) out[i] = Outcome{{}, e};
  };
  bool retry = batch.size() > 1 &&
               (stop->status == CallStatus::trap || stop->status == CallStatus::out_of_fuel);
  if (!retry) {
    fail_from(0, stop->error);
    return out;
  }
  // One event at a time on fresh instances, so that only the event that traps fails.
  for (size_t i = 0; i < batch.size(); ++i) {
    out[i] = Outcome{};
    auto one = run(batch.subspan(i, 1), std::span<Outcome>(out).subspan(i, 1), i);
    if (!one) {
      fail_from(i, one.error());
      break;
    }
    if (!*one) continue;
    out[i] = Outcome{{}, (*one)->error};
    CallStatus st = (*one)->status;
    if (st != CallStatus::trap && st != CallStatus::out_of_fuel) {
      fail_from(i + 1, (*one)->error);
      break;
    }
  }
  return out;
}

// ---- the host functions -------------------------------------------------------------------

Slot* WeftProcessor::slot(int32_t index) noexcept {
  if (!m_in_batch || index < 0 || static_cast<size_t>(index) >= m_events.size()) return nullptr;
  Slot& s = m_slots[static_cast<size_t>(index)];
  return s.state == Slot::State::failed ? nullptr : &s;
}

void WeftProcessor::fail_slot(size_t i, Error e) {
  m_slots[i].state = Slot::State::failed;
  m_out[i].events.clear();
  m_out[i].error = std::move(e);
}

/// The output event of input `in` as `s` has changed it so far, with `record`.
Event output_of(const Event& in, const Slot& s, Record record) {
  Event e;
  e.tag = s.routed ? s.tag : in.tag;
  e.time = s.timed ? s.time : in.time;
  e.metadata = s.meta_copied ? s.meta : in.metadata;
  e.record = std::move(record);
  return e;
}

int32_t WeftProcessor::emit(CurrentPlugin& cp, int32_t index, uint32_t ptr, uint32_t len) {
  Slot* s = slot(index);
  if (!s) return k_no_such_event;
  auto bytes = guest_string(cp, ptr, len);
  if (!bytes) return k_invalid_argument;
  auto i = static_cast<size_t>(index);
  auto record =
      m_format == RecordFormat::json
          ? Record::from_json(*bytes)
          : Record::from_msgpack({reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size()});
  if (!record) {
    Error e = std::move(record).error();
    e.kind = ErrorKind::guest;
    e.message = "the plugin emitted an invalid record: " + e.message;
    fail_slot(i, std::move(e));
    return k_invalid_record;
  }
  m_out[i].events.push_back(output_of(m_events[i], *s, std::move(*record)));
  s->state = Slot::State::emitted;
  return k_ok;
}

int32_t WeftProcessor::emit_input(int32_t index) {
  Slot* s = slot(index);
  if (!s) return k_no_such_event;
  auto i = static_cast<size_t>(index);
  const Event& in = m_events[i];
  const Record& record = m_any_converted && m_converted[i] ? *m_converted[i] : in.record;
  if (!s->routed && !s->timed && !s->meta_copied && &record == &in.record)
    m_out[i].events.push_back(in);  // the pass-through: one copy, host side only
  else
    m_out[i].events.push_back(output_of(in, *s, record));
  s->state = Slot::State::emitted;
  return k_ok;
}

int32_t WeftProcessor::drop(int32_t index) {
  Slot* s = slot(index);
  if (!s) return k_no_such_event;
  if (s->state == Slot::State::open) s->state = Slot::State::dropped;
  return k_ok;
}

int32_t WeftProcessor::fail_event(CurrentPlugin& cp, int32_t index, uint32_t ptr, uint32_t len) {
  if (index == -1 && (m_in_init || m_in_batch)) {
    auto msg = guest_string(cp, ptr, len);
    if (!msg) return k_invalid_argument;
    m_call_failure = std::string(*msg);
    if (m_in_batch) {
      for (size_t i = 0; i < m_events.size(); ++i)
        if (m_slots[i].state != Slot::State::failed)
          fail_slot(i, Error::make(ErrorKind::guest, *m_call_failure));
    }
    return k_ok;
  }
  Slot* s = slot(index);
  if (!s) return k_no_such_event;
  auto msg = guest_string(cp, ptr, len);
  if (!msg) return k_invalid_argument;
  fail_slot(static_cast<size_t>(index), Error::make(ErrorKind::guest, std::string(*msg)));
  return k_ok;
}

int32_t WeftProcessor::route(CurrentPlugin& cp, int32_t index, uint32_t ptr, uint32_t len) {
  Slot* s = slot(index);
  if (!s) return k_no_such_event;
  auto tag = guest_string(cp, ptr, len);
  if (!tag || !json_valid_utf8(*tag)) return k_invalid_argument;
  s->tag.assign(*tag);
  s->routed = true;
  return k_ok;
}

int32_t WeftProcessor::set_time(int32_t index, int64_t sec, uint32_t nsec) {
  Slot* s = slot(index);
  if (!s) return k_no_such_event;
  if (nsec >= k_nsec_limit) return k_invalid_argument;
  s->time = Timestamp{sec, nsec};
  s->timed = true;
  return k_ok;
}

int32_t WeftProcessor::meta_set(CurrentPlugin& cp, int32_t index, uint32_t kptr, uint32_t klen,
                                uint32_t vptr, uint32_t vlen) {
  Slot* s = slot(index);
  if (!s) return k_no_such_event;
  auto key = guest_string(cp, kptr, klen);
  auto value = guest_string(cp, vptr, vlen);
  if (!key || !value || !json_valid_utf8(*key) || !json_valid_utf8(*value)) return k_invalid_argument;
  if (!s->meta_copied)
    s->meta = m_events[static_cast<size_t>(index)].metadata, s->meta_copied = true;
  s->meta.insert_or_assign(std::string(*key), std::string(*value));
  return k_ok;
}

int32_t WeftProcessor::meta_remove(CurrentPlugin& cp, int32_t index, uint32_t kptr, uint32_t klen) {
  Slot* s = slot(index);
  if (!s) return k_no_such_event;
  auto key = guest_string(cp, kptr, klen);
  if (!key || !json_valid_utf8(*key)) return k_invalid_argument;
  if (!s->meta_copied)
    s->meta = m_events[static_cast<size_t>(index)].metadata, s->meta_copied = true;
  if (auto it = s->meta.find(std::string(*key)); it != s->meta.end()) s->meta.erase(it);
  return k_ok;
}

int32_t WeftProcessor::log(CurrentPlugin& cp, int32_t level, uint32_t ptr, uint32_t len) {
  if (level < 0 || level > static_cast<int32_t>(LogLevel::error)) return k_invalid_argument;
  auto msg = guest_string(cp, ptr, len);
  if (!msg) return k_invalid_argument;
  cp.log(static_cast<LogLevel>(level), *msg);  // the plugin's current level and sink
  return k_ok;
}

// ---- the adapter --------------------------------------------------------------------------

/// A host function of module `weft` calling `method` on the processor attached to the plugin.
template <class F>
PluginHostFunction host(std::string name, FuncType type, F method) {
  PluginHostFunction f;
  f.ns = "weft";
  f.name = std::move(name);
  f.type = std::move(type);
  f.fn = [method, fname = f.name](CurrentPlugin& cp, std::span<const Value> args,
                                  std::span<Value> results, void*) -> Result<void> {
    auto* p = static_cast<WeftProcessor*>(cp.abi_state());
    if (!p)
      return Failure{
          Error::make_trap(TrapKind::host_error, "weft." + fname +
                                                     ": the plugin is not running as a weft events "
                                                     "processor (ProcessorPlugin with Abi::weft)")};
    results[0] = Value::i32(method(*p, cp, args));
    return {};
  };
  return f;
}

void add_host_functions(PluginOptions& plugin, const ProcessorOptions&) {
  using V = std::span<const Value>;
  auto u = [](const Value& v) { return static_cast<uint32_t>(v.i32()); };
  const ValType i32 = ValType::i32, i64 = ValType::i64;
  auto& fs = plugin.functions;
  fs.push_back(
      host("emit", {{i32, i32, i32}, {i32}}, [u](WeftProcessor& p, CurrentPlugin& cp, V a) {
        return p.emit(cp, a[0].i32(), u(a[1]), u(a[2]));
      }));
  fs.push_back(host("emit_input", {{i32}, {i32}}, [](WeftProcessor& p, CurrentPlugin&, V a) {
    return p.emit_input(a[0].i32());
  }));
  fs.push_back(host("drop", {{i32}, {i32}},
                    [](WeftProcessor& p, CurrentPlugin&, V a) { return p.drop(a[0].i32()); }));
  fs.push_back(
      host("fail", {{i32, i32, i32}, {i32}}, [u](WeftProcessor& p, CurrentPlugin& cp, V a) {
        return p.fail_event(cp, a[0].i32(), u(a[1]), u(a[2]));
      }));
  fs.push_back(
      host("route", {{i32, i32, i32}, {i32}}, [u](WeftProcessor& p, CurrentPlugin& cp, V a) {
        return p.route(cp, a[0].i32(), u(a[1]), u(a[2]));
      }));
  fs.push_back(
      host("set_time", {{i32, i64, i32}, {i32}}, [u](WeftProcessor& p, CurrentPlugin&, V a) {
        return p.set_time(a[0].i32(), a[1].i64(), u(a[2]));
      }));
  fs.push_back(host("meta_set", {{i32, i32, i32, i32, i32}, {i32}},
                    [u](WeftProcessor& p, CurrentPlugin& cp, V a) {
                      return p.meta_set(cp, a[0].i32(), u(a[1]), u(a[2]), u(a[3]), u(a[4]));
                    }));
  fs.push_back(
      host("meta_remove", {{i32, i32, i32}, {i32}}, [u](WeftProcessor& p, CurrentPlugin& cp, V a) {
        return p.meta_remove(cp, a[0].i32(), u(a[1]), u(a[2]));
      }));
  fs.push_back(host("log", {{i32, i32, i32}, {i32}}, [u](WeftProcessor& p, CurrentPlugin& cp, V a) {
    return p.log(cp, a[0].i32(), u(a[1]), u(a[2]));
  }));
}

Result<void> check_func(const std::vector<ExportDesc>& exports, std::string_view name,
                        const FuncType& want, bool required) {
  for (const ExportDesc& e : exports) {
    if (e.name != name) continue;
    if (e.type.kind != ExternKind::func)
      return fail(ErrorKind::unlinkable, "export '" + std::string(name) + "' is a " +
                                             std::string(extern_kind_name(e.type.kind)) +
                                             ", not a function " + want.to_string());
    if (!(e.type.func == want))
      return fail(ErrorKind::unlinkable, "export '" + std::string(name) + "' has type " +
                                             e.type.func.to_string() + ", not " + want.to_string());
    return {};
  }
  if (!required) return {};
  return fail(ErrorKind::unlinkable,
              "the module does not export '" + std::string(name) + "' " + want.to_string());
}

Result<void> check(const Module& main, const ProcessorOptions& options) {
  std::vector<ExportDesc> exports = main.exports();
  bool v1 = false;
  std::string other;
  for (const ExportDesc& e : exports) {
    if (e.name == k_marker)
      v1 = true;
    else if (e.name.starts_with(k_marker_prefix) && other.empty())
      other = e.name;
  }
  if (!v1 && !other.empty())
    return fail(ErrorKind::unlinkable,
                "the module was built for another version of the ABI: it exports '" + other +
                    "' (version " + other.substr(k_marker_prefix.size()) +
                    "), and this host speaks version 1 ('" + std::string(k_marker) + "')");
  if (!v1)
    return fail(ErrorKind::unlinkable,
                "the module exports no '" + std::string(k_marker) +
                    "' marker: it was not built for the weft events ABI (build it with an "
                    "SDK of sdk/, e.g. WEFT_EVENTS_PLUGIN() of sdk/c/weft_events.h)");
  bool memory = false;
  for (const ExportDesc& e : exports)
    memory |= e.name == "memory" && e.type.kind == ExternKind::memory;
  if (!memory)
    return fail(ErrorKind::unlinkable, "the module does not export its memory as 'memory'");
  const ValType i32 = ValType::i32;
  WEFT_TRY_VOID(check_func(exports, "weft_alloc", {{i32}, {i32}}, true));
  WEFT_TRY_VOID(check_func(exports, "weft_free", {{i32}, {}}, false));
  WEFT_TRY_VOID(check_func(exports, "weft_init", {{i32, i32}, {i32}}, false));
  WEFT_TRY_VOID(check_func(exports, options.function, {{i32, i32, i32}, {i32}}, true));
  return {};
}

Result<std::unique_ptr<Processor>> open(std::shared_ptr<const CompiledPlugin> compiled,
                                        const ProcessorOptions& options) {
  WEFT_TRY(std::unique_ptr<Plugin> plugin, Plugin::create(std::move(compiled)));
  auto processor = std::make_unique<WeftProcessor>(std::move(plugin), options);
  WEFT_TRY_VOID(processor->ensure_ready());
  return std::unique_ptr<Processor>(std::move(processor));
}

}  // namespace

const AbiAdapter& weft_adapter() {
  static const AbiAdapter adapter{Abi::weft, "weft_process", add_host_functions, check, open};
  return adapter;
}

}  // namespace weft::events::detail
