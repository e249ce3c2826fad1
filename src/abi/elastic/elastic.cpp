// The elastic ingest ABI (docs/abi/elastic.md): a guest exporting `process() -> i32` is called
// once per event and reads and changes the event through host functions of module `elastic`
// (fields by dotted key, as JSON text), then outputs events with elastic_emit_event, whose
// argument is a weft.elastic.v1.Event (proto/weft_elastic.proto).
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "events/json_text.hpp"
#include "abi/adapter.hpp"
#include "abi/elastic/field_path.hpp"
#include "weft_elastic.pb.h"

namespace weft::events::detail {

namespace {

using elastic::Status;

constexpr std::string_view marker_prefix = "elastic_ingest_wasm_abi_";
constexpr uint32_t spoken_major = 1;
// rapidjson: UTF-8 checked, numbers kept as written where a double can hold them.
constexpr unsigned parse_flags = rapidjson::kParseValidateEncodingFlag | rapidjson::kParseFullPrecisionFlag;

/// What the host functions of one processor work on: the event being processed.
struct ElasticState {
  const Event* input = nullptr;  ///< null outside process()
  /// The input's record as changed so far: parsed on the first field call (a processor that
  /// only emits never pays for it), and `modified` once put or remove changed it, so that an
  /// unchanged record is emitted as the input's own bytes.
  std::optional<rapidjson::Document> record;
  bool modified = false;
  std::vector<Event> outputs;
  std::optional<std::string> failure;  ///< set by an invalid elastic_emit_event
  std::string last_error_log;          ///< the last error-level elastic_log message
  RecordFormat format = RecordFormat::json;
};

ElasticState& state_of(CurrentPlugin& cp) { return *static_cast<ElasticState*>(cp.abi_state()); }

/// The current record as a document (parsed now if no field call did yet), or null outside
/// process() or if it cannot be parsed.
rapidjson::Document* current_record(ElasticState& st) {
  if (!st.input) return nullptr;
  if (!st.record) {
    auto json = st.input->record.json();
    if (!json) return nullptr;
    // Safe with full precision: a Record's text passed json_check's rules.
    st.record.emplace();
    st.record->Parse<parse_flags>(json->data(), json->size());
    if (st.record->HasParseError() || !st.record->IsObject()) {
      st.record.reset();
      return nullptr;
    }
  }
  return &*st.record;
}

std::optional<Memory> memory_of(CurrentPlugin& cp) { return cp.caller().memory(); }

std::optional<std::string_view> guest_string(CurrentPlugin& cp, const Value& ptr, const Value& len) {
  auto mem = memory_of(cp);
  if (!mem) return std::nullopt;
  return mem->read_string(uint32_t(ptr.i32()), uint32_t(len.i32()));
}

void set_status(std::span<Value> results, Status s) { results[0] = Value::i32(int32_t(s)); }

// ---- host functions -------------------------------------------------------------------------

/// elastic_get_field(key_ptr, key_len, ret_ptr_ptr, ret_len_ptr) -> status
Result<void> get_field(CurrentPlugin& cp, std::span<const Value> args, std::span<Value> results, void*) {
  ElasticState& st = state_of(cp);
  auto key = guest_string(cp, args[0], args[1]);
  auto mem = memory_of(cp);
  uint32_t ret_ptr = uint32_t(args[2].i32()), ret_len = uint32_t(args[3].i32());
  // The out-parameters are checked before the guest's malloc runs, so that a bad pointer
  // does not leak the buffer (memory only grows: what is inside stays inside).
  if (!key || !mem || !mem->view(ret_ptr, 4) || !mem->view(ret_len, 4) || !st.input) {
    set_status(results, Status::invalid_argument);
    return {};
  }
  rapidjson::Document* doc = current_record(st);
  if (!doc) {
    set_status(results, Status::internal_failure);
    return {};
  }
  auto path = elastic::split_field_key(*key);
  if (!path) {
    set_status(results, Status::invalid_argument);
    return {};
  }
  const rapidjson::Value* v = elastic::find_field(*doc, *path);
  if (!v) {
    set_status(results, Status::not_found);
    return {};
  }
  std::string json = elastic::to_json(*v);
  auto malloc_export = cp.caller().get_export("malloc");
  auto malloc_fn = malloc_export ? malloc_export->func() : std::nullopt;
  if (!malloc_fn) {
    set_status(results, Status::internal_failure);
    return {};
  }
  // Re-entering the guest from inside its own host call: the Func directly (Plugin's calls
  // refuse reentry); a trap in malloc traps the process() call that got here.
  Value size = Value::i32(int32_t(json.size()));
  WEFT_TRY(std::vector<Value> r, malloc_fn->call(cp.caller().store(), std::span<const Value>(&size, 1)));
  uint32_t block = r.size() == 1 && r[0].type() == ValType::i32 ? uint32_t(r[0].i32()) : 0;
  mem = memory_of(cp);  // malloc may have grown (and moved) the memory
  auto dst = block ? mem->view(block, json.size()) : std::nullopt;
  if (!dst) {
    set_status(results, Status::internal_failure);
    return {};
  }
  std::memcpy(dst->data(), json.data(), json.size());
  uint32_t out[2] = {block, uint32_t(json.size())};
  // Little-endian like wasm memory (weft runs on little-endian hosts only).
  std::memcpy(mem->view(ret_ptr, 4)->data(), &out[0], 4);
  std::memcpy(mem->view(ret_len, 4)->data(), &out[1], 4);
  set_status(results, Status::ok);
  return {};
}

/// elastic_put_field(key_ptr, key_len, json_ptr, json_len) -> status
Result<void> put_field(CurrentPlugin& cp, std::span<const Value> args, std::span<Value> results, void*) {
  ElasticState& st = state_of(cp);
  auto key = guest_string(cp, args[0], args[1]);
  auto json = guest_string(cp, args[2], args[3]);
  auto path = key ? elastic::split_field_key(*key) : std::nullopt;
  // json_check first: rapidjson's full-precision parse has undefined behaviour on some numbers.
  if (!path || !json || !st.input || !json_check(*json)) {
    set_status(results, Status::invalid_argument);
    return {};
  }
  rapidjson::Document* doc = current_record(st);
  if (!doc) {
    set_status(results, Status::internal_failure);
    return {};
  }
  rapidjson::Document parsed;
  parsed.Parse<parse_flags>(json->data(), json->size());
  if (parsed.HasParseError()) {
    set_status(results, Status::invalid_argument);
    return {};
  }
  rapidjson::Value value(parsed, doc->GetAllocator());  // a deep copy into the record's pool
  Status status = elastic::put_field(*doc, *path, value);
  if (status == Status::ok) st.modified = true;
  set_status(results, status);
  return {};
}

/// elastic_remove_field(key_ptr, key_len) -> status
Result<void> remove_field(CurrentPlugin& cp, std::span<const Value> args, std::span<Value> results, void*) {
  ElasticState& st = state_of(cp);
  auto key = guest_string(cp, args[0], args[1]);
  auto path = key ? elastic::split_field_key(*key) : std::nullopt;
  if (!path || !st.input) {
    set_status(results, Status::invalid_argument);
    return {};
  }
  rapidjson::Document* doc = current_record(st);
  if (!doc) {
    set_status(results, Status::internal_failure);
    return {};
  }
  Status status = elastic::remove_field(*doc, *path);
  if (status == Status::ok) st.modified = true;
  set_status(results, status);
  return {};
}

/// elastic_get_current_time_nanoseconds(ret_ptr) -> status: a u64 of nanoseconds since the epoch.
Result<void> current_time(CurrentPlugin& cp, std::span<const Value> args, std::span<Value> results, void*) {
  auto mem = memory_of(cp);
  auto dst = mem ? mem->view(uint32_t(args[0].i32()), 8) : std::nullopt;
  if (!dst) {
    set_status(results, Status::invalid_argument);
    return {};
  }
  auto now = std::chrono::system_clock::now().time_since_epoch();
  uint64_t ns = uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count());
  std::memcpy(dst->data(), &ns, 8);
  set_status(results, Status::ok);
  return {};
}

/// Elastic's levels: 0 debug, 1 info, 2 warn, 3 error, 4 critical.
std::optional<LogLevel> log_level_of(int32_t level) {
  switch (level) {
    case 0: return LogLevel::debug;
    case 1: return LogLevel::info;
    case 2: return LogLevel::warn;
    case 3:
    case 4: return LogLevel::error;
    default: return std::nullopt;
  }
}

/// elastic_log(level, ptr, len) -> status
Result<void> log(CurrentPlugin& cp, std::span<const Value> args, std::span<Value> results, void*) {
  ElasticState& st = state_of(cp);
  auto level = log_level_of(args[0].i32());
  auto message = guest_string(cp, args[1], args[2]);
  if (!level || !message) {
    set_status(results, Status::invalid_argument);
    return {};
  }
  // Remembered whatever the log level: it explains a non-zero return of process or register.
  if (*level == LogLevel::error) st.last_error_log = std::string(*message);
  cp.log(*level, *message);  // the plugin's current level and sink
  set_status(results, Status::ok);
  return {};
}

/// The event elastic_emit_event outputs: the current event with `msg`'s fields laid over it.
Result<Event> overlay(const ElasticState& st, const weft::elastic::v1::Event& msg) {
  Event out;
  out.tag = msg.has_tag() ? msg.tag() : st.input->tag;
  if (!json_valid_utf8(out.tag)) return fail(ErrorKind::guest, "the tag is not UTF-8");
  out.time = st.input->time;
  if (msg.has_timestamp()) {
    if (msg.timestamp().nanos() >= 1'000'000'000u)
      return fail(ErrorKind::guest, "timestamp.nanos is " + std::to_string(msg.timestamp().nanos()) +
                                        ", not below 1,000,000,000");
    out.time = Timestamp{msg.timestamp().seconds(), msg.timestamp().nanos()};
  }
  Record record;
  if (msg.has_fields_json()) {
    auto r = Record::from_json(msg.fields_json());
    if (!r) {
      std::string why = r.error().message;
      if (why == "record: not a JSON object") return fail(ErrorKind::guest, "fields_json is not a JSON object");
      return fail(ErrorKind::guest, "fields_json is not JSON (UTF-8): " + why.substr(why.find(": ") + 2));
    }
    record = std::move(*r);
  } else if (!st.modified) {
    record = st.input->record;  // unchanged: the input's own bytes, no serialisation
  } else {
    WEFT_TRY(record, Record::from_json(elastic::to_json(*st.record)));
  }
  if (record.format() != st.format) {
    WEFT_TRY(Record converted, record.to(st.format));
    record = std::move(converted);
  }
  out.record = std::move(record);
  out.metadata = st.input->metadata;
  for (const std::string& key : msg.remove_metadata()) out.metadata.erase(key);
  for (const auto& [key, value] : msg.metadata()) {
    if (!json_valid_utf8(key) || !json_valid_utf8(value)) return fail(ErrorKind::guest, "a metadata entry is not UTF-8");
    out.metadata[key] = value;
  }
  return out;
}

/// elastic_emit_event(ptr, len) -> status: outputs an event (len 0: the current one).
Result<void> emit_event(CurrentPlugin& cp, std::span<const Value> args, std::span<Value> results, void*) {
  ElasticState& st = state_of(cp);
  // len 0 is the current event whatever the pointer (an empty message parses to no fields).
  auto bytes = args[1].i32() == 0 ? std::optional<std::string_view>("") : guest_string(cp, args[0], args[1]);
  if (!bytes || bytes->size() > size_t(INT32_MAX) || !st.input || st.failure) {
    set_status(results, Status::invalid_argument);
    return {};
  }
  weft::elastic::v1::Event msg;
  Result<Event> event = msg.ParseFromArray(bytes->data(), int(bytes->size()))
                            ? overlay(st, msg)
                            : fail(ErrorKind::guest, "the bytes are not a weft.elastic.v1.Event (protobuf)");
  if (!event) {
    // The event fails as a whole (its earlier outputs too): a plugin that cannot encode its
    // output has a bug that a partial result would hide.
    st.failure = "elastic_emit_event: " + event.error().message;
    st.outputs.clear();
    set_status(results, Status::invalid_argument);
    return {};
  }
  st.outputs.push_back(std::move(*event));
  set_status(results, Status::ok);
  return {};
}

// ---- the adapter ----------------------------------------------------------------------------

FuncType i32s(size_t params) { return FuncType{std::vector<ValType>(params, ValType::i32), {ValType::i32}}; }

void add_host_functions(PluginOptions& plugin, const ProcessorOptions&) {
  auto add = [&](const char* name, size_t params, PluginFunction fn) {
    PluginHostFunction f;
    f.ns = "elastic";
    f.name = name;
    f.type = i32s(params);
    f.fn = std::move(fn);
    plugin.functions.push_back(std::move(f));
  };
  add("elastic_get_field", 4, get_field);
  add("elastic_put_field", 4, put_field);
  add("elastic_remove_field", 2, remove_field);
  add("elastic_get_current_time_nanoseconds", 1, current_time);
  add("elastic_log", 3, log);
  add("elastic_emit_event", 2, emit_event);
}

/// "<major>_<minor>" of a marker export name, both decimal.
std::optional<std::pair<uint32_t, uint32_t>> marker_version(std::string_view name) {
  if (name.substr(0, marker_prefix.size()) != marker_prefix) return std::nullopt;
  std::string_view rest = name.substr(marker_prefix.size());
  size_t sep = rest.find('_');
  if (sep == std::string_view::npos) return std::nullopt;
  auto number = [](std::string_view s) -> std::optional<uint32_t> {
    if (s.empty() || s.size() > 9) return std::nullopt;
    uint32_t n = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + uint32_t(c - '0');
    }
    return n;
  };
  auto major = number(rest.substr(0, sep)), minor = number(rest.substr(sep + 1));
  if (!major || !minor) return std::nullopt;
  return std::pair{*major, *minor};
}

Result<void> check_func(const std::vector<ExportDesc>& exports, const std::string& name, const FuncType& want,
                        bool required) {
  for (const ExportDesc& e : exports) {
    if (e.name != name) continue;
    if (e.type.kind != ExternKind::func || !(e.type.func == want))
      return fail(ErrorKind::unlinkable, "the export '" + name + "' is " + e.type.to_string() + ", not a function " +
                                             want.to_string());
    return {};
  }
  if (!required) return {};
  return fail(ErrorKind::unlinkable, "the module does not export the function '" + name + "' " + want.to_string());
}

Result<void> check(const Module& main, const ProcessorOptions& options) {
  std::vector<ExportDesc> exports = main.exports();
  std::optional<std::string> spoken, other;
  for (const ExportDesc& e : exports) {
    auto v = marker_version(e.name);
    if (!v) continue;
    if (e.type.kind != ExternKind::func)
      return fail(ErrorKind::unlinkable, "the ABI marker '" + e.name + "' is " + e.type.to_string() +
                                             ", not a function");
    std::string version = std::to_string(v->first) + "." + std::to_string(v->second);
    (v->first == spoken_major ? spoken : other) = version;
  }
  if (!spoken && other)
    return fail(ErrorKind::unlinkable, "the module was built for elastic ingest ABI " + *other +
                                           ", and weft speaks version " + std::to_string(spoken_major) +
                                           ".x only (export elastic_ingest_wasm_abi_" +
                                           std::to_string(spoken_major) + "_<minor>)");
  if (!spoken)
    return fail(ErrorKind::unlinkable, "the module has no ABI marker export elastic_ingest_wasm_abi_<major>_<minor> "
                                       "(weft speaks 1.x): it was not built for the elastic ingest ABI");
  WEFT_TRY_VOID(check_func(exports, options.function, i32s(0), true));
  WEFT_TRY_VOID(check_func(exports, "malloc", i32s(1), true));
  WEFT_TRY_VOID(check_func(exports, "register", i32s(2), false));
  for (const ExportDesc& e : exports)
    if (e.name == "memory" && e.type.kind == ExternKind::memory) return {};
  return fail(ErrorKind::unlinkable, "the module does not export its memory as 'memory'");
}

/// The configuration as register receives it: a JSON object of strings.
std::string config_json(const std::map<std::string, std::string>& config) {
  rapidjson::Document d(rapidjson::kObjectType);
  for (const auto& [k, v] : config)
    d.AddMember(rapidjson::Value(k.data(), rapidjson::SizeType(k.size()), d.GetAllocator()),
                rapidjson::Value(v.data(), rapidjson::SizeType(v.size()), d.GetAllocator()), d.GetAllocator());
  return elastic::to_json(d);
}

std::string with_log(std::string message, const std::string& last_error_log) {
  if (!last_error_log.empty()) message += ": " + last_error_log;
  return message;
}

class ElasticProcessor final : public Processor {
 public:
  ElasticProcessor(std::unique_ptr<Plugin> plugin, const ProcessorOptions& options)
      : m_plugin(std::move(plugin)), m_options(options) {
    m_state.format = options.format;
    m_plugin->set_abi_state(&m_state);
  }

