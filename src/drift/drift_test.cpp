#include "drift/drift.h"

#include "diff/test_catalog.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace sps::drift {
namespace {
namespace json = boost::json;
using testing::desired_resource;
using testing::desired_state;
using testing::live_resource;
using testing::live_state;
using testing::test_catalog;

constexpr const char* kToken = "hec-token-5ec2e7";

std::vector<IgnoreRule> rules(std::initializer_list<const char*> texts) {
  std::vector<IgnoreRule> out;
  for (const char* t : texts) {
    auto r = parse_ignore_rule(t, test_catalog());
    EXPECT_TRUE(r.has_value()) << t;
    if (r) out.push_back(*r);
  }
  return out;
}

/// A desired state and a live state with one of each finding: the Splunk port and token
/// changed by hand, a backup policy missing, one unmanaged in a pruned collection... 
struct Scenario {
  model::DesiredState desired;
  model::LiveState live;

  Scenario() {
    auto splunk = desired_resource("management/splunk_forwarder", "", R"({"enabled": true, "port": 8088})");
    splunk.body.as_object()["token"] = kToken;
    splunk.locations[""] = {"forwarders.yaml", 3, 1};
    splunk.locations["/port"] = {"forwarders.yaml", 5, 3};
    auto nightly = desired_resource("policies/backup_policies", "nightly",
                                    R"({"name": "nightly", "target": {"type": "nfs", "password": "pw-1"}})");
    nightly.locations[""] = {"policies.yaml", 10, 5};
    nightly.locations["/target/password"] = {"policies.yaml", 14, 9};
    auto weekly = desired_resource("policies/backup_policies", "weekly", R"({"name": "weekly"})");
    weekly.locations[""] = {"policies.yaml", 20, 5};
    desired = desired_state({splunk, nightly, weekly});
    desired.settings.prune.insert("policies/backup_policies");
    desired.settings.prune_locations["policies/backup_policies"] = {"policies.yaml", 30, 7};
    desired.settings.kind_locations["policies/backup_policies"] = {"policies.yaml", 9, 1};
    desired.settings.kind_locations["policies/audit_policies"] = {"policies.yaml", 40, 1};
    auto live_splunk = live_resource("management/splunk_forwarder", "", "splunk_forwarder",
                                     R"({"enabled": true, "port": 9999, "token": "changed-by-hand"})");
    live = live_state({live_splunk,
                       live_resource("policies/backup_policies", "nightly", "k1",
                                     R"({"name": "nightly", "target": {"type": "nfs", "password": "pwkey-7"}})"),
                       live_resource("policies/backup_policies", "by-hand", "k2", R"({"name": "by-hand"})"),
                       live_resource("policies/audit_policies", "default", "-1", R"({"name": "default"})"),
                       live_resource("policies/audit_policies", "manual", "k3", R"({"name": "manual"})")});
  }

