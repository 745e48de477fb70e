#include "sim/tree.h"

#include "core/json_pointer.h"

#include <algorithm>
#include <set>

namespace sps::sim {
namespace json = boost::json;

namespace {

/// References the SPS REST API Reference documents for fields a fresh appliance leaves
/// empty (null or []), so the seed cannot show them in read form.
struct DocumentedReference {
  std::string_view path;
  std::string_view pointer;
  std::string_view target;
};

// Sources (SPS REST API Reference Guide, support.oneidentity.com):
// "Local services: Web login for users" / "... for administrators" (listen addresses),
// "Cluster interface" (listen_address), "SSL certificates used by SPS" (server, tsa, ca),
// "Passwords stored on SPS" ("set the password of a user account": user databases),
// "Backup policies", "Archive/Cleanup policy" (target authentication), "Audit policies",
// "Syslog" (receivers' client certificates), "Mail settings" (SMTP authentication),
// "LDAP servers" (bind password), "System backup" (backup_policy), "X.509 certificates".
constexpr DocumentedReference kDocumentedReferences[] = {
    {"local_services/admin_web", "/listen/*/address", "network/nics"},
    {"local_services/user_web", "/listen/*/address", "network/nics"},
    {"local_services/cluster", "/listen_address", "network/nics"},
    {"management/certificates", "/server", "x509"},
    {"management/certificates", "/tsa", "x509"},
    {"management/certificates", "/ca/x509_identity", "x509"},
    {"management/email", "/smtp_auth/password", "passwords"},
    {"management/email", "/smtp_encryption/client_x509_identity", "x509"},
    {"management/syslog", "/receivers/*/x509_identity", "x509"},
    {"management/system_backup", "/backup_policy", "policies/backup_policies"},
    {"policies/archive_cleanup_policies", "/target/authentication/password", "passwords"},
    {"policies/audit_policies", "/signing/x509_identity", "x509"},
    {"policies/backup_policies", "/target/auth_key", "private_keys"},
    {"policies/backup_policies", "/target/authentication/password", "passwords"},
    {"policies/ldap_servers", "/bind_password", "passwords"},
    {"policies/user_databases", "/users/*/passwords/*", "passwords"},
    {"x509", "/private_key", "private_keys"},
    // "Connection policies reference other resources (policies, usergroups, keys) that must
    // be configured and available before creating a connection policy" (SSH/RDP connection
    // policy pages); the member names of the policies sub-object are not shown there.
    {"ssh/connections", "/policies/channel_policy", "ssh/channel_policies"},
    {"ssh/connections", "/policies/settings_policy", "ssh/settings_policies"},
    {"ssh/connections", "/policies/authentication_policy", "ssh/authentication_policies"},
    {"ssh/connections", "/policies/ldap_server", "policies/ldap_servers"},
    {"ssh/connections", "/policies/audit_policy", "policies/audit_policies"},
    {"ssh/connections", "/policies/backup_policy", "policies/backup_policies"},
    {"ssh/connections", "/policies/archive_cleanup_policy", "policies/archive_cleanup_policies"},
    {"rdp/connections", "/policies/channel_policy", "rdp/channel_policies"},
    {"rdp/connections", "/policies/settings_policy", "rdp/settings_policies"},
    {"rdp/connections", "/policies/authentication_policy", "rdp/authentication_policies"},
    {"rdp/connections", "/policies/ldap_server", "policies/ldap_servers"},
    {"rdp/connections", "/policies/audit_policy", "policies/audit_policies"},
    {"rdp/connections", "/policies/backup_policy", "policies/backup_policies"},
    {"rdp/connections", "/policies/archive_cleanup_policy", "policies/archive_cleanup_policies"},
    // "Channel policy": each rule may be limited to a time policy.
    {"ssh/channel_policies", "/rules/*/time_policy", "policies/time_policies"},
    {"rdp/channel_policies", "/rules/*/time_policy", "policies/time_policies"},
};

// "Passwords stored on SPS", "Private keys stored on SPS": POST, and GET by key only.
constexpr std::string_view kWriteOnce[] = {"passwords", "private_keys"};
// "License" (GET only), "Access control lists": "currently you cannot edit the privileges
// (ACLs) of the groups using the REST API".
constexpr std::string_view kReadOnly[] = {"aaa/acls", "management/license"};

bool is_read_form_reference(const json::object& obj) {
  if (obj.size() != 2) return false;
  const auto* key = obj.if_contains("key");
  const auto* meta = obj.if_contains("meta");
  if (key == nullptr || !key->is_string() || meta == nullptr || !meta->is_object()) return false;
  const auto* href = meta->get_object().if_contains("href");
  return href != nullptr && href->is_string();
}

void collapse(json::value& value, const std::string& pattern, std::vector<ReferenceSite>& sites) {
  if (json::object* obj = value.if_object()) {
    if (is_read_form_reference(*obj)) {
      const std::string href(obj->at("meta").at("href").get_string());
      json::value key = obj->at("key");
      value = std::move(key);
      if (auto target = href_target(href)) {
        ReferenceSite site{pattern, std::move(*target)};
        if (std::find(sites.begin(), sites.end(), site) == sites.end()) sites.push_back(site);
      }
      return;
    }
    for (auto& [name, member] : *obj) {
      collapse(member, core::append_pointer(pattern, name), sites);
    }
  } else if (json::array* arr = value.if_array()) {
    for (auto& element : *arr) collapse(element, pattern + "/*", sites);
  }
}

std::string parent_of(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(path.substr(0, slash));
}

}  // namespace

void NodeSpec::add_reference(ReferenceSite site) {
  if (std::find(references.begin(), references.end(), site) == references.end()) {
    references.push_back(std::move(site));
  }
}

DocumentedFacts documented_facts(std::string_view path) {
  DocumentedFacts facts;
  facts.write_once = std::find(std::begin(kWriteOnce), std::end(kWriteOnce), path) != std::end(kWriteOnce);
  facts.read_only = std::find(std::begin(kReadOnly), std::end(kReadOnly), path) != std::end(kReadOnly);
  for (const auto& ref : kDocumentedReferences) {
    if (ref.path == path) facts.references.push_back({std::string(ref.pointer), std::string(ref.target)});
  }
  return facts;
}

json::value documented_read_form(std::string_view path, json::value body) {
  if (path != "policies/backup_policies") return body;
  json::value* host_key = core::find_pointer(body, "/target/host_key");
  if (host_key == nullptr || !host_key->is_string()) return body;
  const std::string_view line = host_key->get_string();
  const auto space = line.find(' ');
  if (space == std::string_view::npos) return body;
  const std::string_view type = line.substr(0, space);
  std::string_view blob = line.substr(space + 1);
  blob = blob.substr(0, blob.find(' '));  // drop the comment
  const char* selection = type == "ssh-rsa" ? "rsa" : type == "ssh-dss" ? "dss" : nullptr;
  if (selection == nullptr || blob.empty()) return body;
  *host_key = json::object{{"selection", selection}, {"value", blob}};
  return body;
}

std::optional<std::string> href_target(std::string_view href) {
  const std::string prefix = std::string(kConfigurationRoot) + "/";
  if (!href.starts_with(prefix)) return std::nullopt;
  std::string_view rest = href.substr(prefix.size());
  rest = rest.substr(0, rest.find('#'));
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  const std::string target = parent_of(rest);
  if (target.empty()) return std::nullopt;
  return target;
}

std::vector<ReferenceSite> collapse_references(json::value& body) {
  std::vector<ReferenceSite> sites;
  collapse(body, "", sites);
  return sites;
}

core::Result<NodeSpec*> NodeTable::add(std::string_view path, NodeShape shape) {
  if (NodeSpec* existing = find(path)) {
    if (existing->shape != shape) {
      return core::Error(core::ErrorCode::kInvalidArgument,
                         std::string(path) + " is both a singleton and a collection",
                         "a singleton is {\"key\": ..., \"body\": ...}; a collection is "
                         "{\"items\": [...]}");
    }
    return existing;
  }
  if (path.empty() || path.starts_with("/") || path.ends_with("/") ||
      path.find("//") != std::string_view::npos) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "'" + std::string(path) + "' is not a configuration path",
                       "use a path relative to /api/configuration, such as network/dns");
  }
  DocumentedFacts facts = documented_facts(path);
  NodeSpec spec{std::string(path), std::string(kConfigurationRoot) + "/" + std::string(path), shape,
                facts.write_once, facts.read_only, std::move(facts.references), nullptr};
  auto [it, inserted] = m_nodes.emplace(std::string(path), std::move(spec));
  return &it->second;
}

