// Every JSON document sps-apply writes for machines, produced by the real CLI against a real
// sps-sim, checked against its schema in schemas/output/ twice: with the project's own
// validator (src/schema) and with Debian's python3-jsonschema (tests/output/validate_outputs.py),
// an independent implementation. The schemas are strict: each document with an unknown member
// added, or without its format_version, must fail. The documents cover every outcome class
// and exit code of apply (0, 1 before and after the transaction started, 3), valid and invalid
// validate reports, whole and partial plans and saved plans, drift with findings, the
// --record lines, and the fleet reports (validate and drift with --inventory).
#include "cli/exit_codes.h"
#include "process/process.h"
#include "schema/validator.h"
#include "support/cli_runner.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

extern char** environ;

namespace sps::testing {
namespace {
namespace json = boost::json;
namespace fs = std::filesystem;

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const fs::path kSchemaDir = fs::path(SPS_SOURCE_DIR) / "schemas" / "output";

class OutputSchemaTest : public CliFixture {
 protected:
  /// Keeps a document as <name>.<schema>.json for both validators and returns it parsed.
  json::value keep(const std::string& name, const std::string& schema, const std::string& text) {
    std::ofstream(outputs() / (name + "." + schema + ".json"), std::ios::binary) << text;
    boost::system::error_code ec;
    json::value doc = json::parse(text, ec);
    EXPECT_FALSE(ec) << name << " is not one JSON document: " << text;
    return doc;
  }

  fs::path outputs() const { return temp_dir() / "outputs"; }

