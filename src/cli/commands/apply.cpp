// `sps-apply apply [PATH | PLANFILE] [--auto-approve]`: performs a plan inside one SPS
// transaction and commits it, or rolls it back on any failure (apply/executor.h).
#include "apply/executor.h"
#include "apply/live_reader.h"
#include "apply/planner.h"
#include "catalog/catalog.h"
#include "cli/cli.h"
#include "cli/commands/apply_report.h"
#include "cli/commands/apply_support.h"
#include "cli/commands/cluster_report.h"
#include "cli/commands/plan_support.h"
#include "cli/commands/runs.h"
#include "cli/connection.h"
#include "cli/desired_input.h"
#include "cli/exit_codes.h"
#include "cli/options.h"
#include "cli/files.h"
#include "cli/fleet/fleet_run.h"
#include "cli/git_revision.h"
#include "cli/log.h"
#include "cli/preflight.h"
#include "cli/views/diagnostics_view.h"
#include "core/json_pointer.h"
#include "desired/loader.h"
#include "model/discovered.h"
#include "model/normalize.h"
#include "plan/plan_check.h"
#include "plan/plan_file.h"
#include "render/render.h"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>
#include <optional>
#include <sstream>
#include <streambuf>
#include <thread>

#include <unistd.h>

namespace sps::cli {
namespace json = boost::json;

namespace {

/// Masks the plan's secret values in text that came back from the appliance: an error
/// message may repeat a value it rejected, and a !secret value is never printed.
class SecretScrubber {
 public:
  explicit SecretScrubber(const plan::Plan& plan) {
    for (const auto& step : plan.steps) {
      for (const auto* slots : {&step.secrets, &step.inline_secrets}) {
        for (const auto& slot : *slots) {
          const json::value* v = core::find_pointer(step.body, slot.pointer);
          if (v == nullptr || !v->is_string()) continue;
          const std::string value(v->get_string());
          const std::string quoted = json::serialize(json::string(value));
          // Both as written and as it appears inside a JSON string (escaped quotes, ...).
          for (const std::string& form : {value, quoted.substr(1, quoted.size() - 2)}) {
            // Very short values would mask unrelated words and are no more recognisable.
            if (form.size() >= 4) m_values.push_back(form);
          }
        }
      }
    }
    // Longest first, so a value that contains another is masked whole.
    std::sort(m_values.begin(), m_values.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  }

  std::string operator()(std::string text) const {
    for (const std::string& value : m_values) {
      for (std::size_t at = text.find(value); at != std::string::npos; at = text.find(value, at)) {
        text.replace(at, value.size(), "(sensitive)");
      }
    }
    return text;
  }

  apply::ApplyResult operator()(apply::ApplyResult result) const {
    for (auto& r : result.records) r.error = (*this)(std::move(r.error));
    if (result.error) {
      result.error->message = (*this)(std::move(result.error->message));
      result.error->detail = (*this)(std::move(result.error->detail));
    }
    result.rollback_error = (*this)(std::move(result.rollback_error));
    return result;
  }

  apply::ClusterSyncResult operator()(apply::ClusterSyncResult result) const {
    result.error = (*this)(std::move(result.error));
    for (auto& node : result.last.nodes) {
      node.reason = (*this)(std::move(node.reason));
      for (auto& w : node.warnings) w.message = (*this)(std::move(w.message));
    }
    return result;
  }

 private:
  std::vector<std::string> m_values;
};

/// Progress: one line per request on stderr.
class ProgressView final : public apply::ApplyObserver {
 public:
  ProgressView(std::ostream& err, std::size_t steps, const SecretScrubber& scrub)
      : m_err(err), m_steps(steps), m_scrub(scrub) {}
  void on_phase(std::string_view what) override { m_err << "sps-apply: " << what << '\n'; }
  void on_record(const apply::StepRecord& r) override {
    m_err << "  ";
    if (r.index > 0) m_err << '[' << r.index << '/' << m_steps << "] ";
    m_err << r.what;
    if (!r.address.empty()) m_err << " (" << r.address << ')';
    m_err << ": " << (r.ok ? "ok" : "FAILED") << " in " << r.duration.count() << " ms";
    if (!r.key.empty()) m_err << ", key " << r.key;
    if (!r.ok) m_err << ": " << m_scrub(r.error);
    m_err << '\n';
  }

