// The names of ABIs and record formats, as the CLI and messages spell them.
#include "weft/events.hpp"

namespace weft::events {

std::string_view record_format_name(RecordFormat f) noexcept { return f == RecordFormat::json ? "json" : "msgpack"; }

std::string_view abi_name(Abi abi) noexcept {
  switch (abi) {
    case Abi::fluentbit: return "fluentbit";
    case Abi::elastic: return "elastic";
    case Abi::weft: return "weft";
  }
  return "?";
}

std::optional<Abi> parse_abi(std::string_view name) noexcept {
  for (Abi a : {Abi::fluentbit, Abi::elastic, Abi::weft})
    if (abi_name(a) == name) return a;
  return std::nullopt;
}

}  // namespace weft::events
