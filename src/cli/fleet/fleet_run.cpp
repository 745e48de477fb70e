#include "cli/fleet/fleet_run.h"

#include "cli/exit_codes.h"
#include "cli/files.h"
#include "cli/commands/cluster_report.h"
#include "cli/fleet/fleet_report.h"
#include "cli/fleet/inventory_input.h"
#include "cli/options.h"
#include "desired/read_file.h"
#include "render/render.h"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

namespace sps::cli {
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

/// The saved fleet plan's index (plan --inventory --out DIR).
constexpr const char* kIndexKind = "sps-apply-fleet-plan";
constexpr const char* kIndexFile = "index.json";

/// One appliance's run: the single-appliance command with this appliance's options.
using Job = std::function<int(const desired::ApplianceEntry&, Io&, RunReport&)>;

/// The first "error: ..." line a run printed, else its last line: the table's error column.
std::string first_error(const std::string& err) {
  std::istringstream lines(err);
  std::string last;
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("error: ")) return line.substr(7);
    if (!line.empty()) last = line;
  }
  return last;
}

bool failed(int code) { return code == kExitError || code == kExitAttention; }

/// Appliances worked on at a time: --max-parallel, else up to 8.
std::size_t appliances_at_once(const FleetFlags& flags, std::size_t selected) {
  return std::max<std::size_t>(1, std::min(selected, flags.parallel == 0 ? std::size_t{8} : std::size_t{flags.parallel}));
}

/// The connections one appliance of the fleet may read with: the fleet as a whole opens at
/// most kFleetConnections at a time (each connection is a TLS handshake on both sides, and
/// a hundred appliances with --parallel 32 each would be thousands), shared by the
/// appliances it works on at once; never more than --parallel, at least one.
int connections_per_appliance(const FleetFlags& flags, std::size_t selected, int parallel) {
  const auto share = static_cast<int>(kFleetConnections / appliances_at_once(flags, selected));
  return std::clamp(share, 1, std::max(parallel, 1));
}

/// Runs job for each selected appliance: at most `parallel` at a time, in inventory order.
/// `outcomes` holds one record per selected appliance; those already decided (result not
/// "not-started", e.g. failed checks) are not run. With stop_on_failure, no appliance starts
/// once more than max_failed have failed; a stop signal stops starting appliances too.
void run_appliances(const FleetSelection& fleet, const FleetFlags& flags, bool stop_on_failure, const Job& job,
                    FleetReport& report, Io& io) {
  const std::size_t n = fleet.appliances.size();
  clear_stop_request();
  std::size_t failures = 0;
  for (const auto& a : report.appliances) failures += a.result == "failed" ? 1 : 0;
  std::mutex mutex;
  std::size_t next = 0;
  std::size_t done = 0;
  bool stopped = stop_on_failure && failures > flags.max_failed;
  if (stopped) {
    report.stopped = std::to_string(failures) + " appliance" + (failures == 1 ? "" : "s") +
                     " failed the checks before any transaction (--max-failed " + std::to_string(flags.max_failed) + ")";
  }
  const auto worker = [&] {
    for (;;) {
      std::size_t i = 0;
      {
        const std::lock_guard lock(mutex);
        while (next < n && report.appliances[next].result != "not-started") ++next;
        if (!stopped && stop_requested()) {
          stopped = true;
          report.stopped = "interrupted by a signal";
        }
        if (stopped || next >= n) return;
        i = next++;
      }
      const desired::ApplianceEntry& appliance = *fleet.appliances[i];
      std::ostringstream out;
      std::ostringstream err;
      Io own{out, err, false};
      RunReport run;
      const auto start = std::chrono::steady_clock::now();
      int code = kExitError;
      try {
        code = job(appliance, own, run);
      } catch (const std::exception& e) {
        err << "error: internal error: " << e.what() << '\n';
      }
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
      const std::lock_guard lock(mutex);
      ApplianceOutcome& o = report.appliances[i];
      o.result = run.result.empty() ? "failed" : run.result;
      o.exit_code = code;
      o.create = run.create;
      o.update = run.update;
      o.remove = run.remove;
      o.duration_ms = ms.count();
      o.log = out.str() + err.str();
      if (failed(code)) o.error = first_error(err.str());
      if (!run.cluster_sync.is_null() && !cluster_in_sync(run.cluster_sync) && code == kExitAttention &&
          o.result == "applied") {
        o.error = cluster_sync_headline(run.cluster_sync);  // the commit is fine: the cluster is not
      }
      o.markdown = std::move(run.markdown);
      o.details = std::move(run.json);
      o.digest = std::move(run.digest);
      o.cluster_sync = std::move(run.cluster_sync);
      ++done;
      io.err << "[" << done << "/" << n << "] " << o.name << ": " << o.result << " (" << o.create << " to create, "
             << o.update << " to update, " << o.remove << " to delete) in " << ms.count() << " ms"
             << (o.cluster_sync.is_object() && o.cluster_sync.as_object().contains("state")
                     ? ", cluster " + json::value_to<std::string>(o.cluster_sync.as_object().at("state"))
                     : std::string())
             << (o.error.empty() ? std::string() : ": " + o.error) << '\n';
      if (failed(code) && stop_on_failure && ++failures > flags.max_failed && !stopped) {
        stopped = true;
        report.stopped = o.name + " failed and --max-failed is " + std::to_string(flags.max_failed);
      }
    }
  };
  const std::size_t parallel = appliances_at_once(flags, n);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < std::min(parallel, n); ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
}

