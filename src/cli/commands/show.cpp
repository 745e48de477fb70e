// `sps-apply show PLANFILE [--format text|json|markdown]`: renders a saved plan without
// contacting the appliance, for a reviewer or a pipeline that only has the file. The file is
// checked exactly as apply checks it before logging in (its digest, then its steps re-derived
// from the desired and live states it carries), so what show prints is what apply would do,
// and an edited file is refused with the same message.
#include "cli/cli.h"
#include "cli/commands/plan_support.h"
#include "cli/connection.h"
#include "cli/exit_codes.h"
#include "cli/options.h"
#include "render/render.h"

#include <CLI/CLI.hpp>

#include <memory>
#include <ostream>

namespace sps::cli {

namespace {

/// Parsed options of `show`.
struct ShowOptions {
  std::string path;
  std::string format = "text";
};

int run_show(const ShowOptions& options, Io& io) {
  auto loaded = load_plan_file(options.path);
  if (!loaded) {
    print_error(loaded.error(), io);
    return kExitError;
  }
  plan::Plan& plan = loaded->plan;
  plan.firmware_version = loaded->origin.firmware_version;
  const render::PlanHeader header = plan_header(loaded->origin, loaded->digest);
  if (options.format == "json") io.out << render::render_plan_json(plan, header);
  else if (options.format == "markdown") io.out << render::render_plan_markdown(plan, header);
  else io.out << render::render_plan_text(plan, {.color = io.color}, header);
  return kExitOk;
}

}  // namespace

Command setup_show(CLI::App& app) {
  auto options = std::make_shared<ShowOptions>();
  CLI::App* sub = app.add_subcommand("show", "Show a saved plan without contacting the appliance");
  sub->add_option("PLANFILE", options->path, "A plan file saved by `sps-apply plan --out`")->required()->type_name("FILE");
  sub->add_option("--format", options->format, "Output format: text, json or markdown")
      ->type_name("FORMAT")
      ->check(one_of({"text", "json", "markdown"}))
      ->capture_default_str();
  sub->footer(
      "The file is checked as apply checks it (digest, steps re-derived from the states it carries);\n"
      "an edited or damaged file is refused. Exit codes: 0 shown, 1 refused or unreadable.\n"
      "Examples:\n"
      "  sps-apply show plan.json\n"
      "  sps-apply show plan.json --format markdown > plan.md   # for a merge-request comment");
  return {sub, [options](Io& io) { return run_show(*options, io); }};
}

}  // namespace sps::cli
