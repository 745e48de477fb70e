// Saved plans: the round trip, and the checks that make a saved plan data rather than a
// program (digest, steps re-derived from the carried states, secret sources, staleness).
#include "plan/plan_file.h"

#include "diff/test_catalog.h"
#include "plan/plan_check.h"
#include "render/render.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace sps::plan {
namespace {
namespace json = boost::json;
using testing::desired_resource;
using testing::desired_state;
using testing::live_resource;
using testing::live_state;
using testing::test_catalog;

constexpr const char* kPassword = "hunter2-password";
constexpr const char* kToken = "token-7f00d";

/// A plan that creates a backup policy with a password object and updates the Splunk
/// forwarder (whose inline token is `live_token` on the appliance), saved.
struct Saved {
  model::DesiredState desired;
  model::LiveState live;
  Plan plan;
  json::value doc;
};

Saved make_saved(const std::string& live_token = kToken) {
  Saved s;
  auto policy = desired_resource("policies/backup_policies", "b",
                                 R"({"name": "b", "target": {"type": "smb", "password": "hunter2-password"}})");
  policy.secrets.push_back({"/target/password", "env:SMB_PASSWORD"});
  auto splunk = desired_resource("management/splunk_forwarder", "", R"({"enabled": true, "token": "token-7f00d"})");
  splunk.secrets.push_back({"/token", "file:secrets/splunk.token"});
  s.desired = desired_state({policy, splunk});
  s.live = live_state({live_resource("management/splunk_forwarder", "", "splunk_forwarder",
                                     R"({"enabled": false, "token": ")" + live_token + R"("})"),
                       live_resource("policies/backup_policies", "old", "k1", R"({"name": "old"})")});
  auto changes = diff::compute_changes(s.desired, s.live, test_catalog());
  auto plan = build_plan(changes, s.desired, s.live, test_catalog());
  EXPECT_TRUE(plan.has_value());
  s.plan = *plan;
  const PlanBasis basis{desired_without_secrets(s.desired), live_without_secrets(s.live, s.desired, test_catalog()), {}, {}, {}};
  s.doc = plan_to_file(s.plan, {"https://sps.example.com", "sps-apply test", {"management/splunk_forwarder", "policies/backup_policies"}, "desired-state"},
                       basis);
  return s;
}

/// An edit by someone who also recomputes the digest.
void redigest(json::value& doc) { doc.as_object()["digest"] = content_digest(doc); }

core::Result<Plan> load_and_check(const json::value& doc) {
  auto loaded = plan_from_file(doc);
  if (!loaded) return loaded.error();
  return check_saved_plan(*loaded, test_catalog());
}

/// The saved step of the backup policy's create.
json::object& policy_step(json::value& doc) {
  for (auto& st : doc.at("steps").as_array()) {
    if (st.at("address").at("kind") == "policies/backup_policies") return st.as_object();
  }
  throw std::runtime_error("no backup policy step");
}

TEST(PlanFileTest, RoundTripRederivesTheSameStepsWithoutSecretValues) {
  const Saved s = make_saved();
  const std::string text = json::serialize(s.doc);
  EXPECT_EQ(text.find(kPassword), std::string::npos) << text;
  EXPECT_EQ(text.find(kToken), std::string::npos) << text;
  EXPECT_EQ(s.doc.at("digest").as_string().subview().substr(0, 7), "sha256:");

  auto loaded = plan_from_file(json::parse(text));
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
  EXPECT_EQ(loaded->origin.desired_root, "desired-state");
  EXPECT_EQ(loaded->digest, s.doc.at("digest").as_string());
  auto checked = check_saved_plan(*loaded, test_catalog());
  ASSERT_TRUE(checked.has_value()) << checked.error().message;
  EXPECT_EQ(render::render_plan_json(*checked), render::render_plan_json(s.plan));
  // Every resource read is fingerprinted, the unchanged ones too.
  EXPECT_EQ(checked->fingerprints.size(), 2u);
  EXPECT_EQ(checked->fingerprints.count("policies/backup_policies[old]"), 1u);

  auto resolved = resolve_secrets(*checked, [](const std::string& source) -> core::Result<std::string> {
    if (source == "env:SMB_PASSWORD") return std::string(kPassword);
    if (source == "file:secrets/splunk.token") return std::string(kToken);
    return core::Error(core::ErrorCode::kInvalidConfig, "unset");
  });
  ASSERT_TRUE(resolved.has_value()) << resolved.error().message;
  for (const auto& st : checked->steps) {
    if (st.address.kind == "policies/backup_policies") {
      EXPECT_EQ(st.body.at("target").at("password"), kPassword);
    }
    if (st.address.kind == "management/splunk_forwarder") {
      EXPECT_EQ(st.body.at("token"), kToken);
    }
  }
}

TEST(PlanFileTest, InlineSecretsAreCarriedAsSameOrDiffers) {
  const Saved same = make_saved(kToken);
  EXPECT_EQ(same.doc.at("live").at("resources").at(0).at("body").at("token"), (json::object{{"$sensitive", "same"}}));
  const Saved differs = make_saved("another-token");
  EXPECT_EQ(differs.doc.at("live").at("resources").at(0).at("body").at("token"), (json::object{{"$sensitive", "differs"}}));
  EXPECT_EQ(json::serialize(differs.doc).find("another-token"), std::string::npos);
  // Re-derivation agrees with the original plan on whether the token changes.
  for (const Saved* s : {&same, &differs}) {
    auto checked = load_and_check(s->doc);
    ASSERT_TRUE(checked.has_value()) << checked.error().message;
    EXPECT_EQ(render::render_plan_json(*checked), render::render_plan_json(s->plan));
  }
}

// A !secret in a field the catalog does not mark secret: its live value is masked too, and
// the plan re-derives the same (no) change.
TEST(PlanFileTest, SecretInAPlainFieldIsMaskedInTheCarriedLiveState) {
  auto splunk = desired_resource("management/splunk_forwarder", "", R"({"enabled": true, "sender": "plain-secret-9"})");
  splunk.secrets.push_back({"/sender", "env:SENDER"});
  const auto desired = desired_state({splunk});
  auto live = live_state({live_resource("management/splunk_forwarder", "", "splunk_forwarder",
                                        R"({"enabled": false, "sender": "plain-secret-9"})")});
  auto changes = diff::compute_changes(desired, live, test_catalog());
  auto plan = build_plan(changes, desired, live, test_catalog());
  ASSERT_TRUE(plan.has_value());
  const PlanBasis basis{desired_without_secrets(desired), live_without_secrets(live, desired, test_catalog()), {}, {}, {}};
  const json::value doc = plan_to_file(*plan, {"https://sps.example.com", "t", {"management/splunk_forwarder"}, "."}, basis);
  EXPECT_EQ(json::serialize(doc).find("plain-secret-9"), std::string::npos) << doc;
  auto checked = load_and_check(doc);
  ASSERT_TRUE(checked.has_value()) << checked.error().message;
  EXPECT_EQ(render::render_plan_json(*checked), render::render_plan_json(*plan));
}

TEST(PlanFileTest, EditWithoutNewDigestIsRefusedNamingBothDigests) {
  Saved s = make_saved();
  policy_step(s.doc)["path"] = "/api/configuration/policies/audit_policies";
  auto r = plan_from_file(s.doc);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("does not match its digest"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find(std::string(s.doc.at("digest").as_string())), std::string::npos);
}

TEST(PlanFileTest, InjectedTransactionStepIsRefused) {
  Saved s = make_saved();
  json::object injected = policy_step(s.doc);
  injected["method"] = "PUT";
  injected["path"] = "/api/transaction";
  injected["body"] = json::object{{"status", "commit"}};
  s.doc.at("steps").as_array().insert(s.doc.at("steps").as_array().begin(), injected);
  redigest(s.doc);
  auto r = load_and_check(s.doc);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("PUT /api/transaction"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("configuration endpoints"), std::string::npos) << r.error().message;
}

TEST(PlanFileTest, ExtraStepOfAManagedKindIsRefused) {
  Saved s = make_saved();
  const json::object copy = policy_step(s.doc);
  s.doc.at("steps").as_array().push_back(copy);
  redigest(s.doc);
  auto r = load_and_check(s.doc);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("does not follow from the desired and live states"), std::string::npos)
      << r.error().message;
}

