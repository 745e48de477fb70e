// libFuzzer target: loading saved plan files (`sps-apply apply PLANFILE`).
#include "fuzz_targets.h"

#include "catalog/catalog.h"
#include "plan/plan_check.h"
#include "plan/plan_file.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <string>

namespace sps::fuzz {
namespace json = boost::json;

namespace {

void load(const json::value& doc) {
  const catalog::Catalog& catalog = catalog::Catalog::builtin();
  auto loaded = plan::plan_from_file(doc);
  if (!loaded) {
    check(!loaded.error().message.empty(), "a refused plan file without a message");
    return;
  }
  check(loaded->digest == plan::content_digest(doc), "a plan file accepted with a digest that does not match");
  auto checked = plan::check_saved_plan(*loaded, catalog);
  if (!checked) {
    check(!checked.error().message.empty(), "a refused plan without a message");
    return;
  }
  // An accepted plan only writes configuration endpoints of managed kinds, with the method
  // its change implies.
  for (const auto& s : checked->steps) {
    check(s.path.rfind("/api/configuration/", 0) == 0, "an accepted step outside /api/configuration/");
    const catalog::Kind* kind = catalog.find(s.address.kind);
    check(kind != nullptr && !kind->builtin && !kind->write_once, "an accepted step of a kind sps-apply never writes");
    check(s.method == "POST" || s.method == "PUT" || s.method == "DELETE", "an accepted step with another method");
    for (const auto& slot : s.secrets) check(plan::check_secret_source(slot.source).has_value(), "a forbidden secret source");
    for (const auto& slot : s.inline_secrets) {
      check(slot.source == "inline" || plan::check_secret_source(slot.source).has_value(), "a forbidden secret source");
    }
  }
  // What is accepted saves and loads again to the same plan.
  const json::value again = plan::plan_to_file(*checked, loaded->origin, loaded->basis);
  auto reloaded = plan::plan_from_file(again);
  check(reloaded.has_value(), "a saved accepted plan does not load again");
  if (reloaded) check(plan::check_saved_plan(*reloaded, catalog).has_value(), "a saved accepted plan is refused");
}

}  // namespace

void run_saved_plan(std::string_view data) {
  boost::system::error_code ec;
  json::value doc = json::parse(data, ec);
  if (ec) return;
  load(doc);
  // Past the digest: what someone who recomputes it could hand to apply.
  if (doc.is_object()) {
    doc.as_object()["digest"] = plan::content_digest(doc);
    load(doc);
  }
}

}  // namespace sps::fuzz

#ifdef SPS_LIBFUZZER
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sps::fuzz::run_saved_plan({reinterpret_cast<const char*>(data), size});
  return 0;
}
#endif
