// A WASI guest in C++ (libc++ for wasm32): iostreams, fstreams, containers, chrono, random
// and the exit status. Its output is compared under `weft run` and node's WASI. Expects a
// preopen /sandbox holding input.txt.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::cout << "args:";
  for (const auto& a : args) std::cout << " <" << a << ">";
  std::cout << "\n";
  const char* g = std::getenv("GREETING");
  std::cout << "GREETING=" << (g ? g : "(unset)") << "\n";

  std::ifstream in("/sandbox/input.txt");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::reverse(lines.begin(), lines.end());
  for (const auto& l : lines) std::cout << "reversed: " << l << "\n";

  {
    std::ofstream out("/sandbox/words.txt");
    out << "the quick brown fox jumps over the lazy dog the end\n";
  }
  std::ifstream words("/sandbox/words.txt");
  std::map<std::string, int> counts;
  for (std::string w; words >> w;) ++counts[w];
  for (const auto& [w, n] : counts) std::cout << w << "=" << n << " ";
  std::cout << "\n";
  std::ofstream bad("/sandbox/no/such/dir/file.txt");
  std::cout << "open in missing dir: " << (bad ? "opened" : "failed") << "\n";

  auto t0 = std::chrono::steady_clock::now();
  auto t1 = std::chrono::steady_clock::now();
  std::cout << "steady ok " << (t1 >= t0) << "\n";
  auto sys = std::chrono::system_clock::now().time_since_epoch();
  std::cout << "system after 2020 "
            << (std::chrono::duration_cast<std::chrono::seconds>(sys).count() > 1577836800) << "\n";
  std::random_device rd;
  unsigned a = rd(), b = rd(), c = rd();
  std::cout << "random_device varies " << !(a == b && b == c) << "\n";

  std::string all, line;
  while (std::getline(std::cin, line)) all += "[" + line + "]";
  std::cout << "stdin " << all << std::endl;
  std::cerr << "cerr line" << std::endl;
  return args.size() > 1 ? std::atoi(args[1].c_str()) : 0;
}
