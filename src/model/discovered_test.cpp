#include "model/discovered.h"

#include "catalog/discover.h"
#include "model/normalize.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace sps::model {
namespace {
namespace json = boost::json;

// A live listing of connection policies referring to time policies and a password object.
const char* kConnections = R"({"items": [
  {"key": "c1", "body": {"name": "admins", "active": true, "network": {"ports": [22]},
   "time_policy": {"key": "-100", "meta": {"href": "/api/configuration/policies/time_policies/-100"}},
   "server_password": {"key": "p1", "meta": {"href": "/api/configuration/passwords/p1"}}}}]})";
const char* kTimePolicies = R"({"items": [
  {"key": "-100", "body": {"name": "7x24", "Mon": [["00:00", "23:59"]]}},
  {"key": "t2", "body": {"name": "office", "Mon": [["08:00", "18:00"]]}}]})";

catalog::Catalog joined(std::vector<catalog::Kind> kinds) {
  catalog::Kind passwords;
  passwords.path = "passwords";
  passwords.rest_path = "/api/configuration/passwords";
  passwords.shape = catalog::Shape::kCollection;
  passwords.write_once = true;
  kinds.push_back(passwords);
  auto c = catalog::Catalog().with_kinds(std::move(kinds));
  EXPECT_TRUE(c) << c.error().message;
  return c ? std::move(*c) : catalog::Catalog();
}

catalog::Kind derive(const char* path, const char* doc) {
  auto k = catalog::derive_kind(path, json::parse(doc));
  EXPECT_TRUE(k) << k.error().message;
  return k ? std::move(*k) : catalog::Kind();
}

/// A desired state as the loader leaves a discovered kind: one whole resource.
DesiredState whole(const std::string& kind, const char* value, std::map<std::string, core::SourceLocation> locations,
                   std::vector<SecretSource> secrets = {}) {
  DesiredState d;
  Resource r;
  r.address = {kind, ""};
  r.body = json::parse(value);
  r.locations = std::move(locations);
  r.secrets = std::move(secrets);
  d.resources.push_back(std::move(r));
  d.discovered.insert(kind);
  return d;
}

TEST(BindDiscoveredTest, CollectionValueSplitsIntoNamedItemsWithRerootedLocationsAndLiteralKeys) {
  const auto catalog = joined({derive("ssh/connections", kConnections), derive("policies/time_policies", kTimePolicies)});
  DesiredState d = whole("ssh/connections",
                         R"([{"name": "b", "time_policy": {"key": "t2", "meta": {"href": "/api/configuration/policies/time_policies/t2"}}},
                             {"name": "a", "time_policy": "7x24"}])",
                         {{"", {"f.yaml", 1, 1}}, {"/0", {"f.yaml", 2, 5}}, {"/0/time_policy", {"f.yaml", 3, 7}},
                          {"/1", {"f.yaml", 4, 5}}});
  core::Diagnostics diags;
  bind_discovered(d, catalog, diags);
  ASSERT_FALSE(diags.has_errors());
  ASSERT_EQ(d.resources.size(), 2u);
  EXPECT_EQ(d.resources[0].address.to_string(), "ssh/connections[a]");  // sorted
  const Resource* b = d.find({"ssh/connections", "b"});
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(json::serialize(b->body.at("time_policy")), R"({"key":"t2"})");  // GET form -> literal key
  EXPECT_EQ(b->location_of("/time_policy").line, 3);
  EXPECT_EQ(b->location_of("").line, 2);
}

TEST(BindDiscoveredTest, ValueThatDoesNotFitTheLiveShapeIsALocatedError) {
  const auto catalog = joined({derive("datetime/timezone", R"({"key": "timezone", "body": "UTC"})"),
                               derive("network/routing", R"({"body": [{"gateway": "10.0.0.1", "target_network": "0.0.0.0/0"}]})")});
  DesiredState d = whole("datetime/timezone", R"({"zone": "UTC"})", {{"", {"f.yaml", 7, 1}}});
  core::Diagnostics diags;
  bind_discovered(d, catalog, diags);
  ASSERT_EQ(diags.error_count(), 1u);
  EXPECT_EQ(diags.items()[0].where.line, 7);
  EXPECT_NE(diags.items()[0].message.find("a single value"), std::string::npos);
  EXPECT_TRUE(d.resources.empty());

  DesiredState routes = whole("network/routing", R"([{"gateway": "10.0.0.2", "target_network": "0.0.0.0/0"}])", {});
  core::Diagnostics ok;
  bind_discovered(routes, catalog, ok);
  EXPECT_FALSE(ok.has_errors());
  ASSERT_EQ(routes.resources.size(), 1u);
  EXPECT_EQ(routes.resources[0].address.to_string(), "network/routing");  // one array body, not items
}

TEST(CheckDiscoveredFieldsTest, UnknownFieldIsAnErrorNamingItsLineAndTheFieldsTheApplianceHas) {
  const auto catalog = joined({derive("ssh/connections", kConnections), derive("policies/time_policies", kTimePolicies)});
  DesiredState d = whole("ssh/connections", R"([{"name": "new", "activ": true, "network": {"prots": [22]}}])",
                         {{"/0/activ", {"f.yaml", 3, 5}}, {"/0/network/prots", {"f.yaml", 5, 7}}});
  core::Diagnostics diags;
  bind_discovered(d, catalog, diags);
  check_discovered_fields(d, catalog, diags);
  ASSERT_EQ(diags.error_count(), 2u);
  EXPECT_EQ(diags.items()[0].where.line, 3);
  EXPECT_NE(diags.items()[0].message.find("no field \"activ\""), std::string::npos) << diags.items()[0].message;
  EXPECT_NE(diags.items()[0].hint.find("active, name, network, server_password, time_policy"), std::string::npos)
      << diags.items()[0].hint;
  EXPECT_EQ(diags.items()[1].where.line, 5);
  EXPECT_NE(diags.items()[1].message.find("\"prots\" (in /network)"), std::string::npos) << diags.items()[1].message;
}

