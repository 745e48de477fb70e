// The shapes the SPS REST API Reference shows, through the real CLI against sps-sim:
//   * a backup policy's target.host_key is written as an OpenSSH line and always read back
//     as {selection, value} ("Backup policies": "When querying, the public key of the host
//     will always be displayed in the selection and value elements"): no false diff;
//   * a body copied from a GET answer, references in their read form {key, meta: {href}}
//     (or {meta: {href}} alone, as the backup policy sample shows), loads and plans as is.
#include "cli/exit_codes.h"
#include "support/cli_runner.h"
#include "support/test_client.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <cstdlib>
#include <fstream>
#include <string>

namespace sps::testing {
namespace {
namespace json = boost::json;

// The documentation's sample key (backup policy page), with a comment as ssh-keygen writes it.
constexpr const char* kKeyBlob =
    "AAAAB3NzaC1yc2EAAAADAQABAAAAYQCsU80IBrJbOlqCi03qZK+FtgS783VKE1TVZBtDQlsXJ9FXu6KNBvqvSAjcXiWY+izqn+"
    "P14UVRY1vOdz7WwLIWOUoTKHfPMqv3bdjwM4Bhd26POWSFyDf46yx1YzvMwgc=";

class DocumentedShapesTest : public CliFixture {
 protected:
  void SetUp() override {
    CliFixture::SetUp();
    ::setenv("SPS_TEST_BACKUP_KEY", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE=\n", 1);
  }

  std::string write_state(const std::string& name, const std::string& text) const {
    const auto dir = temp_dir() / name;
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "backup.yaml") << text;
    return dir.string();
  }

  /// An Rsync backup policy whose host key is the OpenSSH line `host_key`.
  std::string rsync_policy(const std::string& host_key) {
    return write_state("rsync-" + std::to_string(++m_states), R"(policies/backup_policies:
  - name: offsite-rsync
    include_node_id_in_path: true
    notification_event: {type: none}
    target:
      type: rsync
      server: {selection: ip, value: 192.0.2.10}
      username: user1
      path: /data/backup
      auth_key: !secret env:SPS_TEST_BACKUP_KEY
      host_key: ")" + host_key + R"("
      port: 1122
    start_times: ["2:30"]
)");
  }

  /// The policy's body as the appliance answers GET for it.
  json::object read_policy() {
    TestClient client(sim().port(), sim().ca_pem());
    EXPECT_EQ(client.login().status, 200);
    const TestResponse listing = client.get("/api/configuration/policies/backup_policies");
    for (const auto& item : listing.json().at("items").as_array()) {
      if (item.at("body").at("name") == "offsite-rsync") return item.at("body").as_object();
    }
    ADD_FAILURE() << "offsite-rsync is not on the appliance: " << listing.body;
    return {};
  }

  int m_states = 0;
};

TEST_F(DocumentedShapesTest, HostKeyWrittenAsAnOpenSshLineIsUnchangedOnceTheApplianceHasIt) {
  const std::string line = std::string("ssh-rsa ") + kKeyBlob + " backup@dr-site";
  const std::string state = rsync_policy(line);
  const CliRun applied = run_with_sim({"apply", "--auto-approve", state});
  ASSERT_EQ(applied.code, cli::kExitOk) << applied.all();

  // given the appliance answers with the documented read form
  const json::value host_key = read_policy().at("target").at("host_key");
  ASSERT_EQ(host_key, (json::object{{"selection", "rsa"}, {"value", kKeyBlob}})) << host_key;

  // expect the OpenSSH line of the same key to compare equal: no change, exit 0
  const CliRun same = run_with_sim({"plan", "--detailed-exitcode", state});
  EXPECT_EQ(same.code, cli::kExitOk) << same.all();
  EXPECT_EQ(same.out.find("host_key"), std::string::npos) << same.out;

  // and another key to be a change of the key's value, named by field
  std::string other = kKeyBlob;
  other[40] = other[40] == 'A' ? 'B' : 'A';
  const CliRun changed = run_with_sim({"plan", "--detailed-exitcode", rsync_policy("ssh-rsa " + other)});
  EXPECT_EQ(changed.code, cli::kExitChanges) << changed.all();
  EXPECT_NE(changed.out.find("target.host_key.value"), std::string::npos) << changed.out;
}

TEST_F(DocumentedShapesTest, BodyCopiedFromAGetAnswerLoadsAndPlansUnchanged) {
  ASSERT_EQ(run_with_sim({"apply", "--auto-approve", rsync_policy(std::string("ssh-rsa ") + kKeyBlob)}).code, cli::kExitOk);
  json::object body = read_policy();
  const json::value auth_key = body.at("target").at("auth_key");
  ASSERT_TRUE(auth_key.as_object().contains("meta")) << auth_key;

  // given the GET body pasted into the desired state (JSON is YAML), reference and host key
  // in their read form, expect validate and plan to accept it and find nothing to change
  const std::string pasted = write_state("pasted", "policies/backup_policies:\n  - " + json::serialize(body) + "\n");
  const CliRun validated = run_cli({"validate", pasted});
  EXPECT_EQ(validated.code, cli::kExitOk) << validated.all();
  const CliRun planned = run_with_sim({"plan", "--detailed-exitcode", pasted});
  EXPECT_EQ(planned.code, cli::kExitOk) << planned.all();

  // the same with {meta: {href}} alone, as the documentation's backup policy sample shows
  body["target"].as_object()["auth_key"] = json::object{{"meta", auth_key.at("meta")}};
  const std::string href_only = write_state("href-only", "policies/backup_policies:\n  - " + json::serialize(body) + "\n");
  const CliRun href_planned = run_with_sim({"plan", "--detailed-exitcode", href_only});
  EXPECT_EQ(href_planned.code, cli::kExitOk) << href_planned.all();

  // an href into another kind is an error at the reference, not "unknown field meta"
  body["target"].as_object()["auth_key"] =
      json::object{{"meta", json::object{{"href", "/api/configuration/passwords/-1"}}}};
  const std::string foreign = write_state("foreign", "policies/backup_policies:\n  - " + json::serialize(body) + "\n");
  const CliRun refused = run_cli({"validate", foreign});
  EXPECT_EQ(refused.code, cli::kExitError) << refused.all();
  EXPECT_NE(refused.all().find("backup.yaml:2:"), std::string::npos) << refused.all();
  EXPECT_NE(refused.all().find("this reference's href is not an object of \"private_keys\""), std::string::npos)
      << refused.all();
  EXPECT_EQ(refused.all().find("unknown field"), std::string::npos) << refused.all();
}

}  // namespace
}  // namespace sps::testing
