// CPU cost of the planning pipeline per object, without the network: the desired-state YAML
// is loaded and validated (cli::load_checked_desired, exactly what `plan` does), the live
// documents (an sps-sim seed, already parsed: the transport parses while bytes arrive) are
// normalized, then diffed and planned. Inputs come from bench/gen_state.py, one directory
// per object count:
//   sps_pipeline_bench --state-root DIR [--iterations N] [--benchmark_format=json ...]
//   DIR/<N>/desired.yaml, DIR/<N>/seed/<kind path>.json   (N = 100, 1000, ...)
// Reported per benchmark: us_per_object (wall time of one iteration / N). --iterations N runs
// each benchmark exactly N times, for instruction counts under callgrind that do not depend on
// how long an iteration took (with --benchmark_filter to pick one benchmark).
#include "catalog/catalog.h"
#include "cli/desired_input.h"
#include "diff/diff.h"
#include "model/normalize.h"
#include "plan/plan.h"

#include <benchmark/benchmark.h>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace {
namespace fs = std::filesystem;
namespace json = boost::json;
using sps::catalog::Catalog;

/// One generated state: the desired-state file and the live documents it is planned against.
struct Workload {
  std::size_t objects = 0;
  fs::path desired_file;
  std::vector<std::string> kinds;
  sps::model::RawLive raw;
};

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Reads DIR/<N>/; exits with a message when the directory is not a gen_state.py output,
// since a benchmark of nothing would print misleading figures.
Workload load_workload(const fs::path& dir) {
  Workload w;
  w.objects = std::stoul(dir.filename().string());
  w.desired_file = dir / "desired.yaml";
  const auto checked = sps::cli::load_checked_desired(w.desired_file);
  if (checked.diagnostics.has_errors()) {
    std::cerr << w.desired_file << " does not load cleanly\n";
    std::exit(1);
  }
  const Catalog& catalog = Catalog::builtin();
  std::set<std::string> managed;
  for (const auto& r : checked.state.resources) managed.insert(r.address.kind);
  w.kinds = sps::model::kinds_to_fetch(catalog, managed);
  for (const auto& kind : w.kinds) {
    const fs::path file = dir / "seed" / (kind + ".json");
    // Kinds without a seed file are empty collections on the simulator.
    w.raw.documents[kind] = fs::exists(file) ? json::parse(read_text(file)) : json::parse(R"({"items": []})");
  }
  return w;
}

// A copy of the live documents for one iteration, made outside the timing: plan moves the
// documents the transport parsed into normalization, it never copies them.
sps::model::RawLive fresh_documents(benchmark::State& state, const Workload& w) {
  state.PauseTiming();
  sps::model::RawLive copy = w.raw;
  state.ResumeTiming();
  return copy;
}

void set_per_object(benchmark::State& state, std::size_t objects) {
  state.counters["us_per_object"] = benchmark::Counter(
      static_cast<double>(objects) * 1e-6, benchmark::Counter::kIsIterationInvariantRate |
                                               benchmark::Counter::kInvert);
}

// load + validate of the desired state (YAML parse, schema validation, references).
void bm_load(benchmark::State& state, const Workload* w) {
  for (auto _ : state) {
    auto checked = sps::cli::load_checked_desired(w->desired_file);
    benchmark::DoNotOptimize(checked);
  }
  set_per_object(state, w->objects);
}

// normalize + diff + plan on an already loaded desired state.
void bm_normalize_diff_plan(benchmark::State& state, const Workload* w) {
  const Catalog& catalog = Catalog::builtin();
  const auto checked = sps::cli::load_checked_desired(w->desired_file);
  std::size_t steps = 0;
  for (auto _ : state) {
    sps::core::Diagnostics diags;
    auto raw = fresh_documents(state, *w);
    const auto live = sps::model::normalize_live(catalog, w->kinds, std::move(raw), diags);
    const auto changes = sps::diff::compute_changes(checked.state, live, catalog);
    auto plan = sps::plan::build_plan(changes, checked.state, live, catalog);
    if (!plan) state.SkipWithError(plan.error().message.c_str());
    steps = plan ? plan->steps.size() : 0;
    benchmark::DoNotOptimize(plan);
  }
  state.counters["steps"] = static_cast<double>(steps);
  set_per_object(state, w->objects);
}

