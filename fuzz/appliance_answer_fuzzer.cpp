// libFuzzer target: an appliance's answer, from the raw body to live resources, as the
// client handles it: the status/body mapping (appliance/rest_mapping.h, the same call the
// transport makes on every answer, with its JSON depth limit), then normalization of the
// parsed document as every kind's GET answer, and the error mapping of the same bytes.
#include "fuzz_targets.h"

#include "appliance/rest_mapping.h"
#include "catalog/catalog.h"
#include "core/diagnostics.h"
#include "model/normalize.h"

#include <boost/json/value.hpp>

#include <set>
#include <string>
#include <vector>

namespace sps::fuzz {
namespace {

const std::vector<std::string>& all_kinds() {
  static const std::vector<std::string> kinds = [] {
    std::set<std::string> managed;
    for (const auto& kind : catalog::Catalog::builtin().kinds()) managed.insert(kind.path);
    return model::kinds_to_fetch(catalog::Catalog::builtin(), managed);
  }();
  return kinds;
}

bool one_line(const std::string& text) { return text.find('\n') == std::string::npos; }

}  // namespace

void run_appliance_answer(std::string_view data) {
  // An error answer: always an Error with a one-line message, whatever the bytes.
  for (const int status : {400, 409, 500}) {
    const core::Error error = appliance::error_from_response(status, data);
    check(!error.message.empty() && one_line(error.message), "error message empty or not one line");
  }
  auto mapped = appliance::map_response(200, data);
  if (!mapped) {
    check(mapped.error().code == core::ErrorCode::kBadResponse, "a 2xx answer mapped to an error other than kBadResponse");
    check(one_line(mapped.error().message), "error message is not one line");
    return;
  }
  // A parsed answer as every kind's document: shape problems are diagnostics, never a crash.
  const catalog::Catalog& catalog = catalog::Catalog::builtin();
  model::RawLive raw;
  for (const auto& kind : all_kinds()) raw.documents[kind] = mapped->body;
  core::Diagnostics diags;
  const model::LiveState live = model::normalize_live(catalog, all_kinds(), std::move(raw), diags);
  for (const auto& r : live.resources) {
    check(r.body.is_object(), "a live resource whose body is not an object");
    check(catalog.find(r.address.kind) == nullptr || !catalog.find(r.address.kind)->is_collection() || !r.key.empty(),
          "a collection item without a key");
  }
}

}  // namespace sps::fuzz

#ifdef SPS_LIBFUZZER
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sps::fuzz::run_appliance_answer({reinterpret_cast<const char*>(data), size});
  return 0;
}
#endif
