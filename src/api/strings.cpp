// weft: names and printed forms of the API's small types.
#include <cinttypes>
#include <cstdio>

#include "weft/weft.hpp"

namespace weft {

std::string_view trap_message(TrapKind kind) noexcept {
  switch (kind) {
    case TrapKind::none: return "no trap";
    case TrapKind::unreachable: return "unreachable";
    case TrapKind::memory_out_of_bounds: return "out of bounds memory access";
    case TrapKind::table_out_of_bounds: return "out of bounds table access";
    case TrapKind::undefined_element: return "undefined element";
    case TrapKind::uninitialized_element: return "uninitialized element";
    case TrapKind::indirect_call_type_mismatch: return "indirect call type mismatch";
    case TrapKind::integer_divide_by_zero: return "integer divide by zero";
    case TrapKind::integer_overflow: return "integer overflow";
    case TrapKind::invalid_conversion_to_integer: return "invalid conversion to integer";
    case TrapKind::null_reference: return "null reference";
    case TrapKind::call_stack_exhausted: return "call stack exhausted";
    case TrapKind::interrupted: return "interrupted";
    case TrapKind::out_of_fuel: return "out of fuel";
    case TrapKind::host_error: return "host function failed";
    case TrapKind::exit: return "exit";
  }
  return "unknown trap";
}

std::string_view trap_name(TrapKind kind) noexcept {
  switch (kind) {
    case TrapKind::none: return "none";
    case TrapKind::unreachable: return "unreachable";
    case TrapKind::memory_out_of_bounds: return "memory_out_of_bounds";
    case TrapKind::table_out_of_bounds: return "table_out_of_bounds";
    case TrapKind::undefined_element: return "undefined_element";
    case TrapKind::uninitialized_element: return "uninitialized_element";
    case TrapKind::indirect_call_type_mismatch: return "indirect_call_type_mismatch";
    case TrapKind::integer_divide_by_zero: return "integer_divide_by_zero";
    case TrapKind::integer_overflow: return "integer_overflow";
    case TrapKind::invalid_conversion_to_integer: return "invalid_conversion_to_integer";
    case TrapKind::null_reference: return "null_reference";
    case TrapKind::call_stack_exhausted: return "call_stack_exhausted";
    case TrapKind::interrupted: return "interrupted";
    case TrapKind::out_of_fuel: return "out_of_fuel";
    case TrapKind::host_error: return "host_error";
    case TrapKind::exit: return "exit";
  }
  return "unknown";
}

std::string_view error_kind_name(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::malformed: return "malformed";
    case ErrorKind::invalid: return "invalid";
    case ErrorKind::unlinkable: return "unlinkable";
    case ErrorKind::uninstantiable: return "uninstantiable";
    case ErrorKind::trap: return "trap";
    case ErrorKind::usage: return "usage";
    case ErrorKind::io: return "io";
    case ErrorKind::unsupported: return "unsupported";
    case ErrorKind::guest: return "guest";
  }
  return "error";
}

std::string Error::to_string() const {
  std::string out(error_kind_name(kind));
  if (kind == ErrorKind::trap) out += " (" + std::string(trap_name(trap)) + ")";
  if (offset != no_offset) {
    char buf[32];
    std::snprintf(buf, sizeof buf, " at offset 0x%zx", offset);
    out += buf;
  }
  out += ": ";
  out += message;
  return out;
}

std::string_view valtype_name(ValType t) noexcept {
  switch (t) {
    case ValType::i32: return "i32";
    case ValType::i64: return "i64";
    case ValType::f32: return "f32";
    case ValType::f64: return "f64";
    case ValType::v128: return "v128";
    case ValType::funcref: return "funcref";
    case ValType::externref: return "externref";
  }
  return "?";
}

std::string_view extern_kind_name(ExternKind k) noexcept {
  switch (k) {
    case ExternKind::func: return "func";
    case ExternKind::table: return "table";
    case ExternKind::memory: return "memory";
    case ExternKind::global: return "global";
  }
  return "?";
}

static std::string type_list(const std::vector<ValType>& ts) {
  std::string out = "(";
  for (size_t i = 0; i < ts.size(); ++i) {
    if (i) out += ", ";
    out += valtype_name(ts[i]);
  }
  return out + ")";
}

std::string FuncType::to_string() const { return type_list(params) + " -> " + type_list(results); }

static std::string limits_string(const Limits& l) {
  std::string out = std::to_string(l.min);
  if (l.max) out += ".." + std::to_string(*l.max);
  return out;
}

std::string ExternType::to_string() const {
  switch (kind) {
    case ExternKind::func: return "func " + func.to_string();
    case ExternKind::table:
      return "table " + limits_string(table.limits) + " " + std::string(valtype_name(table.element));
    case ExternKind::memory: return "memory " + limits_string(memory.limits);
    case ExternKind::global:
      return std::string("global ") + (global.mutable_ ? "mut " : "") +
             std::string(valtype_name(global.type));
  }
  return "?";
}

std::string Value::to_string() const {
  char buf[96];
  switch (m_type) {
    case ValType::i32: std::snprintf(buf, sizeof buf, "i32:%" PRId32, i32()); break;
    case ValType::i64: std::snprintf(buf, sizeof buf, "i64:%" PRId64, i64()); break;
    case ValType::f32: std::snprintf(buf, sizeof buf, "f32:%a", static_cast<double>(f32())); break;
    case ValType::f64: std::snprintf(buf, sizeof buf, "f64:%a", f64()); break;
    case ValType::v128: {
      std::string out = "v128:0x";
      for (int i = 15; i >= 0; --i) {
        std::snprintf(buf, sizeof buf, "%02x", m_v128.bytes[i]);
        out += buf;
      }
      return out;
    }
    case ValType::funcref:
    case ValType::externref:
      if (is_null()) return std::string(valtype_name(m_type)) + ":null";
      std::snprintf(buf, sizeof buf, "%s:%p", m_type == ValType::funcref ? "funcref" : "externref",
                    m_bits.ptr);
      break;
  }
  return buf;
}

}  // namespace weft
