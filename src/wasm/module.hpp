// weft: the decoded form of a binary module, before function bodies are validated.
// https://webassembly.github.io/spec/core/syntax/modules.html
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "weft/weft.hpp"
#include "wasm/opcodes.hpp"

namespace weft::wasm {

/// One instruction of a constant expression.
struct ConstInstr {
  Op op = Op::i32_const;  ///< i32/i64/f32/f64_const, ref_null, ref_func, global_get
  ValType type = ValType::i32;  ///< ref_null: the reference type
  uint64_t value = 0;     ///< the constant's bits (i32 zero-extended), or the func/global index
  V128 v128{};            ///< v128.const
};

/// A constant expression (global initializers, segment offsets, element items).
/// In WebAssembly 2.0 it is one instruction; extended-const allows arithmetic sequences.
struct ConstExpr {
  std::vector<ConstInstr> instrs;
  size_t offset = 0;  ///< byte offset of the expression in the module, for errors
};

struct Import {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::func;
  uint32_t func_type = 0;  ///< kind func: index into Module::types
  TableType table;
  MemoryType memory;
  GlobalType global;
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::func;
  uint32_t index = 0;
};

struct Global {
  GlobalType type;
  ConstExpr init;
};

struct ElemSegment {
  enum class Mode : uint8_t { active, passive, declarative };
  Mode mode = Mode::active;
  ValType type = ValType::funcref;
  uint32_t table = 0;  ///< active only
  ConstExpr offset;    ///< active only
  std::vector<ConstExpr> items;
};

struct DataSegment {
  enum class Mode : uint8_t { active, passive };
  Mode mode = Mode::active;
  uint32_t memory = 0;  ///< active only
  ConstExpr offset;     ///< active only
  size_t data_offset = 0;  ///< the bytes, as a range of Module::bytes
  size_t data_size = 0;
};

/// A defined function's body as found in the code section.
struct FunctionBody {
  /// Local declarations after the parameters: (count, type) runs as written.
  std::vector<std::pair<uint32_t, ValType>> locals;
  uint64_t local_count = 0;  ///< sum of the counts
  size_t body_offset = 0;    ///< offset of the body's size field's first byte after it (locals)
  size_t code_offset = 0;    ///< offset of the first instruction
  size_t end_offset = 0;     ///< one past the body's last byte (its final `end`)
};

struct CustomSection {
  std::string name;
  size_t offset = 0;  ///< of the contents after the name
  size_t size = 0;
};

/// Where each section was found, for `weft inspect`.
struct SectionRecord {
  uint8_t id = 0;
  size_t offset = 0;  ///< of the section's contents
  size_t size = 0;
};

/// A decoded module. Index spaces (functions, tables, memories, globals) list imports first.
struct Module {
  std::vector<uint8_t> bytes;  ///< a copy of the binary; segments and bodies point into it

  std::vector<FuncType> types;
  std::vector<Import> imports;

  std::vector<uint32_t> func_types;  ///< type index of every function, imported ones first
  uint32_t imported_funcs = 0;
  std::vector<TableType> tables;
  uint32_t imported_tables = 0;
  std::vector<MemoryType> memories;
  uint32_t imported_memories = 0;
  std::vector<GlobalType> global_types;  ///< every global, imported ones first
  uint32_t imported_globals = 0;
  std::vector<Global> globals;  ///< the defined globals, with their initializers

  std::vector<Export> exports;
  std::optional<uint32_t> start;
  std::vector<ElemSegment> elems;
  std::optional<uint32_t> data_count;
  std::vector<DataSegment> datas;
  std::vector<FunctionBody> bodies;  ///< one per defined function

  /// Functions that may be named by ref.func in a body (C.refs: those referenced in
  /// globals, element segments and exports).
  std::vector<bool> declared_funcs;

  std::vector<CustomSection> customs;
  std::vector<SectionRecord> sections;
};

/// Decodes every section and validates everything outside function bodies (indices, limits,
/// constant expressions, export names, start function). Errors are malformed or invalid,
/// with the byte offset. Function bodies are validated by validate_and_lower().
Result<Module> decode_module(std::span<const uint8_t> bytes, const Features& features);

}  // namespace weft::wasm