  DriftReport report(std::span<const IgnoreRule> r = {}) const {
    const auto changes = diff::compute_changes(desired, live, test_catalog());
    return build_report(changes, desired, live, test_catalog(), r);
  }
};

const ResourceReport* find(const DriftReport& r, const std::string& address) {
  for (const auto& x : r.resources) {
    if (x.address.to_string() == address) return &x;
  }
  return nullptr;
}

TEST(ParseIgnoreRuleTest, SplitsKindNameAndPointer) {
  struct Case {
    const char* text;
    const char* kind;
    const char* name;
    const char* pointer;
  };
  const std::vector<Case> cases{
      {"policies/backup_policies[nightly]/target/path", "policies/backup_policies", "nightly", "/target/path"},
      {"management/splunk_forwarder/port", "management/splunk_forwarder", "", "/port"},
      {"policies/backup_policies[weekly]", "policies/backup_policies", "weekly", ""},
      {"policies/audit_policies", "policies/audit_policies", "", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto r = parse_ignore_rule(c.text, test_catalog());
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_EQ(r->kind, c.kind);
    EXPECT_EQ(r->name, c.name);
    EXPECT_EQ(r->pointer, c.pointer);
  }
}

TEST(ParseIgnoreRuleTest, RejectsUnknownKindsAndMalformedRules) {
  for (const char* bad : {"policies/nope/port", "policies/backup_policies[]/x", "policies/backup_policies[a",
                          "policies/backup_policies[a]port", "nowhere[x]"}) {
    SCOPED_TRACE(bad);
    auto r = parse_ignore_rule(bad, test_catalog());
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find(bad), std::string::npos) << r.error().message;
  }
}

// A rule whose pointer no body of its kind can have is refused, naming the first token the
// schema does not allow and what it allows there; "$ref", unions and lists are followed, open
// objects accept anything, and kinds without a schema file (discovered) are not judged.
TEST(ParseIgnoreRuleTest, RefusesPointersOutsideTheKindsSchema) {
  const std::vector<std::pair<std::string, std::string>> files{{"policies/widgets.json", R"({
      "x-sps": {"path": "policies/widgets", "shape": "collection", "identity": "name"},
      "definitions": {"host": {"oneOf": [
          {"type": "object", "properties": {"selection": {"const": "ip"}, "address": {"type": "string"}},
           "additionalProperties": false},
          {"type": "object", "properties": {"selection": {"const": "fqdn"}, "value": {"type": "string"}},
           "additionalProperties": false},
          {"type": "null"}]}},
      "type": "object", "additionalProperties": false,
      "properties": {"name": {"type": "string"}, "server": {"$ref": "#/definitions/host"},
        "times": {"type": "array", "items": {"type": "object", "additionalProperties": false,
                                             "properties": {"start": {"type": "string"}}}},
        "extra": {"type": "object"}, "anything": {},
        "limits": {"allOf": [{"type": "object", "properties": {"max": {"type": "integer"}}}]}}})"}};
  const auto catalog = catalog::Catalog::parse(files);
  ASSERT_TRUE(catalog.has_value()) << catalog.error().message;
  for (const char* good : {"policies/widgets/server/value", "policies/widgets[a]/server/address", "policies/widgets/times/0/start",
                           "policies/widgets/times/*/start", "policies/widgets/*/start", "policies/widgets/extra/x/y",
                           "policies/widgets/anything/x", "policies/widgets/limits/max", "policies/widgets/limits/other"}) {
    SCOPED_TRACE(good);
    auto r = parse_ignore_rule(good, *catalog);
    EXPECT_TRUE(r.has_value()) << r.error().message;
  }
  struct Case {
    const char* rule;
    const char* token;
    const char* parent;
    std::vector<std::string> allowed;
    bool in_list;
    const char* message;
  };
  const std::vector<Case> cases{
      {"policies/widgets/nme", "nme", "", {"anything", "extra", "limits", "name", "server", "times"}, false,
       "policies/widgets has no field \"nme\""},
      {"policies/widgets[a]/server/valeu", "valeu", "/server", {"address", "selection", "value"}, false,
       "policies/widgets/server has no field \"valeu\""},
      {"policies/widgets/times/first/start", "first", "/times", {}, true,
       "policies/widgets/times is a list and \"first\" is not an index"},
      {"policies/widgets/times/0/stat", "stat", "/times/0", {"start"}, false, "has no field \"stat\""},
      {"policies/widgets/name/first", "first", "/name", {}, false,
       "policies/widgets/name is a single value, with no field \"first\""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.rule);
    model::SchemaMiss miss;
    auto r = parse_ignore_rule(c.rule, *catalog, &miss);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, core::ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().message.find("ignore rule \"" + std::string(c.rule) + "\" can never match"), std::string::npos)
        << r.error().message;
    EXPECT_NE(r.error().message.find(c.message), std::string::npos) << r.error().message;
    EXPECT_EQ(miss.token, c.token);
    EXPECT_EQ(miss.parent, c.parent);
    EXPECT_EQ(miss.allowed, c.allowed);
    EXPECT_EQ(miss.in_list, c.in_list);
  }
  // A discovered kind (no schema file) accepts every pointer: its shape is the appliance's.
  catalog::Kind discovered = catalog->kinds().front();
  discovered.schema_file.clear();
  EXPECT_FALSE(model::schema_miss(discovered, "/nme").has_value());
  EXPECT_TRUE(model::schema_miss(catalog->kinds().front(), "/nme").has_value());
}

