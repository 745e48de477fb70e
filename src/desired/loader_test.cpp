#include "desired/loader.h"

#include "desired/test_catalog.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <fstream>
#include <map>

namespace sps::desired {
namespace {
namespace json = boost::json;

/// Secrets from fixed maps; a file not in the map is unreadable.
class FakeSecrets final : public SecretResolver {
 public:
  std::map<std::string, std::string> env_values;
  std::map<std::string, std::string> files;

  std::optional<std::string> env(const std::string& name) const override {
    auto it = env_values.find(name);
    if (it == env_values.end()) return std::nullopt;
    return it->second;
  }
  core::Result<std::string> read_file(const std::filesystem::path& path) const override {
    auto it = files.find(path.generic_string());
    if (it == files.end()) return core::Error(core::ErrorCode::kInvalidArgument, "no such file");
    return it->second;
  }
};

LoadResult load_files(const std::vector<SourceText>& sources, const SecretResolver& secrets) {
  return load_desired_sources(sources, testing::test_catalog(), secrets);
}

LoadResult load_text(const std::string& yaml, const SecretResolver& secrets = FakeSecrets{}) {
  return load_files({{"conf/a.yaml", yaml, "conf"}}, secrets);
}

// "file:line:col: message" per diagnostic, hints on their own line, for compact assertions.
std::string render(const core::Diagnostics& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics.items()) {
    out += d.where.to_string() + ": " + d.message + "\n";
    if (!d.hint.empty()) out += "  hint: " + d.hint + "\n";
  }
  return out;
}

const model::Resource& resource(const LoadResult& r, const std::string& kind, const std::string& name = {}) {
  const model::Resource* found = r.state.find({kind, name});
  if (found == nullptr) throw std::runtime_error("no resource " + kind + "[" + name + "]");
  return *found;
}

TEST(LoaderTest, TypesScalarsByTheYamlCoreSchema) {
  const auto r = load_text(R"yaml(
management/splunk_forwarder:
  enabled: true
  port: 8088
  hex: 0x1F
  ratio: 2.5
  quoted_number: "8088"
  time: 10:10
  nothing: ~
  empty:
  word: yes
)yaml");
  ASSERT_TRUE(r.diagnostics.empty()) << render(r.diagnostics);
  const json::object& body = resource(r, "management/splunk_forwarder").body.as_object();
  EXPECT_EQ(body.at("enabled"), json::value(true));
  EXPECT_EQ(body.at("port"), json::value(8088));
  EXPECT_EQ(body.at("hex"), json::value(31));
  EXPECT_EQ(body.at("ratio"), json::value(2.5));
  EXPECT_EQ(body.at("quoted_number"), json::value("8088"));
  EXPECT_EQ(body.at("time"), json::value("10:10"));  // YAML 1.1 sexagesimal is gone in 1.2
  EXPECT_TRUE(body.at("nothing").is_null());
  EXPECT_TRUE(body.at("empty").is_null());
  EXPECT_EQ(body.at("word"), json::value("yes"));  // YAML 1.1 booleans are strings in 1.2
}

TEST(LoaderTest, LoadsCollectionItemsByIdentityWithLocations) {
  const auto r = load_text(R"yaml(policies/backup_policies:
  - name: nightly
    target:
      port: 22
  - name: weekly
)yaml");
  ASSERT_TRUE(r.diagnostics.empty()) << render(r.diagnostics);
  ASSERT_EQ(r.state.resources.size(), 2u);
  const auto& nightly = resource(r, "policies/backup_policies", "nightly");
  EXPECT_EQ(nightly.location_of("").to_string(), "conf/a.yaml:2:5");
  EXPECT_EQ(nightly.location_of("/target/port").to_string(), "conf/a.yaml:4:7");
  EXPECT_EQ(nightly.location_of("/target/port/deeper").to_string(), "conf/a.yaml:4:7");
  EXPECT_EQ(resource(r, "policies/backup_policies", "weekly").location_of("/name").to_string(), "conf/a.yaml:5:5");
  EXPECT_EQ(r.state.settings.kind_locations.at("policies/backup_policies").line, 1);
}

TEST(LoaderTest, ResolvesEnvAndFileSecretsAndRecordsTheirSources) {
  FakeSecrets secrets;
  secrets.env_values["SPLUNK_TOKEN"] = "tok-123";
  secrets.files["conf/smb.pw"] = "pw-456\n";
  const auto r = load_text(R"yaml(
management/splunk_forwarder:
  token: !secret env:SPLUNK_TOKEN
policies/backup_policies:
  - name: smb
    target:
      authentication:
        password: !secret file:smb.pw
)yaml",
                           secrets);
  ASSERT_TRUE(r.diagnostics.empty()) << render(r.diagnostics);
  const auto& splunk = resource(r, "management/splunk_forwarder");
  EXPECT_EQ(splunk.body.at("token"), json::value("tok-123"));
  ASSERT_EQ(splunk.secrets.size(), 1u);
  EXPECT_EQ(splunk.secrets[0].pointer, "/token");
  EXPECT_EQ(splunk.secrets[0].description, "env:SPLUNK_TOKEN");
  const auto& smb = resource(r, "policies/backup_policies", "smb");
  // The final newline of a secret file is not part of the secret.
  EXPECT_EQ(smb.body.at_pointer("/target/authentication/password"), json::value("pw-456"));
}

