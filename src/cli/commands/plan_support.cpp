#include "cli/commands/plan_support.h"

#include "cli/files.h"
#include "desired/read_file.h"

#include <boost/json.hpp>

#include <filesystem>


namespace sps::cli {
namespace json = boost::json;

core::Result<void> save_plan_file(const std::string& path, const plan::Plan& plan, const std::string& url,
                                  const std::vector<std::string>& kinds) {
  const plan::PlanOrigin origin{url, std::string("sps-apply ") + SPS_APPLY_VERSION, kinds};
  const std::string text = json::serialize(plan::plan_to_file(plan, origin)) + "\n";
  return write_file_atomic(path, text, /*owner_only=*/true);
}

namespace {
// A saved plan holds whole bodies of every change; 256 MiB is far beyond 10,000 objects.
constexpr std::uintmax_t kMaxPlanFileBytes = std::uintmax_t{256} << 20;

core::Result<json::value> read_json(const std::string& path) {
  auto text = desired::read_regular_file(path, kMaxPlanFileBytes);
  if (!text) return core::Error(core::ErrorCode::kInvalidArgument, "cannot read " + path + ": " + text.error().message);
  boost::system::error_code ec;
  json::value v = json::parse(*text, ec);
  if (ec) return core::Error(core::ErrorCode::kInvalidArgument, path + " is not JSON: " + ec.message());
  return v;
}
}  // namespace

core::Result<std::pair<plan::Plan, plan::PlanOrigin>> load_plan_file(const std::string& path) {
  auto doc = read_json(path);
  if (!doc) return doc.error();
  auto loaded = plan::plan_from_file(*doc);
  if (!loaded) {
    core::Error e = loaded.error();
    e.message = path + ": " + e.message;
    return e;
  }
  return loaded;
}

bool is_plan_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  auto doc = read_json(path);
  return doc && doc->is_object() && doc->get_object().contains("kind") &&
         doc->at("kind") == json::value(plan::kPlanFileKind);
}

}  // namespace sps::cli
