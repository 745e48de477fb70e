#pragma once
// Offline validation of a loaded desired state against the catalog. Pure: no I/O, no
// yaml-cpp; every diagnostic is located through the resources' source maps.
//
// Checks, all collected in one run:
//   * each body against its kind's JSON Schema (schema::Validator); an unknown field is
//     reported at its key with the closest allowed field name ("did you mean ...?");
//   * references: a name must be defined in the desired state under the target kind or be
//     one of the target kind's builtin names, or be written {key: "..."}; targets without an
//     identity field (NIC addresses, x509) take keys and are not checked offline;
//   * secrets: where the catalog marks a secret, a value not written with !secret is an
//     error (keeps secrets out of Git);
//   * settings: prune must name collection kinds, ignore rules must name known kinds.
// Messages never contain a secret value: schema errors at secret pointers are reworded.
#include "catalog/catalog.h"
#include "core/diagnostics.h"
#include "model/model.h"

namespace sps::desired {

/// Validates `state` (as returned by load_desired) against `catalog`. Resources whose kind
/// the catalog does not know are skipped (the loader already reported them).
core::Diagnostics validate_desired(const model::DesiredState& state, const catalog::Catalog& catalog);

}  // namespace sps::desired
