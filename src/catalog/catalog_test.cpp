#include "catalog/catalog.h"

#include "catalog/embedded.h"
#include "core/json_pointer.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

namespace sps::catalog {
namespace {
namespace json = boost::json;

using Files = std::vector<std::pair<std::string, std::string>>;

// A minimal valid schema document for `path` with the given extra x-sps members.
std::string schema_text(const std::string& path, const std::string& extra = "",
                        const std::string& shape = "collection") {
  return R"({"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
             "properties": {"name": {"type": "string"}, "ref": {"type": "string"}},
             "x-sps": {"path": ")" +
         path + R"(", "shape": ")" + shape + "\"" + extra + "}}";
}

// Resolves a local "$ref" ("#/definitions/x") against the document root.
const json::value* resolve(const json::value& root, const json::value& schema) {
  const json::object* obj = schema.if_object();
  if (obj == nullptr) return &schema;
  const json::value* ref = obj->if_contains("$ref");
  if (ref == nullptr || !ref->is_string()) return &schema;
  std::string_view target = ref->get_string();
  if (target.empty() || target.front() != '#') return nullptr;
  target.remove_prefix(1);
  const json::value* resolved = core::find_pointer(root, target);
  return resolved == nullptr ? nullptr : resolve(root, *resolved);
}

// True when a body pointer pattern ("/listen/*/address") names a property the schema
// declares, looking through oneOf/anyOf/allOf branches, if/then, and local $refs.
bool schema_declares(const json::value& root, const json::value& schema,
                     const std::vector<std::string>& tokens, std::size_t i) {
  const json::value* resolved = resolve(root, schema);
  if (resolved == nullptr) return false;
  if (i == tokens.size()) return true;
  const json::object* obj = resolved->if_object();
  if (obj == nullptr) return false;
  for (const char* combinator : {"oneOf", "anyOf", "allOf"}) {
    if (const json::value* branches = obj->if_contains(combinator)) {
      for (const json::value& b : branches->get_array())
        if (schema_declares(root, b, tokens, i)) return true;
    }
  }
  if (tokens[i] == "*") {
    const json::value* items = obj->if_contains("items");
    return items != nullptr && schema_declares(root, *items, tokens, i + 1);
  }
  if (const json::value* props = obj->if_contains("properties")) {
    if (const json::value* p = props->get_object().if_contains(tokens[i]))
      return schema_declares(root, *p, tokens, i + 1);
  }
  return false;
}

bool declares(const Kind& kind, std::string_view pointer) {
  return schema_declares(kind.schema, kind.schema, core::split_pointer(pointer), 0);
}

TEST(CatalogTest, BuiltinParsesEveryEmbeddedSchema) {
  const Catalog& catalog = Catalog::builtin();
  EXPECT_EQ(catalog.kinds().size(), embedded_schemas().size());
  for (const Kind& kind : catalog.kinds()) {
    SCOPED_TRACE(kind.path);
    EXPECT_EQ(kind.schema_file, kind.path + ".json");
    EXPECT_EQ(kind.rest_path, "/api/configuration/" + kind.path);
    ASSERT_TRUE(kind.schema.is_object());
    EXPECT_TRUE(kind.schema.as_object().contains("$schema"));
    EXPECT_TRUE(kind.schema.as_object().contains("title"));
    EXPECT_TRUE(kind.schema.as_object().contains("description"));
  }
}

TEST(CatalogTest, CoversEveryManagedEndpoint) {
  const Catalog& catalog = Catalog::builtin();
  for (const char* path :
       {"policies/archive_cleanup_policies", "policies/audit_policies", "policies/backup_policies",
        "local_services/admin_web", "local_services/user_web", "local_services/cluster",
        "management/splunk_forwarder", "management/universal_siem_forwarder", "management/syslog",
        "management/soap", "management/support_info", "management/system_backup",
        "management/exported_configuration_encryption", "management/email",
        "management/webinterface", "passwords", "private_keys", "x509", "network/nics"}) {
    SCOPED_TRACE(path);
    EXPECT_NE(catalog.find(path), nullptr);
  }
  EXPECT_EQ(catalog.find("management/nonexistent"), nullptr);
}

TEST(CatalogTest, PathsAreUniqueAndSorted) {
  const auto& kinds = Catalog::builtin().kinds();
  std::set<std::string> seen;
  for (const Kind& k : kinds) {
    EXPECT_TRUE(seen.insert(k.path).second) << k.path;
  }
  EXPECT_TRUE(std::is_sorted(kinds.begin(), kinds.end(),
                             [](const Kind& a, const Kind& b) { return a.path < b.path; }));
}

TEST(CatalogTest, ReferencesPointAtExistingKindsAndDeclaredProperties) {
  const Catalog& catalog = Catalog::builtin();
  for (const Kind& kind : catalog.kinds()) {
    for (const ReferenceSpec& ref : kind.references) {
      SCOPED_TRACE(kind.path + " " + ref.pointer);
      if (!ref.discovered_target) {
        EXPECT_NE(catalog.find(ref.target), nullptr) << ref.target;
      }
      EXPECT_TRUE(declares(kind, ref.pointer));
    }
  }
}

TEST(CatalogTest, SecretAndMarkedPointersResolveToDeclaredProperties) {
  for (const Kind& kind : Catalog::builtin().kinds()) {
    SCOPED_TRACE(kind.path);
    for (const SecretSpec& s : kind.secrets) {
      EXPECT_TRUE(declares(kind, s.pointer)) << s.pointer;
    }
    for (const std::string& p : kind.set_lists) {
      EXPECT_TRUE(declares(kind, p)) << p;
    }
    for (const std::string& p : kind.server_computed) {
      EXPECT_TRUE(declares(kind, p)) << p;
    }
    for (const std::string& p : kind.ssh_host_keys) {
      EXPECT_TRUE(declares(kind, p)) << p;
    }
    if (!kind.identity.empty()) {
      EXPECT_TRUE(declares(kind, "/" + kind.identity));
    }
  }
}

TEST(CatalogTest, SecretsAreMarkedWhereTheApiHoldsThem) {
  const Catalog& catalog = Catalog::builtin();
  struct Case {
    const char* path;
    const char* pointer;
    SecretMode mode;
  };
  for (const Case& c : {Case{"management/splunk_forwarder", "/token", SecretMode::kInline},
                        Case{"policies/backup_policies", "/target/auth_key", SecretMode::kPrivateKeyObject},
                        Case{"policies/backup_policies", "/target/authentication/password",
                             SecretMode::kPasswordObject},
                        Case{"policies/archive_cleanup_policies", "/target/authentication/password",
                             SecretMode::kPasswordObject},
                        Case{"management/email", "/smtp_auth/password", SecretMode::kPasswordObject}}) {
    SCOPED_TRACE(std::string(c.path) + c.pointer);
    const Kind* kind = catalog.find(c.path);
    ASSERT_NE(kind, nullptr);
    const SecretSpec* secret = kind->secret_at(c.pointer);
    ASSERT_NE(secret, nullptr);
    EXPECT_EQ(secret->mode, c.mode);
  }
}

TEST(CatalogTest, ReferenceAtMatchesWildcardPatterns) {
  const Kind* kind = Catalog::builtin().find("local_services/user_web");
  ASSERT_NE(kind, nullptr);
  const ReferenceSpec* ref = kind->reference_at("/listen/3/address");
  ASSERT_NE(ref, nullptr);
  EXPECT_EQ(ref->target, "network/nics");
  EXPECT_EQ(kind->reference_at("/listen/3/http_port"), nullptr);
}

TEST(CatalogTest, BuiltinNamesAndFlagsAreParsed) {
  const Catalog& catalog = Catalog::builtin();
  const Kind* audit = catalog.find("policies/audit_policies");
  ASSERT_NE(audit, nullptr);
  EXPECT_EQ(audit->builtin_names, std::vector<std::string>{"default"});
  EXPECT_EQ(audit->identity, "name");
  EXPECT_TRUE(audit->is_collection());
  const Kind* passwords = catalog.find("passwords");
  ASSERT_NE(passwords, nullptr);
  EXPECT_TRUE(passwords->write_once);
  EXPECT_TRUE(passwords->builtin);
  const Kind* webinterface = catalog.find("management/webinterface");
  ASSERT_NE(webinterface, nullptr);
  EXPECT_FALSE(webinterface->is_collection());
  EXPECT_FALSE(webinterface->provisional);
  const Kind* siem = catalog.find("management/universal_siem_forwarder");
  ASSERT_NE(siem, nullptr);
  EXPECT_TRUE(siem->provisional);
}

TEST(CatalogTest, DependencyOrderPutsTargetsFirst) {
  const Catalog& catalog = Catalog::builtin();
  const auto order = catalog.dependency_order();
  ASSERT_EQ(order.size(), catalog.kinds().size());
  std::map<std::string, std::size_t> rank;
  for (std::size_t i = 0; i < order.size(); ++i) rank[order[i]->path] = i;
  for (const Kind& kind : catalog.kinds())
    for (const ReferenceSpec& ref : kind.references)
      if (ref.target != kind.path) {
        EXPECT_LT(rank[ref.target], rank[kind.path]) << kind.path;
      }
}

TEST(CatalogTest, DependencyOrderBreaksTiesByPath) {
  // Given b -> a and independent c, d: expect a before b, and ties in path order.
  const Files files = {
      {"d.json", schema_text("d")},
      {"b.json", schema_text("b", R"(, "references": [{"pointer": "/ref", "target": "a"}])")},
      {"c.json", schema_text("c")},
      {"a.json", schema_text("a")}};
  auto catalog = Catalog::parse(files);
  ASSERT_TRUE(catalog.has_value()) << catalog.error().message;
  std::vector<std::string> paths;
  for (const Kind* k : catalog->dependency_order()) paths.push_back(k->path);
  EXPECT_EQ(paths, (std::vector<std::string>{"a", "b", "c", "d"}));
}

TEST(CatalogTest, CycleIsAnInternalError) {
  const Files files = {
      {"a.json", schema_text("a", R"(, "references": [{"pointer": "/ref", "target": "b"}])")},
      {"b.json", schema_text("b", R"(, "references": [{"pointer": "/ref", "target": "a"}])")}};
  auto catalog = Catalog::parse(files);
  ASSERT_FALSE(catalog.has_value());
  EXPECT_EQ(catalog.error().code, core::ErrorCode::kInternal);
  EXPECT_NE(catalog.error().message.find("cycle"), std::string::npos);
  EXPECT_NE(catalog.error().message.find("a.json"), std::string::npos);
}

TEST(CatalogTest, RejectsMalformedAnnotationsNamingTheFile) {
  struct Case {
    const char* name;
    std::string text;
  };
  const std::vector<Case> cases = {
      {"invalid json", "{\"x-sps\": "},
      {"not an object", "[1, 2]"},
      {"missing x-sps", R"({"type": "object"})"},
      {"missing path", R"({"x-sps": {"shape": "singleton"}})"},
      {"bad shape", schema_text("bad/kind", "", "bag")},
      {"unknown member", schema_text("bad/kind", R"(, "refrences": [])")},
      {"bad body", schema_text("bad/kind", R"(, "body": "tree")")},
      {"bad flag", schema_text("bad/kind", R"(, "ordered": "yes")")},
      {"bad secret mode", schema_text("bad/kind", R"(, "secrets": [{"pointer": "/ref", "mode": "clear"}])")},
      {"relative pointer", schema_text("bad/kind", R"(, "set_lists": ["ref"])")},
      {"reference without target",
       schema_text("bad/kind", R"(, "references": [{"pointer": "/ref"}])")},
      {"unknown target",
       schema_text("bad/kind", R"(, "references": [{"pointer": "/ref", "target": "nowhere"}])")},
      {"bad target tier",
       schema_text("bad/kind", R"(, "references": [{"pointer": "/ref", "target": "x/y", "target_tier": "curated"}])")},
      {"malformed discovered target",
       schema_text("bad/kind", R"(, "references": [{"pointer": "/ref", "target": "Not A Path", "target_tier": "discovered"}])")},
      {"object secret without reference",
       schema_text("bad/kind", R"(, "secrets": [{"pointer": "/ref", "mode": "password-object"}])")},
      {"identity on singleton", schema_text("bad/kind", R"(, "identity": "name")", "singleton")},
      {"path differs from file name", schema_text("other/kind")},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const Files files = {{"bad/kind.json", c.text}};
    auto catalog = Catalog::parse(files);
    ASSERT_FALSE(catalog.has_value());
    EXPECT_EQ(catalog.error().code, core::ErrorCode::kInternal);
    EXPECT_NE(catalog.error().message.find("bad/kind.json"), std::string::npos)
        << catalog.error().message;
  }
}

TEST(CatalogTest, RejectsDuplicatePaths) {
  const Files files = {{"a.json", schema_text("a")}, {"a.json", schema_text("a")}};
  auto catalog = Catalog::parse(files);
  ASSERT_FALSE(catalog.has_value());
  EXPECT_NE(catalog.error().message.find("twice"), std::string::npos);
}

TEST(CatalogTest, DefaultSeedHasOneWellFormedFilePerKind) {
  // Every curated kind has a seed file of its shape; the seed may hold more paths
  // (discovered kinds), whose shape the document itself says.
  const Catalog& catalog = Catalog::builtin();
  const auto seed = embedded_default_seed();
  std::set<std::string> seeded;
  for (const EmbeddedFile& file : seed) {
    SCOPED_TRACE(std::string(file.path));
    std::string path(file.path);
    ASSERT_TRUE(path.size() > 5 && path.ends_with(".json"));
    path.resize(path.size() - 5);
    seeded.insert(path);
    boost::system::error_code ec;
    const json::value doc = json::parse(file.contents, ec);
    ASSERT_FALSE(ec) << ec.message();
    ASSERT_TRUE(doc.is_object());
    const Kind* kind = catalog.find(path);
    const bool collection = doc.as_object().contains("items");
    if (kind != nullptr) {
      EXPECT_EQ(kind->is_collection(), collection);
    }
    if (collection) {
      std::set<std::string> keys;
      for (const json::value& item : doc.at("items").as_array()) {
        ASSERT_TRUE(item.at("key").is_string());
        EXPECT_TRUE(keys.insert(std::string(item.at("key").as_string())).second);
        EXPECT_TRUE(item.as_object().contains("body"));
      }
    } else {
      EXPECT_EQ(doc.at("key"), json::value(path.substr(path.rfind('/') + 1)));
      EXPECT_TRUE(doc.as_object().contains("body"));
    }
  }
  for (const Kind& kind : catalog.kinds()) EXPECT_TRUE(seeded.contains(kind.path)) << kind.path;
}

}  // namespace
}  // namespace sps::catalog
