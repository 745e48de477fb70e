// Hostile and broken desired-state input through the real CLI (validate offline, plan against
// an in-process sps-sim): every case ends in bounded time and memory with a located error,
// exit code 1, and no request to the appliance. Inputs are made at run time in the test's
// temporary directory (FIFOs and sparse files cannot be committed).
#include "cli/exit_codes.h"
#include "support/cli_runner.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace sps::testing {
namespace {
namespace fs = std::filesystem;

class HostileInputTest : public CliFixture {
 protected:
  std::string write_file(const std::string& name, const std::string& text) const {
    const fs::path path = temp_dir() / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }

  /// Runs `validate PATH` and `plan PATH` (with the simulator's connection flags); both must
  /// fail with exit 1, print every string of `expected` (error lines say file:line:col),
  /// leak no secret, and plan must not have sent a single request.
  void expect_refused(const std::string& path, const std::vector<std::string>& expected) {
    for (const bool with_plan : {false, true}) {
      SCOPED_TRACE(with_plan ? "plan" : "validate");
      sim().clear_journal();
      // validate reads secret values only with --require-secrets.
      const CliRun r = with_plan ? run_with_sim({"plan", path}) : run_cli({"validate", "--require-secrets", path});
      EXPECT_EQ(r.code, cli::kExitError) << r.all();
      for (const auto& text : expected) EXPECT_NE(r.all().find(text), std::string::npos) << text << "\n" << r.all();
      expect_no_secrets(r.all());
      if (with_plan) {
        EXPECT_EQ(sim().journal().size(), 0U) << "plan sent requests";
      }
    }
  }
};

TEST_F(HostileInputTest, HundredKilobyteStringAgainstAPatternIsReportedNotCrashed) {
  // given a 100 kB name against the pattern ^\S+$ (std::regex recursed once per character
  // and overflowed the stack), expect the ordinary "does not match" error at the field
  const std::string name(100 * 1024, 'a');
  const std::string path = write_file("long.yaml", "policies/archive_cleanup_policies:\n  - name: " + name + " x\n");
  expect_refused(path, {path + ":2:5: error: ", "does not match the pattern \"^\\\\S+$\""});
}

TEST_F(HostileInputTest, AliasBombIsRefusedAtTheAliasThatExpandsTooFar) {
  // given the classic "billion laughs" (nine levels of nine aliases, 10^9 values, under
  // 700 bytes), expect an error at an alias instead of minutes of expansion and bad_alloc
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 9; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev;
    for (int k = 1; k < 9; ++k) text += ", " + prev;
    text += "]\n";
  }
  ASSERT_LT(text.size(), 700U);
  const std::string path = write_file("bomb.yaml", text);
  // Lines 2 to 6 add 672,588 values; the first alias on line 7 (a6, 597,871 values each)
  // crosses 1,000,000.
  expect_refused(path, {path + ":7:", "YAML aliases expand to more than 1000000 values"});
}

