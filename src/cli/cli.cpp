#include "cli/cli.h"

#include "cli/exit_codes.h"
#include "desired/suggest.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#ifndef SPS_APPLY_VERSION
#error "SPS_APPLY_VERSION must be defined by the build"
#endif

namespace sps::cli {

// Declarations of every subcommand's setup function (definitions in commands/<name>.cpp).
#define SPS_CLI_COMMAND(name) Command setup_##name(CLI::App& app);
#include "cli/commands/command_list.h"
#undef SPS_CLI_COMMAND

bool use_color(bool is_terminal, bool no_color_flag, const char* no_color, const char* term) {
  if (!is_terminal || no_color_flag || no_color != nullptr) return false;
  return term == nullptr || std::string(term) != "dumb";
}

namespace {

std::string exit_code_footer() {
  std::string text =
      "Examples:\n"
      "  sps-apply validate desired-state/\n"
      "  export SPS_URL=https://sps.example.com SPS_USERNAME=admin SPS_CA_FILE=sps-ca.pem\n"
      "  sps-apply plan desired-state/ --out plan.json     # needs SPS_PASSWORD or --password-file\n"
      "  sps-apply apply plan.json --auto-approve\n"
      "  sps-apply drift desired-state/ --format junit --output drift.xml\n"
      "Run `sps-apply COMMAND --help` for a command's options.\n\n"
      "Exit codes:\n";
  for (const auto& doc : kExitCodeTable) {
    text += "  " + std::to_string(doc.code) + "  " + std::string(doc.meaning) + "\n";
  }
  return text;
}

}  // namespace

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  const std::string version = version_text();  // cheap: no schema is parsed
  // `sps-apply --version` alone does no work: no command is set up (CLI11 would build every
  // command's options first). With other arguments CLI11 handles it as below, same output.
  if (argc == 2 && std::string_view(argv[1]) == "--version") {
    out << version << '\n';
    return kExitOk;
  }
  CLI::App app{"Configuration as code for One Identity Safeguard for Privileged Sessions (SPS).", "sps-apply"};
  app.set_version_flag("--version", version, "Print the version, Git commit, build date, library versions and the "
                                             "SPS firmware this release was written for");
  app.footer(exit_code_footer());
  app.require_subcommand(1);

  const std::vector<Command> commands{
#define SPS_CLI_COMMAND(name) setup_##name(app),
#include "cli/commands/command_list.h"
#undef SPS_CLI_COMMAND
  };

  // Commands that print plans or reports may colour them (on a terminal only); --no-color, as
  // well as NO_COLOR, turns that off.
  bool no_color = false;
  for (const auto& command : commands) {
    const std::string name = command.app != nullptr ? command.app->get_name() : std::string();
    if (name == "plan" || name == "drift" || name == "apply" || name == "show") {
      command.app->add_flag("--no-color", no_color, "Never colour the output (also: the NO_COLOR environment variable)");
    }
  }

  // An unknown command is one line with a suggestion (CLI11 would say that a subcommand is
  // required, or take the word for something else).
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands({})) names.push_back(sub->get_name());
  std::string listed;
  for (std::size_t i = 0; i < names.size(); ++i) listed += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  if (argc > 1 && argv[1][0] != '-' && std::find(names.begin(), names.end(), argv[1]) == names.end()) {
    const std::string hint = desired::did_you_mean(argv[1], names);
    err << "error: unknown command \"" << argv[1] << "\"; " << (hint.empty() ? "" : hint + " ") << "(commands: " << listed
        << "; see `sps-apply --help`)\n";
    return kExitError;
  }
  // CLI11 reports bad usage, --help and --version by throwing; turn them into output and an
  // exit code here so nothing escapes run(). Its own codes (e.g. 106) are not documented
  // ones, so every usage error becomes kExitError, in one line that says where help is.
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {
      app.exit(e, out, err);
      return kExitOk;
    }
    std::string command;
    for (const CLI::App* sub : app.get_subcommands({})) {
      if (sub->parsed()) command = sub->get_name() + " ";
    }
    std::string message = argc <= 1 ? "a command is required: " + listed : std::string(e.what());
    std::replace(message.begin(), message.end(), '\n', ' ');
    err << "error: " << message << " (see `sps-apply " << command << "--help`)\n";
    return kExitError;
  }

  const bool terminal = &out == &std::cout && ::isatty(STDOUT_FILENO) == 1;
  Io io{out, err, use_color(terminal, no_color, std::getenv("NO_COLOR"), std::getenv("TERM"))};
  for (const auto& command : commands) {
    if (command.app != nullptr && command.app->parsed()) {
      try {
        return command.run(io);
      } catch (const std::exception& e) {
        // Commands return errors as values; reaching this is a bug, but still report it
        // instead of terminating without a word.
        err << "sps-apply: internal error: " << e.what() << "\n";
        return kExitError;
      }
    }
  }
  err << "sps-apply: no command given\n";
  return kExitError;
}

}  // namespace sps::cli
