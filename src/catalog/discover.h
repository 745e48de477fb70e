#pragma once
// Discovered kinds: any /api/configuration path without a schema file. The appliance's own
// GET answer tells what sps-apply needs to manage it, so its Kind is *derived*, as a pure
// function of that JSON:
//   * the shape: {"body": ...} is a singleton (object, array or scalar body); {"items": [...]}
//     whose items carry bodies is a collection; items without bodies are a directory, which
//     is not an endpoint (derive_kind fails and lists its children);
//   * the identity: "name" when every item body has a string "name" (or there are no items);
//   * the references: every {key, meta: {href}} in a body, its target kind taken from the
//     href ("/api/configuration/policies/time_policies/-100" -> "policies/time_policies");
//     a reference into "passwords" or "private_keys" is also a write-only secret;
//   * the fields: the member names the appliance returned for each object (Kind::fields),
//     nulls included: the appliance silently ignores unknown fields on write, so these are
//     the only typo guard where no schema exists (model/discovered.h applies it).
// Collection listings without item bodies (firmware before 6.1) cannot be told from a
// directory here: discovered collections need firmware that lists bodies (6.1 and later).
// SPS REST API Reference, "Message format" and "Reference rewriting rules":
// https://support.oneidentity.com/technical-documents/one-identity-safeguard-for-privileged-sessions/6.0%20lts/rest-api-reference-guide/rest-api-change-meta
#include "catalog/catalog.h"
#include "core/error.h"

#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace sps::catalog {

/// True for a path relative to /api/configuration that the API could have: one or more
/// segments of lower-case letters, digits, '_' and '-', separated by single '/'.
bool is_configuration_path(std::string_view path);

/// The kind path an href points into: "/api/configuration/policies/time_policies/-100" ->
/// "policies/time_policies"; a sub-object href ("/api/configuration/network/nics/nic1#...")
/// -> "network/nics". Empty when the href is not under /api/configuration/.
std::string kind_of_href(std::string_view href);

/// The children of a directory answer ({"items": [{key, meta: {href}}, ...]} without bodies),
/// as paths relative to /api/configuration, in the order listed. Empty when the answer is not
/// a directory listing.
std::vector<std::string> directory_children(const boost::json::value& document);

/// Derives the Kind of the discovered endpoint `path` from its GET document (the raw answer,
/// before normalization). Fails with kInvalidConfig when the path is a directory (the message
/// lists its children) and with kInvalidArgument when the answer is neither a singleton nor
/// a listing.
core::Result<Kind> derive_kind(std::string_view path, const boost::json::value& document);

/// The object pattern of the field set that applies to `object` at body pointer pattern
/// `pattern`: the pattern itself, or "pattern|selection=<value>" for a tagged union.
std::string field_set_key(std::string_view pattern, const boost::json::object& object);

}  // namespace sps::catalog