  Abi abi() const noexcept override { return Abi::elastic; }
  Plugin& plugin() noexcept override { return *m_plugin; }

  /// Makes sure the live instance has received the configuration: after a trap the Plugin
  /// instantiates again, and register runs on the new instance.
  Result<void> ensure_registered() {
    WEFT_TRY(Instance instance, m_plugin->instance());
    uint64_t generation = m_plugin->instance_generation();
    if (m_registered == generation) return {};
    m_registered.reset();
    if (instance.get_func("register")) WEFT_TRY_VOID(call_register());
    m_registered = generation;
    return {};
  }

  Result<std::vector<Outcome>> process(std::span<const Event> batch) override {
    std::vector<Outcome> outcomes(batch.size());
    for (size_t i = 0; i < batch.size(); ++i) outcomes[i] = process_one(batch[i]);
    return outcomes;
  }

 private:
  Result<void> call_register() {
    std::string config = config_json(m_options.config);
    // The configuration block is the guest's (from its malloc), as returned field values are.
    Value size = Value::i32(int32_t(config.size()));
    WEFT_TRY(std::vector<Value> r, m_plugin->call_export("malloc", std::span<const Value>(&size, 1)));
    uint32_t block = uint32_t(r[0].i32());
    WEFT_TRY(Instance instance, m_plugin->instance());
    auto mem = instance.get_memory("memory");
    auto dst = block && mem ? mem->view(block, config.size()) : std::nullopt;
    if (!dst)
      return fail(ErrorKind::guest, "malloc(" + std::to_string(config.size()) + ") returned " +
                                        std::to_string(block) + ", not a block inside the memory");
    std::memcpy(dst->data(), config.data(), config.size());
    m_state.last_error_log.clear();
    Value args[2] = {Value::i32(int32_t(block)), size};
    auto rc = m_plugin->call_export("register", args);
    if (!rc) {
      Error e = std::move(rc).error();
      e.message = "register: " + e.message;
      return Failure{std::move(e)};
    }
    if (int32_t n = (*rc)[0].i32(); n != 0)
      return fail(ErrorKind::guest, with_log("register returned " + std::to_string(n), m_state.last_error_log));
    return {};
  }

