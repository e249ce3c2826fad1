// weft: the command-line tool. Each subcommand lives in its own cmd_<name>.cpp; run() in
// dispatch.cpp picks one.
#include <iostream>
#include <string>
#include <vector>

#include "cli/cli_util.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  weft::cli::Io io{std::cout, std::cerr};
  int status = weft::cli::run(args, io);
  std::cout.flush();
  return status;
}
