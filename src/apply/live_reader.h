#pragma once
// Reads the live state of a set of kinds from an appliance: one GET per kind, in parallel
// over the API's connection pool, then normalization (model/normalize.h). The only I/O is
// through appliance::ApplianceApi.
#include "appliance/appliance_api.h"
#include "catalog/catalog.h"
#include "core/diagnostics.h"
#include "core/error.h"
#include "model/model.h"

#include <set>
#include <string>
#include <vector>

namespace sps::apply {

/// Reads and normalizes `kinds` (as returned by model::kinds_to_fetch). A 404 on a kind
/// means this firmware does not have the endpoint: it is recorded in
/// LiveState::missing_kinds, not an error. Any other failure is returned as the error,
/// naming the endpoint. Warnings from normalization go to diags.
core::Result<model::LiveState> read_live(appliance::ApplianceApi& api, const catalog::Catalog& catalog,
                                         const std::vector<std::string>& kinds, core::Diagnostics& diags);

}  // namespace sps::apply
