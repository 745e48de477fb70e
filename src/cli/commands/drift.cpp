// `sps-apply drift [PATH] [--format text|json|markdown|junit] [--output FILE] [--ignore RULE...]`:
// compares the live appliance with the desired state and reports what differs, for people
// and pipelines. Read-only: it plans (apply::plan_against, GETs only) and never opens a
// transaction, so a nightly job cannot disturb an administrator working in the web UI.
#include "apply/planner.h"
#include "catalog/catalog.h"
#include "cli/cli.h"
#include "cli/commands/runs.h"
#include "cli/connection.h"
#include "cli/desired_input.h"
#include "cli/exit_codes.h"
#include "cli/options.h"
#include "cli/files.h"
#include "cli/reports.h"
#include "cli/fleet/fleet_run.h"
#include "cli/preflight.h"
#include "cli/views/diagnostics_view.h"
#include "desired/suggest.h"
#include "drift/drift.h"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>
#include <algorithm>
#include <memory>
#include <ostream>

namespace sps::cli {

namespace {

constexpr std::string_view kFormats[] = {"text", "json", "markdown", "junit"};

std::string render(const drift::DriftReport& report, const std::string& format, bool color) {
  if (format == "json") return drift::render_drift_json(report);
  if (format == "markdown") return drift::render_drift_markdown(report);
  if (format == "junit") return drift::render_drift_junit(report);
  return drift::render_drift_text(report, color);
}

}  // namespace

int run_drift(const DriftOptions& options, Io& io) {
  const catalog::Catalog& catalog = catalog::Catalog::builtin();
  // Report requests are checked before anything else, so a typo costs no login.
  auto reports = parse_reports(options.reports, kFormats);
  if (!reports) {
    print_error(reports.error(), io);
    return kExitError;
  }
  // Loaded while the connection is prepared (nothing is sent to the API until it is valid).
  std::optional<core::Result<PendingConnection>> pending;
  const auto checked = load_while_connecting(options.connection, io, pending, [&] {
    return load_desired_or_report(desired_source(options.source, options.path), desired::SecretResolution::kIfAvailable,
                                  io);
  });
  if (!checked) return kExitError;
  // Rules from the desired state first (validate checked them), then the command line's.
  // Checked before connecting; rules about discovered kinds only once the appliance has told
  // their shape.
  std::vector<std::string> texts = checked->state.settings.ignore;
  texts.insert(texts.end(), options.ignore.begin(), options.ignore.end());
  const auto names_discovered = [&](const std::string& text) {
    return std::any_of(checked->state.discovered.begin(), checked->state.discovered.end(), [&](const std::string& k) {
      return text == k || text.starts_with(k + "/") || text.starts_with(k + "[");
    });
  };
  for (const auto& text : texts) {
    model::SchemaMiss miss;
    if (auto rule = drift::parse_ignore_rule(text, catalog, &miss); !rule && !names_discovered(text)) {
      core::Error e = rule.error();
      if (std::string closest = desired::did_you_mean(miss.token, miss.allowed); !closest.empty()) e.detail = closest;
      print_error(e, io);
      return kExitError;
    }
  }
  auto conn = login_prepared(pending, io);
  if (!conn) {
    print_error(conn.error(), io);
    return kExitError;
  }
  core::Diagnostics diags;
  // The logout overlaps the work after the last read, as in plan.
  auto planned = apply::plan_against(std::move(checked->state), *conn->api, catalog, {}, diags, {apply::kInfoPath}, {},
                                     [&api = *conn->api] { api.start_logout(); });
  render_diagnostics_text(diags, io.err, false);
  if (!planned) {
    print_error(planned.error(), io);
    return kExitError;
  }
  std::vector<drift::IgnoreRule> rules;
  for (const auto& text : texts) {
    auto rule = drift::parse_ignore_rule(text, planned->catalog);
    if (!rule) {
      print_error(rule.error(), io);
      return kExitError;
    }
    rules.push_back(std::move(*rule));
  }
  if (const auto info = describe_appliance(*conn->api, nullptr, io, &planned->side); info && info->managed_host()) {
    io.err << "note: " << managed_host_note() << '\n';
  }
  drift::DriftReport report =
      drift::build_report(planned->changes, planned->desired, planned->live, planned->catalog, rules);
  report.appliance = conn->url;
  if (RunReport* out = options.report) {
    const drift::Summary summary = report.summary();
    out->result = report.has_drift() ? "drift" : "in-sync";
    out->create = summary.missing;
    out->update = summary.changed;
    out->remove = summary.would_delete;
    out->markdown = drift::render_drift_markdown(report);
    out->json = drift::drift_to_json(report);
  }
  const auto uncoloured = [&](const std::string& format) { return render(report, format, false); };
  if (auto written = write_reports(*reports, uncoloured, io.err); !written) {
    print_error(written.error(), io);
    return kExitError;
  }
  // Colour only on the terminal: a file gets none.
  const std::string text = render(report, options.format, io.color && options.output.empty());
  if (options.output.empty()) {
    io.out << text;
  } else {
    // Owner-only, as every report and plan sps-apply writes: it describes the configuration.
    if (auto written = write_file_atomic(options.output, text, /*owner_only=*/true); !written) {
      print_error(written.error(), io);
      return kExitError;
    }
    // The summary still goes to the terminal, so a CI log says what the artifact holds.
    io.err << "Wrote the " << options.format << " drift report to " << options.output << ".\n"
           << drift::render_drift_summary(report) << "\n";
  }
  return report.has_drift() ? kExitChanges : kExitOk;
}

Command setup_drift(CLI::App& app) {
  auto options = std::make_shared<DriftOptions>();
  CLI::App* sub = app.add_subcommand("drift", "Report changes made on the appliance outside Git (read-only)");
  sub->add_option("PATH", options->path, "Directory of *.yaml files (subdirectories too), or one file")->type_name("DIR|FILE")->capture_default_str();
  sub->add_option("--format", options->format, "Report format: text, json, markdown or junit")
      ->type_name("FORMAT")
      ->check(one_of({"text", "json", "markdown", "junit"}))
      ->capture_default_str();
  sub->add_option("--output", options->output, "Write the report to FILE instead of standard output")->type_name("FILE");
  sub->add_option("--ignore", options->ignore,
                  "Ignore differences matching RULE: kind[name]/json/pointer, kind/json/pointer or kind[name] "
                  "(repeatable; adds to the desired state's `sps-apply: ignore:`)")
      ->type_name("RULE");
  sub->add_option("--report", options->reports,
                  "Also write the report as FORMAT (text, json, markdown, junit) to PATH, mode 0600 (repeatable; "
                  "stdout keeps --format)")
      ->type_name("FORMAT=PATH");
  add_connection_options(*sub, options->connection);
  auto fleet = std::make_shared<FleetFlags>();
  add_fleet_options(*sub, *fleet, /*apply=*/false);
  sub->footer(
      "Exit codes: 0 in sync, 2 drift found, 1 error.\n"
      "Findings: changed, missing (in Git only), unmanaged (on the appliance only; drift when its\n"
      "collection is pruned, since apply would delete it), ignored (by a rule), unknowable\n"
      "(write-only secrets cannot be compared). Secrets are masked in every format.\n"
      "Examples:\n"
      "  sps-apply drift desired-state/ --format junit --output drift.xml   # CI test report\n"
      "  sps-apply drift --format markdown > drift.md                       # for a ticket\n"
      "  sps-apply drift --report junit=drift.xml --report markdown=drift.md  # one run, several files\n"
      "  sps-apply drift --ignore 'management/webinterface/timeout'");
  return {sub, [options, fleet](Io& io) {
            return fleet->inventory.empty() ? run_drift(*options, io) : run_fleet_drift(*options, *fleet, io);
          }};
}

}  // namespace sps::cli