/// One record per selected appliance, not started yet.
FleetReport new_report(const std::string& command, const FleetSelection& fleet, const FleetFlags& flags) {
  FleetReport report;
  report.command = command;
  report.inventory = flags.inventory;
  for (const auto* a : fleet.appliances) {
    ApplianceOutcome o;
    o.name = a->name;
    o.url = a->url;
    o.groups = a->groups;
    report.appliances.push_back(std::move(o));
  }
  return report;
}

std::string render_as(const FleetReport& report, const std::string& format) {
  if (format == "json") return render::pretty_json(fleet_to_json(report));
  if (format == "markdown") return render_fleet_markdown(report);
  if (format == "junit") return render_fleet_junit(report);
  return render_fleet_table(report);
}

/// Prints the combined report (text: each appliance's own output first, then the table) and
/// writes the --fleet-report files. Returns the fleet's exit code.
int finish(const FleetReport& report, const std::string& format, const FleetFlags& flags, Io& io) {
  if (format == "text") {
    for (const auto& a : report.appliances) {
      if (a.log.empty()) continue;
      io.out << "=== " << a.name << " (" << a.url << "): " << a.result << " ===\n" << a.log;
      if (!a.log.ends_with('\n')) io.out << '\n';
      io.out << '\n';
    }
  }
  io.out << render_as(report, format);
  int code = report.exit_code();
  for (const auto& spec : flags.reports) {
    const std::size_t eq = spec.find('=');
    const std::string file = spec.substr(eq + 1);
    if (auto written = write_file_atomic(file, render_as(report, spec.substr(0, eq)), /*owner_only=*/true); !written) {
      print_error(written.error(), io);
      code = worst_exit_code(std::array<int, 2>{code, kExitError});
    }
  }
  return code;
}

/// The problem with an appliance's credential sources, checked before any appliance starts:
/// a variable that is not set, a file that cannot be read. "" when they look usable. Values
/// are read only to see that they can be, and dropped.
std::string credential_problem(const ConnectionOptions& c) {
  const auto unreadable = [](const std::string& file, const char* what) -> std::string {
    if (file.empty()) return {};
    auto read = desired::read_regular_file(file, std::uintmax_t{1} << 20);
    return read ? std::string() : std::string("cannot read the ") + what + " " + file + ": " + read.error().message;
  };
  const bool certificate = !c.client_cert.empty() || !c.client_pkcs12.empty();
  if (certificate) {
    for (const auto& problem : {unreadable(c.client_cert, "client certificate"), unreadable(c.client_key, "client key"),
                                unreadable(c.client_pkcs12, "PKCS#12 bundle"),
                                unreadable(c.client_key_passphrase_file, "key passphrase file")}) {
      if (!problem.empty()) return problem;
    }
    return {};
  }
  if (c.username.empty() && std::getenv(c.username_env.c_str()) == nullptr) {
    return "no user name: " + c.username_env + " is not set (the inventory's credentials name it)";
  }
  if (!c.password_file.empty()) return unreadable(c.password_file, "password file");
  if (std::getenv(c.password_env.c_str()) == nullptr) {
    return "no password: " + c.password_env + " is not set (the inventory's credentials name it; passwords are "
           "never in the inventory)";
  }
  return {};
}

