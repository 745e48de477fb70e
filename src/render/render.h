#pragma once
// Renders plans for people and machines: text (like Terraform's), JSON (versioned,
// redacted) and Markdown (for merge-request comments, destructive changes first).
// Pure: returns strings. Secrets are masked here, at the only place values become text:
// a field marked sensitive or write-only is never printed, whatever its value.
#include "diff/diff.h"
#include "plan/plan.h"

#include <boost/json/value.hpp>

#include <string>
#include <utility>
#include <vector>

namespace sps::render {

/// format_version of the JSON plan (`plan --format json`; schemas/output/plan.schema.json and
/// the versioning rule in schemas/output/README.md).
inline constexpr const char* kFormatVersion = "1.1";

struct TextOptions {
  bool color = false;  // ANSI colours; the CLI enables them only on a TTY without NO_COLOR
};

std::string render_plan_text(const plan::Plan& plan, const TextOptions& options = {});
/// saved_digest: the digest of the saved plan file (`plan --out`), shown so a reviewer can
/// compare it with the one apply prints.
std::string render_plan_markdown(const plan::Plan& plan, std::string_view saved_digest = {});
boost::json::value plan_to_json(const plan::Plan& plan);
std::string render_plan_json(const plan::Plan& plan);

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