NodeSpec* NodeTable::find(std::string_view path) {
  auto it = m_nodes.find(path);
  return it == m_nodes.end() ? nullptr : &it->second;
}

const NodeSpec* NodeTable::find(std::string_view path) const {
  auto it = m_nodes.find(path);
  return it == m_nodes.end() ? nullptr : &it->second;
}

core::Result<void> NodeTable::check() const {
  for (const auto& [path, spec] : m_nodes) {
    // Sorted order puts "a/b/..." right after "a/b" (only names with characters below '/'
    // sort in between, and those cannot contain the prefix "a/b/").
    for (auto it = m_nodes.upper_bound(path); it != m_nodes.end(); ++it) {
      if (it->first.starts_with(path + "/")) {
        return core::Error(core::ErrorCode::kInvalidArgument,
                           it->first + " lies inside " + path + ", which holds objects",
                           "a path is either an object (singleton or collection) or a "
                           "directory of other paths");
      }
      if (!it->first.starts_with(path)) break;
    }
  }
  return {};
}

std::vector<std::string> NodeTable::children(std::string_view directory) const {
  if (find(directory) != nullptr) return {};
  const std::string prefix = directory.empty() ? std::string() : std::string(directory) + "/";
  std::set<std::string> names;
  for (auto it = m_nodes.lower_bound(prefix); it != m_nodes.end(); ++it) {
    if (!it->first.starts_with(prefix)) break;
    const std::string rest = it->first.substr(prefix.size());
    names.insert(rest.substr(0, rest.find('/')));
  }
  return {names.begin(), names.end()};
}