TEST(PlanFileTest, EditedBodyIsRefusedNamingTheField) {
  Saved s = make_saved();
  policy_step(s.doc)["body"].as_object()["target"].as_object()["type"] = "nfs";
  redigest(s.doc);
  auto r = load_and_check(s.doc);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("\"body\" at /target/type differs"), std::string::npos) << r.error().message;
}

TEST(PlanFileTest, WrongMethodForTheChangeIsRefused) {
  Saved s = make_saved();
  policy_step(s.doc)["method"] = "PUT";
  redigest(s.doc);
  auto r = load_and_check(s.doc);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("create of policies/backup_policies[b] is POST"), std::string::npos)
      << r.error().message;
}

TEST(PlanFileTest, ChangedSecretSourceIsRefused) {
  Saved s = make_saved();
  policy_step(s.doc)["secrets"].as_array().at(0).as_object()["source"] = "env:OTHER";
  redigest(s.doc);
  auto r = load_and_check(s.doc);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("\"body\" at /target/password/$secret differs"), std::string::npos)
      << r.error().message;
}

TEST(PlanFileTest, CredentialAsSecretSourceIsRefusedEvenInTheCarriedDesiredState) {
  Saved s = make_saved();
  // Consistent everywhere: the desired state, its placeholder and the step.
  auto& resource = s.doc.at("desired").at("resources").as_array().at(1).as_object();
  ASSERT_EQ(resource.at("address").at("kind"), "policies/backup_policies");
  resource["secrets"].as_array().at(0).as_object()["source"] = "env:SPS_PASSWORD";
  resource["body"].as_object()["target"].as_object()["password"] = json::object{{"$secret", "env:SPS_PASSWORD"}};
  policy_step(s.doc)["secrets"].as_array().at(0).as_object()["source"] = "env:SPS_PASSWORD";
  redigest(s.doc);
  auto r = load_and_check(s.doc);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("SPS_PASSWORD"), std::string::npos) << r.error().message;
  EXPECT_FALSE(check_secret_source("env:SPS_USERNAME").has_value());
  EXPECT_TRUE(check_secret_source("env:SPS_SPLUNK_TOKEN").has_value());
  EXPECT_FALSE(check_secret_source("vault:x").has_value());
}