/// Marks the appliances whose credentials cannot work as failed, before anything starts.
void check_credentials(const FleetSelection& fleet, const ConnectionOptions& command_line, FleetReport& report,
                       Io& io) {
  for (std::size_t i = 0; i < fleet.appliances.size(); ++i) {
    const std::string problem = credential_problem(connection_of(*fleet.appliances[i], command_line));
    if (problem.empty()) continue;
    ApplianceOutcome& o = report.appliances[i];
    o.result = "failed";
    o.exit_code = kExitError;
    o.error = problem;
    o.log = "error: " + problem + "; nothing was sent to this appliance\n";
    io.err << o.name << ": error: " << problem << "; nothing was sent to this appliance\n";
  }
}

/// Loads the inventory and refuses connection flags that name one appliance.
std::unique_ptr<FleetSelection> open_fleet(const ConnectionOptions& connection, const FleetFlags& flags, Io& io) {
  if (const std::string flag = per_appliance_flag(connection); !flag.empty()) {
    io.err << "error: " << flag << " names one appliance and cannot be used with --inventory; put it in the "
           << "inventory entry of each appliance (url, ca_file, login_method, credentials)\n";
    return nullptr;
  }
  auto fleet = load_fleet_or_report(flags.inventory, flags.limits, io);
  if (fleet && flags.index >= 0) {
    const auto index = static_cast<std::size_t>(flags.index);
    if (index >= fleet->appliances.size()) {
      io.err << "error: --index " << flags.index << ": the selection has " << fleet->appliances.size()
             << " appliances (0 to " << fleet->appliances.size() - 1 << "); a Job's completions must equal "
             << "the number of appliances\n";
      return nullptr;
    }
    fleet->appliances = {fleet->appliances[index]};
  }
  return fleet;
}

/// A saved fleet plan's index.json: appliance name -> {plan file, digest, url}.
struct IndexEntry {
  std::string plan_file;
  std::string digest;
  std::string url;
};

core::Result<std::map<std::string, IndexEntry>> read_index(const fs::path& dir) {
  const fs::path file = dir / kIndexFile;
  auto text = desired::read_regular_file(file, std::uintmax_t{16} << 20);
  if (!text) {
    return core::Error(core::ErrorCode::kInvalidArgument, "cannot read " + file.generic_string() + ": " + text.error().message,
                       "with --inventory, apply takes the directory `plan --inventory FILE --out DIR` wrote");
  }
  boost::system::error_code ec;
  const json::value doc = json::parse(*text, ec);
  const json::object* o = ec ? nullptr : doc.if_object();
  const json::value* kind = o != nullptr ? o->if_contains("kind") : nullptr;
  const json::value* list = o != nullptr ? o->if_contains("appliances") : nullptr;
  if (kind == nullptr || *kind != json::value(kIndexKind) || list == nullptr || !list->is_array()) {
    return core::Error(core::ErrorCode::kInvalidArgument, file.generic_string() + " is not a fleet plan index",
                       "make the plans with `sps-apply plan --inventory FILE --out DIR`");
  }
  std::map<std::string, IndexEntry> out;
  for (const auto& item : list->get_array()) {
    const json::object* a = item.if_object();
    const auto text_of = [&](const char* key) {
      const json::value* v = a != nullptr ? a->if_contains(key) : nullptr;
      return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
    };
    const std::string name = text_of("name");
    const std::string plan_file = text_of("plan_file");
    // The file must be a plain name inside DIR: an edited index cannot point elsewhere.
    if (name.empty() || plan_file.empty() || plan_file.find('/') != std::string::npos || plan_file.starts_with(".")) {
      return core::Error(core::ErrorCode::kInvalidArgument, file.generic_string() + ": an entry without a name or with a "
                                                            "plan file outside the directory");
    }
    out[name] = {plan_file, text_of("digest"), text_of("url")};
  }
  return out;
}

bool is_fleet_plan_dir(const std::string& path) {
  std::error_code ec;
  return fs::is_regular_file(fs::path(path) / kIndexFile, ec);
}

}  // namespace

