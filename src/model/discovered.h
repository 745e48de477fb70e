#pragma once
// The desired side of discovered kinds (catalog/discover.h). Pure: the appliance's answer
// has already been turned into a catalog::Kind; these functions fit the YAML to it.
//
// Order at plan time (apply/planner.cpp):
//   1. mark_desired_secrets: !secret values in a discovered kind become secrets of the kind,
//      so they are masked like a curated kind's secrets (diff, plan, saved plans);
//   2. Catalog::with_kinds joins the derived kinds to the curated ones;
//   3. bind_discovered splits each kind's YAML value into resources by the derived shape;
//   4. check_discovered_fields is the typo guard: the appliance silently ignores unknown
//      fields, so a desired field it has never shown is an error before anything is written.
#include "catalog/catalog.h"
#include "core/diagnostics.h"
#include "model/model.h"

namespace sps::model {

/// Adds an inline secret to `kind` for every !secret in the YAML value of that discovered
/// kind that is not already a secret (a password or private-key reference stays write-only).
/// Call before bind_discovered, while the value is still whole.
void mark_desired_secrets(catalog::Kind& kind, const DesiredState& desired);

/// Replaces the whole-value resource of each discovered kind by the resources its derived
/// shape says: one per collection item (by identity), or the singleton's body. A value that
/// does not fit the shape (a list for an object body, an item without a name, ...) is an
/// error at its YAML location and the kind's resources are left out. Kinds the catalog does
/// not have (the appliance had no such endpoint) are left as they are. GET-form references
/// ({key, meta: {href}}) become literal keys ({key}). Keeps resources sorted.
void bind_discovered(DesiredState& desired, const catalog::Catalog& catalog, core::Diagnostics& diags);

/// The typo guard for bound discovered kinds: every desired member must be one the appliance
/// returned for an object at the same place (for a tagged union, of the same selection).
/// Errors name file:line and the fields the appliance does have. A password or private-key
/// reference written in plain text is an error too. When the appliance showed no object of
/// a kind, one note says its fields are unchecked.
void check_discovered_fields(const DesiredState& desired, const catalog::Catalog& catalog, core::Diagnostics& diags);

}  // namespace sps::model
