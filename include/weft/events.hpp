// weft: events, and processors that run a plugin over batches of them through one of the
// event ABIs (src/abi/): Fluent Bit's wasm filter, Elastic's ingest ABI, or weft's own.
//
//   auto manifest = weft::Manifest::load("redact.wasm");
//   weft::Engine engine;
//   auto compiled = weft::events::ProcessorPlugin::create(engine, weft::events::Abi::weft,
//                                                         *manifest, {});  // shared
//   auto processor = (*compiled)->instantiate();                         // one per thread
//   auto outcomes = (*processor)->process(batch);  // one Outcome per input event
//
// See docs/EVENTS.md and docs/abi/.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "weft/plugin.hpp"
#include "weft/result.hpp"

namespace weft::events {

/// A point in time: seconds since the Unix epoch and nanoseconds (0 ..= 999,999,999).
struct Timestamp {
  int64_t sec = 0;
  uint32_t nsec = 0;
  friend bool operator==(const Timestamp&, const Timestamp&) = default;
};

enum class RecordFormat : uint8_t { json, msgpack };
std::string_view record_format_name(RecordFormat f) noexcept;

/// An event's record: a JSON object, held as JSON text or as its msgpack encoding (a map).
/// Always valid: the constructors check, and a record holds only what JSON can express (a
/// msgpack record with binary or extension values, non-string keys, NaN or infinities is
/// refused with the reason), so conversion between the encodings is lossless.
class Record {
 public:
  /// `{}`.
  Record();
  /// Checks that `json` is one JSON object (whitespace around it allowed); keeps the text.
  static Result<Record> from_json(std::string_view json);
  /// Checks that `bytes` is exactly one msgpack map that JSON can express; keeps the bytes.
  static Result<Record> from_msgpack(std::span<const uint8_t> bytes);

  RecordFormat format() const noexcept { return m_format; }
  /// The bytes as held (JSON text or msgpack).
  std::string_view bytes() const noexcept { return m_bytes; }
  /// Compact JSON text (the held text as it is when the record is JSON).
  Result<std::string> json() const;
  Result<std::string> msgpack() const;
  /// This record in `format` (a copy, converted if need be).
  Result<Record> to(RecordFormat format) const;

  friend bool operator==(const Record&, const Record&) = default;

 private:
  RecordFormat m_format = RecordFormat::json;
  std::string m_bytes = "{}";
};

/// msgpack <-> JSON text, as Record uses them. Errors name the offset and the reason.
Result<std::string> msgpack_to_json(std::span<const uint8_t> msgpack);
Result<std::string> json_to_msgpack(std::string_view json);

struct Event {
  std::string tag;
  Timestamp time;
  Record record;
  std::map<std::string, std::string> metadata;
  friend bool operator==(const Event&, const Event&) = default;
};

/// What one input event became: zero outputs (dropped), one, or more; or an error with its
/// reason (then `events` is empty).
struct Outcome {
  std::vector<Event> events;
  std::optional<Error> error;
  bool ok() const noexcept { return !error; }
};

enum class Abi : uint8_t { fluentbit, elastic, weft };
std::string_view abi_name(Abi abi) noexcept;
/// "fluentbit", "elastic", "weft".
std::optional<Abi> parse_abi(std::string_view name) noexcept;

struct ProcessorOptions {
  /// The export to call per event (fluentbit, elastic) or per batch (weft); empty: the ABI's
  /// default ("process" for elastic, "weft_process" for weft; fluentbit has none and needs one).
  std::string function;
  /// Configuration handed to the guest (weft_init, elastic's register); fluentbit has no
  /// configuration call and refuses a non-empty one.
  std::map<std::string, std::string> config;
  /// How records cross into the guest: Fluent Bit's Event_Format (json or msgpack), or the
  /// weft ABI's record flag. Outputs come back as Records in the same format.
  RecordFormat format = RecordFormat::json;
  /// Limits (timeout per call, fuel), log level and sink, WASI, extra host functions.
  PluginOptions plugin;
};

/// A processor: one plugin instance; not thread-safe (one batch at a time), cheap to make.
class Processor {
 public:
  virtual ~Processor() = default;
  virtual Abi abi() const noexcept = 0;
  /// One Outcome per input, in order. A failure of one event (a trap, invalid output, a
  /// guest error) is that event's Outcome::error, and the other events still come out. The
  /// Result itself fails only when nothing could run (the plugin cannot be instantiated).
  virtual Result<std::vector<Outcome>> process(std::span<const Event> batch) = 0;
  /// The underlying plugin (its limits, cancel handle, log settings).
  virtual Plugin& plugin() noexcept = 0;
};

/// A plugin compiled for one ABI: its host functions linked, its exports checked (the ABI
/// marker and version, the processing function) before any instantiation. Immutable, shared
/// between threads.
class ProcessorPlugin {
 public:
  static Result<std::shared_ptr<const ProcessorPlugin>> create(const Engine& engine, Abi abi, Manifest manifest,
                                                               ProcessorOptions options = {});
  /// A new instance, initialised (weft_init / register run with the configuration).
  Result<std::unique_ptr<Processor>> instantiate() const;
  Abi abi() const noexcept { return m_abi; }
  const ProcessorOptions& options() const noexcept { return m_options; }
  const std::shared_ptr<const CompiledPlugin>& compiled() const noexcept { return m_compiled; }

  ProcessorPlugin(Abi abi, ProcessorOptions options, std::shared_ptr<const CompiledPlugin> compiled)
      : m_abi(abi), m_options(std::move(options)), m_compiled(std::move(compiled)) {}

 private:
  Abi m_abi;
  ProcessorOptions m_options;
  std::shared_ptr<const CompiledPlugin> m_compiled;
};

// ---- NDJSON: the line format of `weft process` ---------------------------------------------

/// One event per line:
///   {"tag":"app","time":1700000000.25,"record":{...},"metadata":{"k":"v"}}
/// `record` is required and must be an object; `tag` defaults to `default_tag`; `time` is a
/// number of seconds (up to 9 decimals, kept exactly), an object {"sec":N,"nsec":N}, or absent
/// (`default_time`); `metadata`, if present, is an object of strings.
Result<Event> parse_ndjson_event(std::string_view line, std::string_view default_tag, Timestamp default_time);
/// The line for `e` (without the newline), time as seconds with 9 decimals; a msgpack record
/// is converted to JSON (and fails if JSON cannot express it).
Result<std::string> format_ndjson_event(const Event& e);

}  // namespace weft::events
