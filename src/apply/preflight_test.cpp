#include "apply/cluster_sync.h"
#include "apply/preflight.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace sps::apply {
namespace {

plan::Plan plan_with(std::vector<std::pair<std::string, std::string>> requests, bool password = false) {
  plan::Plan plan;
  for (auto& [method, path] : requests) {
    plan::Step s;
    s.method = method;
    s.path = path;
    s.address = {"management/email", ""};
    if (password) s.secrets.push_back({"/password", catalog::SecretMode::kPasswordObject, "env:X"});
    plan.steps.push_back(std::move(s));
  }
  return plan;
}

std::vector<std::string> text(const std::vector<MissingPrivilege>& missing) {
  std::vector<std::string> out;
  for (const auto& m : missing) out.push_back(m.method + " " + m.path);
  return out;
}

// Given endpoint entries that cover paths below them, expect the longest entry to decide.
TEST(PreflightTest, MissingPrivilegesUseTheLongestCoveringEntry) {
  const auto info = boost::json::parse(R"({"endpoints": [
      {"url": "/api", "methods": ["DELETE", "GET", "POST", "PUT"]},
      {"url": "/api/configuration/management/email", "methods": ["GET"]}]})");
  const auto plan = plan_with({{"PUT", "/api/configuration/management/email"},
                               {"PUT", "/api/configuration/management/webinterface"}});
  EXPECT_EQ(text(missing_privileges(plan, catalog::Catalog::builtin(), info)),
            std::vector<std::string>{"PUT /api/configuration/management/email"});
}

TEST(PreflightTest, TransactionAndPasswordObjectsNeedPrivilegesToo) {
  const auto info = boost::json::parse(R"({"endpoints": [
      {"url": "/api/configuration", "methods": ["GET", "POST", "PUT"]},
      {"url": "/api/configuration/passwords", "methods": ["GET"]}]})");
  const auto plan = plan_with({{"PUT", "/api/configuration/management/email"}}, /*password=*/true);
  EXPECT_EQ(text(missing_privileges(plan, catalog::Catalog::builtin(), info)),
            (std::vector<std::string>{"POST /api/transaction", "POST /api/configuration/passwords",
                                      "PUT /api/transaction"}));
}

TEST(PreflightTest, FirmwareComparesMajorAndMinor) {
  EXPECT_TRUE(firmware_at_least("7.5.0", "6.9+"));
  EXPECT_TRUE(firmware_at_least("6.9.4", "6.9+"));
  EXPECT_FALSE(firmware_at_least("6.8.1", "6.9+"));
  EXPECT_FALSE(firmware_at_least("5.7.0", "6.0+"));
  EXPECT_TRUE(firmware_at_least("10.0", "6.9+"));
  EXPECT_TRUE(firmware_at_least("unknown", "6.9+"));  // unparsable: not an error
  EXPECT_TRUE(firmware_at_least("5.0.0", "any version"));
}

TEST(PreflightTest, CentralManagementIsNotAManagedHost) {
  EXPECT_TRUE((ApplianceInfo{"7.5.0", {"managed-host"}}).managed_host());
  EXPECT_FALSE((ApplianceInfo{"7.5.0", {"managed-host", "central-management"}}).managed_host());
  EXPECT_TRUE((ApplianceInfo{"7.5.0", {"central-management", "search-master"}}).central_management());
  EXPECT_FALSE((ApplianceInfo{"7.5.0", {"search-minion"}}).central_management());
}

