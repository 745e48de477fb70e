// libFuzzer target: the YAML loader and the offline validator on arbitrary text.
#include "fuzz_targets.h"

#include "catalog/catalog.h"
#include "desired/loader.h"
#include "desired/validate.h"

#include <array>
#include <filesystem>
#include <optional>
#include <string>

namespace sps::fuzz {
namespace {

// Secret values carry this marker, so a leak into a diagnostic can be recognised.
constexpr std::string_view kSecretMarker = "S3cr3t-fuzz-";

// Every environment variable is "set" so that !secret env: paths go as far as they can;
// files are never read, so the fuzzer cannot touch the file system.
class FixedSecrets final : public desired::SecretResolver {
 public:
  std::optional<std::string> env(const std::string& name) const override {
    return std::string(kSecretMarker) + name;
  }
  core::Result<std::string> read_file(const std::filesystem::path&) const override {
    return core::Error(core::ErrorCode::kNotFound, "not readable while fuzzing");
  }
};

}  // namespace

void run_yaml_loader(std::string_view data) {
  const FixedSecrets secrets;
  const std::array<desired::SourceText, 1> sources{
      desired::SourceText{"fuzz.yaml", std::string(data), std::filesystem::path("/nonexistent")}};
  desired::LoadResult loaded =
      desired::load_desired_sources(sources, catalog::Catalog::builtin(), secrets);
  // The validator runs on whatever the loader kept, as `sps-apply validate` does.
  loaded.diagnostics.append(desired::validate_desired(loaded.state, catalog::Catalog::builtin()));
  // A secret value must never reach a diagnostic (unless the input itself spelled it).
  if (data.find(kSecretMarker) != std::string_view::npos) return;
  for (const auto& d : loaded.diagnostics.items()) {
    check(d.message.find(kSecretMarker) == std::string::npos &&
              d.hint.find(kSecretMarker) == std::string::npos,
          "a secret value appears in a diagnostic");
  }
}

}  // namespace sps::fuzz

#ifdef SPS_LIBFUZZER
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sps::fuzz::run_yaml_loader({reinterpret_cast<const char*>(data), size});
  return 0;
}
#endif
