// Fleet plan against many simulated appliances: N in-process sps-sim instances (default 100)
// with a fixed round-trip latency (default 50 ms), one inventory, and the real sps-apply
// binary run as a child process twice: `plan` against one appliance, then
// `plan --inventory` against all N (--max-parallel P, default N). Prints both wall times, their
// ratio (target: under 3x), the peak RSS of the fleet's sps-apply process (getrusage of
// the child) and the CPU time of sps-apply and of the simulators (this process) during each
// run: on a shared machine the wall time follows the CPU both sides need. Not part of ctest.
//   sps_fleet_bench --sps-apply build/bench/src/cli/sps-apply [--appliances 100]
//                   [--latency-ms 50] [--max-parallel 100]
#include "sim/sim.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace {
namespace fs = std::filesystem;

struct ChildRun {
  int status = -1;
  double seconds = 0;
  long max_rss_kib = 0;
  double cpu_seconds = 0;      // user + system time of sps-apply
  double sim_cpu_seconds = 0;  // user + system time of this process (the simulators) meanwhile
};

double cpu_of(const struct rusage& u) {
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

/// Runs argv (stdout and stderr to /dev/null) and measures its wall time and peak RSS.
ChildRun run_child(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  ChildRun run;
  struct rusage self_before {};
  ::getrusage(RUSAGE_SELF, &self_before);
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
    std::perror("posix_spawn");
    return run;
  }
  posix_spawn_file_actions_destroy(&actions);
  struct rusage usage {};
  ::wait4(pid, &run.status, 0, &usage);
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.max_rss_kib = usage.ru_maxrss;
  run.cpu_seconds = cpu_of(usage);
  struct rusage self_after {};
  ::getrusage(RUSAGE_SELF, &self_after);
  run.sim_cpu_seconds = cpu_of(self_after) - cpu_of(self_before);
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  std::string sps_apply;
  std::size_t count = 100;
  long latency_ms = 50;
  std::size_t parallel = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--sps-apply") sps_apply = argv[i + 1];
    if (flag == "--appliances") count = std::stoul(argv[i + 1]);
    if (flag == "--latency-ms") latency_ms = std::stol(argv[i + 1]);
    if (flag == "--max-parallel") parallel = std::stoul(argv[i + 1]);
  }
  if (sps_apply.empty() || count == 0) {
    std::cerr << "usage: sps_fleet_bench --sps-apply PATH [--appliances N] [--latency-ms MS] [--max-parallel P]\n";
    return 1;
  }
  if (parallel == 0) parallel = count;
  const fs::path dir = fs::temp_directory_path() / ("sps-fleet-bench-" + std::to_string(::getpid()));
  fs::create_directories(dir / "state");
  // The demo's kinds without secrets: a backup policy and the singletons that use it.
  std::ofstream(dir / "state" / "state.yaml") << R"yaml(
policies/backup_policies:
  - name: nightly
    include_node_id_in_path: true
    notification_event: {type: errors-only}
    target: {type: nfs, server: {selection: fqdn, value: !var backup_host}, path: /exports/sps}
    start_times: ["1:30"]
management/system_backup: {backup_policy: nightly}
management/webinterface: {timeout: 15}
management/soap: {enabled: false}
)yaml";
  std::vector<std::unique_ptr<sps::sim::Simulator>> sims;
  std::ofstream inventory(dir / "inventory.yaml");
  inventory << "appliances:\n";
  for (std::size_t i = 0; i < count; ++i) {
    sps::sim::Options options;
    options.rng_seed = 1000 + i;
    options.latency = std::chrono::milliseconds(latency_ms);
    options.ca_out = (dir / ("ca-" + std::to_string(i) + ".pem")).string();
    sims.push_back(std::make_unique<sps::sim::Simulator>(std::move(options)));
    if (auto started = sims.back()->start(); !started) {
      std::cerr << "sps-sim " << i << ": " << started.error().message << "\n";
      return 1;
    }
    inventory << "  - {name: sps-" << i << ", url: \"" << sims.back()->url() << "\", ca_file: ca-" << i
              << ".pem, desired: [state], vars: {backup_host: backup-" << i << ".example.com}}\n";
  }
  inventory.close();
  ::setenv("SPS_USERNAME", "admin", 1);
  ::setenv("SPS_PASSWORD", "admin", 1);
  // One appliance, the same desired state (a one-entry inventory, so the !var resolves).
  std::ofstream(dir / "one.yaml") << "appliances:\n  - {name: one, url: \"" << sims[0]->url()
                                  << "\", ca_file: ca-0.pem, desired: [state], vars: {backup_host: b.example.com}}\n";
  const ChildRun one = run_child({sps_apply, "plan", "--inventory", (dir / "one.yaml").string()});
  const ChildRun all = run_child({sps_apply, "plan", "--inventory", (dir / "inventory.yaml").string(), "--max-parallel",
                                  std::to_string(parallel)});
  for (auto& s : sims) s->stop();
  fs::remove_all(dir);
  const auto ok = [](const ChildRun& r) { return WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0; };
  std::printf("fleet plan: %zu appliances at %ld ms latency, --max-parallel %zu\n", count, latency_ms, parallel);
  std::printf("  one appliance:  %.3f s (%s), CPU: sps-apply %.3f s, simulators %.3f s\n", one.seconds,
              ok(one) ? "ok" : "FAILED", one.cpu_seconds, one.sim_cpu_seconds);
  std::printf("  %zu appliances: %.3f s (%s), peak RSS %.1f MiB, CPU: sps-apply %.3f s, simulators %.3f s\n", count,
              all.seconds, ok(all) ? "ok" : "FAILED", static_cast<double>(all.max_rss_kib) / 1024.0, all.cpu_seconds,
              all.sim_cpu_seconds);
  const double ratio = all.seconds / one.seconds;
  std::printf("  ratio: %.2fx (target under 3x): %s\n", ratio, ratio < 3.0 ? "PASS" : "MISS");
  return ok(one) && ok(all) ? 0 : 1;
}