TEST(IgnoreRuleTest, CoversItsPointerAndEverythingBelowButNotAbove) {
  const auto r = rules({"policies/backup_policies/target/*"});
  const model::Address a{"policies/backup_policies", "x"};
  EXPECT_TRUE(r[0].matches(a, "/target/path"));
  EXPECT_TRUE(r[0].matches(a, "/target/server/value"));
  EXPECT_FALSE(r[0].matches(a, "/target"));
  EXPECT_FALSE(r[0].matches(a, ""));
  EXPECT_FALSE(r[0].matches({"policies/audit_policies", "x"}, "/target/path"));
  const auto named = rules({"policies/backup_policies[y]"});
  EXPECT_TRUE(named[0].matches({"policies/backup_policies", "y"}, ""));
  EXPECT_TRUE(named[0].matches({"policies/backup_policies", "y"}, "/name"));
  EXPECT_FALSE(named[0].matches(a, ""));
}

TEST(BuildReportTest, ClassifiesEachFinding) {
  const DriftReport r = Scenario().report();
  EXPECT_TRUE(r.has_drift());
  const auto* splunk = find(r, "management/splunk_forwarder");
  ASSERT_NE(splunk, nullptr);
  EXPECT_EQ(splunk->status, Status::kChanged);
  ASSERT_EQ(splunk->changed.size(), 2u);
  EXPECT_EQ(splunk->changed[0].field.pointer, "/port");
  EXPECT_EQ(splunk->changed[0].where.line, 5);  // the field's own line
  EXPECT_EQ(splunk->changed[1].where.line, 3);  // the token has none: the resource's
  EXPECT_EQ(find(r, "policies/backup_policies[weekly]")->status, Status::kMissing);
  const auto* by_hand = find(r, "policies/backup_policies[by-hand]");
  ASSERT_NE(by_hand, nullptr);
  EXPECT_EQ(by_hand->status, Status::kUnmanaged);
  EXPECT_TRUE(by_hand->pruned);
  EXPECT_EQ(by_hand->where.line, 30);  // the prune entry
  const auto* manual = find(r, "policies/audit_policies[manual]");
  ASSERT_NE(manual, nullptr);
  EXPECT_FALSE(manual->pruned);
  EXPECT_FALSE(manual->is_drift());
  EXPECT_EQ(find(r, "policies/audit_policies[default]"), nullptr);  // built-in: left out
  const auto* nightly = find(r, "policies/backup_policies[nightly]");
  EXPECT_EQ(nightly->status, Status::kInSync);
  ASSERT_EQ(nightly->unknowable.size(), 1u);
  EXPECT_EQ(nightly->unknowable[0].field.pointer, "/target/password");
  EXPECT_EQ(nightly->unknowable[0].where.line, 14);
  const Summary s = r.summary();
  EXPECT_EQ(s.changed, 1u);
  EXPECT_EQ(s.missing, 1u);
  EXPECT_EQ(s.unmanaged, 2u);
  EXPECT_EQ(s.would_delete, 1u);
  EXPECT_EQ(s.unknowable, 1u);
}

TEST(BuildReportTest, IgnoredFieldsAndResourcesAreNotDrift) {
  const auto r = rules({"management/splunk_forwarder/port", "management/splunk_forwarder/token",
                        "policies/backup_policies[weekly]", "policies/backup_policies[by-hand]"});
  const DriftReport report = Scenario().report(r);
  EXPECT_FALSE(report.has_drift());
  const auto* splunk = find(report, "management/splunk_forwarder");
  EXPECT_EQ(splunk->status, Status::kIgnored);
  ASSERT_EQ(splunk->ignored.size(), 2u);
  EXPECT_EQ(splunk->ignored[0].ignored_by, "management/splunk_forwarder/port");
  EXPECT_EQ(find(report, "policies/backup_policies[weekly]")->status, Status::kIgnored);
  EXPECT_EQ(report.summary().ignored, 3u);  // three resources; fields of ignored resources are not counted again
}

