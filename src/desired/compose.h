#pragma once
// A desired state made of layers: an ordered list of directories (or files), a shared base
// first and overlays after it, as an inventory lists them for each appliance
// (desired/inventory.h). Each layer is loaded on its own (duplicates inside a layer are
// errors, as in any desired state); composing them is pure:
//   * a resource of a later layer replaces the resource with the same address of an
//     earlier one, whole (its body is authoritative, as everywhere): overlays never merge
//     fields;
//   * a later layer takes resources of earlier ones out with the setting
//       sps-apply:
//         remove:
//           - policies/backup_policies[nightly-nfs]
//           - management/soap
//     (a block list: inside [ ... ] an entry with brackets must be quoted)
//     ("kind[name]" one collection item, "kind" a singleton, a discovered kind's whole value,
//     or every item of a collection the earlier layers declare). A removed resource is no
//     longer managed (reported as unmanaged, deleted only when its collection is pruned).
//     Removing what no earlier layer declares, or what the same layer declares, is an error
//     at the entry; so is "remove" in the base (it has nothing to remove);
//   * prune kinds add up, ignore rules add up.
// A discovered kind (no schema) is one resource until plan time, so an overlay replaces its
// whole value.
#include "catalog/catalog.h"
#include "desired/loader.h"

#include <filesystem>
#include <span>
#include <vector>

namespace sps::desired {

/// Composes layers loaded on their own, in order (the first is the base). Every layer's
/// diagnostics are kept; composition errors (remove entries) are added, located at the
/// entry. One layer composes to itself, minus an error for any remove entry in it.
LoadResult compose_layers(std::vector<LoadResult> layers);

/// Loads each path with load_desired (same secrets, resolution and variables) and composes
/// them. Reads files; everything else is compose_layers.
LoadResult load_layers(std::span<const std::filesystem::path> paths, const catalog::Catalog& catalog,
                       const SecretResolver& secrets, SecretResolution resolution = SecretResolution::kRequired,
                       const Variables* variables = nullptr);

}  // namespace sps::desired
