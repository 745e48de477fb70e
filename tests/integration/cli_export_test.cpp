// `sps-apply export` against an in-process sps-sim over TLS: the YAML loads back and a plan
// against the same appliance is empty (default seed, and a seed with every kind, references
// and secrets), repeated exports are byte-identical, and no secret value is ever written.
#include "cli/exit_codes.h"
#include "core/json_pointer.h"
#include "support/cli_runner.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace sps::testing {
namespace {
namespace fs = std::filesystem;
namespace json = boost::json;

/// Secret values in tests/export/full-seed (plaintexts of password and key objects, the token).
constexpr const char* kSeedToken = "full-seed-splunk-token-3a9c";
const std::vector<std::string> kSeedSecrets{kSeedToken, "full-seed-smb-password-81c3", "full-seed-smtp-password-27d9",
                                            "full-seed-archive-password-4e6a", "full-seed-rsync-key-5f0b"};

std::map<std::string, std::string> read_dir(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    out[entry.path().filename().string()] = s.str();
  }
  return out;
}

class ExportTest : public CliFixture {
 protected:
  void TearDown() override {
    for (const auto& name : m_set) ::unsetenv(name.c_str());
    CliFixture::TearDown();
  }

  /// Exports to temp_dir()/name and checks that the run only read from the appliance.
  CliRun export_to(const std::string& name, std::vector<std::string> extra = {}) {
    sim().clear_journal();
    std::vector<std::string> args{"export", "--out", (temp_dir() / name).string()};
    args.insert(args.end(), extra.begin(), extra.end());
    CliRun r = run_with_sim(args);
    // Reads only, and the logout that ends the session.
    for (const auto& e : sim().journal()) {
      EXPECT_TRUE(e.method == "GET" || e.method + " " + e.path == "DELETE /api/authentication") << e.to_string();
    }
    return r;
  }

  /// Sets the variables the export lists ("  SPS_...  (resource pointer)"): inline secrets to
  /// the appliance's value (read out of band), write-only secrets to anything (the appliance
  /// keeps its objects).
  void set_secret_variables(const std::string& out) {
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
      if (!line.starts_with("  SPS_")) continue;
      const std::string name = line.substr(2, line.find(' ', 2) - 2);
      const auto open = line.find('(');
      const std::string where = open == std::string::npos ? "" : line.substr(open + 1, line.find(')') - open - 1);
      const std::string resource = where.substr(0, where.find(' '));
      const std::string pointer = where.find(' ') == std::string::npos ? "" : where.substr(where.find(' ') + 1);
      auto body = sim().committed_body(resource);
      const json::value* value = body ? core::find_pointer(*body, pointer) : nullptr;
      const std::string text = value != nullptr && value->is_string() ? std::string(value->as_string())
                                                                        : "any-value-keeps-the-existing-object";
      ::setenv(name.c_str(), text.c_str(), 1);
      m_set.push_back(name);
    }
  }

  /// Fails when a secret of the full seed or of the demo appears in the text.
  static void expect_no_seed_secrets(const std::string& text) {
    expect_no_secrets(text);
    for (const auto& s : kSeedSecrets) EXPECT_EQ(text.find(s), std::string::npos) << s << " in\n" << text;
  }

  std::vector<std::string> m_set;
};

TEST_F(ExportTest, DefaultSeedRoundTripsToAnEmptyPlan) {
  const CliRun r = export_to("out");
  ASSERT_EQ(r.code, cli::kExitOk) << r.all();
  const auto files = read_dir(temp_dir() / "out");
  for (const char* name : {"policies.yaml", "local-services.yaml", "management.yaml", "forwarders.yaml", "README.md"}) {
    EXPECT_EQ(files.count(name), 1u) << name;
  }
  // The built-in audit policy "default" is not exported.
  EXPECT_EQ(files.at("policies.yaml").find("default"), std::string::npos) << files.at("policies.yaml");
  set_secret_variables(r.out);  // the SNMP trap community
  const CliRun plan = run_with_sim({"plan", (temp_dir() / "out").string(), "--detailed-exitcode"});
  EXPECT_EQ(plan.code, cli::kExitOk) << plan.all();
}

