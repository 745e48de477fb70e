// How sps-apply logs in to a real appliance, against an in-process sps-sim over TLS: login
// methods (LDAP as the default, a local automation user), X.509 client certificates (PEM
// pair and PKCS#12), the login methods listed when a login fails, and the logout that ends
// every command's session.
#include "cli/exit_codes.h"
#include "support/cli_runner.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

namespace sps::testing {
namespace {

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

class LoginTest : public CliFixture {
 protected:
  void TearDown() override {
    for (const char* v : {"SPS_LOGIN_METHOD", "SPS_CLIENT_KEY_PASSPHRASE"}) ::unsetenv(v);
    CliFixture::TearDown();
  }

  /// An appliance with LDAP login as the default and the local admin kept as break-glass.
  void start_ldap_appliance(const std::string& firmware = "7.5.0") {
    sim::Options options = sim_options();
    options.firmware_version = firmware;
    options.login_methods = {{"corp-ldap", "ldap", true, false}, {"local", "local", true, true}};
    options.users.push_back({"alice", "alice-pw", false, "corp-ldap", {}});
    restart_sim(options);
  }

  std::string write(const std::string& name, const std::string& text) const {
    const std::string path = (temp_dir() / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  /// plan of the demo state with the URL and CA only (no credentials) plus args.
  CliRun plan_with(std::vector<std::string> args) const {
    std::vector<std::string> full{"plan", demo_state(), "--url", url(), "--ca-file", ca_file()};
    full.insert(full.end(), args.begin(), args.end());
    return run_cli(full);
  }

  std::string last_request() {
    const auto journal = sim().journal();
    return journal.empty() ? std::string() : journal.back().method + " " + journal.back().path;
  }

  /// The user the simulator saw on the successful login, "" if none.
  std::string logged_in_user() {
    for (const auto& e : sim().journal()) {
      if (e.path == "/api/authentication" && e.method == "GET" && e.status == 200) return e.user;
    }
    return {};
  }
};

// Given LDAP as the default login method, expect the local admin refused with the offered
// methods listed, and let in with --login-method local (or SPS_LOGIN_METHOD).
TEST_F(LoginTest, LocalUserNeedsTheLoginMethodAndAFailedLoginListsThem) {
  start_ldap_appliance();
  const CliRun refused = run_with_sim({"plan", demo_state()});
  EXPECT_EQ(refused.code, cli::kExitError) << refused.all();
  EXPECT_TRUE(contains(refused.err, "login as 'admin' failed: the appliance rejected the username or password"))
      << refused.err;
  EXPECT_TRUE(contains(refused.err, "The appliance offers these login methods: corp-ldap (ldap: password), "
                                    "local (local: password, x509); choose one with --login-method NAME"))
      << refused.err;

  sim().clear_journal();
  const CliRun flag = run_with_sim({"plan", demo_state(), "--login-method", "local"});
  EXPECT_EQ(flag.code, cli::kExitOk) << flag.all();
  EXPECT_EQ(logged_in_user(), "admin");

  ::setenv("SPS_LOGIN_METHOD", "local", 1);
  EXPECT_EQ(run_with_sim({"plan", demo_state()}).code, cli::kExitOk);
}

// Given SPS 6.x (no login_methods endpoint), expect the listing from /api/authentication/types.
TEST_F(LoginTest, FailedLoginOnSixXListsTheAuthenticationTypes) {
  start_ldap_appliance("6.9.4");
  const CliRun refused = run_with_sim({"plan", demo_state()});
  EXPECT_EQ(refused.code, cli::kExitError) << refused.all();
  EXPECT_TRUE(contains(refused.err, "The appliance offers these login methods: basic, x509")) << refused.err;
}

// Given a client certificate issued by the appliance's CA for admin, expect a login without
// user name or password, as admin through the local method.
TEST_F(LoginTest, X509ClientCertificateLogsIn) {
  auto issued = sim().issue_client_certificate("admin");
  ASSERT_TRUE(issued.has_value());
  const std::string cert = write("admin.crt", issued->first);
  const std::string key = write("admin.key", issued->second);
  const CliRun r = plan_with({"--client-cert", cert, "--client-key", key, "--login-method", "local"});
  EXPECT_EQ(r.code, cli::kExitOk) << r.all();
  EXPECT_EQ(logged_in_user(), "admin");
}

// Given a certificate from another CA, expect a clear refusal naming the certificate problem.
TEST_F(LoginTest, UntrustedClientCertificateIsRefusedWithAClearMessage) {
  sim::Options other_options;
  other_options.rng_seed = 9;
  sim::Simulator other{other_options};
  ASSERT_TRUE(other.start().has_value());
  auto foreign = other.issue_client_certificate("admin");
  other.stop();
  ASSERT_TRUE(foreign.has_value());
  const std::string cert = write("foreign.crt", foreign->first);
  const std::string key = write("foreign.key", foreign->second);
  const CliRun r = plan_with({"--client-cert", cert, "--client-key", key, "--login-method", "local"});
  EXPECT_EQ(r.code, cli::kExitError) << r.all();
  EXPECT_TRUE(contains(r.err, "login with the client certificate with login method 'local' failed: the appliance did "
                              "not accept the certificate"))
      << r.err;
  EXPECT_TRUE(contains(r.err, "the client certificate is not trusted")) << r.err;
  EXPECT_TRUE(logged_in_user().empty());
}

// Given a PKCS#12 bundle, expect a login with its passphrase from the environment, and a
// wrong passphrase refused before any request, without echoing it.
TEST_F(LoginTest, Pkcs12BundleLogsInWithItsPassphrase) {
  auto bundle = sim().issue_client_pkcs12("admin", "bundle-pass-4e1d");
  ASSERT_TRUE(bundle.has_value());
  const std::string p12 = write("admin.p12", *bundle);
  ::setenv("SPS_CLIENT_KEY_PASSPHRASE", "bundle-pass-4e1d", 1);
  const CliRun ok = plan_with({"--client-pkcs12", p12, "--login-method", "local"});
  EXPECT_EQ(ok.code, cli::kExitOk) << ok.all();
  EXPECT_EQ(logged_in_user(), "admin");

  sim().clear_journal();
  const std::string pass_file = write("wrong-pass", "wrong-pass-77aa\n");
  const CliRun wrong = plan_with({"--client-pkcs12", p12, "--client-key-passphrase-file", pass_file});
  EXPECT_EQ(wrong.code, cli::kExitError) << wrong.all();
  EXPECT_TRUE(contains(wrong.err, "cannot open the PKCS#12 bundle '" + p12 + "'")) << wrong.err;
  EXPECT_FALSE(contains(wrong.all(), "wrong-pass-77aa"));
  EXPECT_FALSE(contains(wrong.all(), "bundle-pass-4e1d"));
  EXPECT_TRUE(sim().journal().empty());
}

// Given a plan that succeeds and one that fails after login, expect each to end its session
// with the logout request as its last request.
TEST_F(LoginTest, EveryCommandLogsOutOnSuccessAndFailure) {
  sim().clear_journal();
  ASSERT_EQ(run_with_sim({"plan", demo_state()}).code, cli::kExitOk);
  EXPECT_EQ(last_request(), "DELETE /api/authentication");

  sim().clear_journal();
  sim().add_fault(*sim::Fault::parse("status=500,method=GET,path=/api/configuration/management/email"));
  const CliRun failed = run_with_sim({"plan", demo_state()});
  EXPECT_EQ(failed.code, cli::kExitError) << failed.all();
  EXPECT_EQ(last_request(), "DELETE /api/authentication");

  sim().clear_faults();
  sim().clear_journal();
  ASSERT_EQ(run_with_sim({"drift", demo_state()}).code, cli::kExitChanges);
  EXPECT_EQ(last_request(), "DELETE /api/authentication");
}

}  // namespace
}  // namespace sps::testing