 private:
  std::ostream& m_err;
  std::size_t m_steps;
  const SecretScrubber& m_scrub;
};

/// The variables the plan's !secret env: sources read: kept from any child process.
std::vector<std::string> secret_variables(const plan::Plan& plan) {
  std::vector<std::string> out;
  for (const auto& step : plan.steps) {
    for (const auto* slots : {&step.secrets, &step.inline_secrets}) {
      for (const auto& slot : *slots) {
        if (slot.source.starts_with("env:")) out.push_back(slot.source.substr(4));
      }
    }
  }
  return out;
}

std::string commit_message(const ApplyOptions& options, const plan::Plan& plan,
                           const std::function<const std::string&()>& revision) {
  if (!options.commit_message.empty()) return options.commit_message;
  std::string msg = "sps-apply: " + std::to_string(plan.count(diff::Action::kCreate)) + " created, " +
                    std::to_string(plan.count(diff::Action::kUpdate)) + " updated, " +
                    std::to_string(plan.count(diff::Action::kDelete)) + " deleted; desired state " +
                    plan.desired_digest.substr(0, 12);
  if (const std::string& rev = revision(); !rev.empty()) msg += "; git " + rev;
  return msg;
}

void append_record(const std::string& file, const ApplyContext& context, const apply::ApplyResult& result,
                   const plan::Plan& plan, Io& io) {
  json::value line = result_to_json(result, plan, context);
  line.as_object()["time"] = static_cast<std::int64_t>(std::time(nullptr));
  if (auto appended = append_to_file(file, json::serialize(line) + "\n"); !appended) {
    io.err << "warning: cannot append the apply record to " << file << ": " << appended.error().detail << '\n';
  }
}

bool confirm(const ApplyOptions& options, Io& io) {
  if (options.auto_approve) return true;
  if (::isatty(STDIN_FILENO) != 1) {
    io.err << "error: apply needs confirmation, and standard input is not a terminal; review the plan and pass "
              "--auto-approve (or apply a saved plan file with --auto-approve)\n";
    return false;
  }
  io.err << "\nDo you want to perform these actions on the appliance? Only 'yes' will be accepted: ";
  std::string answer;
  std::getline(std::cin, answer);
  if (answer == "yes") return true;
  io.err << "Apply cancelled; nothing was changed.\n";
  return false;
}

/// Writes to two stream buffers: what apply prints on stderr, kept for its JSON result.
class TeeBuffer final : public std::streambuf {
 public:
  TeeBuffer(std::streambuf* first, std::streambuf* second) : m_first(first), m_second(second) {}

 protected:
  int overflow(int c) override {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    m_first->sputc(static_cast<char>(c));
    m_second->sputc(static_cast<char>(c));
    return c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    m_first->sputn(s, n);
    return m_second->sputn(s, n);
  }
  int sync() override { return m_first->pubsync(); }