TEST_F(ExportTest, FullSeedRoundTripsWithReferencesAndSecrets) {
  sim::Options options;
  options.rng_seed = 42;
  options.seed_dir = std::string(SPS_SOURCE_DIR) + "/tests/export/full-seed";
  restart_sim(options);
  const CliRun r = export_to("full");
  ASSERT_EQ(r.code, cli::kExitOk) << r.all();
  expect_no_seed_secrets(r.all());
  const auto files = read_dir(temp_dir() / "full");
  for (const auto& [name, text] : files) {
    SCOPED_TRACE(name);
    expect_no_seed_secrets(text);
  }
  // References by name; secrets as placeholders, listed in the README.
  EXPECT_NE(files.at("management.yaml").find("backup_policy: nightly-nfs"), std::string::npos) << files.at("management.yaml");
  EXPECT_NE(files.at("forwarders.yaml").find("token: !secret env:SPS_SPLUNK_FORWARDER_TOKEN"), std::string::npos);
  EXPECT_NE(files.at("policies.yaml").find("auth_key: !secret env:SPS_BACKUP_POLICIES_OFFSITE_RSYNC_TARGET_AUTH_KEY"),
            std::string::npos) << files.at("policies.yaml");
  EXPECT_NE(files.at("management.yaml").find("password: !secret env:SPS_EMAIL_SMTP_AUTH_PASSWORD"), std::string::npos);
  EXPECT_NE(files.at("README.md").find("`SPS_BACKUP_POLICIES_WEEKLY_SMB_TARGET_AUTHENTICATION_PASSWORD`"),
            std::string::npos) << files.at("README.md");

  EXPECT_NE(files.at("management.yaml").find("community: !secret env:SPS_TRAP_VERSION_VALUE_COMMUNITY"),
            std::string::npos) << files.at("management.yaml");

  set_secret_variables(r.out);
  EXPECT_EQ(m_set.size(), 6u) << r.out;  // five secrets of the 15 first kinds, the SNMP community
  const CliRun plan = run_with_sim({"plan", (temp_dir() / "full").string(), "--detailed-exitcode"});
  EXPECT_EQ(plan.code, cli::kExitOk) << plan.all();
  expect_no_seed_secrets(plan.all());

  // The inline token must hold the appliance's value: another value is a change.
  ::setenv("SPS_SPLUNK_FORWARDER_TOKEN", "not-the-live-token", 1);
  const CliRun changed = run_with_sim({"plan", (temp_dir() / "full").string(), "--detailed-exitcode"});
  EXPECT_EQ(changed.code, cli::kExitChanges) << changed.all();
}

TEST_F(ExportTest, RepeatedExportsAreByteIdentical) {
  ASSERT_EQ(run_with_sim({"apply", demo_state(), "--auto-approve"}).code, cli::kExitOk);
  const CliRun first = export_to("first");
  const CliRun second = export_to("second");
  ASSERT_EQ(first.code, cli::kExitOk) << first.all();
  ASSERT_EQ(second.code, cli::kExitOk) << second.all();
  const auto a = read_dir(temp_dir() / "first");
  const auto b = read_dir(temp_dir() / "second");
  EXPECT_EQ(a, b);
  for (const auto& [name, text] : a) expect_no_secrets(text);
  expect_no_secrets(first.all());
}

TEST_F(ExportTest, OnlyExportsTheNamedKinds) {
  const CliRun r = export_to("only", {"--only", "management/webinterface"});
  ASSERT_EQ(r.code, cli::kExitOk) << r.all();
  const auto files = read_dir(temp_dir() / "only");
  EXPECT_EQ(files.size(), 2u);  // management.yaml and README.md
  EXPECT_NE(files.at("management.yaml").find("management/webinterface:\n  timeout: 20\n"), std::string::npos)
      << files.at("management.yaml");
  EXPECT_EQ(files.at("management.yaml").find("management/email"), std::string::npos);
}

// export never overwrites somebody's work by surprise: a directory that is not empty needs
// --force, and a file holding the desired state's `sps-apply:` settings is never replaced.
TEST_F(ExportTest, NonEmptyDirectoryNeedsForceAndSettingsAreNeverDropped) {
  ASSERT_EQ(export_to("state").code, cli::kExitOk);
  const fs::path dir = temp_dir() / "state";
  CliRun r = export_to("state");
  EXPECT_EQ(r.code, cli::kExitError);
  EXPECT_NE(r.err.find("is not empty; export does not write into it without --force"), std::string::npos) << r.err;
  EXPECT_TRUE(sim().journal().empty());  // refused before connecting
  const std::string settings = "sps-apply:\n  prune: [policies/backup_policies]\n";
  std::ofstream(dir / "policies.yaml", std::ios::app) << "\n" << settings;
  const auto before = read_dir(dir);
  r = export_to("state", {"--force"});
  EXPECT_EQ(r.code, cli::kExitError);
  EXPECT_NE(r.err.find("policies.yaml holds the `sps-apply:` settings block"), std::string::npos) << r.err;
  EXPECT_EQ(read_dir(dir), before);
  // However the key is spelt.
  std::ofstream(dir / "policies.yaml", std::ios::trunc) << "\"sps-apply\" :\n  ignore: [management/webinterface/timeout]\n";
  const auto quoted = read_dir(dir);
  r = export_to("state", {"--force"});
  EXPECT_EQ(r.code, cli::kExitError);
  EXPECT_NE(r.err.find("policies.yaml holds the `sps-apply:` settings block"), std::string::npos) << r.err;
  EXPECT_EQ(read_dir(dir), quoted);
  // Settings in a file of their own are kept, the rest is replaced.
  std::ofstream(dir / "policies.yaml", std::ios::trunc) << "# edited by hand\n";
  std::ofstream(dir / "settings.yaml") << settings;
  r = export_to("state", {"--force"});
  ASSERT_EQ(r.code, cli::kExitOk) << r.all();
  const auto after = read_dir(dir);
  EXPECT_EQ(after.at("settings.yaml"), settings);
  EXPECT_EQ(after.at("policies.yaml").find("# edited by hand"), std::string::npos);
}

TEST_F(ExportTest, BuiltinOrUnknownKindIsAnError) {
  const CliRun builtin = export_to("x", {"--only", "passwords"});
  EXPECT_EQ(builtin.code, cli::kExitError);
  EXPECT_NE(builtin.err.find("built-in"), std::string::npos) << builtin.err;
  const CliRun unknown = export_to("y", {"--only", "policies/nope"});
  EXPECT_EQ(unknown.code, cli::kExitError);
  EXPECT_NE(unknown.err.find("choose from"), std::string::npos) << unknown.err;
}

}  // namespace
}  // namespace sps::testing
