// Small pieces of JSON text writing shared by the event code (records, NDJSON, adapters).
#pragma once

#include <string>
#include <string_view>

#include "weft/result.hpp"

namespace weft::events {

/// Whether `s` is well-formed UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
bool json_valid_utf8(std::string_view s) noexcept;
/// Appends `s` (UTF-8) as a JSON string: quotes, and escapes for `"`, `\` and controls only.
void json_append_string(std::string& out, std::string_view s);
/// Appends a finite double as the shortest JSON number that reads back to it, always with a
/// fraction or exponent ("2.0", not "2").
void json_append_double(std::string& out, double d);
/// Checks that `json` is one JSON value (any type) as strictly as Record::from_json checks a
/// record: UTF-8, no escapes of unpaired surrogates, numbers a double holds, depth <= 512.
/// rapidjson's DOM parse with kParseFullPrecisionFlag is safe on text that passed (it has
/// undefined behaviour on some numbers this refuses).
Result<void> json_check(std::string_view json);

}  // namespace weft::events
