// `sps-apply report merge FILE... [--format text|json|markdown|junit] [--output FILE]`: one
// combined fleet report from the JSON reports of several runs, for example the pods of a
// Kubernetes Indexed Job that each ran one appliance (`--inventory FILE --index N
// --fleet-report json=results/N.json`). Offline; the exit code is the merged fleet's (the
// worst appliance's), so a pipeline's last step fails when any appliance did.
#include "cli/cli.h"
#include "cli/connection.h"
#include "cli/exit_codes.h"
#include "cli/files.h"
#include "cli/options.h"
#include "cli/fleet/fleet_report.h"
#include "desired/read_file.h"
#include "render/render.h"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace sps::cli {
namespace json = boost::json;

namespace {

/// Parsed options of `report merge`.
struct ReportMergeOptions {
  std::vector<std::string> files;
  std::string format = "text";
  std::string output;
};

int run_report_merge(const ReportMergeOptions& options, Io& io) {
  FleetReport merged;
  std::map<std::string, std::string> seen;  // appliance -> file
  for (const auto& file : options.files) {
    auto text = desired::read_regular_file(file, std::uintmax_t{64} << 20);
    if (!text) {
      io.err << "error: cannot read " << file << ": " << text.error().message << '\n';
      return kExitError;
    }
    boost::system::error_code ec;
    const json::value doc = json::parse(*text, ec);
    FleetReport one;
    std::string problem = ec ? "not JSON (" + ec.message() + ")" : std::string();
    if (problem.empty()) fleet_from_json(doc, one, problem);
    if (!problem.empty()) {
      io.err << "error: " << file << ": " << problem
             << "; merge the reports written by --fleet-report json=FILE (or --format json) of plan, apply or drift "
                "--inventory\n";
      return kExitError;
    }
    if (merged.command.empty()) {
      merged.command = one.command;
      merged.inventory = one.inventory;
    } else if (one.command != merged.command) {
      io.err << "error: " << file << " is a fleet " << one.command << " report, the others are " << merged.command
             << " reports: merge the reports of one command\n";
      return kExitError;
    }
    if (!one.stopped.empty()) merged.stopped = one.stopped;
    for (auto& a : one.appliances) {
      if (const auto [it, fresh] = seen.emplace(a.name, file); !fresh) {
        io.err << "error: appliance " << a.name << " is in " << it->second << " and in " << file
               << ": each appliance once (one report per Job index)\n";
        return kExitError;
      }
      merged.appliances.push_back(std::move(a));
    }
  }
  std::string text;
  if (options.format == "json") {
    text = render::pretty_json(fleet_to_json(merged));
  } else if (options.format == "markdown") {
    text = render_fleet_markdown(merged);
  } else if (options.format == "junit") {
    text = render_fleet_junit(merged);
  } else {
    text = render_fleet_table(merged);
  }
  if (options.output.empty()) {
    io.out << text;
  } else if (auto written = write_file_atomic(options.output, text, /*owner_only=*/true); !written) {
    print_error(written.error(), io);
    return kExitError;
  } else {
    io.err << "Wrote the merged " << options.format << " report of " << merged.appliances.size() << " appliances to "
           << options.output << ".\n";
  }
  return merged.exit_code();
}

}  // namespace

Command setup_report(CLI::App& app) {
  auto options = std::make_shared<ReportMergeOptions>();
  CLI::App* sub = app.add_subcommand("report", "Work with fleet reports (offline)");
  sub->require_subcommand(1);
  CLI::App* merge = sub->add_subcommand("merge", "Combine the JSON fleet reports of several runs into one report");
  merge->add_option("FILE", options->files, "JSON fleet reports (--fleet-report json=FILE of plan, apply, drift)")
      ->required()
      ->check(CLI::ExistingFile);
  merge->add_option("--format", options->format, "Output format: text, json, markdown or junit")
      ->type_name("FORMAT")
      ->check(one_of({"text", "json", "markdown", "junit"}))
      ->capture_default_str();
  merge->add_option("--output", options->output, "Write the report to FILE instead of standard output")
      ->type_name("FILE");
  sub->footer(
      "Examples:\n"
      "  sps-apply report merge results/*.json                        # the table; exit code of the fleet\n"
      "  sps-apply report merge results/*.json --format junit --output fleet.xml");
  return {sub, [options](Io& io) { return run_report_merge(*options, io); }};
}

}  // namespace sps::cli
