#include "cli/desired_input.h"

#include "catalog/catalog.h"
#include "desired/loader.h"
#include "desired/validate.h"

namespace sps::cli {

CheckedDesired load_checked_desired(const std::filesystem::path& path) {
  const catalog::Catalog& catalog = catalog::Catalog::builtin();
  const desired::SystemSecretResolver secrets;
  desired::LoadResult loaded = desired::load_desired(path, catalog, secrets);
  CheckedDesired result{std::move(loaded.state), std::move(loaded.diagnostics)};
  // Validation runs even after load errors: the user should see every problem in one run,
  // and resources that failed to load are simply absent from the state.
  result.diagnostics.append(desired::validate_desired(result.state, catalog));
  result.diagnostics.sort();
  return result;
}

}  // namespace sps::cli
