#pragma once
// Turns the appliance's JSON documents into comparable live resources, and desired bodies
// into the same canonical form. Pure: the documents were fetched elsewhere.
//
// Normalization of a live body:
//   * the {key, body, meta} envelope is removed; collections become one resource per item,
//     addressed by the kind's identity field;
//   * references {key, meta:{href}} collapse to the key; keys of kinds that have an
//     identity field are then mapped to the target's name ("nightly-nfs"); a key that names
//     no fetched object stays {"key": "..."} (the same form a user writes for a literal key);
//   * server-computed fields (catalog) are dropped;
//   * explicit nulls are dropped (the appliance returns unset fields as null; desired YAML
//     omits them; both mean "not set");
//   * fields the kind's schema does not declare are moved to Resource::preserved and reported
//     as warnings, so a provisional schema can be corrected from real appliances.
#include "catalog/catalog.h"
#include "core/diagnostics.h"
#include "model/model.h"

#include <boost/json/value.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace sps::model {

/// What was read from the appliance: the GET document of each kind's REST path.
struct RawLive {
  std::map<std::string, boost::json::value> documents;  // kind path -> GET document
  std::set<std::string> missing;                         // kind paths that answered 404
  /// Collections whose listing had no item bodies (firmware before 6.1): item path ->
  /// GET document of that item.
  std::map<std::string, boost::json::value> items;
};

/// The kinds to read for a desired state that manages `managed`: those kinds plus every
/// kind they reference (so keys can be mapped to names; targets without a schema included),
/// except write-once kinds, which cannot be listed. Sorted by path.
std::vector<std::string> kinds_to_fetch(const catalog::Catalog& catalog,
                                        const std::set<std::string>& managed);

/// Normalizes the raw documents of `kinds`, moving the bodies out of them (pass an rvalue to
/// avoid a copy). Problems (a document that is not the documented shape, unknown live
/// fields) go to diags as warnings or errors naming the kind.
LiveState normalize_live(const catalog::Catalog& catalog, const std::vector<std::string>& kinds,
                         RawLive raw, core::Diagnostics& diags);

/// Removes explicit nulls (recursively in objects) and the kind's server-computed fields.
void normalize_body(const catalog::Kind& kind, boost::json::value& body);

/// Replaces every {key, meta} reference object in v by its key string, recursively.
void collapse_references(boost::json::value& v);

/// A reference copied from a GET answer ({key, meta: {href}}, or {meta: {href}} alone as one
/// documentation sample shows) becomes the literal-key form {key} at each of the kind's
/// reference pointers, so a body copied from the API Reference loads as written. An href
/// into another kind than the reference's target is an error at its location (left as written).
void literal_reference_keys(const catalog::Kind& kind, Resource& r, core::Diagnostics& diags);

/// Rewrites the write-only conveniences of a desired body into the form the appliance
/// answers with: an OpenSSH public key line at an ssh_host_keys pointer ("ssh-rsa AAAA...
/// comment") becomes {"selection": "rsa", "value": "AAAA..."} (SPS REST API Reference, backup
/// policies: "When querying, the public key of the host will always be displayed in the
/// selection and value elements"; selection is dsa | dss | rsa). Lines of other key types
/// stay as written: their read form is not documented.
void desired_read_form(const catalog::Kind& kind, boost::json::value& body);

}  // namespace sps::model