// Given secrets a read-only job does not hold, expect kIfAvailable to resolve what it can
// and mark the rest unavailable without an error, and kSyntaxOnly to read nothing at all.
TEST(LoaderTest, ReadOnlyResolutionsMarkSecretsUnavailableInsteadOfFailing) {
  FakeSecrets secrets;
  secrets.env_values["SPLUNK_TOKEN"] = "tok-123";
  const std::string yaml = R"yaml(
management/splunk_forwarder:
  token: !secret env:SPLUNK_TOKEN
policies/backup_policies:
  - name: smb
    target:
      authentication:
        password: !secret file:missing.pw
)yaml";
  const std::vector<SourceText> sources{{"conf/a.yaml", yaml, "conf"}};
  const auto available = load_desired_sources(sources, testing::test_catalog(), secrets,
                                               SecretResolution::kIfAvailable);
  ASSERT_TRUE(available.diagnostics.empty()) << render(available.diagnostics);
  const auto& splunk = resource(available, "management/splunk_forwarder");
  EXPECT_EQ(splunk.body.at("token"), json::value("tok-123"));
  EXPECT_TRUE(splunk.secrets[0].available);
  const auto& smb = resource(available, "policies/backup_policies", "smb");
  ASSERT_EQ(smb.secrets.size(), 1u);
  EXPECT_FALSE(smb.secrets[0].available);
  EXPECT_EQ(smb.secrets[0].description.rfind("file:", 0), 0u);

  const auto syntax = load_desired_sources(sources, testing::test_catalog(), secrets, SecretResolution::kSyntaxOnly);
  ASSERT_TRUE(syntax.diagnostics.empty()) << render(syntax.diagnostics);
  const auto& unread = resource(syntax, "management/splunk_forwarder");
  EXPECT_FALSE(unread.secrets[0].available);
  EXPECT_NE(unread.body.at("token"), json::value("tok-123"));

  const auto required = load_desired_sources(sources, testing::test_catalog(), secrets, SecretResolution::kRequired);
  EXPECT_NE(render(required.diagnostics).find("cannot read secret file"), std::string::npos)
      << render(required.diagnostics);
}

TEST(LoaderTest, ReportsSecretProblemsWithoutTheirValues) {
  FakeSecrets secrets;
  secrets.env_values["PRESENT"] = "very-secret-value";
  const auto r = load_text(R"yaml(management/splunk_forwarder:
  token: !secret env:MISSING_VAR
  port: !secret env:PRESENT
  host: !secret vault:x
policies/backup_policies:
  - name: smb
    target: {authentication: {password: !secret file:nope.pw}}
)yaml",
                           secrets);
  const std::string text = render(r.diagnostics);
  EXPECT_NE(text.find("conf/a.yaml:2:10: environment variable MISSING_VAR is not set"), std::string::npos) << text;
  EXPECT_NE(text.find("conf/a.yaml:4:9: unknown secret source \"vault\""), std::string::npos) << text;
  EXPECT_NE(text.find("conf/a.yaml:7:41: cannot read secret file \"conf/nope.pw\""), std::string::npos) << text;
  EXPECT_EQ(r.diagnostics.error_count(), 3u) << text;
  EXPECT_EQ(text.find("very-secret-value"), std::string::npos);
}

TEST(LoaderTest, ReportsYamlSyntaxErrorWithLocationAndHint) {
  const auto r = load_text("management/email:\n  admin_address: a@example.com\n sender_address: b@example.com\n");
  const std::string text = render(r.diagnostics);
  EXPECT_NE(text.find("conf/a.yaml:3:2: end of map not found"), std::string::npos) << text;
  EXPECT_NE(text.find("hint: check the indentation"), std::string::npos) << text;
}

