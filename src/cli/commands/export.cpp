// `sps-apply export [--out DIR] [--only KIND... | --all]`: reads the live appliance and writes
// desired-state YAML (one file per area) plus a README.md listing the environment variables
// the secret placeholders need. Read-only on the appliance; never writes a secret value.
// --all crawls the whole configuration tree and exports discovered kinds too.
#include "apply/crawler.h"
#include "apply/live_reader.h"
#include "catalog/catalog.h"
#include "cli/cli.h"
#include "cli/connection.h"
#include "cli/exit_codes.h"
#include "cli/files.h"
#include "cli/views/diagnostics_view.h"
#include "export/export.h"
#include "model/normalize.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>
#include <set>
#include <string_view>

namespace sps::cli {

namespace {

/// Parsed options of `export`.
struct ExportOptions {
  std::string out_dir = "exported-state";
  std::vector<std::string> only;
  bool all = false;
  bool force = false;  // write into a directory that is not empty
  ConnectionOptions connection;
};

/// Before anything is read: a directory that holds anything is somebody's work (perhaps a
/// desired state in Git); export writes into it only with --force.
core::Result<void> check_out_dir(const std::filesystem::path& dir, bool force) {
  std::error_code ec;
  if (force || !std::filesystem::exists(dir, ec)) return {};
  if (!std::filesystem::is_directory(dir, ec)) {
    return core::Error(core::ErrorCode::kInvalidArgument, "--out " + dir.string() + " is not a directory",
                       "name a new or empty directory");
  }
  if (std::filesystem::directory_iterator(dir, ec) == std::filesystem::directory_iterator()) return {};
  return core::Error(core::ErrorCode::kInvalidArgument,
                     "--out " + dir.string() + " is not empty; export does not write into it without --force",
                     "export to a new directory and compare, or pass --force to replace the files export writes "
                     "(other files are left alone)");
}

/// Whether a line of YAML opens the top-level `sps-apply:` block, its key plain or quoted.
bool is_settings_key(std::string_view line) {
  for (std::string_view key : {"sps-apply", "\"sps-apply\"", "'sps-apply'"}) {
    if (!line.starts_with(key)) continue;
    std::string_view rest = line.substr(key.size());
    while (rest.starts_with(' ')) rest.remove_prefix(1);
    if (rest.starts_with(':')) return true;
  }
  return false;
}

/// With --force: a YAML file the export would replace must not hold the desired state's
/// `sps-apply:` settings block (prune and ignore rules), which the export cannot recreate.
core::Result<void> check_settings_kept(const std::filesystem::path& dir, const exporter::Export& e) {
  for (const auto& f : e.files) {
    std::ifstream in(dir / f.name, std::ios::binary);
    for (std::string line; std::getline(in, line);) {
      if (!is_settings_key(line)) continue;
      return core::Error(core::ErrorCode::kInvalidArgument,
                         (dir / f.name).string() + " holds the `sps-apply:` settings block (prune, ignore), which the "
                         "export would replace; nothing was written",
                         "move the block to a file of its own (e.g. " + (dir / "settings.yaml").string() +
                             ", which export never writes) and export again");
    }
  }
  return {};
}

core::Result<void> write_files(const std::filesystem::path& dir, const exporter::Export& e) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return core::Error(core::ErrorCode::kInvalidArgument, "cannot create the directory " + dir.string(), ec.message());
  }
  for (const auto& f : e.files) {
    // Atomically, so an interrupted export never leaves half a file that a later `git add`
    // would pick up.
    if (auto written = write_file_atomic(dir / f.name, f.text); !written) return written.error();
  }
  return {};
}

/// The export of the curated kinds `kinds` (and the kinds they reference, read for names).
core::Result<exporter::Export> export_curated(appliance::ApplianceApi& api, const std::vector<std::string>& kinds,
                                              core::Diagnostics& read_diags) {
  const catalog::Catalog& catalog = catalog::Catalog::builtin();
  const std::set<std::string> managed(kinds.begin(), kinds.end());
  apply::ReadOptions read_options;
  // Nothing is read afterwards: the logout overlaps normalizing and writing the files.
  read_options.after_reads = [&api] { api.start_logout(); };
  auto read = apply::read_live_kinds(api, catalog, model::kinds_to_fetch(catalog, managed), read_diags,
                                     std::move(read_options));
  if (!read) return read.error();
  return exporter::build_export(read->live, catalog, kinds);
}

