// libFuzzer target: normalization of arbitrary live GET documents.
#include "fuzz_targets.h"

#include "catalog/catalog.h"
#include "core/diagnostics.h"
#include "model/normalize.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace sps::fuzz {
namespace {
namespace json = boost::json;

// Every kind a desired state could manage, with the kinds they reference.
const std::vector<std::string>& all_kinds() {
  static const std::vector<std::string> kinds = [] {
    std::set<std::string> managed;
    for (const auto& kind : catalog::Catalog::builtin().kinds()) managed.insert(kind.path);
    return model::kinds_to_fetch(catalog::Catalog::builtin(), managed);
  }();
  return kinds;
}

}  // namespace

void run_normalize(std::string_view data) {
  boost::system::error_code ec;
  const json::value doc = json::parse(data, ec);
  if (ec) return;

  const catalog::Catalog& catalog = catalog::Catalog::builtin();
  model::RawLive raw;
  // A sim snapshot ({kind path: document}) feeds each kind its own document; any other
  // value is given to every kind, so one input reaches singletons and collections alike.
  const json::object* snapshot = doc.is_object() ? &doc.get_object() : nullptr;
  const bool is_snapshot = snapshot != nullptr && !snapshot->empty() &&
                           catalog.find(snapshot->begin()->key()) != nullptr;
  for (const auto& kind : all_kinds()) {
    if (!is_snapshot) {
      raw.documents[kind] = doc;
    } else if (const json::value* member = snapshot->if_contains(kind)) {
      raw.documents[kind] = *member;
    } else {
      raw.missing.insert(kind);
    }
  }
  core::Diagnostics diags;
  const model::LiveState live = model::normalize_live(catalog, all_kinds(), raw, diags);
  // The documented contract: resources sorted by address (deterministic output).
  check(std::is_sorted(live.resources.begin(), live.resources.end(),
                       [](const auto& a, const auto& b) { return a.address < b.address; }),
        "live resources are not sorted by address");
  for (const auto& d : diags.items()) check(!d.message.empty(), "a diagnostic without a message");
}

}  // namespace sps::fuzz

#ifdef SPS_LIBFUZZER
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sps::fuzz::run_normalize({reinterpret_cast<const char*>(data), size});
  return 0;
}
#endif