// The documented sample answer of GET /api/cluster/status (SPS REST API Reference, "Query
// the status of all nodes in the cluster"): the central node ("n/a") and a managed host that
// is pending, with one warning.
constexpr const char* kDocumentedStatus = R"({"items": [
  {"key": "b35c54da-b556-4f91-ade5-d26283d68277", "fqdn": "sps.example.com", "health_status": null,
   "sync_status": "n/a", "meta": {"configuration": "/api/cluster/nodes/b35c54da-b556-4f91-ade5-d26283d68277",
   "href": "/api/cluster/status/b35c54da-b556-4f91-ade5-d26283d68277"}},
  {"key": "46f97a58-4028-467d-9a22-9cfe78ae3e1c", "last_seen": "2018-02-08T10:00:30Z", "fqdn": "managed-host.cluster",
   "health_status": {"memory": 62.5, "disk": 1.9, "swap": 0, "load1": 0.53, "load5": 0.68, "load15": 0.37,
                     "sessions": {"ssh": 3, "rdp": 4}, "total_sessions": 7},
   "sync_status": "pending",
   "configuration_sync": {"last_updated": "2018-02-08T09:59:00Z", "last_checked": "2018-02-08T09:59:00Z",
     "downloaded_xml_hash": "2853830f4aa0a90a63e75bab1b22e513",
     "issues": {"warnings": [{"message": "Connection 'simple_ssh_connection' and local service 'SSH' conflict on 10.30.42.42:22",
       "paths": ["/api/configuration/ssh/connections/12345", "/api/configuration/local_services/ssh"]}]}},
   "meta": {"configuration": "/api/cluster/nodes/46f97a58-4028-467d-9a22-9cfe78ae3e1c",
            "href": "/api/cluster/status/46f97a58-4028-467d-9a22-9cfe78ae3e1c"}}],
  "meta": {"href": "/api/cluster/status", "parent": "/api/cluster"}})";

// Given the documented answer, expect the central node to be left out, the managed host to
// be judged by its last update against the commit, pending, and its warning with paths.
TEST(ClusterSyncTest, JudgesTheDocumentedAnswerAgainstTheCommit) {
  const auto doc = boost::json::parse(kDocumentedStatus);
  const std::int64_t updated = *parse_iso_utc("2018-02-08T09:59:00Z");
  const std::vector<std::string> expected{"managed-host.cluster", "sps-2.example.com"};

  const ClusterStatus after = evaluate_cluster_status(doc, updated + 1, expected);
  ASSERT_EQ(after.nodes.size(), 2U);
  EXPECT_FALSE(after.nodes[0].managed);
  EXPECT_EQ(after.managed(), 1U);
  EXPECT_FALSE(after.nodes[1].in_sync);
  EXPECT_FALSE(after.nodes[1].settled);
  EXPECT_EQ(after.nodes[1].reason,
            "last updated its configuration at 2018-02-08T09:59:00Z, before the commit (2018-02-08T09:59:01Z)");
  EXPECT_EQ(after.missing, std::vector<std::string>{"sps-2.example.com"});

  // Updated at the commit's second, still pending: not in sync.
  const ClusterStatus same_second = evaluate_cluster_status(doc, updated, {});
  EXPECT_EQ(same_second.nodes[1].reason, "sync_status is pending");
  EXPECT_FALSE(same_second.settled());

  // No longer pending: settled, but its warning keeps it from being in sync.
  auto done = doc;
  done.as_object()["items"].as_array()[1].as_object()["sync_status"] = "synced";
  const ClusterStatus with_issue = evaluate_cluster_status(done, updated, {});
  EXPECT_TRUE(with_issue.settled());
  EXPECT_FALSE(with_issue.all_in_sync());
  ASSERT_EQ(with_issue.nodes[1].warnings.size(), 1U);
  EXPECT_EQ(with_issue.nodes[1].warnings[0].paths[1], "/api/configuration/local_services/ssh");
  EXPECT_EQ(with_issue.nodes[1].reason, "took the commit with 1 warning");

  done.as_object()["items"].as_array()[1].as_object()["configuration_sync"].as_object()["issues"] = boost::json::object{};
  const ClusterStatus clean = evaluate_cluster_status(done, updated, {});
  EXPECT_TRUE(clean.all_in_sync());
  EXPECT_EQ(clean.in_sync(), 1U);
}

TEST(ClusterSyncTest, ParsesTheDocumentedTimeForms) {
  EXPECT_EQ(parse_http_date("Thu, 08 Feb 2018 09:59:00 GMT"), parse_iso_utc("2018-02-08T09:59:00Z"));
  EXPECT_EQ(parse_iso_utc("2018-02-08T09:59:00.250+00:00"), parse_iso_utc("2018-02-08T09:59:00Z"));
  EXPECT_EQ(format_iso_utc(*parse_iso_utc("2026-12-02T05:14:46Z")), "2026-12-02T05:14:46Z");
  EXPECT_FALSE(parse_http_date("Thursday, 08-Feb-18 09:59:00 GMT"));
  EXPECT_FALSE(parse_iso_utc("2018-02-08T09:59:00+02:00"));
  EXPECT_FALSE(parse_iso_utc("2018-13-08T09:59:00Z"));
  EXPECT_FALSE(parse_iso_utc(""));
}

}  // namespace
}  // namespace sps::apply
