// sps-sim state handling: snapshots, reset/load, out-of-band changes, seeds, restarts, CLI.
#include "core/canonical_json.h"
#include "sim/cli.h"
#include "support/sim_fixture.h"
#include "support/test_client.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gmock/gmock.h>

#include <fstream>

namespace sps::testing {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

class SimStateTest : public SimFixture {
 protected:
  /// Writes a snapshot as a seed directory (<kind path>.json files) under temp_dir().
  std::string write_seed(const json::value& snapshot, const std::string& name) {
    const auto dir = temp_dir() / name;
    for (const auto& [kind, doc] : snapshot.as_object()) {
      const auto file = dir / (std::string(kind) + ".json");
      std::filesystem::create_directories(file.parent_path());
      std::ofstream(file) << json::serialize(doc);
    }
    return dir.string();
  }
  static constexpr const char* kPolicy =
      R"({"name":"nightly","include_node_id_in_path":false,"notification_event":{"type":"none"},)"
      R"("target":{"type":"nfs","server":{"selection":"ip","value":"10.0.0.5"},"path":"/b"},)"
      R"("start_times":["02:00"]})";
};

TEST_F(SimStateTest, SnapshotIsCanonicalAndCoversEveryKind) {
  const std::string text = sim().committed_snapshot_text();
  EXPECT_EQ(text, sim().committed_snapshot_text());
  const json::value snapshot = json::parse(text);
  EXPECT_TRUE(snapshot.as_object().contains("management/webinterface"));
  EXPECT_EQ(snapshot.at("policies/audit_policies").at("items").at(0).at("key"), "-1");
  EXPECT_EQ(text, core::canonical_json(snapshot));
}

TEST_F(SimStateTest, OutOfBandChangesAreCommittedAndVisible) {
  auto key = sim().out_of_band_create("policies/backup_policies", json::parse(kPolicy));
  ASSERT_TRUE(key) << key.error().message;
  TestClient c(sim().port(), sim().ca_pem());
  ASSERT_EQ(c.login().status, 200);
  EXPECT_EQ(c.get("/api/configuration/policies/backup_policies/" + *key).json().at("body").at("name"),
            "nightly");
  ASSERT_TRUE(sim().out_of_band_delete("policies/backup_policies/" + *key));
  EXPECT_EQ(c.get("/api/configuration/policies/backup_policies/" + *key).status, 404);
  // Invalid changes (a dangling reference) are refused like a commit would be; nothing changes.
  const std::string before = sim().committed_snapshot_text();
  auto invalid = sim().out_of_band_replace("management/system_backup",
                                           json::parse(R"({"backup_policy":"nosuchkey"})"));
  EXPECT_FALSE(invalid);
  EXPECT_EQ(sim().committed_snapshot_text(), before);
  EXPECT_FALSE(sim().out_of_band_delete("policies/backup_policies/nosuchkey"));
}

TEST_F(SimStateTest, OutOfBandChangesFailWhileTheLockIsHeld) {
  ASSERT_TRUE(sim().hold_lock("alice"));
  auto r = sim().out_of_band_replace("management/soap", json::parse(R"({"enabled":true})"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kConflict);
}

TEST_F(SimStateTest, ResetRestoresTheSeedAndLoadStateReplacesIt) {
  const std::string seed = sim().committed_snapshot_text();
  ASSERT_TRUE(sim().out_of_band_replace("management/soap", json::parse(R"({"enabled":true})")));
  const json::value changed = sim().committed_snapshot();
  ASSERT_NE(sim().committed_snapshot_text(), seed);
  ASSERT_TRUE(sim().reset());
  EXPECT_EQ(sim().committed_snapshot_text(), seed);
  ASSERT_TRUE(sim().load_state(changed));
  EXPECT_EQ(sim().committed_snapshot(), changed);
  EXPECT_FALSE(sim().load_state(json::parse(R"({"no/such/kind":{}})")));
}

TEST_F(SimStateTest, SeededKeysAreStableAcrossRestarts) {
  ASSERT_TRUE(sim().out_of_band_create("policies/backup_policies", json::parse(kPolicy)));
  const json::value snapshot = sim().committed_snapshot();
  sim::Options options = sim_options();
  options.seed_dir = write_seed(snapshot, "seed");
  options.rng_seed = 0;  // random keys for new objects: seeded ones must still be stable
  restart_sim(options);
  EXPECT_EQ(sim().committed_snapshot(), snapshot);
  const std::string first = sim().committed_snapshot_text();
  restart_sim(options);
  EXPECT_EQ(sim().committed_snapshot_text(), first);
  const std::string key(
      snapshot.at("policies/backup_policies").at("items").at(0).at("key").as_string());
  TestClient c(sim().port(), sim().ca_pem());
  ASSERT_EQ(c.login().status, 200);
  EXPECT_EQ(c.get("/api/configuration/policies/backup_policies/" + key).status, 200);
}

TEST_F(SimStateTest, GeneratedKeysFollowTheRngSeed) {
  auto first = sim().out_of_band_create("policies/backup_policies", json::parse(kPolicy));
  restart_sim(sim_options());
  auto second = sim().out_of_band_create("policies/backup_policies", json::parse(kPolicy));
  ASSERT_TRUE(first && second);
  EXPECT_EQ(*first, *second);
}

TEST_F(SimStateTest, StopIsIdempotent) {
  sim().stop();
  sim().stop();
  TestClient c(sim().port(), sim().ca_pem(), std::chrono::milliseconds(500));
  EXPECT_EQ(c.get("/api/info").status, 0);
}

TEST(SimCliTest, ParsesListenAndUserSpecs) {
  sim::Options options;
  ASSERT_TRUE(sim::parse_listen("127.0.0.1:0", options));
  EXPECT_EQ(options.port, 0);
  ASSERT_TRUE(sim::parse_listen("[::1]:8443", options));
  EXPECT_EQ(options.host, "::1");
  EXPECT_EQ(options.port, 8443);
  EXPECT_FALSE(sim::parse_listen("127.0.0.1", options));
  EXPECT_FALSE(sim::parse_listen("127.0.0.1:99999", options));
  auto user = sim::parse_user("ops:pa:ss:readonly");
  ASSERT_TRUE(user);
  EXPECT_EQ(user->name, "ops");
  EXPECT_EQ(user->password, "pa:ss");
  EXPECT_TRUE(user->read_only);
  auto bad = sim::parse_user("nopassword-Secret");
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, ::testing::Not(HasSubstr("Secret")));
}

}  // namespace
}  // namespace sps::testing