// One stage at a time, to see where normalize + diff + plan spends its time.
void bm_stage(benchmark::State& state, const Workload* w, int stage) {
  const Catalog& catalog = Catalog::builtin();
  const auto checked = sps::cli::load_checked_desired(w->desired_file);
  sps::core::Diagnostics diags;
  const auto live = sps::model::normalize_live(catalog, w->kinds, w->raw, diags);
  const auto changes = sps::diff::compute_changes(checked.state, live, catalog);
  for (auto _ : state) {
    if (stage == 0) {
      sps::core::Diagnostics d;
      auto raw = fresh_documents(state, *w);
      auto l = sps::model::normalize_live(catalog, w->kinds, std::move(raw), d);
      benchmark::DoNotOptimize(l);
    } else if (stage == 1) {
      auto c = sps::diff::compute_changes(checked.state, live, catalog);
      benchmark::DoNotOptimize(c);
    } else {
      auto p = sps::plan::build_plan(changes, checked.state, live, catalog);
      benchmark::DoNotOptimize(p);
    }
  }
  set_per_object(state, w->objects);
}

// The whole CPU pipeline of `plan`: load + validate + normalize + diff + plan.
void bm_pipeline(benchmark::State& state, const Workload* w) {
  const Catalog& catalog = Catalog::builtin();
  for (auto _ : state) {
    const auto checked = sps::cli::load_checked_desired(w->desired_file);
    sps::core::Diagnostics diags;
    auto raw = fresh_documents(state, *w);
    const auto live = sps::model::normalize_live(catalog, w->kinds, std::move(raw), diags);
    const auto changes = sps::diff::compute_changes(checked.state, live, catalog);
    auto plan = sps::plan::build_plan(changes, checked.state, live, catalog);
    benchmark::DoNotOptimize(plan);
  }
  set_per_object(state, w->objects);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  fs::path root;
  benchmark::IterationCount iterations = 0;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--state-root") root = argv[i + 1];
    if (std::string(argv[i]) == "--iterations") iterations = std::stol(argv[i + 1]);
  }
  if (root.empty() || !fs::is_directory(root)) {
    std::cerr << "usage: sps_pipeline_bench --state-root DIR [benchmark flags]\n"
                 "  DIR/<N>/ as written by bench/gen_state.py (scripts/bench does this)\n";
    return 2;
  }
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(root)) {
    if (e.is_directory() && fs::exists(e.path() / "desired.yaml")) dirs.push_back(e.path());
  }
  std::sort(dirs.begin(), dirs.end(), [](const fs::path& a, const fs::path& b) {
    return std::stoul(a.filename().string()) < std::stoul(b.filename().string());
  });
  // Workloads live until the end of main, the benchmarks refer to them.
  std::vector<std::unique_ptr<Workload>> workloads;
  const auto fix = [iterations](benchmark::internal::Benchmark* b) {
    b->Unit(benchmark::kMillisecond);
    if (iterations > 0) b->Iterations(iterations);
  };
  for (const auto& dir : dirs) {
    workloads.push_back(std::make_unique<Workload>(load_workload(dir)));
    const Workload* w = workloads.back().get();
    const std::string n = std::to_string(w->objects);
    fix(benchmark::RegisterBenchmark(("load/" + n).c_str(), bm_load, w));
    fix(benchmark::RegisterBenchmark(("normalize_diff_plan/" + n).c_str(), bm_normalize_diff_plan, w));
    fix(benchmark::RegisterBenchmark(("pipeline/" + n).c_str(), bm_pipeline, w));
    int stage = 0;
    for (const char* name : {"stage_normalize/", "stage_diff/", "stage_plan/"}) {
      fix(benchmark::RegisterBenchmark((name + n).c_str(), bm_stage, w, stage++));
    }
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
