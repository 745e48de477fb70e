#include "catalog/catalog.h"

#include "catalog/discover.h"
#include "catalog/embedded.h"
#include "core/json_pointer.h"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

namespace sps::catalog {
namespace json = boost::json;

namespace {

const std::string kRestPrefix = "/api/configuration/";

// Every member x-sps may carry. Anything else is a typo in a schema file; rejecting it keeps
// a misspelled "server_computed" from silently turning into a permanent diff.
const std::set<std::string, std::less<>> kKnownMembers = {
    "path",      "shape",       "body",      "identity",        "ordered",
    "references", "secrets",    "set_lists", "server_computed", "write_once",
    "provisional", "available", "builtin",   "builtin_names", "ssh_host_keys"};

/// Reads one x-sps annotation; every failure names the file and the offending member.
class AnnotationReader {
 public:
  AnnotationReader(const std::string& file, const json::object& xsps) : m_file(file), m_xsps(xsps) {}

  core::Error fail(std::string_view what) const {
    return {core::ErrorCode::kInternal, "schema " + m_file + ": x-sps: " + std::string(what)};
  }

  core::Result<std::string> string(std::string_view member, bool required) const {
    const json::value* v = m_xsps.if_contains(member);
    if (v == nullptr) {
      if (required) return fail("missing \"" + std::string(member) + "\"");
      return std::string();
    }
    if (!v->is_string() || v->get_string().empty())
      return fail("\"" + std::string(member) + "\" must be a non-empty string");
    return std::string(v->get_string());
  }

  core::Result<bool> boolean(std::string_view member) const {
    const json::value* v = m_xsps.if_contains(member);
    if (v == nullptr) return false;
    if (!v->is_bool()) return fail("\"" + std::string(member) + "\" must be a boolean");
    return v->get_bool();
  }

  // A JSON pointer into the body: "" (root) or starting with "/".
  core::Result<std::string> pointer(const json::value& v, std::string_view where) const {
    if (!v.is_string() || (!v.get_string().empty() && v.get_string().front() != '/'))
      return fail(std::string(where) + " must be a JSON pointer string starting with \"/\"");
    return std::string(v.get_string());
  }

  core::Result<std::vector<std::string>> strings(std::string_view member, bool pointers) const {
    std::vector<std::string> out;
    const json::value* v = m_xsps.if_contains(member);
    if (v == nullptr) return out;
    if (!v->is_array()) return fail("\"" + std::string(member) + "\" must be an array");
    for (const json::value& item : v->get_array()) {
      if (pointers) {
        auto p = pointer(item, "\"" + std::string(member) + "\" entries");
        if (!p) return p.error();
        out.push_back(*p);
      } else {
        if (!item.is_string() || item.get_string().empty())
          return fail("\"" + std::string(member) + "\" entries must be non-empty strings");
        out.emplace_back(item.get_string());
      }
    }
    return out;
  }

  // Array of objects with exactly the members in `members`, all strings.
  core::Result<std::vector<std::map<std::string, std::string>>> records(
      std::string_view member, const std::set<std::string>& members, const std::set<std::string>& optional = {}) const {
    std::vector<std::map<std::string, std::string>> out;
    const json::value* v = m_xsps.if_contains(member);
    if (v == nullptr) return out;
    if (!v->is_array()) return fail("\"" + std::string(member) + "\" must be an array");
    for (const json::value& item : v->get_array()) {
      const json::object* obj = item.if_object();
      if (obj == nullptr) return fail("\"" + std::string(member) + "\" entries must be objects");
      std::map<std::string, std::string> record;
      for (const auto& field : *obj) {
        if (members.count(std::string(field.key())) == 0 && optional.count(std::string(field.key())) == 0)
          return fail("unknown member \"" + std::string(field.key()) + "\" in \"" +
                      std::string(member) + "\"");
        if (!field.value().is_string())
          return fail("\"" + std::string(member) + "\"." + std::string(field.key()) +
                      " must be a string");
        record[std::string(field.key())] = std::string(field.value().get_string());
      }
      for (const std::string& required : members)
        if (record.count(required) == 0)
          return fail("\"" + std::string(member) + "\" entry lacks \"" + required + "\"");
      if (!record["pointer"].empty() && record["pointer"].front() != '/')
        return fail("\"" + std::string(member) + "\" pointer must start with \"/\"");
      out.push_back(std::move(record));
    }
    return out;
  }

 private:
  const std::string& m_file;
  const json::object& m_xsps;
};

core::Result<Kind> parse_kind(const std::string& file, const std::string& text) {
  const auto fail = [&](std::string what) {
    return core::Error(core::ErrorCode::kInternal, "schema " + file + ": " + std::move(what));
  };
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec) return fail("invalid JSON: " + ec.message());
  const json::object* root = doc.if_object();
  if (root == nullptr) return fail("the document is not a JSON object");
  const json::value* annotation = root->if_contains("x-sps");
  if (annotation == nullptr || !annotation->is_object()) return fail("missing \"x-sps\" object");
  const json::object& xsps = annotation->get_object();
  const AnnotationReader r(file, xsps);
  for (const auto& member : xsps)
    if (kKnownMembers.find(member.key()) == kKnownMembers.end())
      return r.fail("unknown member \"" + std::string(member.key()) + "\"");