std::string NodeTable::reference_href(std::string_view target, std::string_view key) const {
  const NodeSpec* node = find(target);
  const std::string base = std::string(kConfigurationRoot) + "/" + std::string(target);
  const auto dot = key.find('.');
  if (dot == std::string_view::npos) {
    return node != nullptr && !node->is_collection() ? base : base + "/" + std::string(key);
  }
  // Sub-object references (NIC addresses): the first token names the object, the rest is a
  // path inside its body, written as a URL fragment ("Local services: Web login for users").
  std::string fragment(key.substr(dot + 1));
  std::replace(fragment.begin(), fragment.end(), '.', '/');
  return base + "/" + std::string(key.substr(0, dot)) + "#" + fragment;
}

json::object sibling_links(const std::vector<std::string>& siblings, std::string_view self,
                           std::string_view parent_href) {
  auto href = [&](const std::string& name) -> json::value {
    return json::value(std::string(parent_href) + "/" + name);
  };
  json::object links{{"first", nullptr}, {"last", nullptr}, {"next", nullptr}, {"previous", nullptr}};
  if (siblings.empty()) return links;
  links["first"] = href(siblings.front());
  links["last"] = href(siblings.back());
  const auto it = std::find(siblings.begin(), siblings.end(), self);
  if (it == siblings.end()) return links;
  if (it != siblings.begin()) links["previous"] = href(*std::prev(it));
  if (std::next(it) != siblings.end()) links["next"] = href(*std::next(it));
  return links;
}

}  // namespace sps::sim
