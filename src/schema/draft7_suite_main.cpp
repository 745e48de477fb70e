// Runs the official JSON Schema Test Suite (draft 7) against sps::schema::Validator.
// Usage: sps_schema_suite DIR, where DIR holds the suite's draft7 *.json files (plus
// optional/ and optional/format/). Prints the pass count per file, every skipped file or
// case with the reason, and a last line "draft7: N passed, M failed". Exits non-zero on
// any failure or when DIR is missing, so a broken keyword fails the ctest.
//
// Each case is checked twice: is_valid() (fast, short-circuit mode) and validate()
// (error-collecting mode) must both give the expected answer, so the two modes of the
// evaluator cannot drift apart; and has_only_declared_fields() may not answer "none" for
// an instance validate() reports an additionalProperties error for.
#include "schema/validator.h"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <exception>
#include <array>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {
namespace fs = std::filesystem;
namespace json = boost::json;

/// A file, group or case deliberately not run. Empty group/test = the whole file/group.
struct Skip {
  std::string_view file;
  std::string_view group;
  std::string_view test;
  std::string_view reason;
};

constexpr std::string_view kUnclaimedFormat =
    "format not claimed by the validator (unknown formats are not asserted, as draft 7 allows)";

constexpr std::array<Skip, 7> kSkips = {{
    {"refRemote.json", "", "", "remote references need a network, deliberately unsupported"},
    {"optional/content.json", "", "",
     "contentMediaType/contentEncoding are annotations in draft 7; not asserted"},
    {"optional/format/idn-email.json", "", "", kUnclaimedFormat},
    {"optional/format/idn-hostname.json", "", "", kUnclaimedFormat},
    {"optional/format/iri.json", "", "", kUnclaimedFormat},
    {"optional/format/iri-reference.json", "", "", kUnclaimedFormat},
    {"optional/format/uri-template.json", "", "", kUnclaimedFormat},
}};

const Skip* find_skip(std::string_view file, std::string_view group, std::string_view test) {
  for (const Skip& s : kSkips) {
    if (s.file != file) continue;
    if (!s.group.empty() && s.group != group) continue;
    if (!s.test.empty() && s.test != test) continue;
    return &s;
  }
  return nullptr;
}

/// Counts over all files, and the skip notes to print before the summary line.
struct Totals {
  int passed = 0;
  int failed = 0;
  std::vector<std::string> skipped;
};

bool read_json(const fs::path& path, json::value* out, std::string* why) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *why = "cannot open";
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  *out = json::parse(text.str(), ec);
  if (ec) *why = ec.message();
  return !ec;
}

void run_file(const fs::path& path, const std::string& name, Totals& totals) {
  if (const Skip* s = find_skip(name, "", ""); s != nullptr && s->group.empty()) {
    totals.skipped.push_back(name + ": " + std::string(s->reason));
    return;
  }
  json::value doc;
  std::string why;
  if (!read_json(path, &doc, &why) || !doc.is_array()) {
    std::cout << name << ": FAILED to read (" << (why.empty() ? "not an array" : why) << ")\n";
    ++totals.failed;
    return;
  }
  int passed = 0, failed = 0;
  for (const json::value& group_value : doc.get_array()) {
    const json::object& group = group_value.get_object();
    const std::string group_name(group.at("description").get_string());
    auto validator = sps::schema::Validator::compile(group.at("schema"));
    for (const json::value& test_value : group.at("tests").get_array()) {
      const json::object& test = test_value.get_object();
      const std::string test_name(test.at("description").get_string());
      if (const Skip* s = find_skip(name, group_name, test_name)) {
        totals.skipped.push_back(name + " / " + group_name + " / " + test_name + ": " +
                                 std::string(s->reason));
        continue;
      }
      const bool expected = test.at("valid").as_bool();
      std::string problem;
      if (!validator) {
        problem = "schema does not compile: " + validator.error().message;
      } else {
        const bool fast = validator->is_valid(test.at("data"));
        const auto errors = validator->validate(test.at("data"));
        if (fast != expected) {
          problem = std::string("is_valid() returned ") + (fast ? "true" : "false");
        } else if (errors.empty() != expected) {
          problem = "validate() disagrees: " +
                    (errors.empty() ? std::string("no errors") : errors.front().message);
        } else if (validator->has_only_declared_fields(test.at("data")) &&
                   std::any_of(errors.begin(), errors.end(), [](const auto& e) {
                     return e.keyword == "additionalProperties";
                   })) {
          problem = "has_only_declared_fields() returned true, validate() reports an undeclared member";
        }
      }
      if (problem.empty()) {
        ++passed;
      } else {
        ++failed;
        std::cout << "  FAIL " << name << " / " << group_name << " / " << test_name << ": "
                  << problem << "\n";
      }
    }
  }
  std::cout << name << ": " << passed << " passed" << (failed ? ", " : "")
            << (failed ? std::to_string(failed) + " failed" : "") << "\n";
  totals.passed += passed;
  totals.failed += failed;
}

std::vector<fs::path> json_files(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: sps_schema_suite DIR  (DIR = the test suite's tests/draft7)\n";
    return 2;
  }
  const fs::path dir(argv[1]);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    std::cerr << "error: JSON Schema Test Suite directory " << dir
              << " not found; install the json-schema-test-suite package or set "
                 "SPS_JSON_SCHEMA_SUITE_DIR\n";
    return 1;
  }
  Totals totals;
  for (std::string_view sub : {"", "optional", "optional/format"}) {
    const fs::path sub_dir = sub.empty() ? dir : dir / sub;
    for (const fs::path& file : json_files(sub_dir)) {
      const std::string name = (sub.empty() ? "" : std::string(sub) + "/") + file.filename().string();
      // A malformed suite file (missing "tests", wrong types) makes Boost.JSON's at() and
      // as_bool() throw; count it as a failure of that file instead of aborting the run.
      try {
        run_file(file, name, totals);
      } catch (const std::exception& e) {
        std::cout << name << ": FAILED, malformed test file (" << e.what() << ")\n";
        ++totals.failed;
      }
    }
  }
  for (const std::string& s : totals.skipped) std::cout << "skipped " << s << "\n";
  std::cout << "draft7: " << totals.passed << " passed, " << totals.failed << " failed\n";
  return totals.failed == 0 && totals.passed > 0 ? 0 : 1;
}