  Kind kind;
  kind.schema_file = file;
  auto path = r.string("path", true);
  if (!path) return path.error();
  kind.path = *path;
  if (kind.path.front() == '/' || kind.path.back() == '/')
    return r.fail("\"path\" is relative to /api/configuration and has no leading or trailing '/'");
  // The file name is part of the contract: adding an endpoint = adding <path>.json.
  if (file != kind.path + ".json") return r.fail("\"path\" must match the file name (" + file + ")");
  kind.rest_path = kRestPrefix + kind.path;

  auto shape = r.string("shape", true);
  if (!shape) return shape.error();
  if (*shape == "singleton") kind.shape = Shape::kSingleton;
  else if (*shape == "collection") kind.shape = Shape::kCollection;
  else return r.fail("\"shape\" must be \"singleton\" or \"collection\"");

  auto body = r.string("body", false);
  if (!body) return body.error();
  if (body->empty() || *body == "object") kind.body = BodyType::kObject;
  else if (*body == "array") kind.body = BodyType::kArray;
  else if (*body == "scalar") kind.body = BodyType::kScalar;
  else return r.fail("\"body\" must be \"object\", \"array\" or \"scalar\"");

  auto identity = r.string("identity", false);
  if (!identity) return identity.error();
  kind.identity = *identity;
  if (!kind.identity.empty() && !kind.is_collection())
    return r.fail("\"identity\" is only meaningful for collections");

  for (auto [member, flag] : {std::pair{"ordered", &kind.ordered}, {"write_once", &kind.write_once},
                              {"provisional", &kind.provisional}, {"builtin", &kind.builtin}}) {
    auto b = r.boolean(member);
    if (!b) return b.error();
    *flag = *b;
  }
  auto available = r.string("available", false);
  if (!available) return available.error();
  kind.available = *available;

  auto names = r.strings("builtin_names", false);
  if (!names) return names.error();
  kind.builtin_names = std::move(*names);
  if (!kind.builtin_names.empty() && !kind.is_collection())
    return r.fail("\"builtin_names\" is only meaningful for collections");
  auto set_lists = r.strings("set_lists", true);
  if (!set_lists) return set_lists.error();
  kind.set_lists = std::move(*set_lists);
  auto computed = r.strings("server_computed", true);
  if (!computed) return computed.error();
  kind.server_computed = std::move(*computed);
  auto host_keys = r.strings("ssh_host_keys", true);
  if (!host_keys) return host_keys.error();
  kind.ssh_host_keys = std::move(*host_keys);

  auto references = r.records("references", {"pointer", "target"}, {"target_tier"});
  if (!references) return references.error();
  for (auto& ref : *references) {
    const auto tier = ref.find("target_tier");
    if (tier != ref.end() && tier->second != "discovered") return r.fail("\"target_tier\" can only be \"discovered\"");
    kind.references.push_back({ref["pointer"], ref["target"], tier != ref.end()});
  }

  auto secrets = r.records("secrets", {"pointer", "mode"});
  if (!secrets) return secrets.error();
  for (auto& s : *secrets) {
    SecretSpec spec{s["pointer"], SecretMode::kInline};
    if (s["mode"] == "inline") spec.mode = SecretMode::kInline;
    else if (s["mode"] == "password-object") spec.mode = SecretMode::kPasswordObject;
    else if (s["mode"] == "private-key-object") spec.mode = SecretMode::kPrivateKeyObject;
    else return r.fail("secret mode must be \"inline\", \"password-object\" or \"private-key-object\"");
    kind.secrets.push_back(std::move(spec));
  }
  // An object-mode secret is a reference to the write-once collection; requiring the matching
  // reference entry keeps ordering (passwords before their owner) in one place: references.
  for (const SecretSpec& s : kind.secrets) {
    if (s.mode == SecretMode::kInline) continue;
    const std::string target = s.mode == SecretMode::kPasswordObject ? "passwords" : "private_keys";
    const ReferenceSpec* ref = kind.reference_at(s.pointer);
    if (ref == nullptr || ref->pointer != s.pointer || ref->target != target)
      return r.fail("secret " + s.pointer + " needs a reference entry with target \"" + target + "\"");
  }
  kind.schema = std::move(doc);
  return kind;
}

}  // namespace

const SecretSpec* Kind::secret_at(std::string_view pointer) const {
  for (const SecretSpec& s : secrets)
    if (core::pointer_matches(s.pointer, pointer)) return &s;
  return nullptr;
}

const ReferenceSpec* Kind::reference_at(std::string_view pointer) const {
  for (const ReferenceSpec& r : references)
    if (core::pointer_matches(r.pointer, pointer)) return &r;
  return nullptr;
}

