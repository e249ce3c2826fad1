// Dotted field keys over a rapidjson record (see field_path.hpp).
#include "abi/elastic/field_path.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace weft::events::elastic {

std::optional<std::vector<std::string>> split_field_key(std::string_view key) {
  if (key.empty()) return std::nullopt;
  std::vector<std::string> path(1);
  for (size_t i = 0; i < key.size(); ++i) {
    char c = key[i];
    if (c == '\\') {
      // Only the two escapes a key needs: anything else is more likely a mistake than a name.
      if (i + 1 == key.size() || (key[i + 1] != '.' && key[i + 1] != '\\')) return std::nullopt;
      path.back() += key[++i];
    } else if (c == '.') {
      if (path.back().empty()) return std::nullopt;
      path.emplace_back();
    } else {
      path.back() += c;
    }
  }
  if (path.back().empty()) return std::nullopt;
  return path;
}

namespace {

rapidjson::Value::ConstMemberIterator find_member(const rapidjson::Value& object, const std::string& name) {
  // By length, not strlen: a segment may hold a NUL (JSON allows "\u0000" in names).
  return object.FindMember(rapidjson::Value(rapidjson::StringRef(name.data(), name.size())));
}

/// The index of member `name` of `object`, or -1. Through the const iterators: C++20 finds
/// rapidjson 1.1's mutable iterator comparisons ambiguous.
rapidjson::SizeType member_index(const rapidjson::Value& object, const std::string& name) {
  auto it = find_member(object, name);
  return it == object.MemberEnd() ? rapidjson::SizeType(-1) : rapidjson::SizeType(it - object.MemberBegin());
}
constexpr rapidjson::SizeType no_member = rapidjson::SizeType(-1);

}  // namespace

const rapidjson::Value* find_field(const rapidjson::Value& record, const std::vector<std::string>& path) {
  const rapidjson::Value* at = &record;
  for (const std::string& segment : path) {
    if (!at->IsObject()) return nullptr;
    auto it = find_member(*at, segment);
    if (it == at->MemberEnd()) return nullptr;
    at = &it->value;
  }
  return at;
}

Status put_field(rapidjson::Document& doc, const std::vector<std::string>& path, rapidjson::Value& value) {
  auto& alloc = doc.GetAllocator();
  rapidjson::Value* at = &doc;
  for (size_t i = 0; i < path.size(); ++i) {
    if (!at->IsObject()) return Status::invalid_argument;
    bool last = i + 1 == path.size();
    if (rapidjson::SizeType k = member_index(*at, path[i]); k != no_member) {
      rapidjson::Value& existing = (at->MemberBegin() + k)->value;
      if (last) {
        existing = value;  // moves
        return Status::ok;
      }
      at = &existing;
      continue;
    }
    rapidjson::Value name(path[i].data(), static_cast<rapidjson::SizeType>(path[i].size()), alloc);
    if (last) {
      at->AddMember(name, value, alloc);
      return Status::ok;
    }
    at->AddMember(name, rapidjson::Value(rapidjson::kObjectType), alloc);
    at = &(at->MemberEnd() - 1)->value;
  }
  return Status::internal_failure;  // unreachable: path is never empty
}

Status remove_field(rapidjson::Document& doc, const std::vector<std::string>& path) {
  rapidjson::Value* at = &doc;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    if (!at->IsObject()) return Status::not_found;
    rapidjson::SizeType k = member_index(*at, path[i]);
    if (k == no_member) return Status::not_found;
    at = &(at->MemberBegin() + k)->value;
  }
  if (!at->IsObject()) return Status::not_found;
  rapidjson::SizeType k = member_index(*at, path.back());
  if (k == no_member) return Status::not_found;
  at->EraseMember(at->MemberBegin() + k);  // keeps the order of the other members (RemoveMember would not)
  return Status::ok;
}

std::string to_json(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace weft::events::elastic
