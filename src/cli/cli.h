#pragma once
// The sps-apply command line. run() parses argv with CLI11, runs the selected subcommand and
// returns the exit code; it never throws and never exits the process, so tests call it
// in-process with string streams. Each subcommand lives in commands/<name>.cpp and is
// registered by one line in commands/command_list.h.
//
// The CLI is thin: commands parse options, call the library modules (desired, plan, apply,
// ...) and hand the results to views (views/), which do all the printing. Secrets are never
// printed: views show where a secret came from ("env:NAME"), never its value.
#include <functional>
#include <string>
#include <iosfwd>

namespace CLI {
class App;
}

namespace sps::cli {

/// Where a command writes. out gets the command's result (diagnostics, plans, reports),
/// err gets usage errors and progress. color says whether ANSI colours may be written to out.
struct Io {
  std::ostream& out;
  std::ostream& err;
  bool color = false;
};

/// A registered subcommand: the CLI11 subcommand (to know whether it was selected) and the
/// function that runs it with the options parsed into it. run returns an exit code.
struct Command {
  CLI::App* app = nullptr;
  std::function<int(Io&)> run;
};

/// What --version prints: version, Git commit, build date, library versions and the SPS
/// firmware the catalog was written for (version.cpp).
std::string version_text();

/// Parses argv and runs the selected subcommand. Returns an exit code from exit_codes.h:
/// --help and --version return kExitOk, usage errors kExitError.
int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

/// Whether to colour output: only on a terminal, never with --no-color (no_color_flag), never
/// when NO_COLOR is set (to anything, see https://no-color.org) and never for TERM=dumb.
bool use_color(bool is_terminal, bool no_color_flag, const char* no_color, const char* term);

}  // namespace sps::cli