core::Result<Catalog> Catalog::parse(std::span<const std::pair<std::string, std::string>> files) {
  Data data;
  for (const auto& [file, text] : files) {
    auto kind = parse_kind(file, text);
    if (!kind) return kind.error();
    data.kinds.push_back(std::move(*kind));
  }
  auto finished = data.finish();
  if (!finished) return finished.error();
  Catalog catalog;
  catalog.m_data = std::make_shared<const Data>(std::move(data));
  return catalog;
}

core::Result<Catalog> Catalog::with_kinds(std::vector<Kind> extra) const {
  if (extra.empty()) return *this;  // shares the kinds
  Data data = *m_data;
  data.order.clear();
  for (Kind& k : extra) data.kinds.push_back(std::move(k));
  auto finished = data.finish();
  if (!finished) return finished.error();
  Catalog catalog;
  catalog.m_data = std::make_shared<const Data>(std::move(data));
  return catalog;
}

core::Result<void> Catalog::Data::finish() {
  // Curated kinds are named by their schema file, discovered ones by their path.
  const auto source_of = [](const Kind& k) {
    return k.discovered ? "discovered kind " + k.path : "schema " + k.schema_file;
  };
  std::sort(kinds.begin(), kinds.end(),
            [](const Kind& a, const Kind& b) { return a.path < b.path; });
  std::map<std::string_view, std::size_t> index;
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    const Kind& k = kinds[i];
    if (!index.emplace(k.path, i).second)
      return core::Error(core::ErrorCode::kInternal,
                         source_of(k) + ": x-sps: path \"" + k.path + "\" is defined twice");
  }

  // Kahn's algorithm. The ready set is ordered by index (= path order), so ties are broken
  // by path and the order never depends on file order or hashing.
  const std::size_t n = kinds.size();
  std::vector<std::set<std::size_t>> dependents(n);
  std::vector<std::size_t> pending(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const Kind& k = kinds[i];
    std::set<std::size_t> targets;
    for (const ReferenceSpec& ref : k.references) {
      auto it = index.find(ref.target);
      // A target without a schema joins the catalog at plan time (with_kinds); until then
      // it orders nothing.
      if (it == index.end() && ref.discovered_target && is_configuration_path(ref.target)) continue;
      if (it == index.end())
        return core::Error(core::ErrorCode::kInternal, source_of(k) + ": x-sps: reference " +
                                                           ref.pointer + " targets unknown kind \"" +
                                                           ref.target + "\"");
      // A kind that refers to its own objects orders them itself; it is not a kind-level edge.
      if (it->second != i) targets.insert(it->second);
    }
    for (std::size_t t : targets) dependents[t].insert(i);
    pending[i] = targets.size();
  }
  std::set<std::size_t> ready;
  for (std::size_t i = 0; i < n; ++i)
    if (pending[i] == 0) ready.insert(i);
  while (!ready.empty()) {
    const std::size_t i = *ready.begin();
    ready.erase(ready.begin());
    order.push_back(i);
    for (std::size_t d : dependents[i])
      if (--pending[d] == 0) ready.insert(d);
  }
  if (order.size() != n) {
    std::string members;
    for (std::size_t i = 0; i < n; ++i)
      if (pending[i] != 0) members += (members.empty() ? "" : ", ") + (kinds[i].discovered ? kinds[i].path : kinds[i].schema_file);
    return core::Error(core::ErrorCode::kInternal, "schema references form a cycle among: " + members);
  }
  return {};
}

const Catalog& Catalog::builtin() {
  // Function-local static: parsed once, thread-safe. A failure here means a schema file
  // that slipped past the unit tests; that is a bug, so stop loudly rather than run blind.
  // Never destroyed: freeing every kind's schema at exit is work for nobody (about 2 M
  // instructions of a short command), and the object stays reachable, so no leak is reported.
  static const Catalog& kCatalog = *new Catalog([] {
    std::vector<std::pair<std::string, std::string>> files;
    for (const EmbeddedFile& f : embedded_schemas())
      files.emplace_back(std::string(f.path), std::string(f.contents));
    auto parsed = parse(files);
    if (!parsed) {
      std::fprintf(stderr, "sps: built-in catalog is broken: %s\n", parsed.error().message.c_str());
      std::abort();
    }
    return std::move(*parsed);
  }());
  return kCatalog;
}

const Kind* Catalog::find(std::string_view path) const {
  const std::vector<Kind>& kinds = m_data->kinds;
  auto it = std::lower_bound(kinds.begin(), kinds.end(), path,
                             [](const Kind& k, std::string_view p) { return k.path < p; });
  return it != kinds.end() && it->path == path ? &*it : nullptr;
}

std::vector<const Kind*> Catalog::dependency_order() const {
  std::vector<const Kind*> out;
  out.reserve(m_data->order.size());
  for (std::size_t i : m_data->order) out.push_back(&m_data->kinds[i]);
  return out;
}

}  // namespace sps::catalog
