#include "cli/desired_input.h"

#include "catalog/catalog.h"
#include "cli/commands/plan_support.h"
#include "desired/compose.h"
#include "desired/loader.h"
#include "desired/validate.h"
#include "cli/views/diagnostics_view.h"

#include <algorithm>
#include <ostream>
#include <set>

namespace sps::cli {

DesiredSource DesiredSource::of_path(const std::string& path) {
  DesiredSource source;
  source.layers.emplace_back(path);
  source.shown = path;
  source.root = desired_root_of(path);
  return source;
}

CheckedDesired load_checked_desired(const std::filesystem::path& path, desired::SecretResolution resolution) {
  return load_checked_desired(DesiredSource::of_path(path.string()), resolution);
}

CheckedDesired load_checked_desired(const DesiredSource& source, desired::SecretResolution resolution) {
  const catalog::Catalog& catalog = catalog::Catalog::builtin();
  const desired::SystemSecretResolver secrets;
  desired::LoadResult loaded = desired::load_layers(source.layers, catalog, secrets, resolution,
                                                    source.variables ? &*source.variables : nullptr);
  CheckedDesired result{std::move(loaded.state), std::move(loaded.diagnostics)};
  // Validation runs even after load errors: the user should see every problem in one run,
  // and resources that failed to load are simply absent from the state.
  // A !var that could not be resolved is already an error; its stand-in is not the user's
  // value, so what validation says about it (or inside it) would only repeat that error.
  const core::Diagnostics validation = desired::validate_desired(result.state, catalog);
  for (const auto& d : validation.items()) {
    const bool repeats = std::any_of(
        loaded.unresolved_variables.begin(), loaded.unresolved_variables.end(), [&](const auto& u) {
          return d.resource == u.first && (d.pointer == u.second || d.pointer.starts_with(u.second + "/"));
        });
    if (!repeats) result.diagnostics.add(d);
  }
  result.diagnostics.sort();
  return result;
}

std::optional<CheckedDesired> load_desired_or_report(const std::string& path, desired::SecretResolution resolution,
                                                     Io& io) {
  return load_desired_or_report(DesiredSource::of_path(path), resolution, io);
}

std::optional<CheckedDesired> load_desired_or_report(const DesiredSource& source, desired::SecretResolution resolution,
                                                     Io& io) {
  CheckedDesired checked = load_checked_desired(source, resolution);
  if (!checked.diagnostics.has_errors()) return checked;
  render_diagnostics_text(checked.diagnostics, io.err, false);
  io.err << "error: the desired state in " << source.shown << " is invalid; nothing was sent to the appliance\n";
  return std::nullopt;
}

std::vector<std::string> unavailable_secrets(const model::DesiredState& state) {
  std::set<std::string> out;
  for (const auto& r : state.resources) {
    for (const auto& s : r.secrets) {
      if (!s.available) out.insert(s.description);
    }
  }
  return {out.begin(), out.end()};
}

}  // namespace sps::cli
