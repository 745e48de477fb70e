// The catalog's schemas checked with the project's own validator: they compile, the default
// seed and the API reference's sample bodies validate, and typos and out-of-range values fail.
#include "catalog/catalog.h"
#include "catalog/embedded.h"
#include "schema/validator.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace sps::catalog {
namespace {
namespace json = boost::json;

json::value parse_json(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  EXPECT_FALSE(ec) << ec.message() << " in " << text;
  return v;
}

schema::Validator compile(const std::string& path) {
  const Kind* kind = Catalog::builtin().find(path);
  EXPECT_NE(kind, nullptr) << path;
  auto validator = schema::Validator::compile(kind->schema);
  EXPECT_TRUE(validator.has_value()) << path;
  return *validator;
}

std::string describe(const std::vector<schema::ValidationError>& errors) {
  std::string out;
  for (const auto& e : errors) out += e.instance_pointer + " " + e.keyword + ": " + e.message + "\n";
  return out;
}

/// The write form of a seed body: references written in the API's read form
/// {"key", "meta": {"href"}} become the {"key"} literal-key form of the desired state.
json::value write_form(json::value body) {
  if (json::object* obj = body.if_object()) {
    if (obj->size() == 2 && obj->contains("key") && obj->contains("meta")) {
      return json::object{{"key", obj->at("key")}};
    }
    for (auto& [name, member] : *obj) member = write_form(std::move(member));
  } else if (json::array* arr = body.if_array()) {
    for (auto& element : *arr) element = write_form(std::move(element));
  }
  return body;
}

// Valid bodies per kind: the seed's, plus API-reference samples in write form for the kinds
// whose seed collection is empty.
std::multimap<std::string, json::value> valid_bodies() {
  std::multimap<std::string, json::value> out;
  for (const EmbeddedFile& file : embedded_default_seed()) {
    const std::string path(file.path.substr(0, file.path.size() - 5));
    const json::value doc = parse_json(file.contents);
    if (const json::value* items = doc.as_object().if_contains("items")) {
      for (const json::value& item : items->as_array()) out.emplace(path, write_form(item.at("body")));
    } else {
      out.emplace(path, write_form(doc.at("body")));
    }
  }
  out.emplace("policies/userlists", parse_json(R"({"name": "admins", "allow": "none", "except": ["root", "admin"]})"));
  out.emplace("policies/ldap_servers", parse_json(R"({
      "name": "corp-ad", "schema": {"selection": "ad", "memberof_check": {"enabled": true, "memberof_user_attribute": "memberOf"}},
      "bind_dn": "CN=sps,OU=svc,DC=example,DC=com", "bind_password": "sps-bind-password",
      "user_base_dn": "OU=users,DC=example,DC=com", "group_base_dn": "OU=groups,DC=example,DC=com", "user_dn_in_groups": []})"));
  out.emplace("policies/user_databases", parse_json(R"({
      "name": "jump-users", "users": [{"username": "alice", "passwords": ["alice-pw"], "public_keys": [], "certificates": []}]})"));
  for (const char* proto : {"ssh", "rdp"}) {
    out.emplace(std::string(proto) + "/connections", parse_json(R"({
        "name": "to-servers", "active": true,
        "network": {"clients": ["10.0.0.0/8"], "targets": ["192.0.2.0/24"], "ports": [22]},
        "access_control": [], "log_audit_trail_downloads": false,
        "policies": {"channel_policy": "all", "settings_policy": "default", "authentication_policy": "default",
                     "ldap_server": null, "audit_policy": "default", "backup_policy": null, "archive_cleanup_policy": null}})"));
  }
  out.emplace("policies/archive_cleanup_policies", parse_json(R"({
      "name": "archive_all_with_filelist", "include_node_id_in_path": false,
      "notification_event": {"type": "all", "send_filelist": true, "file_count_limit": 123456},
      "target": {"type": "nfs", "server": {"selection": "ip", "value": "1.2.3.5"}, "path": "/data/backup"},
      "start_times": ["10:10"], "template": "PROTOCOL/CONNECTION/ARCHIVEDATE/", "retention_days": 30})"));
  out.emplace("policies/archive_cleanup_policies", parse_json(R"({
      "name": "to-smb", "include_node_id_in_path": true, "notification_event": {"type": "none"},
      "target": {"type": "smb", "server": {"selection": "fqdn", "value": "files.example.com"},
                 "share": "audit", "domain": "EXAMPLE", "protocol_version": "2.1", "path": "/sps",
                 "authentication": {"selection": "password", "username": "svc-sps", "password": "svc-pw"}},
      "start_times": ["1:30", "13:30"], "template": "PROTOCOL/CONNECTION/ARCHIVEDATE/", "retention_days": 7})"));
  out.emplace("policies/backup_policies", parse_json(R"({
      "name": "backup_rsync", "include_node_id_in_path": true,
      "notification_event": {"type": "none", "send_filelist": true, "file_count_limit": 10240},
      "target": {"type": "rsync", "server": {"selection": "ip", "value": "192.0.2.10"}, "username": "user1",
                 "path": "/data/backup", "auth_key": "backup-key",
                 "host_key": {"selection": "rsa", "value": "AAAAB3NzaC1yc2EAAAADAQABAAAAYQ"}, "port": 1122},
      "start_times": ["23:00"]})"));
  out.emplace("policies/audit_policies", parse_json(R"({
      "name": "remote-timestamping", "encryption": {"enabled": false}, "signing": {"enabled": false},
      "timestamping": {"enabled": true, "server": {"selection": "remote", "server_url": "http://tsa.example.com/",
                       "oid": {"enabled": true, "policy_oid": "2.3.5.3.1.5.32.322.32"}}},
      "signing_and_timestamping_interval": 42})"));
  out.emplace("local_services/user_web", parse_json(R"({
      "access_restriction": {"enabled": true, "allowed_from": ["10.40.0.0/16"]}, "bruteforce_protection": true,
      "listen": [{"address": "nic1.interfaces.ff7574025754b3df1647001.addresses.1", "http_port": 80, "https_port": 443}]})"));
  out.emplace("management/splunk_forwarder", parse_json(R"({
      "enabled": true, "flush_interval": 600, "host": {"selection": "fqdn", "value": "splunk.example.com"},
      "pam_address": {"selection": "fqdn", "value": "psm.example.com"}, "port": 8088,
      "ssl": {"selection": "insecure"}, "token": "2134356431"})"));
  out.emplace("management/support_info",
              parse_json(R"({"uri": {"selection": "mailto", "value": "mailto:support@example.com"}})"));
  out.emplace("management/system_backup", parse_json(R"({"backup_policy": {"key": "99275192754364c2b1bd04"}})"));
  out.emplace("passwords", parse_json(R"({"plain": "newpassword"})"));
  out.emplace("passwords", parse_json(R"({"hash": "$6$salt$hashedpassword"})"));
  // The 8.0 LTS archive policy sample without a template (the API does not require one).
  out.emplace("policies/archive_cleanup_policies", parse_json(R"({
      "name": "cleanup", "include_node_id_in_path": false, "notification_event": {"type": "none"},
      "target": {"type": "none"}, "start_times": ["3:00"], "retention_days": 30})"));
  // A NIC as the appliance shows it, with its name.
  out.emplace("network/nics", parse_json(R"({"name": "nic1", "interfaces": {"@order": []}, "speed": "auto"})"));
  out.emplace("private_keys", parse_json(R"({"private_key": "-----BEGIN PRIVATE KEY-----\nMII\n-----END PRIVATE KEY-----\n"})"));
  return out;
}

TEST(CatalogSchemaTest, EverySchemaCompiles) {
  for (const Kind& kind : Catalog::builtin().kinds()) {
    auto validator = schema::Validator::compile(kind.schema);
    EXPECT_TRUE(validator.has_value()) << kind.schema_file << ": "
                                       << (validator ? "" : validator.error().message);
  }
}

TEST(CatalogSchemaTest, SeedAndReferenceSamplesValidate) {
  const auto bodies = valid_bodies();
  for (const Kind& kind : Catalog::builtin().kinds()) {
    SCOPED_TRACE(kind.path);
    EXPECT_GT(bodies.count(kind.path), 0u) << "no valid sample body";
    const schema::Validator validator = compile(kind.path);
    auto [first, last] = bodies.equal_range(kind.path);
    for (auto it = first; it != last; ++it) {
      const auto errors = validator.validate(it->second);
      EXPECT_TRUE(errors.empty()) << json::serialize(it->second) << "\n" << describe(errors);
    }
  }
}

TEST(CatalogSchemaTest, EachSchemaRejectsMisspelledTopLevelField) {
  const auto bodies = valid_bodies();
  for (const Kind& kind : Catalog::builtin().kinds()) {
    SCOPED_TRACE(kind.path);
    auto it = bodies.find(kind.path);
    ASSERT_NE(it, bodies.end());
    json::value body = it->second;
    if (kind.body != BodyType::kObject) continue;  // datetime/timezone: a bare string
    ASSERT_TRUE(body.is_object());
    // Misspell the first member ("enabled" -> "enabledd"), keeping the original as well so
    // the only problem is the unknown member.
    const std::string typo = std::string(body.as_object().begin()->key()) + "d";
    json::value copy = body.as_object().begin()->value();  // copied first: inserting may reallocate
    body.as_object()[typo] = std::move(copy);
    const auto errors = compile(kind.path).validate(body);
    ASSERT_FALSE(errors.empty());
    EXPECT_TRUE(std::any_of(errors.begin(), errors.end(),
                            [&](const schema::ValidationError& e) { return e.instance_pointer == "/" + typo; }))
        << describe(errors);
  }
}

TEST(CatalogSchemaTest, RejectsNestedTyposAndOutOfRangeValues) {
  struct Case {
    const char* name;
    const char* path;
    const char* body;
  };
  const std::vector<Case> cases = {
      {"nested typo", "local_services/user_web",
       R"({"access_restriction": {"enabled": false}, "listen": [{"address": "a", "http_port": 80, "https_prot": 443}]})"},
      {"port out of range", "local_services/user_web",
       R"({"access_restriction": {"enabled": false}, "listen": [{"address": "a", "http_port": 80, "https_port": 70000}]})"},
      {"allowed_from not a network", "local_services/admin_web",
       R"({"access_restriction": {"enabled": true, "allowed_from": ["10.40.0.0"]}, "listen": [{"address": "a", "http_port": 80, "https_port": 443}]})"},
      {"admin_web without listen address", "local_services/admin_web",
       R"({"access_restriction": {"enabled": false}, "listen": []})"},
      {"interval too small", "policies/audit_policies",
       R"({"name": "p", "encryption": {"enabled": false}, "signing": {"enabled": false}, "timestamping": {"enabled": false}, "signing_and_timestamping_interval": 5})"},
      {"signing without identity", "policies/audit_policies",
       R"({"name": "p", "encryption": {"enabled": false}, "signing": {"enabled": true}, "timestamping": {"enabled": false}, "signing_and_timestamping_interval": 30})"},
      {"name with whitespace", "policies/audit_policies",
       R"({"name": "my policy", "encryption": {"enabled": false}, "signing": {"enabled": false}, "timestamping": {"enabled": false}, "signing_and_timestamping_interval": 30})"},
      {"bad start time", "policies/backup_policies",
       R"({"name": "b", "include_node_id_in_path": false, "notification_event": {"type": "none"}, "target": {"type": "nfs", "server": {"selection": "ip", "value": "192.0.2.1"}, "path": "/b"}, "start_times": ["24:00"]})"},
      {"none target in backup", "policies/backup_policies",
       R"({"name": "b", "include_node_id_in_path": false, "notification_event": {"type": "none"}, "target": {"type": "none"}, "start_times": ["2:00"]})"},
      {"unknown union selection", "management/support_info", R"({"uri": {"selection": "phone", "value": "123"}})"},
      {"cluster enabled without address", "local_services/cluster", R"({"enabled": true, "listen_address": null})"},
      {"bad notification type", "policies/archive_cleanup_policies",
       R"({"name": "a", "include_node_id_in_path": false, "notification_event": {"type": "some"}, "target": {"type": "none"}, "start_times": ["2:00"], "template": "PROTOCOL/", "retention_days": 3})"},
      {"password in plain text and as a hash", "passwords", R"({"plain": "a", "hash": "b"})"},
      {"password without a value", "passwords", R"({})"},
      {"time policy interval of one time", "policies/time_policies",
       R"({"name": "t", "Mon": [["8:00"]], "Tue": [], "Wed": [], "Thu": [], "Fri": [], "Sat": [], "Sun": []})"},
      {"time policy name with whitespace", "policies/time_policies",
       R"({"name": "office hours", "Mon": [], "Tue": [], "Wed": [], "Thu": [], "Fri": [], "Sat": [], "Sun": []})"},
      {"timezone that is not a string", "datetime/timezone", R"({"zone": "UTC"})"},
      {"dns primary that is not an address", "network/dns", R"({"primary": "dns.example.com", "secondary": null})"},
      {"snmp trap server without selection", "management/snmp/trap",
       R"({"enabled": true, "version": {"selection": "2c", "value": {"community": "public", "server": {"value": "192.0.2.1"}}}})"},
      {"connection policy with an unknown policy member", "ssh/connections",
       R"({"name": "c", "policies": {"channel_polcy": "all"}})"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_FALSE(compile(c.path).validate(parse_json(c.body)).empty());
  }
}

TEST(CatalogSchemaTest, NestedTypoIsReportedAtTheUnknownMember) {
  // Given a misspelled port inside a union-free list item, expect the error to point at it
  // (so the desired-state loader can map it to file:line:col).
  const auto errors = compile("local_services/user_web").validate(parse_json(R"({
      "access_restriction": {"enabled": false},
      "listen": [{"address": "a", "http_port": 80, "https_port": 443, "htps_port": 443}]})"));
  ASSERT_EQ(errors.size(), 1u) << describe(errors);
  EXPECT_EQ(errors[0].instance_pointer, "/listen/0/htps_port");
  EXPECT_EQ(errors[0].keyword, "additionalProperties");
}

TEST(CatalogSchemaTest, UnionErrorPointsIntoTheSelectedBranch) {
  // Given a remote timestamping server without its URL, expect an error inside the
  // "remote" branch rather than only "no oneOf branch matched".
  const auto errors = compile("policies/audit_policies").validate(parse_json(R"({
      "name": "p", "encryption": {"enabled": false}, "signing": {"enabled": false},
      "timestamping": {"enabled": true, "server": {"selection": "remote", "server_ulr": "http://tsa/"}},
      "signing_and_timestamping_interval": 30})"));
  ASSERT_FALSE(errors.empty());
  EXPECT_TRUE(std::any_of(errors.begin(), errors.end(), [](const schema::ValidationError& e) {
    return e.instance_pointer == "/timestamping/server/server_ulr";
  })) << describe(errors);
}

}  // namespace
}  // namespace sps::catalog
