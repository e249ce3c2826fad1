// weft: engine-wide interning of function types, so that call_indirect and import checks
// compare one integer instead of two vectors.
#include <string>

#include "runtime/objects.hpp"

namespace weft::detail {

namespace {

/// The key of a type: its parameter bytes, a separator that is not a value type, the results.
std::string encode(const FuncType& type) {
  std::string key;
  key.reserve(type.params.size() + type.results.size() + 1);
  for (ValType t : type.params) key.push_back(static_cast<char>(t));
  key.push_back('\0');
  for (ValType t : type.results) key.push_back(static_cast<char>(t));
  return key;
}

}  // namespace

uint32_t TypeRegistry::intern(const FuncType& type) const {
  std::string key = encode(type);
  std::lock_guard<std::mutex> lock(m_mutex);
  auto it = m_index.find(key);
  if (it != m_index.end()) return it->second;
  auto id = static_cast<uint32_t>(m_types.size());
  m_types.push_back(type);  // a deque never moves its elements, so get()'s references last
  m_index.emplace(std::move(key), id);
  return id;
}

const FuncType& TypeRegistry::get(uint32_t id) const {
  // The lock keeps the deque's bookkeeping consistent against a concurrent intern().
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_types.at(id);
}

}  // namespace weft::detail
