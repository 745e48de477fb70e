#include "catalog/discover.h"

#include "core/json_pointer.h"

#include <boost/json.hpp>

#include <algorithm>

namespace sps::catalog {
namespace json = boost::json;

namespace {

constexpr std::string_view kConfigurationPrefix = "/api/configuration/";

// The read form of a reference: {"key": "...", "meta": {"href": "..."}} (or, in one
// documentation sample, {"meta": {"href": "..."}} alone).
const json::string* reference_href(const json::object& object) {
  if (object.size() != 1 && object.size() != 2) return nullptr;
  const json::value* meta = object.if_contains("meta");
  if (meta == nullptr || !meta->is_object()) return nullptr;
  const json::value* href = meta->get_object().if_contains("href");
  if (href == nullptr || !href->is_string()) return nullptr;
  if (object.size() == 2) {
    const json::value* key = object.if_contains("key");
    if (key == nullptr || !key->is_string()) return nullptr;
  }
  return &href->get_string();
}

/// Records the fields and references of one body.
class Learner {
 public:
  explicit Learner(Kind& kind) : m_kind(kind) {}

  void learn(const json::value& v, const std::string& pattern) {
    if (const json::object* object = v.if_object()) {
      if (const json::string* href = reference_href(*object)) {
        add_reference(pattern, kind_of_href(*href));
        return;
      }
      auto& fields = m_kind.fields[field_set_key(pattern, *object)];
      for (const auto& member : *object) {
        fields.insert(std::string(member.key()));
        learn(member.value(), core::append_pointer(pattern, member.key()));
      }
    } else if (const json::array* array = v.if_array()) {
      for (const json::value& element : *array) learn(element, pattern + "/*");
    }
  }

 private:
  void add_reference(const std::string& pattern, std::string target) {
    if (pattern.empty() || target.empty()) return;
    const bool known = std::any_of(m_kind.references.begin(), m_kind.references.end(),
                                   [&](const ReferenceSpec& r) { return r.pointer == pattern; });
    if (known) return;
    // Password and private-key objects are write-only: a reference to one is a secret that
    // is set once and kept (SPS REST API Reference, "Passwords" and "Private keys").
    if (target == "passwords") m_kind.secrets.push_back({pattern, SecretMode::kPasswordObject});
    if (target == "private_keys") m_kind.secrets.push_back({pattern, SecretMode::kPrivateKeyObject});
    m_kind.references.push_back({pattern, std::move(target)});
  }

  Kind& m_kind;
};

Kind blank_kind(std::string_view path) {
  Kind kind;
  kind.path = std::string(path);
  kind.rest_path = std::string(kConfigurationPrefix) + kind.path;
  kind.discovered = true;
  // Any body passes: the appliance's field set (Kind::fields) is the check instead.
  kind.schema = json::object{{"description", "discovered kind " + kind.path + ": derived from the appliance's answer"}};
  return kind;
}

}  // namespace

bool is_configuration_path(std::string_view path) {
  if (path.empty() || path.front() == '/' || path.back() == '/') return false;
  char previous = '/';
  for (const char c : path) {
    const bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!word && c != '/') return false;
    if (c == '/' && previous == '/') return false;
    previous = c;
  }
  return true;
}

std::string kind_of_href(std::string_view href) {
  if (!href.starts_with(kConfigurationPrefix)) return {};
  href.remove_prefix(kConfigurationPrefix.size());
  // A reference into a sub-object ("nics/nic1#interfaces/...") points into the object before '#'.
  href = href.substr(0, href.find('#'));
  const std::size_t slash = href.rfind('/');
  if (slash == std::string_view::npos) return {};
  return std::string(href.substr(0, slash));
}

std::vector<std::string> directory_children(const json::value& document) {
  std::vector<std::string> out;
  const json::object* root = document.if_object();
  const json::value* items = root != nullptr ? root->if_contains("items") : nullptr;
  if (items == nullptr || !items->is_array()) return out;
  for (const json::value& item : items->get_array()) {
    const json::object* object = item.if_object();
    if (object == nullptr || object->contains("body")) return {};
    const json::value* meta = object->if_contains("meta");
    const json::value* href = meta != nullptr && meta->is_object() ? meta->get_object().if_contains("href") : nullptr;
    if (href == nullptr || !href->is_string() || !href->get_string().starts_with(kConfigurationPrefix)) return {};
    out.emplace_back(std::string_view(href->get_string()).substr(kConfigurationPrefix.size()));
  }
  return out;
}

std::string field_set_key(std::string_view pattern, const json::object& object) {
  std::string key(pattern);
  if (const json::value* selection = object.if_contains("selection"); selection != nullptr && selection->is_string()) {
    key += "|selection=";
    key += selection->get_string();
  }
  return key;
}

core::Result<Kind> derive_kind(std::string_view path, const json::value& document) {
  const std::string rest = std::string(kConfigurationPrefix) + std::string(path);
  const json::object* root = document.if_object();
  if (root == nullptr) {
    return core::Error(core::ErrorCode::kInvalidArgument, "the appliance's answer for " + rest + " is not a JSON object",
                       "expected {\"key\", \"body\", \"meta\"} or {\"items\", \"meta\"}");
  }
  Kind kind = blank_kind(path);
  Learner learner(kind);
  if (const json::value* body = root->if_contains("body")) {
    kind.shape = Shape::kSingleton;
    kind.body = body->is_object() ? BodyType::kObject : body->is_array() ? BodyType::kArray : BodyType::kScalar;
    learner.learn(*body, "");
    return kind;
  }
  const json::value* items = root->if_contains("items");
  if (items == nullptr || !items->is_array()) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "the appliance's answer for " + rest + " has neither \"body\" nor \"items\"",
                       "expected a singleton {\"key\", \"body\", \"meta\"} or a listing {\"items\", \"meta\"}");
  }
  const json::array& list = items->get_array();
  if (const auto children = directory_children(document); !list.empty() && !children.empty()) {
    std::string names;
    for (const auto& child : children) names += (names.empty() ? "" : ", ") + child;
    return core::Error(core::ErrorCode::kInvalidConfig,
                       rest + " is a directory, not an endpoint; it contains: " + names,
                       "write one of its children as the top-level key, for example \"" + children.front() + "\"");
  }
  kind.shape = Shape::kCollection;
  bool named = true;
  for (const json::value& item : list) {
    const json::object* object = item.if_object();
    const json::value* body = object != nullptr ? object->if_contains("body") : nullptr;
    if (body == nullptr) {
      return core::Error(core::ErrorCode::kInvalidArgument, "an item of " + rest + " has no body",
                         "discovered collections need firmware that lists item bodies (SPS 6.1 and later)");
    }
    const json::value* name = body->is_object() ? body->get_object().if_contains("name") : nullptr;
    named = named && name != nullptr && name->is_string() && !name->get_string().empty();
    learner.learn(*body, "");
  }
  // Items are matched to the YAML by name; a collection whose objects have none is addressed
  // by server key (as curated kinds without an identity are).
  if (named) kind.identity = "name";
  return kind;
}

}  // namespace sps::catalog