 private:
  std::streambuf* m_first;
  std::streambuf* m_second;
};

/// The reason an apply stopped, from what it printed on stderr: its error lines, or all of it.
std::string stop_reason(const std::string& printed) {
  std::string errors;
  std::istringstream lines(printed);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("error: ") || line.find(": error: ") != std::string::npos) {
      errors += (errors.empty() ? "" : "\n") + line;
    }
  }
  if (!errors.empty()) return errors;
  std::string all = printed;
  while (!all.empty() && (all.back() == '\n' || all.back() == ' ')) all.pop_back();
  return all.empty() ? "apply stopped before it opened a transaction" : all;
}

/// The fleet's report of an apply: its outcome, counts and JSON result.
void fill_report(RunReport* report, const apply::ApplyResult& result, const plan::Plan& plan,
                 const ApplyContext& context) {
  if (report == nullptr) return;
  report->result = plan.empty() ? "nothing-to-do" : std::string(apply::to_string(result.outcome));
  report->create = plan.count(diff::Action::kCreate);
  report->update = plan.count(diff::Action::kUpdate);
  report->remove = plan.count(diff::Action::kDelete);
  report->markdown = render::render_plan_markdown(plan, render::PlanHeader{context.appliance, {}, {}, {}, context.plan_digest});
  report->json = result_to_json(result, plan, context);
  report->digest = context.plan_digest;
  if (context.cluster_sync != nullptr) report->cluster_sync = *context.cluster_sync;
}

/// Whether the outcome includes a proven commit (whatever its verification found).
bool committed(apply::Outcome outcome) {
  return outcome == apply::Outcome::kApplied || outcome == apply::Outcome::kCommittedUnverified ||
         outcome == apply::Outcome::kCommittedDiffers;
}

/// result_printed: set once the JSON result is on io.out (--format json).
int apply_once(const ApplyOptions& options, Io& io, bool& result_printed) {
  const catalog::Catalog& catalog = catalog::Catalog::builtin();
  std::optional<std::chrono::seconds> lock_timeout;
  if (!options.lock_timeout.empty()) {
    auto parsed = parse_duration(options.lock_timeout);
    if (parsed) lock_timeout = *parsed;
    if (!parsed) {
      io.err << "error: --lock-timeout " << options.lock_timeout
             << " is not a duration; write seconds (90, 90s) or minutes (5m) or hours (1h)\n";
      return kExitError;
    }
  }
  const std::optional<ClusterWait> cluster_wait = cluster_wait_of(options, io);
  if (!cluster_wait) return kExitError;
  const bool from_file = !options.source && is_plan_file(options.path);
  std::optional<CheckedDesired> checked;
  std::optional<core::Result<PendingConnection>> pending;
  std::optional<plan::SavedPlan> saved;
  plan::Plan plan;
  if (from_file && options.selection.partial()) {
    io.err << "error: --target and --exclude select what a plan covers; a saved plan carries its own selection\n"
              "  plan again with --target/--exclude and --out, then apply that file\n";
    return kExitError;
  }
  if (from_file) {
    // Read and checked while the connection is prepared (nothing is sent until it passes).
    auto loaded = load_while_connecting(options.connection, io, pending, [&] { return load_plan_file(options.path); });
    if (!loaded) {
      print_error(loaded.error(), io);
      return kExitError;
    }
    saved = std::move(*loaded);
    if (!options.expected_digest.empty() && saved->digest != options.expected_digest) {
      io.err << "error: " << options.path << " has digest " << saved->digest << ", not the " << options.expected_digest
             << " its fleet plan's index.json records: the file was replaced after `plan --out`; nothing was sent to "
                "the appliance. Make and review a new plan.\n";
      return kExitError;
    }
    if (saved->basis.desired.resources.empty()) {
      io.err << "error: " << options.path << " was planned from a desired state that declares no resource; apply "
             << "refuses it (an empty or wrong path must not reset or prune the appliance). Nothing was sent.\n";
      return kExitError;
    }
    io.err << "sps-apply: applying the saved plan " << options.path << ", digest " << saved->digest << '\n';
    const PlanSecrets secrets(saved->origin.desired_root, options.connection.password_file);
    auto resolved = plan::resolve_secrets(saved->plan, secrets);
    if (resolved) resolved = plan::resolve_secrets(saved->basis.desired, secrets);
    if (!resolved) {
      // Before login: a job without the secrets the plan needs must not touch the appliance.
      core::Error e = resolved.error();
      e.detail = "apply needs the values of the plan's secrets (plan and validate do not): provide them in "
                 "the job that applies. Nothing was sent to the appliance.";
      print_error(e, io);
      return kExitError;
    }
    plan = std::move(saved->plan);
  } else {
    const DesiredSource source = desired_source(options.source, options.path);
    // Loaded while the connection is prepared (nothing is sent to the API until it is valid).
    checked = load_while_connecting(options.connection, io, pending, [&] {
      return load_desired_or_report(source, desired::SecretResolution::kRequired, io);
    });
    if (!checked) return kExitError;
    if (checked->state.resources.empty() && checked->state.discovered.empty()) {
      io.err << "error: the desired state in " << options.path << " declares no resource; apply refuses to run "
             << "(an empty or wrong path must not reset or prune the appliance). Nothing was sent.\n"
             << "  hint: pass the directory (or file) that holds the desired-state YAML\n";
      return kExitError;
    }
    relativize_file_secrets(checked->state, source.root);
    if (auto selected = check_selection(options.selection, checked->state); !selected) {
      print_error(selected.error(), io);
      return kExitError;
    }
  }
  const plan::Selection& selection = saved ? saved->basis.selection : options.selection;
  auto conn = pending ? login_prepared(pending, io) : connect(options.connection, io);
  if (!conn) {
    print_error(conn.error(), io);
    return kExitError;
  }
  // Both normalized (connection.h): the same appliance however its URL is spelt.
  if (saved && normalize_url(saved->origin.appliance_url) != conn->url) {
    io.err << "error: the plan was made for " << saved->origin.appliance_url << ", not " << conn->url
           << "; plan again against this appliance\n";
    return kExitError;
  }
  // What the plan was made from: the whole desired state (secrets resolved; discovered kinds
  // fitted to their live shape), the catalog it was planned with (curated plus discovered
  // kinds), every live resource it read (inline secrets masked) and the kinds it read.
  // The preflight's reads (GET /api/info, /api/user_info) go out with the planning reads, in
  // one wave; a saved plan reads them together.
  std::optional<apply::Planned> planned;
  // The kinds normalized so far: the stale check and the verification normalize only the
  // kinds whose answers changed since (apply::KindCache).
  apply::KindCache normalized;
  appliance::Answers side;
  const std::vector<std::string> side_paths{apply::kInfoPath, apply::kUserInfoPath};
  if (!saved) {
    core::Diagnostics diags;
    const diff::DiffOptions diff_options{.rotate_secrets = options.rotate_secrets};
    auto made = apply::plan_against(checked->state, *conn->api, catalog, diff_options, diags, side_paths, selection,
                                    {}, &normalized);
    render_diagnostics_text(diags, io.err, false);
    if (!made) {
      print_error(made.error(), io);
      return kExitError;
    }
    planned = std::move(*made);
    normalized.previous = &planned->live;
    plan = std::move(planned->plan);
    side = std::move(planned->side);
  } else {
    auto answers = conn->api->get_many(side_paths);
    for (std::size_t i = 0; i < side_paths.size(); ++i) side.insert_or_assign(side_paths[i], std::move(answers[i]));
  }
  // Preflight, before any transaction: a managed host of Central Management takes its
  // configuration from the central node, where changes belong.
  const std::optional<apply::ApplianceInfo> info = describe_appliance(*conn->api, nullptr, io, &side);
  if (info && info->managed_host()) {
    io.err << "error: " << managed_host_note() << ". Nothing was changed.\n";
    return kExitError;
  }
  if (options.cluster && !(info && info->central_management())) {
    std::string roles;
    for (const auto& r : info ? info->roles : std::vector<std::string>{}) roles += (roles.empty() ? "" : ", ") + r;
    io.err << "error: the inventory names " << conn->url << " as the central management node of a cluster (cluster:), "
           << "but GET /api/info " << (info ? "lists the roles [" + roles + "]" : "could not be read")
           << ", without central-management: point the entry's url at the central management node, the only node "
              "whose configuration the managed hosts take. Nothing was changed.\n";
    return kExitError;
  }
  const model::DesiredState& desired = saved ? saved->basis.desired : planned->desired;
  std::optional<catalog::Catalog> saved_with_discovered;
  if (saved) {
    auto full = plan::saved_catalog(*saved, catalog);  // checked when the file was loaded
    if (!full) {
      print_error(full.error(), io);
      return kExitError;
    }
    saved_with_discovered = std::move(*full);
  }
  const catalog::Catalog& planned_catalog = saved ? *saved_with_discovered : planned->catalog;
  // What the plan depends on (the kinds it manages and their reference targets): the stale
  // check and the verification read exactly these, in one wave each.
  const std::vector<std::string> depends =
      apply::dependency_kinds(planned_catalog, desired, saved ? saved->origin.kinds : planned->kinds);
  if (info) plan.firmware_version = info->firmware_version;
  // The Git revision of the desired state, for the header and the commit message: asked once.
  std::optional<std::string> git;
  const auto revision = [&]() -> const std::string& {
    if (!git) {
      std::vector<std::string> secret_env = secret_variables(plan);
      if (checked) {
        for (auto& name : secret_env_names(checked->state)) secret_env.push_back(std::move(name));
      }
      git = git_revision(options.path, secret_env);
    }
    return *git;
  };
  // The text view shows it among the plan's notes; the JSON result is all stdout has.
  if (selection.partial() && options.format == "json") io.err << "warning: " << plan::partial_warning(selection) << '\n';
  if (options.format == "text") {
    // The header of what is applied: a saved plan's own (who planned it, when, from which
    // revision, its digest), or a plan made now.
    render::PlanHeader header{conn->url, conn->username, utc_now(), {}, {}};
    if (saved) header = plan_header(saved->origin, saved->digest);
    else header.git_revision = revision();
    io.out << render::render_plan_text(plan, {.color = io.color}, header);
  }
  ApplyContext context{conn->url, saved ? saved->digest : std::string(), nullptr};
  if (plan.empty()) {
    if (options.format == "json") io.out << render::pretty_json(result_to_json({}, plan, context));
    result_printed = true;
    fill_report(options.report, {}, plan, context);
    return kExitOk;
  }
  if (!preflight_apply(plan, *conn->api, info ? &*info : nullptr, io, &side)) return kExitError;
  if (!confirm(options, io)) return kExitError;

  std::optional<StopSignalGuard> signals;
  if (options.install_signal_handlers) signals.emplace();
  apply::ApplyOptions apply_options;
  apply_options.commit_message = commit_message(options, plan, revision);
  apply_options.cancelled = [] { return stop_requested(); };
  apply_options.on_cleanup = [cleanup = conn->cleanup] { cleanup->store(true); };
  apply_options.username = conn->username;
  std::optional<LockWaiter> lock_waiter;
  if (lock_timeout) {
    lock_waiter.emplace(*lock_timeout, io.err);
    apply_options.wait_for_lock = [&](int attempt) { return (*lock_waiter)(attempt); };
  }
  apply_options.read_live = [&](const std::vector<std::string>& kinds) {
    core::Diagnostics ignored;
    return apply::read_live(*conn->api, catalog, kinds, ignored);
  };
  // Reads what the plan depends on, normalized as the planner normalized it; a kind whose
  // answer is unchanged since the last read is not normalized again (apply::KindCache).
  std::optional<model::LiveState> stale_read;
  const auto read_again = [&](std::function<void()> after_reads, bool skip_unchanged) -> core::Result<apply::LiveRead> {
    core::Diagnostics ignored;
    apply::ReadOptions read_options;
    if (checked) read_options.refine = [&](catalog::Kind& kind) { model::mark_desired_secrets(kind, checked->state); };
    read_options.after_reads = std::move(after_reads);
    read_options.reuse = &normalized;
    read_options.skip_unchanged = skip_unchanged;
    return apply::read_live_kinds(*conn->api, catalog, depends, ignored, std::move(read_options));
  };
  const auto level = resolve_log_level(options.connection.log_level, options.connection.verbose, std::getenv("SPS_LOG"));
  const Logger logger(io.err, level ? *level : core::LogLevel::kWarn);  // connect() accepted it
  const auto log_read = [&](const char* what, const apply::LiveRead& read, const char* others) {
    logger.log(core::LogLevel::kInfo, std::string(what) + ": read " + std::to_string(depends.size()) + " kinds, normalized " +
                                          std::to_string(read.normalized.size()) + " (the other " +
                                          std::to_string(depends.size() - read.normalized.size()) + " answered " + others + ")");
  };
  apply_options.find_stale = [&]() -> core::Result<std::vector<plan::StaleResource>> {
    auto read = read_again({}, !saved);
    if (!read) return read.error();
    log_read("stale check", *read, "as when planned");
    // Every answer as the planning read's: the normalized state is the one planned from.
    if (!saved && read->normalized.empty()) return std::vector<plan::StaleResource>{};
    model::LiveState planned_live =
        saved ? std::move(saved->basis.live) : plan::live_without_secrets(planned->live, desired, planned_catalog);
    // Only the kinds read now: the plan does not depend on the others.
    std::erase_if(planned_live.resources, [&](const model::Resource& r) {
      return !std::binary_search(depends.begin(), depends.end(), r.address.kind);
    });
    std::erase_if(planned_live.missing_kinds,
                  [&](const std::string& k) { return !std::binary_search(depends.begin(), depends.end(), k); });
    auto stale = plan::compare_live(planned_live, plan::live_without_secrets(read->live, desired, planned_catalog));
    // The verification reuses what this read normalized.
    stale_read = std::move(read->live);
    normalized.previous = &*stale_read;
    return stale;
  };
  std::optional<apply::Verification> verification;
  // After a proven commit, nothing is read after the verification's reads (a central
  // management node's cluster sync aside): the logout overlaps comparing and reporting.
  const bool cluster_follows = info && info->central_management();
  apply_options.verify = [&](bool last) -> core::Result<bool> {
    std::function<void()> logout;
    if (last && !cluster_follows) logout = [&api = *conn->api] { api.start_logout(); };
    auto read = read_again(std::move(logout), false);
    if (!read) return read.error();
    log_read("verification", *read, "as in the last read");
    // A partial plan changed only its selection: the rest may differ, and is not its business.
    verification = selection.partial()
                       ? apply::verify_desired(plan::select_desired(desired, selection), read->live, planned_catalog)
                       : apply::verify_desired(desired, read->live, planned_catalog);
    return verification->verified();
  };
  const SecretScrubber scrub(plan);
  ProgressView progress(io.err, plan.steps.size(), scrub);
  const apply::ApplyResult result = scrub(apply::apply_plan(plan, *conn->api, catalog, apply_options, progress));
  if (verification) context.verification = &*verification;
  // A central management node's managed hosts take the commit on their own schedule: wait
  // for them (bounded) and report them, separately from the proven outcome of the commit.
  json::value cluster_sync;
  if (info && info->central_management() && committed(result.outcome)) {
    cluster_sync = cluster_sync_to_json(scrub(wait_for_cluster(*conn->api, result, *cluster_wait, io)),
                                        options.cluster_sync_timeout);
    context.cluster_sync = &cluster_sync;
  }
  if (!options.record_file.empty()) append_record(options.record_file, context, result, plan, io);
  if (lock_waiter && lock_waiter->gave_up() && result.outcome == apply::Outcome::kRefused) {
    io.err << "error: the configuration was still locked by another administrator after waiting "
           << lock_timeout->count() << " s (--lock-timeout); nothing was changed\n";
  }
  report(result, plan, verification, io);
  if (context.cluster_sync != nullptr) io.err << render_cluster_sync_text(cluster_sync);
  print_located_problems(result, plan, checked ? &checked->state : nullptr, io);
  if (options.format == "json") io.out << render::pretty_json(result_to_json(result, plan, context));
  result_printed = true;
  fill_report(options.report, result, plan, context);
  return exit_code(result, context);
}

}  // namespace