void add_fleet_options(CLI::App& app, FleetFlags& flags, bool apply) {
  app.add_option("--inventory", flags.inventory,
                 "Run on every appliance of this inventory (each with its own desired list, variables and "
                 "credentials), concurrently")
      ->type_name("FILE")
      ->group("Fleet");
  app.add_option("--limit", flags.limits, "With --inventory: only these appliances or groups (repeatable)")
      ->type_name("NAME|GROUP")
      ->group("Fleet");
  app.add_option("--index", flags.index,
                 "With --inventory: only the N-th selected appliance, from 0 (a Kubernetes Indexed Job's "
                 "$JOB_COMPLETION_INDEX; merge the per-appliance JSON reports with `sps-apply report merge`)")
      ->type_name("N")
      ->check(number_in(0, 100000, "appliances"))
      ->group("Fleet");
  // Not --parallel: that is the number of connections per appliance (connection.h).
  app.add_option("--max-parallel", flags.parallel,
                 "With --inventory: appliances worked on at a time (default: min(8, appliances)); each uses up "
                 "to --parallel connections")
      ->type_name("N")
      ->check(number_in(1, 256, "appliances"))
      ->group("Fleet");
  app.add_option("--fleet-report", flags.reports,
                 "With --inventory: also write the combined report as FORMAT (text, json, markdown, junit) to "
                 "FILE (repeatable)")
      ->type_name("FORMAT=FILE")
      ->check([](const std::string& spec) -> std::string {
        const std::size_t eq = spec.find('=');
        const std::string format = spec.substr(0, eq);
        if (eq == std::string::npos || eq + 1 == spec.size()) return "write FORMAT=FILE, e.g. junit=fleet.xml";
        if (format != "text" && format != "json" && format != "markdown" && format != "junit") {
          return "unknown format '" + format + "': text, json, markdown or junit";
        }
        return {};
      })
      ->group("Fleet");
  if (apply) {
    app.add_option("--max-failed", flags.max_failed,
                   "With --inventory: stop starting appliances once more than N have failed (default 0: the "
                   "first failure stops the fleet; running ones finish, committed ones stay committed)")
        ->type_name("N")
        ->group("Fleet");
  }
}

int run_fleet_plan(const PlanOptions& options, const FleetFlags& flags, Io& io) {
  const auto fleet = open_fleet(options.connection, flags, io);
  if (!fleet) return kExitError;
  // Each appliance checks the selection against its own desired state (a resource it does not
  // declare fails that appliance); the combined report counts only what was selected.
  if (options.selection.partial()) io.err << "warning: on every appliance: " << plan::partial_warning(options.selection) << '\n';
  const bool saving = !options.out_file.empty();
  if (saving) {
    std::error_code ec;
    fs::create_directories(options.out_file, ec);
    if (ec || !fs::is_directory(options.out_file, ec)) {
      io.err << "error: --out " << options.out_file << ": with --inventory, --out is a directory (one plan file per "
             << "appliance and index.json) and it cannot be created here\n";
      return kExitError;
    }
  }
  FleetReport report = new_report("plan", *fleet, flags);
  const Job job = [&](const desired::ApplianceEntry& appliance, Io& own, RunReport& run) {
    PlanOptions one = options;
    one.source = desired_source_of(appliance, flags.inventory);
    one.connection = connection_of(appliance, options.connection);
    one.connection.parallel = connections_per_appliance(flags, fleet->appliances.size(), options.connection.parallel);
    one.out_file = saving ? (fs::path(options.out_file) / (appliance.name + ".json")).string() : std::string();
    one.format = "text";  // the appliance's own log; the fleet renders the combined report
    one.report = &run;
    return run_plan(one, own);
  };
  run_appliances(*fleet, flags, /*stop_on_failure=*/false, job, report, io);
  if (saving) {
    json::array entries;
    for (auto& a : report.appliances) {
      if (a.digest.empty()) continue;
      a.plan_file = a.name + ".json";
      entries.push_back({{"name", a.name}, {"url", a.url}, {"plan_file", a.plan_file}, {"digest", a.digest},
                         {"create", a.create}, {"update", a.update}, {"delete", a.remove}});
    }
    const json::object index{{"format_version", kFleetFormatVersion},
                             {"kind", kIndexKind},
                             {"inventory", flags.inventory},
                             {"appliances", std::move(entries)}};
    const fs::path file = fs::path(options.out_file) / kIndexFile;
    if (auto written = write_file_atomic(file, render::pretty_json(index), /*owner_only=*/true); !written) {
      print_error(written.error(), io);
      return kExitError;
    }
    io.err << "Saved the fleet plan to " << options.out_file << " (index.json and one plan per appliance). Apply "
           << "exactly these plans with:\n  sps-apply apply --inventory " << flags.inventory << " " << options.out_file
           << " --auto-approve\n";
  }
  return finish(report, options.format, flags, io);
}

