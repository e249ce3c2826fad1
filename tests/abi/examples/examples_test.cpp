// The example processors of examples/: the same three behaviours (redact, parse, drop; see
// examples/events/README.md) for every ABI and guest language, run on one input and compared
// with one expected output per behaviour.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "weft/events.hpp"

namespace weft::events {
namespace {

struct Example {
  Abi abi;
  const char* lang;
  const char* behaviour;
};

std::string name_of(const Example& e) {
  return std::string(abi_name(e.abi)) + "_" + e.lang + "_" + e.behaviour;
}

// Every example the project ships. A missing one is a failure, not a skip.
std::vector<Example> all_examples() {
  std::vector<Example> v;
  const std::pair<Abi, std::vector<const char*>> langs[] = {
      {Abi::weft, {"c", "rust", "assemblyscript"}},
      {Abi::elastic, {"c", "rust", "assemblyscript"}},
      {Abi::fluentbit, {"c", "rust"}},
  };
  for (const auto& [abi, ls] : langs)
    for (const char* l : ls)
      for (const char* b : {"redact", "parse", "drop"}) v.push_back({abi, l, b});
  return v;
}

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> v;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) v.push_back(line);
  return v;
}

std::vector<Event> events_of(const std::string& path) {
  std::vector<Event> v;
  for (const std::string& line : lines_of(path)) {
    auto e = parse_ndjson_event(line, "", {});
    EXPECT_TRUE(e) << path << ": " << line;
    if (e) v.push_back(std::move(*e));
  }
  return v;
}

/// Records compared as JSON values: object key order and number spelling aside.
bool same_record(const Record& a, const Record& b) {
  rapidjson::Document da, db;
  auto ja = a.json(), jb = b.json();
  if (!ja || !jb) return false;
  da.Parse(ja->c_str(), ja->size());
  db.Parse(jb->c_str(), jb->size());
  return !da.HasParseError() && !db.HasParseError() && da == db;
}

class Examples : public ::testing::TestWithParam<Example> {};

TEST_P(Examples, ProduceTheExpectedEvents) {
  const Example& ex = GetParam();
  std::string wasm = std::string(EXAMPLES_OUT) + "/" + std::string(abi_name(ex.abi)) + "/" + ex.lang + "/" +
                     ex.behaviour + ".wasm";
  ASSERT_TRUE(std::filesystem::exists(wasm)) << wasm << " was not built";
  auto manifest = Manifest::load(wasm);
  ASSERT_TRUE(manifest) << manifest.error().message;
  ProcessorOptions options;
  if (ex.abi == Abi::fluentbit) options.function = "filter";
  Engine engine;
  auto compiled = ProcessorPlugin::create(engine, ex.abi, std::move(*manifest), options);
  ASSERT_TRUE(compiled) << compiled.error().message;
  auto processor = (*compiled)->instantiate();
  ASSERT_TRUE(processor) << processor.error().message;

  std::vector<Event> input = events_of(std::string(EVENTS_DIR) + "/sample.ndjson");
  std::vector<Event> expected = events_of(std::string(EVENTS_DIR) + "/expected/" + ex.behaviour + ".ndjson");
  ASSERT_EQ(input.size(), 7u);

  // Twice: in one batch, then one event per batch (state must not leak between calls).
  for (size_t batch : {input.size(), size_t(1)}) {
    std::vector<Event> got;
    for (size_t at = 0; at < input.size(); at += batch) {
      size_t n = std::min(batch, input.size() - at);
      auto outcomes = (*processor)->process(std::span<const Event>(input).subspan(at, n));
      ASSERT_TRUE(outcomes) << outcomes.error().message;
      ASSERT_EQ(outcomes->size(), n);
      for (size_t i = 0; i < n; ++i) {
        const Outcome& o = (*outcomes)[i];
        ASSERT_FALSE(o.error) << "event " << at + i << ": " << o.error->message;
        for (const Event& e : o.events) got.push_back(e);
      }
    }
    ASSERT_EQ(got.size(), expected.size()) << "batch size " << batch;
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].tag, expected[i].tag) << i;
      EXPECT_EQ(got[i].time, expected[i].time) << i;
      EXPECT_EQ(got[i].metadata, expected[i].metadata) << i;
      EXPECT_TRUE(same_record(got[i].record, expected[i].record))
          << "output " << i << " (batch size " << batch << "):\n  got      " << *got[i].record.json()
          << "\n  expected " << *expected[i].record.json();
    }
  }
}

// With configuration (weft_init, elastic's register): redact another field, drop below warn.
class ConfiguredExamples : public ::testing::TestWithParam<Example> {};

TEST_P(ConfiguredExamples, FollowTheirConfiguration) {
  const Example& ex = GetParam();
  std::string wasm = std::string(EXAMPLES_OUT) + "/" + std::string(abi_name(ex.abi)) + "/" + ex.lang + "/" +
                     ex.behaviour + ".wasm";
  ASSERT_TRUE(std::filesystem::exists(wasm)) << wasm << " was not built";
  ProcessorOptions options;
  bool redact = std::string_view(ex.behaviour) == "redact";
  if (redact) {
    options.config["field"] = "user";
  } else {
    options.config["min_level"] = "WARN";
  }
  Engine engine;
  auto compiled = ProcessorPlugin::create(engine, ex.abi, std::move(*Manifest::load(wasm)), options);
  ASSERT_TRUE(compiled) << compiled.error().message;
  auto processor = (*compiled)->instantiate();
  ASSERT_TRUE(processor) << processor.error().message;
  std::vector<Event> input = events_of(std::string(EVENTS_DIR) + "/sample.ndjson");
  auto outcomes = (*processor)->process(input);
  ASSERT_TRUE(outcomes) << outcomes.error().message;

  // The expectation, computed here from the behaviours' definition.
  std::vector<std::string> want;
  for (const Event& e : input) {
    rapidjson::Document d;
    std::string json = *e.record.json();
    d.Parse(json.c_str(), json.size());
    if (redact) {
      if (d.HasMember("user")) d["user"].SetString("***");
    } else if (d.HasMember("level") && d["level"].IsString()) {
      std::string level = d["level"].GetString();
      for (char& c : level) c = char(std::tolower(static_cast<unsigned char>(c)));
      if (level == "trace" || level == "debug" || level == "info") continue;
    }
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    d.Accept(w);
    want.emplace_back(sb.GetString(), sb.GetSize());
  }
  std::vector<Event> got;
  for (const Outcome& o : *outcomes) {
    ASSERT_FALSE(o.error) << o.error->message;
    for (const Event& e : o.events) got.push_back(e);
  }
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_TRUE(same_record(got[i].record, *Record::from_json(want[i])))
        << "got " << *got[i].record.json() << "\nexpected " << want[i];
}

std::vector<Example> configurable_examples() {
  std::vector<Example> v;
  for (Example e : all_examples())
    if (e.abi != Abi::fluentbit && std::string_view(e.behaviour) != "parse") v.push_back(e);
  return v;
}

INSTANTIATE_TEST_SUITE_P(All, ConfiguredExamples, ::testing::ValuesIn(configurable_examples()),
                         [](const ::testing::TestParamInfo<Example>& info) { return name_of(info.param); });

INSTANTIATE_TEST_SUITE_P(All, Examples, ::testing::ValuesIn(all_examples()),
                         [](const ::testing::TestParamInfo<Example>& info) { return name_of(info.param); });

}  // namespace
}  // namespace weft::events
