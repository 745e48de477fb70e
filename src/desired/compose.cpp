#include "desired/compose.h"

#include <map>
#include <set>
#include <string>

namespace sps::desired {

namespace {

/// "kind[name]" -> {kind, name}; "kind" -> {kind, ""}.
model::Address parse_address(const std::string& text) {
  const std::size_t open = text.find('[');
  if (open == std::string::npos || !text.ends_with(']')) return {text, {}};
  return {text.substr(0, open), text.substr(open + 1, text.size() - open - 2)};
}

}  // namespace

LoadResult compose_layers(std::vector<LoadResult> layers) {
  LoadResult result;
  std::map<model::Address, model::Resource> merged;
  model::Settings& settings = result.state.settings;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    LoadResult& layer = layers[i];
    result.diagnostics.append(layer.diagnostics);
    for (auto& file : layer.state.files) result.state.files.push_back(std::move(file));
    for (auto& u : layer.unresolved_variables) result.unresolved_variables.push_back(std::move(u));
    const model::Settings& own = layer.state.settings;
    std::set<model::Address> declared;
    for (const auto& r : layer.state.resources) declared.insert(r.address);
    // Removals act on what the earlier layers declared, before this layer adds its own.
    for (const auto& [text, where] : layer.removals) {
      if (i == 0) {
        result.diagnostics.error(where, "\"remove\" in the base of a desired list has nothing to remove",
                                 "remove takes resources of earlier directories out; it belongs in an overlay (a "
                                 "later directory of the inventory's desired list)");
        continue;
      }
      const model::Address address = parse_address(text);
      std::vector<model::Address> hits;
      for (const auto& [a, r] : merged) {
        if (a.kind == address.kind && (address.name.empty() || a.name == address.name)) hits.push_back(a);
      }
      if (hits.empty()) {
        result.diagnostics.error(where, "nothing to remove: no earlier directory of the desired list declares \"" +
                                            text + "\"",
                                 "write \"kind[name]\" for a collection item or \"kind\" for a singleton, as the "
                                 "earlier directory declares it");
        continue;
      }
      for (const auto& a : hits) {
        if (declared.contains(a)) {
          result.diagnostics.error(where, a.to_string() + " is removed and declared in the same directory",
                                   "a later directory replaces an earlier resource by declaring it: drop the remove "
                                   "entry, or the declaration");
          continue;
        }
        merged.erase(a);
      }
      if (address.name.empty()) result.state.discovered.erase(address.kind);
    }
    for (auto& r : layer.state.resources) merged.insert_or_assign(r.address, std::move(r));
    for (const auto& kind : layer.state.discovered) result.state.discovered.insert(kind);
    for (const auto& kind : own.prune) settings.prune.insert(kind);
    for (const auto& [kind, where] : own.prune_locations) settings.prune_locations.insert_or_assign(kind, where);
    for (const auto& [kind, where] : own.kind_locations) settings.kind_locations.insert_or_assign(kind, where);
    settings.ignore.insert(settings.ignore.end(), own.ignore.begin(), own.ignore.end());
    settings.ignore_locations.insert(settings.ignore_locations.end(), own.ignore_locations.begin(),
                                     own.ignore_locations.end());
  }
  for (auto& [address, resource] : merged) result.state.resources.push_back(std::move(resource));
  return result;
}

LoadResult load_layers(std::span<const std::filesystem::path> paths, const catalog::Catalog& catalog,
                       const SecretResolver& secrets, SecretResolution resolution, const Variables* variables) {
  std::vector<LoadResult> layers;
  layers.reserve(paths.size());
  for (const auto& path : paths) layers.push_back(load_desired(path, catalog, secrets, resolution, variables));
  return compose_layers(std::move(layers));
}

}  // namespace sps::desired