/// export --all: crawl, select, read what was not read by the crawl (reference targets),
/// export curated and discovered kinds alike.
core::Result<exporter::Export> export_everything(appliance::ApplianceApi& api, core::Diagnostics& read_diags) {
  const catalog::Catalog& catalog = catalog::Catalog::builtin();
  auto crawl = apply::crawl_configuration(api);
  if (!crawl) return crawl.error();
  exporter::Selection selection = exporter::select_endpoints(crawl->endpoints, catalog);
  for (const auto& [path, why] : crawl->skipped) {
    // Write-once collections cannot be listed (405): say what they are rather than the status.
    const catalog::Kind* kind = catalog.find(path);
    selection.skipped.push_back({path, kind != nullptr && kind->write_once
                                           ? "write-only objects: exported as !secret placeholders where they are referenced"
                                           : why});
  }
  std::sort(selection.skipped.begin(), selection.skipped.end(),
            [](const exporter::Skipped& a, const exporter::Skipped& b) { return a.path < b.path; });
  std::set<std::string> curated;
  for (const auto& k : selection.kinds) {
    if (catalog.find(k) != nullptr) curated.insert(k);
  }
  std::vector<std::string> to_read = model::kinds_to_fetch(catalog, curated);
  std::set<std::string> exportable;
  for (const auto& d : selection.discovered) exportable.insert(d.path);
  for (const auto& k : exportable) to_read.push_back(k);
  apply::ReadOptions read_options;
  read_options.refine = [&](catalog::Kind& kind) {
    if (exportable.count(kind.path) != 0) exporter::mark_likely_secrets(kind);
  };
  for (const auto& k : to_read) {
    if (auto it = crawl->endpoints.find(k); it != crawl->endpoints.end()) read_options.prefetched.emplace(k, std::move(it->second));
  }
  read_options.after_reads = [&api] { api.start_logout(); };
  auto read = apply::read_live_kinds(api, catalog, to_read, read_diags, std::move(read_options));
  if (!read) return read.error();
  return exporter::build_export(read->live, read->catalog, selection.kinds, std::move(selection.skipped));
}

int run_export(const ExportOptions& options, Io& io) {
  if (auto ok = check_out_dir(options.out_dir, options.force); !ok) {
    print_error(ok.error(), io);
    return kExitError;
  }
  if (!options.all) {
    if (auto kinds = exporter::export_kinds(catalog::Catalog::builtin(), options.only); !kinds) {
      print_error(kinds.error(), io);
      return kExitError;
    }
  }
  auto conn = connect(options.connection, io);
  if (!conn) {
    print_error(conn.error(), io);
    return kExitError;
  }
  core::Diagnostics read_diags;
  core::Result<exporter::Export> exported = options.all
      ? export_everything(*conn->api, read_diags)
      : export_curated(*conn->api, *exporter::export_kinds(catalog::Catalog::builtin(), options.only), read_diags);
  // Unknown live fields are reported below by the export, which says they were left out.
  core::Diagnostics errors;
  for (const auto& d : read_diags.items()) {
    if (d.severity == core::Severity::kError) errors.add(d);
  }
  render_diagnostics_text(errors, io.err, false);
  if (!exported) {
    print_error(exported.error(), io);
    return kExitError;
  }
  const exporter::Export& e = *exported;
  render_diagnostics_text(e.warnings, io.err, false);
  if (auto kept = check_settings_kept(options.out_dir, e); !kept) {
    print_error(kept.error(), io);
    return kExitError;
  }
  if (auto written = write_files(options.out_dir, e); !written) {
    print_error(written.error(), io);
    return kExitError;
  }
  io.out << "Exported " << e.kinds.size() << " kinds from " << conn->url << " to " << options.out_dir << "/:";
  for (const auto& f : e.files) io.out << " " << f.name;
  io.out << "\n";
  if (!e.secrets.empty()) {
    io.out << "Secrets are placeholders; set these variables before plan or apply (see README.md):\n";
    for (const auto& s : e.secrets) io.out << "  " << s.name << "  (" << s.resource << " " << s.pointer << ")\n";
  }
  if (!e.skipped.empty()) {
    io.out << "Not exported (see README.md):\n";
    for (const auto& s : e.skipped) io.out << "  " << s.path << ": " << s.why << "\n";
  }
  io.out << "Check the result with: sps-apply plan " << options.out_dir << " --detailed-exitcode\n";
  return kExitOk;
}

}  // namespace

Command setup_export(CLI::App& app) {
  auto options = std::make_shared<ExportOptions>();
  CLI::App* sub = app.add_subcommand("export", "Write the appliance's configuration as desired-state YAML (read-only)");
  sub->add_option("--out", options->out_dir, "Directory to write the YAML files and README.md to")
      ->type_name("DIR")
      ->capture_default_str();
  CLI::Option* only = sub->add_option("--only", options->only, "Export only these kinds (repeatable), e.g. policies/backup_policies")
      ->type_name("KIND");
  sub->add_flag("--all", options->all,
                "Crawl /api/configuration and export every endpoint, kinds without a schema included")
      ->excludes(only);
  sub->add_flag("--force", options->force,
                "Write into a --out directory that is not empty (replacing the files export writes; a file "
                "holding the `sps-apply:` settings is never replaced)");
  add_connection_options(*sub, options->connection);
  sub->footer(
      "Secrets are never exported: each becomes `!secret env:SPS_...`, listed in DIR/README.md.\n"
      "Built-in objects, server-computed fields and fields the schemas do not know are left out.\n"
      "Examples:\n"
      "  sps-apply export --out desired-state/ --url https://sps.example.com --username admin --ca-file ca.pem\n"
      "  sps-apply export --only policies/backup_policies --only management/system_backup\n"
      "  sps-apply export --all --out whole-appliance/   # every readable endpoint; skipped ones say why");
  return {sub, [options](Io& io) { return run_export(*options, io); }};
}

}  // namespace sps::cli
