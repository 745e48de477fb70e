// Replays every file of fuzz/corpus/<target>/ and fuzz/regressions/<target>/ through the
// fuzz entry points, with the project's normal compiler and flags (so under ASan/UBSan in
// the sanitizer build). A crash found by a fuzzer is fixed and its input kept under
// fuzz/regressions/<target>/: this test then keeps it fixed in every build.
#include "fuzz_targets.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

namespace {
namespace fs = std::filesystem;

// Every regular file under fuzz/<dir>/<target>/, sorted so failures are reproducible.
std::vector<fs::path> inputs_of(const std::string& target) {
  std::vector<fs::path> files;
  for (const char* dir : {"corpus", "regressions"}) {
    const fs::path root = fs::path(SPS_FUZZ_DIR) / dir / target;
    if (!fs::is_directory(root)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Runs every input of `target`. A crash aborts the whole binary before GoogleTest can
// report anything, so the file name is printed first: the last one printed is the culprit.
std::size_t replay(const std::string& target, const std::function<void(std::string_view)>& entry) {
  const auto files = inputs_of(target);
  for (const auto& file : files) {
    std::cout << "replaying " << file.string() << std::endl;
    const std::string data = read_bytes(file);
    entry(data);
  }
  return files.size();
}

TEST(FuzzRegressionTest, YamlLoaderSurvivesCorpusAndRegressions) {
  EXPECT_GT(replay("yaml_loader", sps::fuzz::run_yaml_loader), 0U);
}

TEST(FuzzRegressionTest, SchemaValidatorSurvivesCorpusAndRegressions) {
  EXPECT_GT(replay("schema_validator", sps::fuzz::run_schema_validator), 0U);
}

TEST(FuzzRegressionTest, NormalizeSurvivesCorpusAndRegressions) {
  EXPECT_GT(replay("normalize", sps::fuzz::run_normalize), 0U);
}

TEST(FuzzRegressionTest, ApplianceAnswerSurvivesCorpusAndRegressions) {
  EXPECT_GT(replay("appliance_answer", sps::fuzz::run_appliance_answer), 0U);
}

}  // namespace

TEST(FuzzRegressionTest, SavedPlanSurvivesCorpusAndRegressions) {
  EXPECT_GT(replay("saved_plan", sps::fuzz::run_saved_plan), 0U);
}
