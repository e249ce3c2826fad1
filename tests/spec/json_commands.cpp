// weft spec runner: reading wast2json output with rapidjson.
#include "json_commands.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <fstream>
#include <iterator>
#include <sstream>

namespace weft::spec {
namespace {

using JsonNode = rapidjson::Value;

/// Reads a whole file; nothing if it cannot be opened or read.
std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(buf).str();
}

/// A string member, keeping embedded NULs (names.wast exports "\0...").
std::optional<std::string> string_member(const JsonNode& obj, const char* key) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsString()) return std::nullopt;
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

bool has_member(const JsonNode& obj, const char* key) {
  return obj.FindMember(key) != obj.MemberEnd();
}

/// Parses one value; on error returns a message.
std::optional<std::string> parse_value(const JsonNode& node, JsonValue& out) {
  if (!node.IsObject()) return "a value is not an object";
  auto type = string_member(node, "type");
  if (!type) return "a value has no \"type\"";
  out.type = *type;
  out.lane_type = string_member(node, "lane_type").value_or("");
  auto it = node.FindMember("value");
  if (it == node.MemberEnd()) return std::nullopt;  // (ref.func) / (ref.extern): any non-null
  out.has_value = true;
  if (it->value.IsString()) {
    out.lanes.emplace_back(it->value.GetString(), it->value.GetStringLength());
    return std::nullopt;
  }
  if (it->value.IsArray()) {
    for (const auto& lane : it->value.GetArray()) {
      if (!lane.IsString()) return "a v128 lane of type " + out.lane_type + " is not a string";
      out.lanes.emplace_back(lane.GetString(), lane.GetStringLength());
    }
    return std::nullopt;
  }
  return "the \"value\" of a " + out.type + " is neither a string nor an array";
}

std::optional<std::string> parse_values(const JsonNode& obj, const char* key,
                                        std::vector<JsonValue>& out) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd()) return std::nullopt;
  if (!it->value.IsArray()) return std::string("\"") + key + "\" is not an array";
  for (const auto& v : it->value.GetArray()) {
    JsonValue jv;
    if (auto err = parse_value(v, jv)) return err;
    out.push_back(std::move(jv));
  }
  return std::nullopt;
}

std::optional<std::string> parse_action(const JsonNode& node, Action& out) {
  if (!node.IsObject()) return "\"action\" is not an object";
  auto type = string_member(node, "type");
  if (type == "invoke") {
    out.kind = Action::Kind::invoke;
  } else if (type == "get") {
    out.kind = Action::Kind::get;
  } else {
    return "unknown action type '" + type.value_or("(none)") + "'";
  }
  auto field = string_member(node, "field");
  if (!field) return "action has no \"field\"";
  out.field = *field;
  out.module = string_member(node, "module").value_or("");
  return parse_values(node, "args", out.args);
}

/// Fills `cmd` from its json object, checking the fields its type needs.
void parse_command(const JsonNode& node, Command& cmd) {
  if (!node.IsObject()) {
    cmd.parse_error = "command is not an object";
    return;
  }
  cmd.type = string_member(node, "type").value_or("");
  auto line = node.FindMember("line");
  if (line != node.MemberEnd() && line->value.IsInt()) cmd.line = line->value.GetInt();
  cmd.filename = string_member(node, "filename").value_or("");
  cmd.module_type = string_member(node, "module_type").value_or("");
  cmd.name = string_member(node, "name").value_or("");
  cmd.as = string_member(node, "as").value_or("");
  cmd.text = string_member(node, "text").value_or("");

  if (has_member(node, "action")) {
    Action action;
    if (auto err = parse_action(node["action"], action)) {
      cmd.parse_error = *err;
      return;
    }
    cmd.action = std::move(action);
  }
  if (auto err = parse_values(node, "expected", cmd.expected)) {
    cmd.parse_error = *err;
    return;
  }

  const std::string& t = cmd.type;
  bool needs_action = t == "action" || t == "assert_return" || t == "assert_exhaustion" ||
                      (t == "assert_trap" && !has_member(node, "filename"));
  bool needs_file = t == "module" || t == "assert_invalid" || t == "assert_malformed" ||
                    t == "assert_unlinkable" || t == "assert_uninstantiable";
  if (t.empty()) {
    cmd.parse_error = "command has no \"type\"";
  } else if (needs_action && !cmd.action) {
    cmd.parse_error = t + " has no \"action\"";
  } else if (needs_file && cmd.filename.empty()) {
    cmd.parse_error = t + " has no \"filename\"";
  } else if (t == "register" && cmd.as.empty()) {
    cmd.parse_error = "register has no \"as\"";
  }
}

std::string directory_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

Result<Script> load_script(const std::string& json_path) {
  auto text = read_file(json_path);
  if (!text) return fail(ErrorKind::io, "cannot read " + json_path);
  rapidjson::Document doc;
  doc.Parse(text->data(), text->size());
  if (doc.HasParseError()) {
    return fail(ErrorKind::malformed, json_path + ": bad json at offset " +
                                          std::to_string(doc.GetErrorOffset()) + ": " +
                                          rapidjson::GetParseError_En(doc.GetParseError()));
  }
  if (!doc.IsObject()) return fail(ErrorKind::malformed, json_path + ": not a json object");

  const JsonNode& root = doc;  // const iterators: rapidjson's mutable ones compare ambiguously
  Script script;
  script.directory = directory_of(json_path);
  script.source_filename = string_member(root, "source_filename").value_or("");
  script.conversion_error = string_member(root, "conversion_error").value_or("");
  auto commands = root.FindMember("commands");
  if (commands == root.MemberEnd() || !commands->value.IsArray())
    return fail(ErrorKind::malformed, json_path + ": no \"commands\" array");
  for (const auto& node : commands->value.GetArray()) {
    Command cmd;
    parse_command(node, cmd);
    script.commands.push_back(std::move(cmd));
  }
  return script;
}

Result<std::vector<uint8_t>> read_module_file(const Script& script, const std::string& filename) {
  std::string path =
      !filename.empty() && filename[0] == '/' ? filename : script.directory + "/" + filename;
  auto text = read_file(path);
  if (!text) return fail(ErrorKind::io, "cannot read module file " + path);
  return std::vector<uint8_t>(text->begin(), text->end());
}

}  // namespace weft::spec
