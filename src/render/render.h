#pragma once
// Renders plans for people and machines: text (like Terraform's), JSON (versioned,
// redacted) and Markdown (for merge-request comments, destructive changes first).
// Pure: returns strings. Secrets are masked here, at the only place values become text:
// a field marked sensitive or write-only is never printed, whatever its value.
#include "diff/diff.h"
#include "plan/plan.h"

#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sps::render {

/// format_version of the JSON plan (`plan --format json`; schemas/output/plan.schema.json and
/// the versioning rule in schemas/output/README.md).
inline constexpr const char* kFormatVersion = "1.2";  // 1.1: list elements; 1.2: header

struct TextOptions {
  bool color = false;  // ANSI colours; the CLI enables them only on a TTY without NO_COLOR or --no-color
};

/// What a plan is about, printed first in every format (text, Markdown, JSON). The renderers
/// read no clock and run nothing: the CLI fills it (a saved plan carries it for `show`). The
/// firmware version and the desired-state digest come from the plan itself.
/// A header without appliance_url is not printed (pure callers without that context).
struct PlanHeader {
  std::string appliance_url;  // without credentials
  std::string user;           // who planned; "" when unknown (a client certificate names no user)
  std::string created_at;     // UTC, ISO 8601: "2026-12-02T09:30:00Z"
  std::string git_revision;   // of the desired state; "" when not in Git
  std::string plan_digest;    // "sha256:<hex>" of the saved plan file; "" when not saved
};

/// The styles of text output, the same in plan, drift and apply.
enum class Style { kAdd, kRemove, kChange, kBold, kNote };
/// The style of a change symbol: '+' add (green), '-' remove (red), others change (yellow).
Style style_of(char symbol);
/// text in the style's ANSI colour when color is set, else text unchanged.
std::string paint(bool color, Style style, std::string_view text);

std::string render_plan_text(const plan::Plan& plan, const TextOptions& options = {}, const PlanHeader& header = {});
/// Markdown for a merge-request comment: the header, a summary table per kind, destructive
/// changes first, then every other change in the order it runs; every change visible without
/// expanding (only long values are in <details>).
std::string render_plan_markdown(const plan::Plan& plan, const PlanHeader& header = {});
boost::json::value plan_to_json(const plan::Plan& plan, const PlanHeader& header = {});
std::string render_plan_json(const plan::Plan& plan, const PlanHeader& header = {});

/// "target.server.value", "listen[0].https_port" for a body pointer.
std::string display_path(const std::string& pointer);

/// The before or after value of a field as shown to users: compact JSON, or a mask for
/// secrets ("(sensitive)", "(write-only: set on create)"), or "(not set)" when absent.
std::string display_value(const diff::FieldChange& f, bool after, diff::Action action);

/// Values longer than this (in characters of compact JSON) are folded in text and Markdown.
inline constexpr std::size_t kFoldLimit = 160;

/// A long value shortened for a line: its head, "…", its tail and its length. Shorter values
/// are returned unchanged. Never cuts a UTF-8 sequence.
std::string fold_value(const std::string& text);

/// Two long values of a change, each shortened to the part that differs: the common prefix
/// and suffix are elided with "…" except a few characters of context around the difference.
std::pair<std::string, std::string> fold_pair(const std::string& before, const std::string& after);

/// One line of a field's change as people read it (text plans, Markdown, drift).
///   depth 0: the field ("~ port: 514 -> 6514"); depth 1: an element of a list compared
///   element by element ("+ [3] \"10.9.0.0/16\""); depth 2: a nested change of that element...
struct ChangeLine {
  std::size_t depth = 0;
  char symbol = '~';  // '+', '-', '~', or ' ' for a note ("(25 unchanged elements hidden)")
  std::string text;   // secrets masked, long values folded
  std::vector<std::string> folded;  // "path: full value" for each value folded in text
};

/// The lines of one field change (action: the step's action, which decides the symbols).
std::vector<ChangeLine> change_lines(const diff::FieldChange& f, diff::Action action);

/// Appends the lines of f at depth; parent: the display path of the enclosing element, when
/// f is a nested change of a list element (its pointer is then relative to the element).
void field_lines(const diff::FieldChange& f, diff::Action action, std::size_t depth, std::vector<ChangeLine>& out,
                 const std::string& parent);

/// The JSON form of one field change, with secret values replaced by masks.
boost::json::value field_to_json(const diff::FieldChange& f, diff::Action action);

/// Pretty-printed JSON with two-space indentation and a final newline.
std::string pretty_json(const boost::json::value& v);

}  // namespace sps::render