TEST_F(HostileInputTest, TooManyAliasesAreRefused) {
  std::string text = "a: &a x\nb: [";
  for (int i = 0; i < 100'001; ++i) text += i == 0 ? "*a" : ",*a";
  text += "]\n";
  const std::string path = write_file("aliases.yaml", text);
  expect_refused(path, {path + ":2:", "more than 100000 YAML aliases in one document"});
}

TEST_F(HostileInputTest, AliasInsideTheValueItNamesIsRefusedAsACycle) {
  // yaml-cpp registers an anchor when its node starts: "&x [*x]" is a node that contains
  // itself, and every walk over it recursed until the stack overflowed (found by the fuzzer)
  const std::pair<std::string, std::string> cases[] = {
      {"&x [*x]", ":2:10:"}, {"&x {b: *x}", ":2:13:"}, {"&x\n    - a\n    - *x", ":4:7:"}};
  for (const auto& [value, where] : cases) {
    const std::string path = write_file("cycle.yaml", "management/email:\n  x: " + value + "\n");
    expect_refused(path, {path + where, "refers to a value that contains it (a cycle)"});
  }
}

TEST_F(HostileInputTest, DeeplyNestedValueIsRefusedAtItsLocation) {
  const std::string path = write_file(
      "deep.yaml", "management/email:\n  x: " + std::string(100, '[') + std::string(100, ']') + "\n");
  expect_refused(path, {path + ":2:", "nested more than 64 levels deep"});
}

TEST_F(HostileInputTest, OversizeFileIsRefusedWithoutReadingIt) {
  // A sparse file: 8 MiB + 1 byte on paper, no disk space used.
  const std::string path = write_file("huge.yaml", "");
  ASSERT_EQ(::truncate(path.c_str(), (8 << 20) + 1), 0);
  expect_refused(path, {path + ": error: cannot read desired-state file: is 8388609 bytes, more than the limit of 8 MiB",
                        "split the desired state into several files"});
}

TEST_F(HostileInputTest, DesiredStateOverTheTotalLimitIsRefusedAtTheFileThatCrossesIt) {
  // Five sparse files of exactly 8 MiB each (the per-file limit): the fifth crosses 32 MiB.
  const fs::path dir = temp_dir() / "state";
  fs::create_directories(dir);
  for (int i = 1; i <= 5; ++i) {
    const std::string file = (dir / ("part" + std::to_string(i) + ".yaml")).string();
    std::ofstream(file).flush();
    ASSERT_EQ(::truncate(file.c_str(), 8 << 20), 0);
  }
  expect_refused(dir.string(), {(dir / "part5.yaml").string() + ": error: the desired-state files up to this one hold "
                                                                 "more than 32 MiB, the limit for all files together"});
}

TEST_F(HostileInputTest, InvalidUtf8IsReportedWithFileLineAndColumn) {
  const std::string path =
      write_file("latin1.yaml", "management/email:\n  admin_address: \"caf\xe9@example.com\"\n");
  expect_refused(path, {path + ":2:22: error: invalid UTF-8: byte 0xE9 does not start a valid character"});
}

TEST_F(HostileInputTest, OverlongUtf8IsInvalidToo) {
  const std::string path = write_file("overlong.yaml", "management/email:\n  admin_address: \"\xc0\xaf\"\n");
  expect_refused(path, {path + ":2:19: error: invalid UTF-8: byte 0xC0"});
}

TEST_F(HostileInputTest, DesiredStateFifoIsRefusedWithoutBlocking) {
  const std::string path = (temp_dir() / "pipe.yaml").string();
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  expect_refused(path, {path + ": error: cannot read desired-state file: a FIFO, expected a regular file"});
}

TEST_F(HostileInputTest, SecretFromDevZeroIsRefused) {
  const std::string path =
      write_file("zero.yaml", "management/splunk_forwarder:\n  enabled: true\n  token: !secret file:/dev/zero\n");
  expect_refused(path, {path + ":3:10: error: cannot read secret file \"/dev/zero\": a character device, expected a "
                               "regular file"});
}

TEST_F(HostileInputTest, SecretFromFifoIsRefusedWithoutBlocking) {
  ASSERT_EQ(::mkfifo((temp_dir() / "token").c_str(), 0600), 0);
  const std::string path =
      write_file("fifo.yaml", "management/splunk_forwarder:\n  enabled: true\n  token: !secret file:token\n");
  expect_refused(path, {path + ":3:10: error: cannot read secret file", "a FIFO, expected a regular file"});
}

TEST_F(HostileInputTest, OversizeSecretFileIsRefused) {
  write_file("token", std::string(64 * 1024 + 1, 'k'));
  const std::string path =
      write_file("big.yaml", "management/splunk_forwarder:\n  enabled: true\n  token: !secret file:token\n");
  expect_refused(path, {path + ":3:10: error: cannot read secret file", "is 65537 bytes, more than the limit of 64 KiB"});
}

}  // namespace
}  // namespace sps::testing
