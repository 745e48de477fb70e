// The simulator's pure tree logic: node classification from seed documents, directory
// listings, sibling links, reference extraction from read-form values, and commit-time
// referential integrity, without sockets.
#include "sim/store.h"
#include "sim/tree.h"

#include <boost/json/parse.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sps::sim {
namespace {
namespace json = boost::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

json::value parse(std::string_view text) { return json::parse(text); }

}  // namespace

void PrintTo(const ReferenceSite& site, std::ostream* os) { *os << site.pointer << " -> " << site.target; }

namespace {

TEST(SimTreeTest, HrefTargetIsTheCollectionOfTheReferencedObject) {
  EXPECT_EQ(href_target("/api/configuration/policies/time_policies/-100"), "policies/time_policies");
  EXPECT_EQ(href_target("/api/configuration/x509/fd1c73e8-bcb8-4d13-991f-722f492dc074"), "x509");
  EXPECT_EQ(href_target("/api/configuration/network/nics/nic1#interfaces/a/addresses/b"),
            "network/nics");
  EXPECT_EQ(href_target("/api/configuration/x509"), std::nullopt);  // no object key
  EXPECT_EQ(href_target("/api/transaction"), std::nullopt);
}

TEST(SimTreeTest, CollapseReferencesTurnsReadFormIntoKeysAndReportsSites) {
  json::value body = parse(R"({
    "name": "all",
    "rules": [
      {"channel": "x11", "time_policy": {"key": "-100", "meta": {"href": "/api/configuration/policies/time_policies/-100"}}},
      {"channel": "agent", "time_policy": {"key": "-100", "meta": {"href": "/api/configuration/policies/time_policies/-100"}}}
    ],
    "ca": {"selection": "identity", "x509_identity": {"key": "u1", "meta": {"href": "/api/configuration/x509/u1"}}},
    "not_a_reference": {"key": "k", "meta": {"href": "/api/configuration/x509/u2"}, "extra": 1}
  })");
  const auto sites = collapse_references(body);
  EXPECT_THAT(sites, ElementsAre(ReferenceSite{"/rules/*/time_policy", "policies/time_policies"},
                                 ReferenceSite{"/ca/x509_identity", "x509"}));
  EXPECT_EQ(body.at("rules").at(1).at("time_policy"), "-100");
  EXPECT_EQ(body.at("ca").at("x509_identity"), "u1");
  EXPECT_TRUE(body.at("not_a_reference").is_object()) << "only exactly {key, meta} is a reference";
}

TEST(SimTreeTest, AnOpenSshHostKeyLineReadsBackAsTheDocumentedUnion) {
  auto host_key = [](std::string_view path, std::string_view key) {
    json::value body = json::object{{"target", json::object{{"type", "rsync"}, {"host_key", key}}}};
    return documented_read_form(path, std::move(body)).at("target").at("host_key");
  };
  EXPECT_EQ(host_key("policies/backup_policies", "ssh-rsa AAAAB3NzaC1yc2E= root@backup"),
            parse(R"({"selection": "rsa", "value": "AAAAB3NzaC1yc2E="})"));
  EXPECT_EQ(host_key("policies/backup_policies", "ssh-dss AAAAB3NzaC1kc3M="),
            parse(R"({"selection": "dss", "value": "AAAAB3NzaC1kc3M="})"));
  // Types the documentation does not list, other paths and non-lines stay as written.
  EXPECT_EQ(host_key("policies/backup_policies", "ssh-ed25519 AAAAC3Nz"), "ssh-ed25519 AAAAC3Nz");
  EXPECT_EQ(host_key("policies/archive_cleanup_policies", "ssh-rsa AAAA"), "ssh-rsa AAAA");
  EXPECT_EQ(host_key("policies/backup_policies", "ssh-rsa"), "ssh-rsa");
}

TEST(SimTreeTest, DirectoriesAreTheProperPrefixesOfNodes) {
  NodeTable table;
  ASSERT_TRUE(table.add("management/snmp/trap", NodeShape::kSingleton));
  ASSERT_TRUE(table.add("management/email", NodeShape::kSingleton));
  ASSERT_TRUE(table.add("ssh/connections", NodeShape::kCollection));
  ASSERT_TRUE(table.add("ssh/channel_policies", NodeShape::kCollection));
  ASSERT_TRUE(table.add("x509", NodeShape::kCollection));
  EXPECT_THAT(table.children(""), ElementsAre("management", "ssh", "x509"));
  EXPECT_THAT(table.children("management"), ElementsAre("email", "snmp"));
  EXPECT_THAT(table.children("management/snmp"), ElementsAre("trap"));
  EXPECT_THAT(table.children("ssh"), ElementsAre("channel_policies", "connections"));
  EXPECT_THAT(table.children("ssh/connections"), IsEmpty()) << "a node is not a directory";
  EXPECT_THAT(table.children("nothing"), IsEmpty());
  EXPECT_TRUE(table.check());
}

