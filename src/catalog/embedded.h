#pragma once
// The files compiled into the binaries by cmake/EmbedFiles.cmake: the JSON Schemas of the
// catalog (library sps_catalog) and the simulator's default seed (library sps_default_seed,
// one JSON file per kind path, e.g. "policies/audit_policies.json"). Paths are relative to
// schemas/ and sim/seed/ respectively; the spans are sorted by path and live forever.
#include "core/embedded_file.h"

#include <span>

namespace sps::catalog {

/// schemas/**.json ({"policies/audit_policies.json", <JSON Schema text>}, ...).
std::span<const sps::EmbeddedFile> embedded_schemas();

/// sim/seed/**.json: the state of a freshly installed appliance. A singleton file holds
/// {"key": "<endpoint name>", "body": {...}}; a collection file holds
/// {"items": [{"key": "<key>", "body": {...}}, ...]}. References in bodies are bare keys.
/// Link sps_default_seed to use it.
std::span<const sps::EmbeddedFile> embedded_default_seed();

}  // namespace sps::catalog
