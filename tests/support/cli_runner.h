#pragma once
// Runs sps-apply in-process (sps::cli::run) against an in-process sps-sim, the way a user
// would from a shell: flags for the connection, environment variables for secrets.
#include "support/cli_run.h"
#include "support/sim_fixture.h"

#include <boost/json/value.hpp>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace sps::testing {

/// SimFixture plus the connection flags and the demo secrets in the environment.
class CliFixture : public SimFixture {
 protected:
  static constexpr const char* kSplunkToken = "splunk-token-7d41c0ffee";
  static constexpr const char* kSmbPassword = "smb-password-19a3feed";

  void SetUp() override {
    SimFixture::SetUp();
    ::setenv("SPS_SPLUNK_TOKEN", kSplunkToken, 1);
    ::setenv("SPS_ARCHIVE_SMB_PASSWORD", kSmbPassword, 1);
    for (const char* v : {"SPS_URL", "SPS_USERNAME", "SPS_PASSWORD", "SPS_CA_FILE"}) ::unsetenv(v);
    m_password_file = (temp_dir() / "password").string();
    std::ofstream(m_password_file) << "admin\n";
  }

  /// The connection flags for the running simulator.
  std::vector<std::string> connection() const {
    return {"--url", url(), "--username", "admin", "--password-file", m_password_file, "--ca-file", ca_file()};
  }

  /// args + connection flags.
  CliRun run_with_sim(std::vector<std::string> args) const {
    for (auto& a : connection()) args.push_back(a);
    return run_cli(args);
  }

  /// Fails the test if a secret value appears in the text.
  static void expect_no_secrets(const std::string& text) {
    EXPECT_EQ(text.find(kSplunkToken), std::string::npos) << text;
    EXPECT_EQ(text.find(kSmbPassword), std::string::npos) << text;
  }

  std::string demo_state() const { return std::string(SPS_SOURCE_DIR) + "/desired-state"; }

  /// Another administrator replaces `kind`'s body right after the first commit the simulator
  /// applies (before it answers the commit). The flag says whether that happened; the hook stays
  /// installed until the test clears it with sim().after_request({}).
  std::shared_ptr<std::atomic<bool>> change_right_after_commit(std::string kind, boost::json::value body) {
    auto done = std::make_shared<std::atomic<bool>>(false);
    sim().after_request([this, done, kind = std::move(kind), body = std::move(body)](const sim::JournalEntry& e) {
      if (e.method == "PUT" && e.path == "/api/transaction" && e.applied && !done->exchange(true)) {
        EXPECT_TRUE(sim().out_of_band_replace(kind, body).has_value());
      }
    });
    return done;
  }

 private:
  std::string m_password_file;
};

}  // namespace sps::testing