TEST(BuildReportTest, PartlyIgnoredResourceStillDrifts) {
  const auto r = rules({"management/splunk_forwarder/port"});
  const DriftReport report = Scenario().report(r);
  const auto* splunk = find(report, "management/splunk_forwarder");
  EXPECT_EQ(splunk->status, Status::kChanged);
  ASSERT_EQ(splunk->changed.size(), 1u);
  EXPECT_EQ(splunk->changed[0].field.pointer, "/token");
}

TEST(RenderDriftTest, EveryFormatMasksSecrets) {
  const DriftReport r = Scenario().report();
  for (const std::string& text : {render_drift_text(r), render_drift_json(r), render_drift_markdown(r),
                                  render_drift_junit(r)}) {
    EXPECT_EQ(text.find(kToken), std::string::npos) << text;
    EXPECT_EQ(text.find("changed-by-hand"), std::string::npos) << text;
    EXPECT_EQ(text.find("pw-1"), std::string::npos) << text;
    EXPECT_EQ(text.find("pwkey-7"), std::string::npos) << text;
    EXPECT_NE(text.find("(sensitive)"), std::string::npos) << text;
  }
}

TEST(RenderDriftTest, TextNamesEachFindingWithItsLocation) {
  const std::string text = render_drift_text(Scenario().report());
  EXPECT_NE(text.find("~ management/splunk_forwarder"), std::string::npos) << text;
  EXPECT_NE(text.find("port: git 8088, appliance 9999  (forwarders.yaml:5:3)"), std::string::npos) << text;
  EXPECT_NE(text.find("+ policies/backup_policies[weekly]"), std::string::npos) << text;
  EXPECT_NE(text.find("- policies/backup_policies[by-hand]: unmanaged in a pruned collection"), std::string::npos);
  EXPECT_NE(text.find("? policies/audit_policies[manual]"), std::string::npos) << text;
  EXPECT_NE(text.find("Unknowable"), std::string::npos) << text;
  EXPECT_NE(text.find("Drift: 1 changed, 1 missing, 1 unmanaged that apply would delete."), std::string::npos) << text;
}

// Given a list that differs in one element, expect the element under the field (+ in Git, -
// on the appliance), and colours (the plan's palette) only when asked.
TEST(RenderDriftTest, ListsShowTheirElementsAndColourOnlyWhenAsked) {
  Scenario s;
  s.desired.resources[0].body.as_object()["sender"] = boost::json::array{"a", "in-git"};
  s.live.resources[0].body.as_object()["sender"] = boost::json::array{"a", "by-hand"};
  const DriftReport r = s.report();
  const std::string text = render_drift_text(r);
  EXPECT_NE(text.find("    sender: list: 1 added, 1 removed  (forwarders.yaml:3:1)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("        - [1] \"by-hand\"\n"), std::string::npos) << text;
  EXPECT_NE(text.find("        + [1] \"in-git\"\n"), std::string::npos) << text;
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  const std::string coloured = render_drift_text(r, true);
  EXPECT_NE(coloured.find("\x1b[32m+\x1b[0m [1] \"in-git\""), std::string::npos) << coloured;
  EXPECT_NE(coloured.find("\x1b[33m~\x1b[0m \x1b[1mmanagement/splunk_forwarder"), std::string::npos) << coloured;
  EXPECT_EQ(coloured.find(kToken), std::string::npos);
}

