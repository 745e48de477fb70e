#pragma once
// The sps-sim command line: option parsing (CLI11) into sim::Options, and the serve loop
// that waits for SIGINT/SIGTERM. Kept out of main.cpp so the parsing can be tested.
#include "core/error.h"
#include "sim/sim.h"

#include <string>
#include <vector>

namespace sps::sim {

/// Parses "HOST:PORT" ("127.0.0.1:0", "[::1]:8443", "localhost:8443") into options.
core::Result<void> parse_listen(std::string_view text, Options& options);

/// Runs sps-sim: returns the process exit code (0 after a clean stop, 1 on a start
/// failure, 2 on bad arguments).
int run_cli(int argc, char** argv);

}  // namespace sps::sim
