// export --all: which crawled endpoints are exported, and which member names hold
// credentials in kinds without a schema. Pure.
#include "catalog/discover.h"
#include "core/json_pointer.h"
#include "export/export.h"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

namespace sps::exporter {
namespace json = boost::json;

namespace {

/// Endpoints the SPS REST API Reference documents as read-only. "Group ACLs cannot be
/// edited over REST" (5.7.0 guide, "Access control lists"); the license is uploaded in the
/// web interface, and its REST node only reports it ("License" page).
const std::map<std::string, std::string, std::less<>>& documented_read_only() {
  static const std::map<std::string, std::string, std::less<>> kReadOnly{
      {"aaa/acls", "read-only over REST: group ACLs cannot be edited with the REST API (SPS REST API Reference, "
                   "\"Access control lists\")"},
      {"management/license", "read-only: the license is uploaded in the web interface; its REST node only reports it "
                             "(SPS REST API Reference, \"License\")"},
  };
  return kReadOnly;
}

bool credential_name(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* word : {"password", "passphrase", "secret", "token", "community"}) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

Selection select_endpoints(const std::map<std::string, json::value>& endpoints, const catalog::Catalog& catalog) {
  Selection out;
  for (const auto& [path, document] : endpoints) {
    if (const catalog::Kind* curated = catalog.find(path)) {
      if (curated->write_once) {
        out.skipped.push_back({path, "write-only objects: exported as !secret placeholders where they are referenced"});
      } else if (curated->builtin) {
        out.skipped.push_back({path, "built into the appliance: referred to by key, never declared"});
      } else {
        out.kinds.push_back(path);
      }
      continue;
    }
    if (auto it = documented_read_only().find(path); it != documented_read_only().end()) {
      out.skipped.push_back({path, it->second});
      continue;
    }
    auto kind = catalog::derive_kind(path, document);
    if (!kind) {
      out.skipped.push_back({path, "sps-apply cannot write it: " + kind.error().message});
      continue;
    }
    if (kind->is_collection() && kind->identity.empty()) {
      out.skipped.push_back({path, "sps-apply cannot write it: its objects have no \"name\" to match them by"});
      continue;
    }
    out.kinds.push_back(path);
    out.discovered.push_back(std::move(*kind));
  }
  std::sort(out.kinds.begin(), out.kinds.end());
  std::sort(out.skipped.begin(), out.skipped.end(),
            [](const Skipped& a, const Skipped& b) { return a.path < b.path; });
  return out;
}

void mark_likely_secrets(catalog::Kind& kind) {
  for (const auto& [pattern, members] : kind.fields) {
    const std::string object = pattern.substr(0, pattern.find('|'));
    for (const auto& member : members) {
      const std::string pointer = core::append_pointer(object, member);
      if (!credential_name(member) || kind.reference_at(pointer) != nullptr || kind.secret_at(pointer) != nullptr) continue;
      kind.secrets.push_back({pointer, catalog::SecretMode::kInline});
    }
  }
}

}  // namespace sps::exporter
