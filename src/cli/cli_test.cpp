#include "cli/cli.h"

#include "cli/commands/validate.h"
#include "cli/connection.h"
#include "cli/exit_codes.h"
#include "cli/log.h"
#include "cli/views/diagnostics_view.h"

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

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

TEST(CliTest, VersionPrintsBuildLibrariesAndTheFirmwareItWasWrittenFor) {
  const CliRun r = run_cli({"--version"});
  EXPECT_EQ(r.code, kExitOk);
  EXPECT_TRUE(r.out.starts_with("sps-apply 0.")) << r.out;
  for (const char* line : {"\ngit commit:  ", "\nbuilt:       20", "\nlibraries:   OpenSSL 3.", ", Boost 1.", ", yaml-cpp 0.",
                           ", CLI11 2.", "\nwritten for: SPS 6.0 to 8.0"}) {
    EXPECT_NE(r.out.find(line), std::string::npos) << line << " in\n" << r.out;
  }
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

// Rough edges of the command line: usage errors are one line that says what is expected,
// with a did-you-mean; metavariables are words, not CLI11's types; URLs compare in one
// spelling; apply refuses a desired state that declares nothing, before connecting.
TEST(CliTest, UsageErrorsAreOneLineWithASuggestion) {
  const auto one_line = [](const CliRun& r) {
    EXPECT_EQ(r.code, kExitError);
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(r.err.starts_with("error: ")) << r.err;
    return r.err;
  };
  std::string err = one_line(run_cli({"plna", "desired-state/"}));
  EXPECT_NE(err.find("unknown command \"plna\"; did you mean \"plan\"?"), std::string::npos) << err;
  err = one_line(run_cli({"plan", "--timeout", "abc"}));
  EXPECT_NE(err.find("--timeout: \"abc\" is not a number of seconds from 0.001 to 86400"), std::string::npos) << err;
  err = one_line(run_cli({"drift", "--format", "jsno"}));
  EXPECT_NE(err.find("\"jsno\" is not text, json, markdown or junit; did you mean \"json\"?"), std::string::npos) << err;
  err = one_line(run_cli({"apply", "--max-answer-size", "0"}));
  EXPECT_NE(err.find("is not a number of MiB from 1 to 4096"), std::string::npos) << err;
  err = one_line(run_cli({"plan", "--log-level", "debgu"}));
  EXPECT_NE(err.find("--log-level: \"debgu\" is not error, warn, info or debug; did you mean \"debug\"?"),
            std::string::npos)
      << err;
  err = one_line(run_cli({}));
  EXPECT_NE(err.find("a command is required: validate, plan, apply, drift, show, export"), std::string::npos) << err;
  for (const char* command : {"validate", "plan", "apply", "drift", "export"}) {
    const CliRun help = run_cli({command, "--help"});
    EXPECT_EQ(help.code, kExitOk);
    for (const char* type : {" TEXT", "FLOAT", ":INT", "UINT", ":{", "POSITIVE"}) {
      EXPECT_EQ(help.out.find(type), std::string::npos) << command << " --help shows " << type << "\n" << help.out;
    }
  }
}

// --log-level wins over --verbose (info), which wins over SPS_LOG; warn without any. An
// unknown SPS_LOG is an error naming the variable, with a did-you-mean. Lines carry the UTC
// time to the millisecond and their level, and only levels up to the logger's are written.
TEST(CliTest, LogLevelsAndTimestampedLines) {
  using core::LogLevel;
  EXPECT_EQ(*resolve_log_level("", false, nullptr), LogLevel::kWarn);
  EXPECT_EQ(*resolve_log_level("", false, ""), LogLevel::kWarn);
  EXPECT_EQ(*resolve_log_level("", true, nullptr), LogLevel::kInfo);
  EXPECT_EQ(*resolve_log_level("", false, "debug"), LogLevel::kDebug);
  EXPECT_EQ(*resolve_log_level("", true, "debug"), LogLevel::kInfo);
  EXPECT_EQ(*resolve_log_level("error", true, "debug"), LogLevel::kError);
  const auto bad = resolve_log_level("", false, "verbos");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message, "SPS_LOG=verbos is not a log level (error, warn, info or debug)");
  const auto close = resolve_log_level("", false, "inf");
  ASSERT_FALSE(close.has_value());
  EXPECT_NE(close.error().message.find("did you mean \"info\"?"), std::string::npos) << close.error().message;

  const auto when = std::chrono::system_clock::time_point(std::chrono::milliseconds(1'767'322'245'007));
  EXPECT_EQ(utc_timestamp_ms(when), "2026-01-02T02:50:45.007Z");
  EXPECT_EQ(utc_timestamp_ms(std::chrono::system_clock::time_point()), "1970-01-01T00:00:00.000Z");

  std::ostringstream err;
  const Logger logger(err, LogLevel::kInfo);
  const core::LogFunction log = logger.function();
  log(LogLevel::kDebug, "not written");
  log(LogLevel::kInfo, "GET /api/info -> 200");
  log(LogLevel::kError, "failed");
  const std::string text = err.str();
  EXPECT_EQ(text.find("not written"), std::string::npos) << text;
  const std::regex line(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info GET /api/info -> 200\n)"
                        R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z error failed\n)");
  EXPECT_TRUE(std::regex_match(text, line)) << text;
}

TEST(CliTest, UrlsAreComparedInOneSpelling) {
  EXPECT_EQ(normalize_url("HTTPS://SPS.Example.COM:443/"), "https://sps.example.com");
  EXPECT_EQ(normalize_url("https://sps.example.com"), "https://sps.example.com");
  EXPECT_EQ(normalize_url("https://sps.example.com:8443//"), "https://sps.example.com:8443");
  EXPECT_EQ(normalize_url("https://[::1]:443/"), "https://[::1]");
  EXPECT_EQ(normalize_url("https://[::1]:9443"), "https://[::1]:9443");
  EXPECT_EQ(normalize_url("https://127.0.0.1:8443/api/"), "https://127.0.0.1:8443/api");
}

TEST(CliTest, ApplyRefusesADesiredStateThatDeclaresNothing) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("sps-apply-empty-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "settings.yaml") << "sps-apply:\n  prune: [policies/backup_policies]\n";
  const CliRun r = run_cli({"apply", dir.string(), "--auto-approve", "--url", "https://127.0.0.1:9"});
  std::filesystem::remove_all(dir);
  EXPECT_EQ(r.code, kExitError);
  EXPECT_NE(r.err.find("declares no resource; apply refuses to run"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("cannot connect"), std::string::npos) << r.err;  // refused before connecting
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
