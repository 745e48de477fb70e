#pragma once
// Runs sps-apply in-process (sps::cli::run) with string streams, as a shell would run it.
#include "cli/cli.h"

#include <sstream>
#include <string>
#include <vector>

namespace sps::testing {

/// One in-process run of sps-apply.
struct CliRun {
  int code = -1;
  std::string out;
  std::string err;
  std::string all() const { return out + err; }
};

inline CliRun run_cli(const std::vector<std::string>& args) {
  std::vector<std::string> full{"sps-apply"};
  full.insert(full.end(), args.begin(), args.end());
  std::vector<const char*> argv;
  for (const auto& a : full) argv.push_back(a.c_str());
  std::ostringstream out;
  std::ostringstream err;
  CliRun r;
  r.code = cli::run(static_cast<int>(argv.size()), argv.data(), out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

}  // namespace sps::testing