TEST(SimTreeTest, ANodeInsideAnotherNodeIsRejected) {
  NodeTable table;
  ASSERT_TRUE(table.add("management/snmp", NodeShape::kSingleton));
  ASSERT_TRUE(table.add("management/snmp-agent", NodeShape::kSingleton));
  ASSERT_TRUE(table.add("management/snmp/trap", NodeShape::kSingleton));
  auto checked = table.check();
  ASSERT_FALSE(checked);
  EXPECT_THAT(checked.error().message, HasSubstr("management/snmp/trap lies inside management/snmp"));
}

TEST(SimTreeTest, AShapeConflictAndBadPathsAreRejected) {
  NodeTable table;
  ASSERT_TRUE(table.add("network/dns", NodeShape::kSingleton));
  EXPECT_FALSE(table.add("network/dns", NodeShape::kCollection));
  EXPECT_FALSE(table.add("/network/dns", NodeShape::kSingleton));
  EXPECT_FALSE(table.add("network//dns", NodeShape::kSingleton));
  EXPECT_FALSE(table.add("", NodeShape::kSingleton));
}

TEST(SimTreeTest, DocumentationFactsApplyToTheirPaths) {
  NodeTable table;
  auto passwords = table.add("passwords", NodeShape::kCollection);
  auto license = table.add("management/license", NodeShape::kSingleton);
  auto backup = table.add("management/system_backup", NodeShape::kSingleton);
  ASSERT_TRUE(passwords && license && backup);
  EXPECT_TRUE((*passwords)->write_once);
  EXPECT_TRUE((*license)->read_only);
  EXPECT_FALSE((*backup)->read_only);
  EXPECT_THAT((*backup)->references,
              ElementsAre(ReferenceSite{"/backup_policy", "policies/backup_policies"}));
}

TEST(SimTreeTest, ReferenceHrefsFollowTheTargetShape) {
  NodeTable table;
  ASSERT_TRUE(table.add("x509", NodeShape::kCollection));
  ASSERT_TRUE(table.add("network/nics", NodeShape::kCollection));
  ASSERT_TRUE(table.add("management/email", NodeShape::kSingleton));
  EXPECT_EQ(table.reference_href("x509", "u1"), "/api/configuration/x509/u1");
  EXPECT_EQ(table.reference_href("management/email", "email"), "/api/configuration/management/email");
  EXPECT_EQ(table.reference_href("network/nics", "nic1.interfaces.a.addresses.b"),
            "/api/configuration/network/nics/nic1#interfaces/a/addresses/b");
}

TEST(SimTreeTest, SiblingLinksAreNullAtTheEnds) {
  const std::vector<std::string> siblings{"dns", "naming", "routing"};
  const json::object first = sibling_links(siblings, "dns", "/api/configuration/network");
  EXPECT_EQ(first.at("first"), "/api/configuration/network/dns");
  EXPECT_EQ(first.at("last"), "/api/configuration/network/routing");
  EXPECT_TRUE(first.at("previous").is_null());
  EXPECT_EQ(first.at("next"), "/api/configuration/network/naming");
  const json::object last = sibling_links(siblings, "routing", "/api/configuration/network");
  EXPECT_EQ(last.at("previous"), "/api/configuration/network/naming");
  EXPECT_TRUE(last.at("next").is_null());
  const json::object none = sibling_links({}, "x", "/api");
  EXPECT_TRUE(none.at("first").is_null());
  EXPECT_TRUE(none.at("last").is_null());
}

/// A store over an empty catalog, loaded with a state document.
Store store_with(std::string_view state_text) {
  static const catalog::Catalog empty_catalog = [] {
    auto parsed = catalog::Catalog::parse({});
    return std::move(*parsed);
  }();
  Options options;
  options.rng_seed = 7;
  auto store = Store::create(empty_catalog, options);
  EXPECT_TRUE(store);
  auto loaded = store->load_state(json::parse(state_text).as_object());
  EXPECT_TRUE(loaded) << (loaded ? "" : loaded.error().message);
  return std::move(*store);
}

