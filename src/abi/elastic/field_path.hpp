// Dotted field keys of the elastic ABI ("a.b.c" addresses {"a":{"b":{"c":...}}}) and the
// get / put / remove operations on an event's record held as a rapidjson Document.
// docs/abi/elastic.md ("Field keys") is the contract.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

namespace weft::events::elastic {

/// The outcome of a field operation, as the guest sees it (the ABI's status codes).
enum class Status : int32_t { ok = 0, internal_failure = 1, invalid_argument = 2, not_found = 3 };

/// Splits `key` at unescaped dots. `\.` is a literal dot and `\\` a literal backslash; any
/// other backslash, an empty key or an empty segment ("a..b", ".a", "a.") is invalid
/// (nothing returned).
std::optional<std::vector<std::string>> split_field_key(std::string_view key);

/// The value at `path` in the object `record`, or nullptr when a segment is missing or an
/// intermediate value is not an object (arrays are not indexed).
const rapidjson::Value* find_field(const rapidjson::Value& record, const std::vector<std::string>& path);

/// Sets the value at `path` to `value` (moved into `doc`'s allocator), creating missing
/// intermediate objects. invalid_argument when an existing intermediate is not an object.
Status put_field(rapidjson::Document& doc, const std::vector<std::string>& path, rapidjson::Value& value);

/// Removes the value at `path`; not_found when it is not there.
Status remove_field(rapidjson::Document& doc, const std::vector<std::string>& path);

/// Compact JSON text of `v`.
std::string to_json(const rapidjson::Value& v);

}  // namespace weft::events::elastic
