// `sps-apply plan [PATH] [--out FILE] [--format text|json|markdown] [--detailed-exitcode]`:
// reads the live appliance, diffs it against the desired state and prints the ordered plan.
// Read-only: never opens a transaction.
#include "apply/planner.h"
#include "apply/preflight.h"
#include "catalog/catalog.h"
#include "cli/cli.h"
#include "cli/commands/plan_support.h"
#include "cli/commands/runs.h"
#include "cli/connection.h"
#include "cli/desired_input.h"
#include "cli/exit_codes.h"
#include "cli/fleet/fleet_run.h"
#include "cli/git_revision.h"
#include "cli/options.h"
#include "cli/reports.h"
#include "cli/preflight.h"
#include "cli/views/diagnostics_view.h"
#include "plan/plan_file.h"
#include "render/render.h"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <memory>
#include <ostream>

namespace sps::cli {

namespace {

constexpr std::string_view kFormats[] = {"text", "json", "markdown"};

std::string render_as(const std::string& format, const plan::Plan& plan, const render::PlanHeader& header, bool color) {
  if (format == "json") return render::render_plan_json(plan, header);
  if (format == "markdown") return render::render_plan_markdown(plan, header);
  return render::render_plan_text(plan, {.color = color}, header);
}

}  // namespace

int run_plan(const PlanOptions& options, Io& io) {
  // Report requests are checked before anything else, so a typo costs no login.
  auto reports = parse_reports(options.reports, kFormats);
  if (!reports) {
    print_error(reports.error(), io);
    return kExitError;
  }
  const DesiredSource source = desired_source(options.source, options.path);
  // Loaded while the connection is prepared (nothing is sent to the API until it is valid).
  std::optional<core::Result<PendingConnection>> pending;
  auto checked = load_while_connecting(options.connection, io, pending, [&] {
    return load_desired_or_report(source, desired::SecretResolution::kIfAvailable, io);
  });
  if (!checked) return kExitError;
  const std::string root = source.root;
  relativize_file_secrets(checked->state, root);
  if (auto selected = check_selection(options.selection, checked->state); !selected) {
    print_error(selected.error(), io);
    return kExitError;
  }
  auto conn = login_prepared(pending, io);
  if (!conn) {
    print_error(conn.error(), io);
    return kExitError;
  }
  const catalog::Catalog& catalog = catalog::Catalog::builtin();
  core::Diagnostics diags;
  const diff::DiffOptions diff_options{.rotate_secrets = options.rotate_secrets};
  // GET /api/info for the header goes out with the planning reads, in one wave. Nothing is
  // read after that wave: the logout goes out as soon as its last answer is in, and its
  // round trip overlaps normalizing, diffing, rendering and saving (the Connection waits
  // for its answer before the command ends).
  // The desired state moves into the plan (Planned::desired): no copy of a large state.
  auto planned = apply::plan_against(std::move(checked->state), *conn->api, catalog, diff_options, diags, {apply::kInfoPath},
                                     options.selection, [&api = *conn->api] { api.start_logout(); });
  render_diagnostics_text(diags, io.err, false);
  if (!planned) {
    print_error(planned.error(), io);
    return kExitError;
  }
  std::string digest;
  // The header says which firmware was planned against, and whether apply may write here.
  if (const auto info = describe_appliance(*conn->api, &planned->plan, io, &planned->side)) {
    for (const auto& problem :
         apply::firmware_problems(planned->plan, catalog::Catalog::builtin(), info->firmware_version)) {
      planned->plan.notes.push_back("apply will refuse this plan: " + problem);
    }
  }
  // What the plan is about, in its header and in the saved file (for `show`).
  plan::PlanOrigin origin{conn->url, "", planned->kinds, root};
  origin.user = conn->username;
  origin.created_at = utc_now();
  origin.git_revision = git_revision(root, secret_env_names(planned->desired));
  origin.firmware_version = planned->plan.firmware_version;
  if (!options.out_file.empty()) {
    // The file carries what the plan was made from, without secret values, so apply can
    // re-derive the steps, find every change since and verify against the whole state.
    const plan::PlanBasis basis{plan::desired_without_secrets(planned->desired),
                                plan::live_without_secrets(planned->live, planned->desired, planned->catalog),
                                diff_options, plan::discovered_kinds(planned->catalog), options.selection};
    auto saved = save_plan_file(options.out_file, planned->plan, origin, basis);
    if (!saved) {
      print_error(saved.error(), io);
      return kExitError;
    }
    digest = std::move(*saved);
  }
  if (RunReport* report = options.report) {
    const plan::Plan& p = planned->plan;
    report->result = p.empty() ? "in-sync" : "changes";
    report->create = p.count(diff::Action::kCreate);
    report->update = p.count(diff::Action::kUpdate);
    report->remove = p.count(diff::Action::kDelete);
    report->markdown = render::render_plan_markdown(p, plan_header(origin, digest));
    report->json = render::plan_to_json(p, plan_header(origin, digest));
    report->digest = digest;
  }
  const render::PlanHeader header = plan_header(origin, digest);
  // The reports first: stdout's text says where the saved plan is, last.
  const auto render = [&](const std::string& format) { return render_as(format, planned->plan, header, false); };
  if (auto written = write_reports(*reports, render, io.err); !written) {
    print_error(written.error(), io);
    return kExitError;
  }
  io.out << render_as(options.format, planned->plan, header, io.color);
  if (options.format == "text") {
    if (!options.out_file.empty()) {
      io.out << "\nSaved the plan to " << options.out_file << " (digest " << digest
             << "). Apply exactly these steps with:\n"
             << "  sps-apply apply " << options.out_file << "\n";
    }
  }
  if (!digest.empty() && options.format != "text") io.err << "Saved the plan to " << options.out_file << " (digest " << digest << ")\n";
  return options.detailed_exitcode && !planned->plan.empty() ? kExitChanges : kExitOk;
}

Command setup_plan(CLI::App& app) {
  auto options = std::make_shared<PlanOptions>();
  CLI::App* sub = app.add_subcommand("plan", "Show what apply would change on the appliance (read-only)");
  sub->add_option("PATH", options->path, "Directory of *.yaml files (subdirectories too), or one file")->type_name("DIR|FILE")->capture_default_str();
  sub->add_option("--out", options->out_file, "Save the plan to FILE for `sps-apply apply FILE` (no secret values)")
      ->type_name("FILE");
  sub->add_option("--format", options->format, "Output format: text, json or markdown")
      ->type_name("FORMAT")
      ->check(one_of({"text", "json", "markdown"}))
      ->capture_default_str();
  sub->add_option("--report", options->reports,
                  "Also write the plan as FORMAT (text, json, markdown) to PATH, mode 0600 (repeatable; "
                  "stdout keeps --format)")
      ->type_name("FORMAT=PATH");
  sub->add_flag("--detailed-exitcode", options->detailed_exitcode,
                "Exit 0 when there are no changes, 2 when there are changes, 1 on error");
  sub->add_flag("--rotate-secrets", options->rotate_secrets,
                "Re-send write-only secrets (password objects) even when one is already set");
  add_selection_options(*sub, options->selection);
  add_connection_options(*sub, options->connection);
  auto fleet = std::make_shared<FleetFlags>();
  add_fleet_options(*sub, *fleet, /*apply=*/false);
  sub->footer(
      "Examples:\n"
      "  SPS_PASSWORD=... sps-apply plan desired-state/ --url https://sps.example.com --username admin \\\n"
      "      --ca-file sps-ca.pem --out plan.json\n"
      "  sps-apply plan --format markdown > plan.md     # for a merge-request comment\n"
      "  sps-apply plan --out plan.json --report markdown=plan.md --report json=plan-view.json\n"
      "  sps-apply plan --detailed-exitcode             # 0 in sync, 2 changes, 1 error\n"
      "  sps-apply plan --target 'policies/backup_policies[nightly-nfs]' --out plan.json   # partial\n"
      "  sps-apply plan --inventory inventory.yaml --out plans/   # every appliance; one plan file each");
  return {sub, [options, fleet](Io& io) {
            return fleet->inventory.empty() ? run_plan(*options, io) : run_fleet_plan(*options, *fleet, io);
          }};
}

}  // namespace sps::cli
