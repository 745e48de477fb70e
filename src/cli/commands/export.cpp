// `sps-apply export [--out DIR] [--only KIND...]`: reads the live appliance and writes
// desired-state YAML (one file per area) plus a README.md listing the environment variables
// the secret placeholders need. Read-only on the appliance; never writes a secret value.
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

#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>
#include <set>

namespace sps::cli {

namespace {

/// Parsed options of `export`.
struct ExportOptions {
  std::string out_dir = "exported-state";
  std::vector<std::string> only;
  ConnectionOptions connection;
};

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

int run_export(const ExportOptions& options, Io& io) {
  const catalog::Catalog& catalog = catalog::Catalog::builtin();
  auto kinds = exporter::export_kinds(catalog, options.only);
  if (!kinds) {
    print_error(kinds.error(), io);
    return kExitError;
  }
  auto conn = connect(options.connection, io);
  if (!conn) {
    print_error(conn.error(), io);
    return kExitError;
  }
  // Referenced kinds are read too, so references come out as names.
  const std::set<std::string> managed(kinds->begin(), kinds->end());
  core::Diagnostics read_diags;
  auto live = apply::read_live(*conn->api, catalog, model::kinds_to_fetch(catalog, managed), read_diags);
  // Unknown live fields are reported below by the export, which says they were left out.
  core::Diagnostics errors;
  for (const auto& d : read_diags.items()) {
    if (d.severity == core::Severity::kError) errors.add(d);
  }
  render_diagnostics_text(errors, io.err, false);
  if (!live) {
    print_error(live.error(), io);
    return kExitError;
  }
  const exporter::Export e = exporter::build_export(*live, catalog, *kinds);
  render_diagnostics_text(e.warnings, io.err, false);
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
  io.out << "Check the result with: sps-apply plan " << options.out_dir << " --detailed-exitcode\n";
  return kExitOk;
}

}  // namespace

Command setup_export(CLI::App& app) {
  auto options = std::make_shared<ExportOptions>();
  CLI::App* sub = app.add_subcommand("export", "Write the appliance's configuration as desired-state YAML (read-only)");
  sub->add_option("--out", options->out_dir, "Directory to write the YAML files and README.md to")
      ->capture_default_str();
  sub->add_option("--only", options->only, "Export only these kinds (repeatable), e.g. policies/backup_policies")
      ->type_name("KIND");
  add_connection_options(*sub, options->connection);
  sub->footer(
      "Secrets are never exported: each becomes `!secret env:SPS_...`, listed in DIR/README.md.\n"
      "Built-in objects, server-computed fields and fields the schemas do not know are left out.\n"
      "Examples:\n"
      "  sps-apply export --out desired-state/ --url https://sps.example.com --username admin --ca-file ca.pem\n"
      "  sps-apply export --only policies/backup_policies --only management/system_backup");
  return {sub, [options](Io& io) { return run_export(*options, io); }};
}

}  // namespace sps::cli
