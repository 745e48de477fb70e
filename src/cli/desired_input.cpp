#include "cli/desired_input.h"

#include "catalog/catalog.h"
#include "desired/loader.h"
#include "desired/validate.h"
#include "cli/views/diagnostics_view.h"

#include <ostream>
#include <set>

namespace sps::cli {

CheckedDesired load_checked_desired(const std::filesystem::path& path, desired::SecretResolution resolution) {
  const catalog::Catalog& catalog = catalog::Catalog::builtin();
  const desired::SystemSecretResolver secrets;
  desired::LoadResult loaded = desired::load_desired(path, catalog, secrets, resolution);
  CheckedDesired result{std::move(loaded.state), std::move(loaded.diagnostics)};
  // Validation runs even after load errors: the user should see every problem in one run,
  // and resources that failed to load are simply absent from the state.
  result.diagnostics.append(desired::validate_desired(result.state, catalog));
  result.diagnostics.sort();
  return result;
}

std::optional<CheckedDesired> load_desired_or_report(const std::string& path, desired::SecretResolution resolution,
                                                     Io& io) {
  CheckedDesired checked = load_checked_desired(path, resolution);
  if (!checked.diagnostics.has_errors()) return checked;
  render_diagnostics_text(checked.diagnostics, io.err, false);
  io.err << "error: the desired state in " << path << " is invalid; nothing was sent to the appliance\n";
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