TEST(LoaderTest, ReportsTabInIndentation) {
  const auto r = load_text("management/email:\n\tadmin_address: a@example.com\n");
  EXPECT_EQ(render(r.diagnostics),
            "conf/a.yaml:2:1: tab character in indentation\n"
            "  hint: YAML indentation must use spaces; replace the tab with spaces\n");
}

// Given a NUL byte (yaml-cpp 0.7 loops forever on it), expect a located error, no parse.
TEST(LoaderTest, RejectsControlCharactersBeforeParsing) {
  const auto r = load_text(std::string("management/webinterface:\n  timeout: 1\0\0,x\n", 42));
  EXPECT_EQ(render(r.diagnostics),
            "conf/a.yaml:2:13: control character U+0000 is not allowed in YAML\n"
            "  hint: the file looks binary or corrupted; desired-state files must be UTF-8 text\n");
  EXPECT_TRUE(r.state.resources.empty());
}

// Given a stray "," at the top level (yaml-cpp 0.7's LoadAll never returns on it), expect a
// located error; documents after a "---" keep their line numbers.
TEST(LoaderTest, StrayFlowIndicatorIsAnErrorNotAHang) {
  const auto r = load_text(",management/email:\n  admin_address: a@example.com\n");
  EXPECT_NE(render(r.diagnostics).find("conf/a.yaml:1:1: this text is not a YAML mapping"), std::string::npos)
      << render(r.diagnostics);
  const auto second = load_text("# first\n---\n,x\n");
  EXPECT_NE(render(second.diagnostics).find("conf/a.yaml:3:1: this text is not a YAML mapping"), std::string::npos)
      << render(second.diagnostics);
}

TEST(LoaderTest, ReportsUnterminatedQuote) {
  const auto r = load_text("management/splunk_forwarder:\n  enabled: true\n  token: \"abc\n");
  EXPECT_NE(render(r.diagnostics).find("conf/a.yaml:3:10: unterminated quoted string"), std::string::npos)
      << render(r.diagnostics);
  // The last scalar of a sequence of mappings, after closed quotes and nested values.
  const auto listed = load_text("policies/backup_policies:\n  - name: \"a\"\n    target: {type: nfs}\n"
                                "  - name: \"b\n");
  EXPECT_NE(render(listed.diagnostics).find("conf/a.yaml:4:11: unterminated quoted string"), std::string::npos)
      << render(listed.diagnostics);
}

TEST(LoaderTest, ReportsUnknownTopLevelKeyWithSuggestion) {
  const auto r = load_text("managment/splunk_forwarder: {}\nbackup_policies: []\ncompletely/unknown: {}\nNot A Path: 1\n");
  EXPECT_EQ(render(r.diagnostics),
            "conf/a.yaml:1:1: unknown top-level key \"managment/splunk_forwarder\"\n"
            "  hint: did you mean \"management/splunk_forwarder\"?\n"
            "conf/a.yaml:2:1: unknown top-level key \"backup_policies\"\n"
            "  hint: did you mean \"policies/backup_policies\"?\n"
            "conf/a.yaml:3:1: \"completely/unknown\" has no schema: its fields are checked against the appliance at plan time\n"
            "  hint: a schema file in schemas/ makes it a curated kind, checked offline\n"
            "conf/a.yaml:4:1: unknown top-level key \"Not A Path\"\n"
            "  hint: top-level keys are kind paths relative to /api/configuration, e.g. \"management/email\"\n");
  // The discovered kind is kept whole until the appliance tells its shape.
  EXPECT_EQ(r.state.discovered, (std::set<std::string>{"completely/unknown"}));
  ASSERT_EQ(r.state.resources.size(), 1u);
  EXPECT_EQ(r.state.resources[0].address.to_string(), "completely/unknown");
}

TEST(LoaderTest, DiscoveredListOfNamedItemsNeedsDistinctNames) {
  // Given a list where some items have a name, expect every item to need a distinct one.
  const auto r = load_text("ssh/connections:\n  - name: a\n  - active: true\n  - name: a\nnetwork/routing:\n  - gateway: 10.0.0.1\n");
  const std::string text = render(r.diagnostics);
  EXPECT_NE(text.find("conf/a.yaml:3:5: item 2 of \"ssh/connections\" has no \"name\""), std::string::npos) << text;
  EXPECT_NE(text.find("conf/a.yaml:4:5: duplicate ssh/connections[a]"), std::string::npos) << text;
  EXPECT_EQ(r.diagnostics.error_count(), 2u) << text;  // a list without names (an array body) is fine
}

