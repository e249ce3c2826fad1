// Replays inputs through the fuzz target without libFuzzer: `fuzz_module_replay PATH...`,
// where each PATH is a file or a directory (its regular files, recursively). Used by ctest to
// keep every crasher the fuzzer found as a regression test, under the asan preset too.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

bool replay(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "fuzz_module_replay: cannot read %s\n", path.c_str());
    return false;
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  size_t count = 0;
  bool ok = true;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path root(argv[i]);
    std::error_code ec;
    if (std::filesystem::is_directory(root, ec)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(root, ec)) {
        if (!entry.is_regular_file() || entry.path().filename() == "README.md") continue;
        ok &= replay(entry.path());
        ++count;
      }
    } else {
      ok &= replay(root);
      ++count;
    }
    if (ec) {
      std::fprintf(stderr, "fuzz_module_replay: %s: %s\n", argv[i], ec.message().c_str());
      ok = false;
    }
  }
  std::printf("fuzz_module_replay: replayed %zu inputs\n", count);
  return ok ? 0 : 1;
}