constexpr std::string_view kState = R"({
  "policies/time_policies": {"items": [{"key": "-100", "body": {"name": "7x24"}},
                                        {"key": "a1", "body": {"name": "office"}}]},
  "ssh/channel_policies": {"items": [{"key": "-10000", "body": {"name": "all", "rules": [
      {"channel": "x11", "time_policy": {"key": "a1", "meta": {"href": "/api/configuration/policies/time_policies/a1"}}}]}}]},
  "datetime/timezone": {"key": "timezone", "body": "Europe/Budapest"},
  "network/routing": {"key": "routing", "body": [{"gateway": "10.0.0.1", "target_network": "10.1.0.0/16"}]}
})";

TEST(SimStoreTest, AnySeededPathIsANodeOfItsShapeWithReferencesStoredAsKeys) {
  Store store = store_with(kState);
  const NodeSpec* timezone = store.nodes().find("datetime/timezone");
  ASSERT_NE(timezone, nullptr);
  EXPECT_FALSE(timezone->is_collection());
  EXPECT_EQ(store.committed().at("datetime/timezone").items.at(0).body, "Europe/Budapest");
  EXPECT_TRUE(store.committed().at("network/routing").items.at(0).body.is_array());
  const NodeSpec* channels = store.nodes().find("ssh/channel_policies");
  ASSERT_NE(channels, nullptr);
  EXPECT_TRUE(channels->is_collection());
  EXPECT_THAT(channels->references,
              ElementsAre(ReferenceSite{"/rules/*/time_policy", "policies/time_policies"}));
  EXPECT_EQ(store.committed().at("ssh/channel_policies").items.at(0).body.at("rules").at(0).at("time_policy"),
            "a1");
  EXPECT_TRUE(store.validate(store.committed()).empty());
}

TEST(SimStoreTest, DeletingAReferencedObjectFailsReferentialIntegrityNamingTheReferrer) {
  Store store = store_with(kState);
  ASSERT_TRUE(store.hold_lock("tester"));
  NodeSpec* times = store.find_node("policies/time_policies");
  ASSERT_NE(times, nullptr);
  store.remove(store.pending(), *times, "a1");
  const auto problems = store.validate(store.pending());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].path, "/api/configuration/ssh/channel_policies/-10000");
  EXPECT_EQ(problems[0].pointer, "/rules/0/time_policy");
  EXPECT_THAT(problems[0].message, HasSubstr("which this transaction deletes"));
}

TEST(SimStoreTest, ADanglingReferenceOnADiscoveredKindIsTheOnlyCommitCheck) {
  Store store = store_with(kState);
  ASSERT_TRUE(store.hold_lock("tester"));
  NodeSpec* channels = store.find_node("ssh/channel_policies");
  // A body no client schema would accept, with a reference to nothing: only the reference
  // is a problem.
  json::value body = store.normalize_body(
      *channels, parse(R"({"whatever": [1, "two"], "rules": [{"time_policy": "nope"}]})"));
  store.replace(store.pending(), *channels, "-10000", std::move(body));
  const auto problems = store.validate(store.pending());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].message,
            "references /api/configuration/policies/time_policies/nope, which does not exist");
}

TEST(SimStoreTest, AReadFormReferenceInAWriteTeachesTheNodeANewSite) {
  Store store = store_with(kState);
  ASSERT_TRUE(store.hold_lock("tester"));
  NodeSpec* routing = store.find_node("network/routing");
  json::value body = store.normalize_body(*routing, parse(R"([{"gateway": "10.0.0.1",
      "policy": {"key": "-100", "meta": {"href": "/api/configuration/policies/time_policies/-100"}}}])"));
  EXPECT_EQ(body.at(0).at("policy"), "-100");
  EXPECT_THAT(routing->references, ElementsAre(ReferenceSite{"/*/policy", "policies/time_policies"}));
}

TEST(SimStoreTest, SeedReferencingAPathOutsideTheTreeIsRejected) {
  static const catalog::Catalog empty_catalog = *catalog::Catalog::parse({});
  auto store = Store::create(empty_catalog, Options{});
  ASSERT_TRUE(store);
  auto loaded = store->load_state(json::parse(R"({"a/b": {"key": "b", "body":
      {"r": {"key": "k", "meta": {"href": "/api/configuration/nowhere/k"}}}}})").as_object());
  ASSERT_FALSE(loaded);
  EXPECT_THAT(loaded.error().message, HasSubstr("nowhere"));
}

}  // namespace
}  // namespace sps::sim