TEST(LoaderTest, ReportsWrongShapes) {
  const auto r = load_text(R"yaml(management/splunk_forwarder:
  - enabled: true
policies/backup_policies:
  name: nightly
policies/audit_policies:
  - enabled: true
  - name: [a, b]
network/nics: []
)yaml");
  const std::string text = render(r.diagnostics);
  EXPECT_NE(text.find("conf/a.yaml:2:3: \"management/splunk_forwarder\" is a singleton: its value must be a mapping "
                      "(its body), not a list"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("conf/a.yaml:4:3: \"policies/backup_policies\" is a collection"), std::string::npos) << text;
  EXPECT_NE(text.find("conf/a.yaml:6:5: item 1 of \"policies/audit_policies\" has no \"name\""), std::string::npos)
      << text;
  EXPECT_NE(text.find("conf/a.yaml:7:11: \"name\" of item 2"), std::string::npos) << text;
  EXPECT_NE(text.find("conf/a.yaml:8:1: \"network/nics\" is built into the appliance"), std::string::npos) << text;
  EXPECT_EQ(r.diagnostics.error_count(), 5u) << text;
  EXPECT_TRUE(r.state.resources.empty());
}

TEST(LoaderTest, ReportsDuplicateAcrossFilesNamingBothPlaces) {
  const std::string policy = "policies/backup_policies:\n  - name: nightly\n";
  const auto r = load_files({{"d/one.yaml", policy, "d"},
                             {"d/two.yaml", "management/splunk_forwarder: {}\n" + policy, "d"},
                             {"d/three.yaml", "management/splunk_forwarder: {enabled: true}\n", "d"}},
                            FakeSecrets{});
  const std::string text = render(r.diagnostics);
  EXPECT_NE(text.find("d/two.yaml:3:5: duplicate policies/backup_policies[nightly]: already defined at d/one.yaml:2:5"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("d/three.yaml:1:1: duplicate management/splunk_forwarder: already defined at d/two.yaml:1:1"),
            std::string::npos)
      << text;
  EXPECT_EQ(r.state.files, (std::vector<std::string>{"d/one.yaml", "d/two.yaml", "d/three.yaml"}));
}

// Given several files (parsed at once, on several threads where there are cores), expect
// every diagnostic in the order a file-by-file load gives: each file's own in document order,
// a later document's syntax error after an earlier document's conversion errors, duplicates
// across files at the later file; and an alias converted as a copy of its anchored value.
TEST(LoaderTest, FilesParsedAtOnceReportInFileOrder) {
  const std::string policy = "policies/backup_policies:\n  - name: nightly\n";
  const auto r = load_files(
      {{"d/1.yaml", policy + "management/splunk_forwarder:\n  port: 1\n  port: 2\n---\nkey: [unclosed\n", "d"},
       {"d/2.yaml", std::string("management/system_backup: {}\x01\n"), "d"},
       {"d/3.yaml", "policies/audit_policies:\n  - &a {name: x, signing: {enabled: false}}\n" + policy, "d"},
       {"d/4.yaml", "management/system_backup: &s {backup_policy: nightly}\nlocal_services/user_web: *s\n", "d"}},
      FakeSecrets{});
  std::string order;
  for (const auto& d : r.diagnostics.items()) order += d.where.to_string() + " " + d.message.substr(0, 20) + "\n";
  EXPECT_EQ(order,
            "d/1.yaml:5:3 duplicate key \"port\"\n"
            "d/1.yaml:8:1 end of sequence flow\n"
            "d/2.yaml:1:29 control character U+\n"
            "d/3.yaml:4:5 duplicate policies/b\n")
      << render(r.diagnostics);
  EXPECT_EQ(resource(r, "policies/audit_policies", "x").body, json::parse(R"({"name": "x", "signing": {"enabled": false}})"));
  EXPECT_EQ(resource(r, "local_services/user_web").body, json::parse(R"({"backup_policy": "nightly"})"));
  EXPECT_EQ(resource(r, "management/system_backup").body, json::parse(R"({"backup_policy": "nightly"})"));
  EXPECT_EQ(r.state.files, (std::vector<std::string>{"d/1.yaml", "d/2.yaml", "d/3.yaml", "d/4.yaml"}));
}

TEST(LoaderTest, ReportsDuplicateMappingKey) {
  const auto r = load_text("management/splunk_forwarder:\n  port: 1\n  port: 2\n");
  EXPECT_EQ(render(r.diagnostics), "conf/a.yaml:3:3: duplicate key \"port\": already set at conf/a.yaml:2:3\n");
}

TEST(LoaderTest, ReadsSettingsWithLocations) {
  const auto r = load_text(R"yaml(sps-apply:
  prune: [policies/backup_policies]
  ignore:
    - management/splunk_forwarder/port
  prnue: []
)yaml");
  EXPECT_EQ(render(r.diagnostics), "conf/a.yaml:5:3: unknown setting \"prnue\" in \"sps-apply\"\n"
                                   "  hint: did you mean \"prune\"?\n");
  EXPECT_EQ(r.state.settings.prune, (std::set<std::string>{"policies/backup_policies"}));
  EXPECT_EQ(r.state.settings.prune_locations.at("policies/backup_policies").to_string(), "conf/a.yaml:2:11");
  ASSERT_EQ(r.state.settings.ignore.size(), 1u);
  EXPECT_EQ(r.state.settings.ignore_locations.at(0).to_string(), "conf/a.yaml:4:7");
}

TEST(LoaderTest, MergesSeveralDocumentsOfOneFile) {
  const auto r = load_text("policies/backup_policies:\n  - name: a\n---\npolicies/backup_policies:\n  - name: a\n");
  EXPECT_EQ(render(r.diagnostics),
            "conf/a.yaml:5:5: duplicate policies/backup_policies[a]: already defined at conf/a.yaml:2:5\n"
            "  hint: define each resource once; remove or rename one of the two\n");
  EXPECT_EQ(r.state.resources.size(), 1u);
}

TEST(LoaderTest, RejectsTopLevelThatIsNotAMapping) {
  const auto r = load_text("- management/email\n");
  EXPECT_NE(render(r.diagnostics).find("conf/a.yaml:1:1: the top level must be a mapping"), std::string::npos)
      << render(r.diagnostics);
}

TEST(LoaderTest, EmptyFileDeclaresNothing) {
  const auto r = load_text("# only a comment\n");
  EXPECT_TRUE(r.diagnostics.empty());
  EXPECT_TRUE(r.state.resources.empty());
}

// Subdirectories are read too (in path order); hidden files and directories (.git,
// .gitlab-ci.yml) are not; a symlink loop
// is an error naming the directory, not an endless walk or a silent skip.
TEST(LoaderTest, LoadDesiredReadsYamlFilesOfADirectoryTreeInPathOrder) {
  namespace fs = std::filesystem;
  const auto dir = fs::path(::testing::TempDir()) / "sps-desired-loader-test";
  fs::remove_all(dir);
  fs::create_directories(dir / "team" / "nested");
  fs::create_directories(dir / ".git");
  std::ofstream(dir / "b.yaml") << "policies/backup_policies:\n  - name: b\n";
  std::ofstream(dir / "a.yml") << "policies/backup_policies:\n  - name: a\n";
  std::ofstream(dir / "notes.txt") << "not yaml: [";
  std::ofstream(dir / "team" / "c.yaml") << "policies/backup_policies:\n  - name: c\n";
  std::ofstream(dir / "team" / "nested" / "d.yaml") << "policies/audit_policies:\n  - name: d\n";
  std::ofstream(dir / ".git" / "config.yaml") << "not: [desired";
  std::ofstream(dir / ".gitlab-ci.yml") << "stages: [plan]\n";  // another tool's file, hidden
  auto r = load_desired(dir, testing::test_catalog(), FakeSecrets{});
  EXPECT_TRUE(r.diagnostics.empty()) << render(r.diagnostics);
  ASSERT_EQ(r.state.files.size(), 4u);
  EXPECT_TRUE(r.state.files[0].ends_with("/a.yml"));
  EXPECT_TRUE(r.state.files[1].ends_with("/b.yaml"));
  EXPECT_TRUE(r.state.files[2].ends_with("/team/c.yaml"));
  EXPECT_TRUE(r.state.files[3].ends_with("/team/nested/d.yaml"));
  EXPECT_EQ(r.state.resources.size(), 4u);

  fs::create_directory_symlink("../..", dir / "team" / "nested" / "up");
  r = load_desired(dir, testing::test_catalog(), FakeSecrets{});
  fs::remove_all(dir);
  EXPECT_TRUE(r.state.resources.empty());
  EXPECT_NE(render(r.diagnostics).find("team/nested/up: this directory is reached twice (a symlink loop"),
            std::string::npos)
      << render(r.diagnostics);
}

TEST(LoaderTest, LoadDesiredReportsMissingPath) {
  const auto r = load_desired("does/not/exist", testing::test_catalog(), FakeSecrets{});
  EXPECT_EQ(render(r.diagnostics), "does/not/exist: no such file or directory\n");
}

}  // namespace
}  // namespace sps::desired