  /// An apply with --format json: its exit code must be the one its result states.
  json::value apply_json(const std::string& name, std::vector<std::string> args, int expected_code) {
    args.insert(args.begin(), "apply");
    args.insert(args.end(), {"--auto-approve", "--format", "json", "--record", (temp_dir() / "record").string()});
    const CliRun r = run_with_sim(args);
    EXPECT_EQ(r.code, expected_code) << name << ": " << r.all();
    expect_no_secrets(r.all());
    json::value doc = keep(name, "apply-result", r.out);
    if (doc.is_object()) {
      EXPECT_EQ(doc.at("exit_code"), json::value(r.code)) << name;
    }
    return doc;
  }
};

TEST_F(OutputSchemaTest, RealOutputsMatchTheirSchemas) {
  fs::create_directories(outputs());
  const std::string saved = (temp_dir() / "plan.json").string();

  // validate: a valid state and one with many errors.
  CliRun r = run_cli({"validate", demo_state(), "--format", "json"});
  ASSERT_EQ(r.code, cli::kExitOk) << r.all();
  keep("valid", "validate", r.out);
  r = run_cli({"validate", std::string(SPS_SOURCE_DIR) + "/tests/broken/many-errors-one-run", "--format", "json"});
  ASSERT_EQ(r.code, cli::kExitError) << r.all();
  const json::value invalid = keep("invalid", "validate", r.out);
  EXPECT_EQ(invalid.at("valid"), false);
  EXPECT_GE(invalid.at("errors").to_number<int>(), 2);

  // apply that stops before its transaction (a secret is missing): exit 1, not-started.
  ::unsetenv("SPS_SPLUNK_TOKEN");
  json::value doc = apply_json("not-started", {demo_state()}, cli::kExitError);
  EXPECT_EQ(doc.at("outcome"), "not-started");
  EXPECT_NE(json::serialize(doc.at("error")).find("SPS_SPLUNK_TOKEN"), std::string::npos) << doc;
  ::setenv("SPS_SPLUNK_TOKEN", kSplunkToken, 1);

  // plan with creates and updates, and the saved plan.
  r = run_with_sim({"plan", demo_state(), "--format", "json", "--out", saved});
  ASSERT_EQ(r.code, cli::kExitOk) << r.all();
  const json::value plan = keep("changes", "plan", r.out);
  EXPECT_GT(plan.at("steps").as_array().size(), 5u);
  keep("saved", "saved-plan", read_text(saved));
  // A partial plan: its notes say so, the saved plan records the selection.
  const std::string partial = (temp_dir() / "partial.json").string();
  r = run_with_sim({"plan", demo_state(), "--format", "json", "--target", "policies/backup_policies", "--exclude",
                    "policies/backup_policies[weekly-dr]", "--out", partial});
  ASSERT_EQ(r.code, cli::kExitOk) << r.all();
  EXPECT_EQ(keep("partial", "plan", r.out).at("steps").as_array().size(), 1u);
  EXPECT_EQ(keep("partial", "saved-plan", read_text(partial)).at("selection").at("targets").as_array().size(), 1u);

  // apply that the appliance refuses at the first write: rolled back, exit 1.
  sim::Fault fault;
  fault.method = "WRITE";
  fault.path = "/api/configuration/**";
  fault.nth = 1;
  sim().add_fault(fault);
  doc = apply_json("rolled-back", {saved}, cli::kExitError);
  EXPECT_EQ(doc.at("outcome"), "rolled-back");
  EXPECT_EQ(doc.at("lock"), "released");
  EXPECT_EQ(doc.at("failed_step"), 1);
  sim().clear_faults();

  // the saved plan applied and verified: exit 0.
  doc = apply_json("applied", {saved}, cli::kExitOk);
  EXPECT_EQ(doc.at("outcome"), "applied");
  EXPECT_EQ(doc.at("verification").at("verified"), true);
  EXPECT_EQ(doc.at("steps").at("accepted"), doc.at("steps").at("planned"));
  EXPECT_EQ(doc.at("plan_digest"), json::parse(read_text(saved)).at("digest"));

  // nothing to do: exit 0.
  doc = apply_json("nothing-to-do", {demo_state()}, cli::kExitOk);
  EXPECT_EQ(doc.at("outcome"), "nothing-to-do");

  // drift: a change by hand, exit 2.
  ASSERT_TRUE(sim().out_of_band_replace("management/webinterface", json::parse(R"({"timeout": 45})")).has_value());
  r = run_with_sim({"drift", demo_state(), "--format", "json"});
  ASSERT_EQ(r.code, cli::kExitChanges) << r.all();
  EXPECT_EQ(keep("changed", "drift", r.out).at("summary").at("changed"), 1);

  // fleets: validate --inventory, and a fleet drift report (one appliance, drifted: exit 2).
  const fs::path inventory = temp_dir() / "inventory.yaml";
  std::ofstream(inventory) << "appliances:\n  - {name: sim, url: \"" << url() << "\", ca_file: \"" << ca_file()
                           << "\", desired: [\"" << demo_state() << "\"]}\n";
  r = run_cli({"validate", "--inventory", inventory.string(), "--format", "json"});
  ASSERT_EQ(r.code, cli::kExitOk) << r.all();
  keep("fleet", "validate-inventory", r.out);
  ::setenv("SPS_USERNAME", "admin", 1);
  ::setenv("SPS_PASSWORD", "admin", 1);
  r = run_cli({"drift", "--inventory", inventory.string(), "--format", "json"});
  ::unsetenv("SPS_USERNAME");
  ::unsetenv("SPS_PASSWORD");
  EXPECT_EQ(r.code, cli::kExitChanges) << r.all();
  expect_no_secrets(r.all());
  EXPECT_EQ(keep("fleet-drift", "fleet-report", r.out).at("appliances").at(0).at("result"), "drift");

  // the commit's answer and the status check are lost: outcome unknown, exit 3.
  for (const auto& [action, method] : {std::pair{sim::FaultAction::kDropBefore, "PUT"},
                                       std::pair{sim::FaultAction::kStatus, "GET"}}) {
    sim::Fault f;
    f.action = action;
    f.method = method;
    f.path = "/api/transaction";
    sim().add_fault(f);
  }
  doc = apply_json("commit-unknown", {demo_state(), "--timeout", "2"}, cli::kExitAttention);
  EXPECT_EQ(doc.at("outcome"), "commit-unknown");
  sim().clear_faults();

  // Every apply above appended one line to the record.
  const std::string record = read_text(temp_dir() / "record");
  std::ofstream(outputs() / "record.apply-result.jsonl", std::ios::binary) << record;
  EXPECT_EQ(std::count(record.begin(), record.end(), '\n'), 3) << record;  // not-started and nothing-to-do write none

  // The project's own validator, and the schemas' strictness.
  std::map<std::string, schema::Validator> validators;
  for (const auto& entry : fs::directory_iterator(kSchemaDir)) {
    const std::string file = entry.path().filename().string();
    if (!file.ends_with(".schema.json")) continue;
    auto compiled = schema::Validator::compile(json::parse(read_text(entry.path())));
    ASSERT_TRUE(compiled.has_value()) << file << ": " << compiled.error().message;
    validators.emplace(file.substr(0, file.size() - std::string(".schema.json").size()), *compiled);
  }
  ASSERT_EQ(validators.size(), 7u);
  std::size_t checked = 0;
  for (const auto& entry : fs::directory_iterator(outputs())) {
    const std::string file = entry.path().filename().string();
    const std::string stem = entry.path().stem().string();
    const std::string schema_name = fs::path(stem).extension().string().substr(1);
    SCOPED_TRACE(file);
    ASSERT_TRUE(validators.contains(schema_name));
    const schema::Validator& v = validators.at(schema_name);
    std::istringstream lines(read_text(entry.path()));
    for (std::string line; std::getline(lines, line, entry.path().extension() == ".jsonl" ? '\n' : '\0');) {
      json::value doc_value = json::parse(line);
      for (const auto& e : v.validate(doc_value)) ADD_FAILURE() << e.instance_pointer << ": " << e.message;
      json::value extra = doc_value;
      extra.as_object()["unexpected_member"] = 1;
      EXPECT_FALSE(v.is_valid(extra)) << "an unknown member passes";
      json::value unversioned = doc_value;
      unversioned.as_object().erase("format_version");
      EXPECT_FALSE(v.is_valid(unversioned)) << "a document without format_version passes";
      ++checked;
    }
  }
  EXPECT_EQ(checked, 17u);

  // Debian's python3-jsonschema over the same files.
  const std::vector<std::string> argv{SPS_SYSTEM_PYTHON3, std::string(SPS_SOURCE_DIR) + "/tests/output/validate_outputs.py",
                                      kSchemaDir.string(), outputs().string()};
  auto python = process::run_captured(argv, process::child_environment(environ, {}), {.timeout = std::chrono::seconds(60)});
  ASSERT_TRUE(python.has_value()) << python.error().message;
  EXPECT_EQ(python->exit_code, 0) << python->output;
  EXPECT_NE(python->output.find("17 documents against 7 schemas, 0 problems"), std::string::npos) << python->output;
}

}  // namespace
}  // namespace sps::testing
