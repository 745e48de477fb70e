#include "cli/cli.h"

#include "cli/commands/validate.h"
#include "cli/exit_codes.h"
#include "cli/views/diagnostics_view.h"

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace sps::cli {
namespace {

/// Runs sps-apply in-process and captures both streams.
struct CliRun {
  int code = -1;
  std::string out;
  std::string err;
};

CliRun run_cli(std::vector<std::string> args) {
  args.insert(args.begin(), "sps-apply");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out;
  std::ostringstream err;
  CliRun r;
  r.code = run(static_cast<int>(argv.size()), argv.data(), out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

TEST(CliTest, VersionPrintsProgramNameAndVersion) {
  const CliRun r = run_cli({"--version"});
  EXPECT_EQ(r.code, kExitOk);
  EXPECT_TRUE(r.out.starts_with("sps-apply ")) << r.out;
  EXPECT_GT(r.out.size(), std::string("sps-apply \n").size());
  // `--version` alone skips setting up the commands; through CLI11 the output is the same.
  const CliRun parsed = run_cli({"--version", "validate"});
  EXPECT_EQ(parsed.code, kExitOk);
  EXPECT_EQ(parsed.out, r.out);
}

TEST(CliTest, HelpListsSubcommandsAndEveryExitCode) {
  const CliRun r = run_cli({"--help"});
  EXPECT_EQ(r.code, kExitOk);
  EXPECT_NE(r.out.find("validate"), std::string::npos) << r.out;
  for (const auto& doc : kExitCodeTable) {
    EXPECT_NE(r.out.find("  " + std::to_string(doc.code) + "  " + std::string(doc.meaning)), std::string::npos) << r.out;
  }
}

TEST(CliTest, UsageErrorsExitWithErrorCode) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{}, {"no-such-command"}, {"validate", "--format", "xml"}, {"validate", "a", "b"}}) {
    SCOPED_TRACE(args.empty() ? "(none)" : args.back());
    const CliRun r = run_cli(args);
    EXPECT_EQ(r.code, kExitError);
    EXPECT_FALSE(r.err.empty());
  }
}

TEST(CliTest, ValidateParsesPathAndFormat) {
  struct Case {
    std::vector<std::string> args;
    std::string path;
    std::string format;
  };
  const std::vector<Case> cases{
      {{"validate"}, "desired-state/", "text"},
      {{"validate", "conf/"}, "conf/", "text"},
      {{"validate", "--format", "json", "one.yaml"}, "one.yaml", "json"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.args.size());
    CLI::App app;
    ValidateOptions options;
    add_validate_options(app, options);
    std::vector<std::string> reversed(c.args.rbegin(), c.args.rend());  // CLI11 parses a reversed vector
    app.parse(reversed);
    EXPECT_EQ(options.path, c.path);
    EXPECT_EQ(options.format, c.format);
  }
}

TEST(CliTest, ColourOnlyOnTerminalWithoutNoColor) {
  EXPECT_TRUE(use_color(true, false, nullptr, "xterm-256color"));
  EXPECT_FALSE(use_color(false, false, nullptr, "xterm"));
  EXPECT_FALSE(use_color(true, false, "", "xterm"));
  EXPECT_FALSE(use_color(true, false, "1", "xterm"));
  EXPECT_FALSE(use_color(true, false, nullptr, "dumb"));
  EXPECT_FALSE(use_color(true, true, nullptr, "xterm-256color"));  // --no-color
}

TEST(CliTest, DiagnosticsTextIsColouredOnlyWhenAsked) {
  core::Diagnostics diagnostics;
  diagnostics.error({"a.yaml", 3, 5}, "unknown field \"prot\"", "did you mean \"port\"?");
  diagnostics.warning({"b.yaml"}, "provisional schema");
  std::ostringstream plain;
  render_diagnostics_text(diagnostics, plain, false);
  EXPECT_EQ(plain.str(),
            "a.yaml:3:5: error: unknown field \"prot\"\n"
            "  hint: did you mean \"port\"?\n"
            "b.yaml: warning: provisional schema\n");
  std::ostringstream coloured;
  render_diagnostics_text(diagnostics, coloured, true);
  EXPECT_NE(coloured.str().find("\x1b[1;31merror:"), std::string::npos);
  EXPECT_NE(coloured.str().find("\x1b[1;33mwarning:"), std::string::npos);
}

TEST(CliTest, ValidateReportsMissingPath) {
  const CliRun r = run_cli({"validate", "no/such/dir"});
  EXPECT_EQ(r.code, kExitError);
  EXPECT_NE(r.out.find("no/such/dir: error: no such file or directory"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace sps::cli
