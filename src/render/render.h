#pragma once
// Renders plans for people and machines: text (like Terraform's), JSON (versioned,
// redacted) and Markdown (for merge-request comments, destructive changes first).
// Pure: returns strings. Secrets are masked here, at the only place values become text:
// a field marked sensitive or write-only is never printed, whatever its value.
#include "diff/diff.h"
#include "plan/plan.h"

#include <boost/json/value.hpp>

#include <string>

namespace sps::render {

/// format_version of the JSON plan (`plan --format json`; schemas/output/plan.schema.json and
/// the versioning rule in schemas/output/README.md).
inline constexpr const char* kFormatVersion = "1.0";

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

/// The JSON form of one field change, with secret values replaced by masks.
boost::json::value field_to_json(const diff::FieldChange& f, diff::Action action);

/// Pretty-printed JSON with two-space indentation and a final newline.
std::string pretty_json(const boost::json::value& v);

}  // namespace sps::render
