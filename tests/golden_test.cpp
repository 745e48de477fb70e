// Golden tests of what users see: for each tests/golden/<case>/, the pure pipeline
// (load -> validate -> normalize -> diff -> plan -> render) must reproduce plan.txt, plan.json
// and plan.md byte for byte.
//
// A case directory holds:
//   desired.yaml  the desired state (secrets as !secret env:NAME, resolved from kSecrets);
//   live.json     {"<kind path>": <GET document of that kind>, ...}, exactly as the appliance
//                 (sps-sim) answers: {"key", "body", "meta"} envelopes, {"items": [...]} for
//                 collections, references as {"key", "meta": {"href"}}; one document per
//                 kind that plan would read (model::kinds_to_fetch), no more, no less;
//   options.json  optional: {"rotate_secrets": true};
//   plan.txt, plan.json, plan.md  the expected renderings;
//   plan-file.json  the saved plan (`plan --out`): the exact write bodies, with references as
//                 keys, reference and secret slots, and secrets as their sources.
// SPS_UPDATE_GOLDEN=1 rewrites the expected files; review the diff like code.
#include "apply/planner.h"
#include "catalog/catalog.h"
#include "core/json_pointer.h"
#include "desired/loader.h"
#include "desired/validate.h"
#include "diff/diff.h"
#include "model/normalize.h"
#include "plan/plan.h"
#include "plan/plan_check.h"
#include "plan/plan_file.h"
#include "render/render.h"
#include "schema/validator.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace sps::testing {
namespace {
namespace fs = std::filesystem;
namespace json = boost::json;

/// The environment of every golden case: the only secret values there are.
const std::map<std::string, std::string> kSecrets = {
    {"GOLDEN_SPLUNK_TOKEN", "golden-splunk-token-4b7e1d"},
    {"GOLDEN_SMB_PASSWORD", "golden-smb-password-9f02ac"},
    {"GOLDEN_SMTP_PASSWORD", "golden-smtp-password-51c3e8"},
};

/// Secrets from kSecrets; golden cases read no secret files.
class GoldenSecrets final : public desired::SecretResolver {
 public:
  std::optional<std::string> env(const std::string& name) const override {
    auto it = kSecrets.find(name);
    if (it == kSecrets.end()) return std::nullopt;
    return it->second;
  }
  core::Result<std::string> read_file(const fs::path&) const override {
    return core::Error(core::ErrorCode::kInvalidArgument, "golden cases read no secret files");
  }
};

fs::path golden_dir() { return fs::path(SPS_GOLDEN_DIR); }

/// The firmware every golden plan was made against (the header shows it).
constexpr const char* kFirmware = "7.5.0";

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> list_cases() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(golden_dir())) {
    if (e.is_directory()) out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// "reference-created-in-plan" -> "ReferenceCreatedInPlan" (GoogleTest names: no '-', no '_').
std::string test_name(const std::string& dir) {
  std::string out;
  bool upper = true;
  for (char c : dir) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

std::string diagnostics_text(const core::Diagnostics& d) {
  std::string out;
  for (const auto& i : d.items()) {
    out += i.where.to_string() + ": " + i.message + " (" + i.hint + ")\n";
  }
  return out;
}

/// Every secret value a case holds: the resolver's values and the inline secrets that the
/// live documents carry (the appliance returns e.g. the current Splunk token).
std::vector<std::string> secret_values(const catalog::Catalog& catalog, const json::object& live) {
  std::vector<std::string> out;
  for (const auto& [name, value] : kSecrets) out.push_back(value);
  for (const auto& member : live) {
    const catalog::Kind* kind = catalog.find(member.key());
    if (kind == nullptr || !member.value().is_object()) continue;
    std::vector<const json::value*> bodies;
    const json::object& doc = member.value().get_object();
    if (auto b = doc.find("body"); b != doc.end()) bodies.push_back(&b->value());
    if (auto items = doc.find("items"); items != doc.end() && items->value().is_array()) {
      for (const auto& item : items->value().get_array()) {
        if (const auto* o = item.if_object(); o && o->contains("body")) bodies.push_back(&o->at("body"));
      }
    }
    for (const auto& spec : kind->secrets) {
      if (spec.mode != catalog::SecretMode::kInline) continue;
      for (const json::value* body : bodies) {
        core::for_each_match(*body, spec.pointer, [&](const std::string&, const json::value& v) {
          if (v.is_string() && !v.get_string().empty()) out.emplace_back(v.get_string());
        });
      }
    }
  }
  return out;
}

/// The validator of schemas/output/<name>.schema.json, compiled once.
const schema::Validator& output_schema(const std::string& name) {
  static std::map<std::string, schema::Validator> cache;
  auto it = cache.find(name);
  if (it == cache.end()) {
    auto compiled = schema::Validator::compile(json::parse(read_text(golden_dir() / ".." / ".." / "schemas" / "output" /
                                                                     (name + ".schema.json"))));
    if (!compiled) throw std::runtime_error(name + ": " + compiled.error().message);
    it = cache.emplace(name, std::move(*compiled)).first;
  }
  return it->second;
}

/// Compares actual with the expected file, or rewrites it under SPS_UPDATE_GOLDEN=1.
void expect_golden(const fs::path& file, const std::string& actual) {
  const char* update = std::getenv("SPS_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(file, std::ios::binary | std::ios::trunc) << actual;
    return;
  }
  ASSERT_TRUE(fs::exists(file)) << file << " is missing; run with SPS_UPDATE_GOLDEN=1 and review it";
  EXPECT_EQ(read_text(file), actual) << "differs from " << file
                                     << " (SPS_UPDATE_GOLDEN=1 rewrites it; review the diff)";
}

class GoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenTest, RendersThePlanAsExpected) {
  const fs::path dir = golden_dir() / GetParam();
  const catalog::Catalog& catalog = catalog::Catalog::builtin();

  // Desired state, validated offline like `sps-apply validate`.
  const std::vector<desired::SourceText> sources{{"desired.yaml", read_text(dir / "desired.yaml"), dir}};
  desired::LoadResult loaded = desired::load_desired_sources(sources, catalog, GoldenSecrets{});
  loaded.diagnostics.append(desired::validate_desired(loaded.state, catalog));
  ASSERT_FALSE(loaded.diagnostics.has_errors()) << diagnostics_text(loaded.diagnostics);

  // Live documents: exactly the kinds plan reads.
  boost::system::error_code ec;
  const json::value live_doc = json::parse(read_text(dir / "live.json"), ec);
  ASSERT_FALSE(ec) << "live.json: " << ec.message();
  ASSERT_TRUE(live_doc.is_object());
  const std::vector<std::string> kinds = model::kinds_to_fetch(catalog, apply::managed_kinds(loaded.state));
  model::RawLive raw;
  for (const auto& kind : kinds) {
    const json::value* doc = live_doc.get_object().if_contains(kind);
    ASSERT_NE(doc, nullptr) << "live.json has no document for " << kind << ", which plan reads";
    raw.documents[kind] = *doc;
  }
  EXPECT_EQ(live_doc.get_object().size(), kinds.size()) << "live.json holds kinds that plan does not read";
  core::Diagnostics live_diags;
  const model::LiveState live = model::normalize_live(catalog, kinds, raw, live_diags);
  ASSERT_FALSE(live_diags.has_errors()) << diagnostics_text(live_diags);

  diff::DiffOptions options;
  if (fs::exists(dir / "options.json")) {
    const json::value o = json::parse(read_text(dir / "options.json"), ec);
    ASSERT_FALSE(ec) << "options.json: " << ec.message();
    if (const json::value* r = o.as_object().if_contains("rotate_secrets")) options.rotate_secrets = r->as_bool();
  }
  const diff::ChangeSet changes = diff::compute_changes(loaded.state, live, catalog, options);
  ASSERT_FALSE(changes.diagnostics.has_errors()) << diagnostics_text(changes.diagnostics);
  auto plan = plan::build_plan(changes, loaded.state, live, catalog);
  ASSERT_TRUE(plan.has_value()) << plan.error().message;
  plan->firmware_version = kFirmware;

  // The saved plan first: its digest is in every rendering's header.
  const plan::PlanBasis basis{plan::desired_without_secrets(loaded.state),
                              plan::live_without_secrets(live, loaded.state, catalog), options, {}, {}};
  plan::PlanOrigin origin{"https://sps.example.com", "sps-apply golden", kinds, "desired-state"};
  origin.user = "golden-admin";
  origin.created_at = "2026-01-02T03:04:05Z";
  origin.git_revision = "0123456789ab";
  origin.firmware_version = kFirmware;
  const json::value saved_doc = plan::plan_to_file(*plan, origin, basis);
  const std::string saved = render::pretty_json(saved_doc);
  expect_golden(dir / "plan-file.json", saved);
  const render::PlanHeader header{origin.appliance_url, origin.user, origin.created_at, origin.git_revision,
                                  std::string(saved_doc.at("digest").as_string())};

  const std::string text = render::render_plan_text(*plan, {}, header);
  const std::string json_text = render::render_plan_json(*plan, header);
  const std::string markdown = render::render_plan_markdown(*plan, header);
  expect_golden(dir / "plan.txt", text);
  expect_golden(dir / "plan.json", json_text);
  expect_golden(dir / "plan.md", markdown);
  // Machine-readable outputs follow their published schemas (schemas/output/).
  for (const auto& [name, doc] : {std::pair{"plan", json::parse(json_text)}, std::pair{"saved-plan", saved_doc}}) {
    for (const auto& e : output_schema(name).validate(doc)) ADD_FAILURE() << name << " " << e.instance_pointer << ": " << e.message;
  }

  // The saved plan is data: loading it re-derives exactly these steps from the desired and
  // live states it carries, secrets masked.
  auto loaded_plan = plan::plan_from_file(json::parse(saved));
  ASSERT_TRUE(loaded_plan.has_value()) << loaded_plan.error().message;
  auto rederived = plan::check_saved_plan(*loaded_plan, catalog);
  ASSERT_TRUE(rederived.has_value()) << rederived.error().message;
  ASSERT_EQ(rederived->steps.size(), plan->steps.size());
  for (std::size_t i = 0; i < plan->steps.size(); ++i) {
    EXPECT_EQ(json::serialize(plan::step_to_json(rederived->steps[i])), json::serialize(plan::step_to_json(plan->steps[i])));
  }

  // No secret value in anything a user or a file ever sees.
  const std::string coloured = render::render_plan_text(*plan, {.color = true}, header);
  for (const auto& secret : secret_values(catalog, live_doc.get_object())) {
    for (const std::string* output : {&text, &json_text, &markdown, &saved, &coloured}) {
      EXPECT_EQ(output->find(secret), std::string::npos) << "a secret value leaked:\n" << *output;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, GoldenTest, ::testing::ValuesIn(list_cases()),
                         [](const ::testing::TestParamInfo<std::string>& param) { return test_name(param.param); });

// The suite itself: enough cases, each complete, so a lost file cannot pass silently.
TEST(GoldenSuiteTest, EveryCaseHasAllFiles) {
  const auto cases = list_cases();
  EXPECT_GE(cases.size(), 12U);
  for (const auto& c : cases) {
    for (const char* f : {"desired.yaml", "live.json", "plan.txt", "plan.json", "plan.md", "plan-file.json"}) {
      EXPECT_TRUE(fs::exists(golden_dir() / c / f)) << c << "/" << f;
    }
  }
}

}  // namespace
}  // namespace sps::testing
