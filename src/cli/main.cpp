// sps-apply: configuration as code for One Identity Safeguard for Privileged Sessions.
// Everything happens in sps::cli::run so that tests can call it in-process.
#include "cli/cli.h"

#include <csignal>
#include <iostream>

int main(int argc, char** argv) {
  // `sps-apply apply ... | head` must not be killed mid-transaction when head exits: a
  // closed pipe makes writes fail with EPIPE (the stream goes bad), which changes nothing.
  std::signal(SIGPIPE, SIG_IGN);
  return sps::cli::run(argc, argv, std::cout, std::cerr);
}
