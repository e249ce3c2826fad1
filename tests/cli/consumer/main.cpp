// Embeds weft through its installed package: compiles a module, calls it with typed_func.
#include <cstdio>

#include <weft/weft.hpp>

int main() {
  // (module (func (export "add") (param i32 i32) (result i32)
  //   (i32.add (local.get 0) (local.get 1))))
  static const uint8_t add_wasm[] = {
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02, 0x7f,
      0x7f, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64,
      0x00, 0x00, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b};
  weft::Engine engine;
  auto module = engine.compile(add_wasm);
  if (!module) {
    std::fprintf(stderr, "compile: %s\n", module.error().to_string().c_str());
    return 1;
  }
  weft::Store store(engine);
  weft::Linker linker(engine);
  auto instance = linker.instantiate(store, *module);
  if (!instance) {
    std::fprintf(stderr, "instantiate: %s\n", instance.error().to_string().c_str());
    return 1;
  }
  auto add = instance->typed_func<int32_t(int32_t, int32_t)>("add");
  if (!add) {
    std::fprintf(stderr, "typed_func: %s\n", add.error().to_string().c_str());
    return 1;
  }
  auto sum = (*add)(store, 40, 2);
  if (!sum || *sum != 42) {
    std::fprintf(stderr, "add(40, 2) did not return 42\n");
    return 1;
  }
  std::printf("consumer: add(40, 2) = %d\n", *sum);
  return 0;
}