TEST(CheckDiscoveredFieldsTest, KnownFieldsUnionVariantsAndEmptyCollectionsPass) {
  const auto catalog = joined({derive("management/snmp/trap", R"({"body": {"enabled": true,
                                 "version": {"selection": "2c", "value": {"community": "x"}}}})"),
                               derive("telnet/connections", R"({"items": []})")});
  // Another union variant than the live one cannot be checked, so it passes.
  DesiredState trap = whole("management/snmp/trap", R"({"enabled": false, "version": {"selection": "3", "user": "u"}})", {});
  core::Diagnostics diags;
  bind_discovered(trap, catalog, diags);
  check_discovered_fields(trap, catalog, diags);
  EXPECT_TRUE(diags.empty());
  // A misspelt member of the same variant is caught.
  DesiredState typo = whole("management/snmp/trap", R"({"enabled": false, "version": {"selection": "2c", "value": {"comunity": "x"}}})", {});
  core::Diagnostics typo_diags;
  bind_discovered(typo, catalog, typo_diags);
  check_discovered_fields(typo, catalog, typo_diags);
  EXPECT_EQ(typo_diags.error_count(), 1u);
  // Nothing to learn from: one note, no error.
  DesiredState empty = whole("telnet/connections", R"([{"name": "a", "x": 1}, {"name": "b", "y": 2}])", {});
  core::Diagnostics notes;
  bind_discovered(empty, catalog, notes);
  check_discovered_fields(empty, catalog, notes);
  EXPECT_FALSE(notes.has_errors());
  ASSERT_EQ(notes.count(core::Severity::kNote), 1u);
  EXPECT_NE(notes.items()[0].message.find("unchecked"), std::string::npos);
}

TEST(CheckDiscoveredFieldsTest, PlainTextPasswordReferenceIsAnErrorAndSecretTagPasses) {
  const auto catalog = joined({derive("ssh/connections", kConnections), derive("policies/time_policies", kTimePolicies)});
  DesiredState plain = whole("ssh/connections", R"([{"name": "x", "server_password": "hunter2"}])", {});
  core::Diagnostics diags;
  bind_discovered(plain, catalog, diags);
  check_discovered_fields(plain, catalog, diags);
  ASSERT_EQ(diags.error_count(), 1u);
  EXPECT_NE(diags.items()[0].message.find("plain text"), std::string::npos);
  EXPECT_EQ(diags.items()[0].message.find("hunter2"), std::string::npos);

  DesiredState tagged = whole("ssh/connections", R"([{"name": "x", "server_password": "s3cret"}])", {},
                              {{"/0/server_password", "env:PW"}});
  core::Diagnostics ok;
  bind_discovered(tagged, catalog, ok);
  check_discovered_fields(tagged, catalog, ok);
  EXPECT_FALSE(ok.has_errors());
  ASSERT_EQ(tagged.resources.size(), 1u);
  ASSERT_EQ(tagged.resources[0].secrets.size(), 1u);
  EXPECT_EQ(tagged.resources[0].secrets[0].pointer, "/server_password");
}

TEST(MarkDesiredSecretsTest, SecretTagsBecomeInlineSecretsOfTheKindUnlessWriteOnly) {
  catalog::Kind kind = derive("ssh/connections", kConnections);
  const DesiredState d = whole("ssh/connections", R"([{"name": "x", "server_password": "a", "banner": {"text": "b"}},
                                                      {"name": "y", "banner": {"text": "c"}}])",
                               {}, {{"/0/server_password", "env:PW"}, {"/1/banner/text", "env:BANNER"}});
  mark_desired_secrets(kind, d);
  ASSERT_NE(kind.secret_at("/banner/text"), nullptr);
  EXPECT_EQ(kind.secret_at("/banner/text")->mode, catalog::SecretMode::kInline);
  EXPECT_EQ(kind.secret_at("/server_password")->mode, catalog::SecretMode::kPasswordObject);
  EXPECT_EQ(kind.secret_at("/name"), nullptr);
}

TEST(NormalizeDiscoveredTest, ReferencesShowByTargetNameWhenTheTargetHasNames) {
  const auto catalog = joined({derive("ssh/connections", kConnections), derive("policies/time_policies", kTimePolicies)});
  RawLive raw;
  raw.documents["ssh/connections"] = json::parse(kConnections);
  raw.documents["policies/time_policies"] = json::parse(kTimePolicies);
  core::Diagnostics diags;
  const LiveState live = normalize_live(catalog, {"policies/time_policies", "ssh/connections"}, std::move(raw), diags);
  EXPECT_TRUE(diags.empty());
  const Resource* c = live.find({"ssh/connections", "admins"});
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->body.at("time_policy"), json::value("7x24"));
  EXPECT_EQ(c->body.at("server_password"), json::value("p1"));  // write-only: the object's key
}

}  // namespace
}  // namespace sps::model