TEST(PlanFileTest, RejectsDocumentsThatAreNotPlans) {
  auto r = plan_from_file(json::parse(R"({"kind": "something-else", "version": 2})"));
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("not a valid sps-apply plan file"), std::string::npos);
  EXPECT_FALSE(plan_from_file(json::parse(R"({"kind": "sps-apply-plan", "version": 1})")).has_value());
  json::value no_steps = make_saved().doc;
  no_steps.as_object().erase("steps");
  redigest(no_steps);
  EXPECT_FALSE(plan_from_file(no_steps).has_value());
}

// One versioning convention for every JSON output (schemas/output/README.md): plans are written
// with "format_version" "3.2"; every 3.x is read, and so is the format before it ("version": 2).
TEST(PlanFileTest, ReadsEveryMinorOfItsFormatAndTheFormatBefore) {
  const json::value doc = make_saved().doc;
  ASSERT_EQ(doc.at("format_version"), kPlanFileFormatVersion);
  EXPECT_FALSE(doc.as_object().contains("version"));
  const auto with = [&](std::initializer_list<std::pair<const char*, json::value>> members) {
    json::value d = doc;
    d.as_object().erase("format_version");
    for (const auto& [k, v] : members) d.as_object()[k] = v;
    redigest(d);
    return plan_from_file(d);
  };
  EXPECT_TRUE(with({{"version", 2}}).has_value());
  EXPECT_TRUE(with({{"format_version", "3.0"}}).has_value());
  EXPECT_TRUE(with({{"format_version", "3.12"}}).has_value());
  for (const auto& bad : {json::value("4.0"), json::value("3"), json::value("3."), json::value("3.01"),
                          json::value("3.x"), json::value(3), json::value("2.0")}) {
    auto r = with({{"format_version", bad}});
    ASSERT_FALSE(r.has_value()) << json::serialize(bad);
    EXPECT_NE(r.error().message.find("format_version 3.x"), std::string::npos) << r.error().message;
  }
  EXPECT_FALSE(with({{"version", 2}, {"format_version", "3.0"}}).has_value());
  EXPECT_FALSE(with({{"version", 3}}).has_value());
}

TEST(PlanFileTest, UnresolvableSecretNamesItsSourceOnly) {
  auto checked = load_and_check(make_saved().doc);
  ASSERT_TRUE(checked.has_value());
  auto resolved = resolve_secrets(*checked, [](const std::string& source) -> core::Result<std::string> {
    if (source == "file:secrets/splunk.token") return std::string(kToken);
    return core::Error(core::ErrorCode::kInvalidConfig, "environment variable is not set");
  });
  ASSERT_FALSE(resolved.has_value());
  EXPECT_NE(resolved.error().message.find("env:SMB_PASSWORD"), std::string::npos);
  EXPECT_EQ(resolved.error().message.find(kToken), std::string::npos);
}

TEST(CompareLiveTest, NamesEveryChangedResourceAndField) {
  const auto planned = live_state({live_resource("management/splunk_forwarder", "", "s", R"({"enabled": true, "port": 1})"),
                                   live_resource("policies/backup_policies", "a", "k1", R"({"name": "a"})"),
                                   live_resource("policies/backup_policies", "c", "k3", R"({"name": "c"})")});
  const auto now = live_state({live_resource("management/splunk_forwarder", "", "s", R"({"enabled": false, "port": 1})"),
                               live_resource("policies/backup_policies", "b", "k2", R"({"name": "b"})"),
                               live_resource("policies/backup_policies", "c", "k3", R"({"name": "c"})")});
  EXPECT_TRUE(compare_live(planned, planned).empty());
  const auto stale = compare_live(planned, now);
  ASSERT_EQ(stale.size(), 3u);
  EXPECT_EQ(stale[0].address, "management/splunk_forwarder");
  EXPECT_EQ(stale[0].fields, std::vector<std::string>{"/enabled"});
  EXPECT_EQ(stale[1].address, "policies/backup_policies[a]");
  EXPECT_EQ(stale[1].fields, std::vector<std::string>{"(deleted)"});
  EXPECT_EQ(stale[2].address, "policies/backup_policies[b]");
  EXPECT_EQ(stale[2].fields, std::vector<std::string>{"(created)"});
}

}  // namespace
}  // namespace sps::plan