int run_apply(const ApplyOptions& options, Io& io) {
  bool printed = false;
  if (options.format != "json") return apply_once(options, io, printed);
  // With --format json every apply prints one result, also one that stops before its
  // transaction (bad input, no connection, a failed preflight): the reason is what it
  // printed on stderr, which never holds a secret.
  std::ostringstream said;
  TeeBuffer tee(io.err.rdbuf(), said.rdbuf());
  std::ostream err(&tee);
  Io tee_io{io.out, err, io.color};
  const int code = apply_once(options, tee_io, printed);
  if (!printed) io.out << render::pretty_json(not_started_json(code, stop_reason(said.str())));
  return code;
}

Command setup_apply(CLI::App& app) {
  auto options = std::make_shared<ApplyOptions>();
  CLI::App* sub = app.add_subcommand("apply", "Apply the desired state (or a saved plan) in one transaction");
  sub->add_option("PATH", options->path, "Desired state (directory or file), or a plan file saved by `plan --out`")
      ->type_name("DIR|FILE|PLAN")
      ->capture_default_str();
  sub->add_flag("--auto-approve", options->auto_approve, "Do not ask for confirmation");
  sub->add_option("--format", options->format, "Output format of the result: text or json")
      ->type_name("FORMAT")
      ->check(one_of({"text", "json"}))
      ->capture_default_str();
  sub->add_option("--record", options->record_file, "Append a JSON line describing this apply to FILE")->type_name("FILE");
  sub->add_option("--commit-message", options->commit_message,
                  "Commit message (default: change counts, desired-state digest and Git revision)")
      ->type_name("MESSAGE");
  sub->add_flag("--rotate-secrets", options->rotate_secrets, "Re-send write-only secrets even when set");
  add_cluster_options(*sub, *options);
  sub->add_option("--lock-timeout", options->lock_timeout,
                  "Wait up to DURATION (90s, 5m, 1h) for another administrator's configuration lock, with "
                  "backoff and progress on stderr (default: fail at once)")
      ->type_name("DURATION");
  add_selection_options(*sub, options->selection);
  add_connection_options(*sub, options->connection);
  auto fleet = std::make_shared<FleetFlags>();
  add_fleet_options(*sub, *fleet, /*apply=*/true);
  sub->footer(
      "Examples:\n"
      "  sps-apply apply desired-state/                  # plan, confirm, apply\n"
      "  sps-apply plan --out plan.json && sps-apply apply plan.json --auto-approve\n"
      "  sps-apply apply --inventory inventory.yaml plans/ --auto-approve   # a saved fleet plan\n"
      "Any failure before the commit rolls the transaction back: the appliance ends up exactly as\n"
      "planned, or exactly as it was. When the commit's answer is lost, apply asks the appliance\n"
      "what happened; if it cannot find out, it says so and exits 3 (a person must look).\n"
      "SIGINT, SIGTERM, SIGHUP and SIGQUIT roll back before exiting.");
  return {sub, [options, fleet](Io& io) {
            return fleet->inventory.empty() ? run_apply(*options, io) : run_fleet_apply(*options, *fleet, io);
          }};
}

}  // namespace sps::cli
