#pragma once
// Fuzz entry points: one function per fuzz target, each taking arbitrary bytes and feeding
// them to a parser or a pure transformation of sps-apply. They are the bodies of the
// libFuzzer targets (LLVMFuzzerTestOneInput in *_fuzzer.cpp, built with clang when
// SPS_BUILD_FUZZERS=ON) and of the regression test (fuzz_regression_test.cpp), which
// replays fuzz/corpus/<target>/ and fuzz/regressions/<target>/ with the normal compiler in
// every build, so a crash once found stays fixed.
//
// An entry point returns normally for every input: rejecting bad input is the code's job,
// and a crash, a sanitizer report, an uncaught exception or a violated invariant (checked
// with std::abort so it fires in Release too) is a bug. They do no I/O.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sps::fuzz {

/// desired::load_desired_sources on the text as one YAML file, with the builtin catalog and
/// a fixed secret resolver (every env: secret is set, file: secrets are unreadable); then
/// desired::validate_desired on the result.
void run_yaml_loader(std::string_view data);

/// Splits the input at the first NUL byte into a schema and an instance (no NUL: the
/// document is validated against itself), compiles the schema and validates the instance;
/// also validates the instance against every catalog schema.
void run_schema_validator(std::string_view data);

/// model::normalize_live with the input as the GET document of every catalog kind, or, when
/// the input is an object keyed by kind paths (a sim snapshot), each member as that kind's.
void run_normalize(std::string_view data);

/// plan::plan_from_file and plan::check_saved_plan on the input as a saved plan file, as is
/// and again with its digest recomputed (what an editor of the file could hand to apply).
void run_saved_plan(std::string_view data);
/// appliance::map_response / error_from_response on the input as an answer body, then
/// model::normalize_live with the parsed document as every catalog kind's GET answer.
void run_appliance_answer(std::string_view data);

/// Aborts with `what` on stderr when `condition` is false (an invariant of the code under test).
void check(bool condition, const char* what);

}  // namespace sps::fuzz