  Outcome process_one(const Event& event) {
    Outcome outcome;
    auto failed = [&](Error e) {
      outcome.events.clear();
      outcome.error = std::move(e);
      return std::move(outcome);
    };
    if (auto r = ensure_registered(); !r) return failed(std::move(r).error());
    m_state.record.reset();
    m_state.modified = false;
    m_state.input = &event;
    m_state.outputs.clear();
    m_state.failure.reset();
    m_state.last_error_log.clear();
    auto r = m_plugin->call_export(m_options.function, {});
    m_state.input = nullptr;
    m_state.record.reset();
    if (!r) {
      Error e = std::move(r).error();
      e.message = m_options.function + ": " + e.message;
      // What the guest logged at error level just before it trapped (an SDK's panic handler).
      if (!m_state.last_error_log.empty()) e.message += " (the plugin logged: " + m_state.last_error_log + ")";
      return failed(std::move(e));
    }
    if (int32_t rc = (*r)[0].i32(); rc != 0) {
      Error e = Error::make(ErrorKind::guest, with_log(m_options.function + " returned " + std::to_string(rc),
                                                       m_state.last_error_log));
      e.exit_code = uint32_t(rc);
      return failed(std::move(e));
    }
    if (m_state.failure) return failed(Error::make(ErrorKind::guest, *m_state.failure));
    outcome.events = std::move(m_state.outputs);
    m_state.outputs = {};
    return outcome;
  }

  std::unique_ptr<Plugin> m_plugin;
  ProcessorOptions m_options;
  ElasticState m_state;
  std::optional<uint64_t> m_registered;  ///< the instance generation register ran on
};

Result<std::unique_ptr<Processor>> open(std::shared_ptr<const CompiledPlugin> compiled, const ProcessorOptions& options) {
  WEFT_TRY(std::unique_ptr<Plugin> plugin, Plugin::create(std::move(compiled)));
  auto processor = std::make_unique<ElasticProcessor>(std::move(plugin), options);
  WEFT_TRY_VOID(processor->ensure_registered());
  return std::unique_ptr<Processor>(std::move(processor));
}

}  // namespace

const AbiAdapter& elastic_adapter() {
  static const AbiAdapter adapter{Abi::elastic, "process", add_host_functions, check, open};
  return adapter;
}

}  // namespace weft::events::detail
