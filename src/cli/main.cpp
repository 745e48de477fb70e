// sps-apply: configuration as code for One Identity Safeguard for Privileged Sessions.
// Everything happens in sps::cli::run so that tests can call it in-process.
#include "cli/cli.h"

#include <iostream>

int main(int argc, char** argv) {
  return sps::cli::run(argc, argv, std::cout, std::cerr);
}
