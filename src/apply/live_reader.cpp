#include "apply/live_reader.h"

#include "model/normalize.h"

#include <boost/json.hpp>

namespace sps::apply {
namespace json = boost::json;

core::Result<model::LiveState> read_live(appliance::ApplianceApi& api, const catalog::Catalog& catalog,
                                         const std::vector<std::string>& kinds, core::Diagnostics& diags) {
  std::vector<std::string> paths;
  for (const auto& k : kinds) {
    const catalog::Kind* kind = catalog.find(k);
    if (kind == nullptr) return core::Error(core::ErrorCode::kInternal, "unknown kind " + k);
    paths.push_back(kind->rest_path);
  }
  auto responses = api.get_many(paths);
  model::RawLive raw;
  std::vector<std::string> item_paths;
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    auto& r = responses[i];
    if (!r) {
      if (r.error().code == core::ErrorCode::kNotFound) {
        raw.missing.insert(kinds[i]);
        continue;
      }
      core::Error e = r.error();
      e.message = "reading " + paths[i] + ": " + e.message;
      return e;
    }
    // Firmware before 6.1 lists collection items without bodies: fetch each item.
    if (const json::value* items = r->body.is_object() ? r->body.get_object().if_contains("items") : nullptr;
        items && items->is_array() && catalog.find(kinds[i])->is_collection()) {
      for (const auto& item : items->get_array()) {
        if (item.is_object() && !item.get_object().contains("body") && item.get_object().contains("key") &&
            item.at("key").is_string()) {
          item_paths.push_back(paths[i] + "/" + std::string(item.at("key").get_string()));
        }
      }
    }
    raw.documents[kinds[i]] = std::move(r->body);
  }
  if (!item_paths.empty()) {
    auto items = api.get_many(item_paths);
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (!items[i]) return items[i].error();
      raw.items[item_paths[i]] = std::move(items[i]->body);
    }
  }
  return model::normalize_live(catalog, kinds, std::move(raw), diags);
}

}  // namespace sps::apply