int run_fleet_apply(const ApplyOptions& options, const FleetFlags& flags, Io& io) {
  const auto fleet = open_fleet(options.connection, flags, io);
  if (!fleet) return kExitError;
  if (!options.auto_approve) {
    io.err << "error: apply --inventory needs --auto-approve: review the fleet's plan first (`sps-apply plan "
              "--inventory "
           << flags.inventory << " --out DIR`), then apply exactly it (`sps-apply apply --inventory " << flags.inventory
           << " DIR --auto-approve`); nothing was changed\n";
    return kExitError;
  }
  const bool from_plans = is_fleet_plan_dir(options.path);
  if (from_plans && options.selection.partial()) {
    io.err << "error: --target and --exclude select what a plan covers; the saved plans in " << options.path
           << " carry their own selection (plan --inventory with --target/--exclude makes partial ones); nothing was "
              "changed\n";
    return kExitError;
  }
  if (options.selection.partial()) io.err << "warning: on every appliance: " << plan::partial_warning(options.selection) << '\n';
  std::map<std::string, IndexEntry> index;
  if (from_plans) {
    auto read = read_index(options.path);
    if (!read) {
      print_error(read.error(), io);
      return kExitError;
    }
    index = std::move(*read);
  } else if (options.path != ApplyOptions{}.path) {
    io.err << "error: " << options.path << " is not a fleet plan directory (no " << kIndexFile << "); with --inventory, "
           << "apply takes the desired state from the inventory, or the directory `plan --inventory FILE --out DIR` "
              "wrote\n";
    return kExitError;
  }
  FleetReport report = new_report("apply", *fleet, flags);
  check_credentials(*fleet, options.connection, report, io);
  // Every selected appliance needs its plan in the index; a missing one fails before anything.
  for (std::size_t i = 0; from_plans && i < fleet->appliances.size(); ++i) {
    ApplianceOutcome& o = report.appliances[i];
    if (o.result != "not-started" || index.contains(o.name)) continue;
    o.result = "failed";
    o.exit_code = kExitError;
    o.error = "no saved plan for this appliance in " + (fs::path(options.path) / kIndexFile).generic_string() +
              " (its plan failed, or it was not selected when planning)";
    o.log = "error: " + o.error + "\n";
  }
  StopSignalGuard signals;
  const Job job = [&](const desired::ApplianceEntry& appliance, Io& own, RunReport& run) {
    ApplyOptions one = options;
    if (from_plans) {
      const IndexEntry& entry = index.at(appliance.name);
      one.path = (fs::path(options.path) / entry.plan_file).string();
      one.expected_digest = entry.digest;
    } else {
      one.source = desired_source_of(appliance, flags.inventory);
      one.path = appliance.desired.front().string();  // for the Git revision in the commit message
    }
    one.connection = connection_of(appliance, options.connection);
    one.connection.parallel = connections_per_appliance(flags, fleet->appliances.size(), options.connection.parallel);
    one.cluster = appliance.cluster;
    one.cluster_nodes = appliance.cluster_nodes;
    one.install_signal_handlers = false;
    one.format = "text";
    one.report = &run;
    return run_apply(one, own);
  };
  run_appliances(*fleet, flags, /*stop_on_failure=*/true, job, report, io);
  return finish(report, options.format, flags, io);
}

int run_fleet_drift(const DriftOptions& options, const FleetFlags& flags, Io& io) {
  const auto fleet = open_fleet(options.connection, flags, io);
  if (!fleet) return kExitError;
  if (!options.output.empty()) {
    io.err << "error: --output is for one appliance; with --inventory write the combined report with "
              "--fleet-report FORMAT=FILE\n";
    return kExitError;
  }
  FleetReport report = new_report("drift", *fleet, flags);
  const Job job = [&](const desired::ApplianceEntry& appliance, Io& own, RunReport& run) {
    DriftOptions one = options;
    one.source = desired_source_of(appliance, flags.inventory);
    one.connection = connection_of(appliance, options.connection);
    one.connection.parallel = connections_per_appliance(flags, fleet->appliances.size(), options.connection.parallel);
    one.format = "text";
    one.report = &run;
    return run_drift(one, own);
  };
  run_appliances(*fleet, flags, /*stop_on_failure=*/false, job, report, io);
  return finish(report, options.format, flags, io);
}

}  // namespace sps::cli