TEST(RenderDriftTest, JsonIsVersionedAndNamesBothSides) {
  const json::value v = json::parse(render_drift_json(Scenario().report()));
  EXPECT_EQ(v.at("format_version"), "1.1");
  EXPECT_EQ(v.at("drift"), true);
  const auto& resources = v.at("resources").as_array();
  const auto& splunk = resources.at(0).as_object();
  EXPECT_EQ(splunk.at("address"), "management/splunk_forwarder");
  const auto& port = splunk.at("changed").as_array().at(0).as_object();
  EXPECT_EQ(port.at("git"), 8088);
  EXPECT_EQ(port.at("appliance"), 9999);
  EXPECT_EQ(port.at("location").at("line"), 5);
  EXPECT_EQ(v.at("summary").at("would_delete"), 1);
}

TEST(RenderDriftTest, MarkdownPutsDriftBeforeIgnoredAndUnknowable) {
  const auto r = rules({"management/splunk_forwarder/token"});
  const std::string md = render_drift_markdown(Scenario().report(r));
  const auto drift = md.find("### Drift");
  const auto ignored = md.find("### Ignored");
  const auto unknowable = md.find("### Unknowable");
  ASSERT_NE(drift, std::string::npos) << md;
  ASSERT_NE(ignored, std::string::npos) << md;
  ASSERT_NE(unknowable, std::string::npos) << md;
  EXPECT_LT(drift, ignored);
  EXPECT_LT(ignored, unknowable);
}

TEST(RenderDriftTest, MarkdownEscapesTableCells) {
  DriftReport report;
  ResourceReport rr;
  rr.address = {"policies/backup_policies", "a|b`c"};
  rr.status = Status::kMissing;
  report.resources.push_back(rr);
  const std::string md = render_drift_markdown(report);
  EXPECT_NE(md.find("`policies/backup_policies[a\\|b'c]`"), std::string::npos) << md;
}

TEST(RenderDriftTest, JunitHasOneCasePerManagedResource) {
  const auto r = rules({"policies/backup_policies[weekly]"});
  const std::string xml = render_drift_junit(Scenario().report(r));
  // splunk, nightly, weekly (skipped), by-hand (pruned); not the unmanaged audit policy.
  EXPECT_NE(xml.find("<testsuites name=\"sps-apply drift\" tests=\"4\" failures=\"2\" errors=\"0\" skipped=\"1\""),
            std::string::npos) << xml;
  EXPECT_NE(xml.find("<testcase name=\"management/splunk_forwarder\" classname=\"management/splunk_forwarder\""),
            std::string::npos) << xml;
  EXPECT_NE(xml.find("file=\"forwarders.yaml\" line=\"3\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<skipped message=\"ignored by rule &quot;policies/backup_policies[weekly]&quot;\"/>"),
            std::string::npos) << xml;
  EXPECT_EQ(xml.find("audit_policies[manual]"), std::string::npos) << xml;
}

TEST(XmlEscapeTest, EscapesMarkupQuotesAndControlCharacters) {
  EXPECT_EQ(xml_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
  EXPECT_EQ(xml_escape(std::string("x\x01y\tz\n", 6)), "x\xEF\xBF\xBDy\tz\n");
  EXPECT_EQ(xml_escape("caf\xC3\xA9"), "caf\xC3\xA9");  // UTF-8 passes through
}

TEST(RenderDriftTest, JunitEscapesValuesInMessages) {
  DriftReport report;
  ResourceReport rr;
  rr.address = {"management/splunk_forwarder", ""};
  rr.status = Status::kChanged;
  FieldFinding f;
  f.field.pointer = "/host";
  f.field.before = json::value("<evil & \"quoted\">");
  f.field.after = json::value("ok");
  rr.changed.push_back(f);
  report.resources.push_back(rr);
  const std::string xml = render_drift_junit(report);
  EXPECT_EQ(xml.find("<evil"), std::string::npos) << xml;
  EXPECT_NE(xml.find("&lt;evil &amp; \\&quot;quoted\\&quot;&gt;"), std::string::npos) << xml;
}

}  // namespace
}  // namespace sps::drift
