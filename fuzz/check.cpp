#include "fuzz_targets.h"

#include <cstdio>
#include <cstdlib>

namespace sps::fuzz {

void check(bool condition, const char* what) {
  // std::abort rather than assert: the fuzzers are built with optimisation, and the
  // regression test runs in Release builds too, where assert would be compiled out.
  if (!condition) {
    std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
    std::abort();
  }
}

}  // namespace sps::fuzz
