#pragma once
// Preflight checks before apply opens a transaction, and what plan shows about the
// appliance: its firmware and roles (GET /api/info), whether the catalog's kinds exist on
// that firmware (x-sps.available), whether the logged-in user may call every request the
// plan needs (GET /api/user_info), and whether the node is a managed host of Central
// Management (its configuration comes from the central node, so writes belong there).
//
// Reads only. The checks themselves (firmware_problems, missing_privileges) are pure
// functions of values; read_appliance_info and read_user_endpoints do the GETs.
//
// Sources: /api/info, SPS REST API Reference 6.9.3 ch. 6
// (https://support.oneidentity.com/de-de/technical-documents/safeguard-for-privileged-sessions/6.9.3/rest-api-reference-guide/6);
// /api/user_info and /api/endpoints, https://support.oneidentity.com/technical-documents/doc2250206.
#include "appliance/appliance_api.h"
#include "catalog/catalog.h"
#include "core/error.h"
#include "plan/plan.h"

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <vector>

namespace sps::apply {

/// What GET /api/info tells an authenticated user.
struct ApplianceInfo {
  std::string firmware_version;     // "7.5.0"; empty when the appliance did not say
  std::vector<std::string> roles;   // "central-management", "managed-host", "search-master", ...
  /// True when the node is a managed host of a Central Management node (and not the
  /// central node itself): its configuration is overwritten by the central node's.
  bool managed_host() const;
  /// True when the node is the Central Management node of a cluster.
  bool central_management() const;
};

/// The paths read_appliance_info and read_user_endpoints GET: a command that reads anyway
/// puts them in its read wave (apply::ReadOptions::side_paths) and hands the answers in.
inline constexpr const char* kInfoPath = "/api/info";
inline constexpr const char* kUserInfoPath = "/api/user_info";

/// GET /api/info, or its answer in `known` when there. Fails only when the request fails;
/// missing fields stay empty.
core::Result<ApplianceInfo> read_appliance_info(appliance::ApplianceApi& api, const appliance::Answers* known = nullptr);

/// Kinds the plan writes (and the password/private-key objects it creates) that the catalog
/// marks available only from a later firmware ("6.9+") than `firmware`: one message per kind.
/// Empty when the firmware is unknown or the annotation is not of the form "X.Y+".
std::vector<std::string> firmware_problems(const plan::Plan& plan, const catalog::Catalog& catalog,
                                           const std::string& firmware);

/// One request the user may not send: "PUT /api/configuration/management/email".
struct MissingPrivilege {
  std::string method;
  std::string path;
};

/// The requests of an apply of `plan` (the transaction's POST/PUT/DELETE and every step's
/// method and path, password objects included) that `endpoints` does not allow. endpoints
/// is the user_info document ({"endpoints": [{"url", "methods"}]}); an entry covers its url
/// and the paths below it unless a longer entry covers them.
std::vector<MissingPrivilege> missing_privileges(const plan::Plan& plan, const catalog::Catalog& catalog,
                                                 const boost::json::value& user_info);

/// GET /api/user_info, else /api/endpoints; nullopt when neither exists (old firmware). An
/// answer in `known` is used instead of a GET.
core::Result<std::optional<boost::json::value>> read_user_endpoints(appliance::ApplianceApi& api,
                                                                    const appliance::Answers* known = nullptr);

/// "X.Y.Z" compared with a "X.Y+" annotation: true when firmware is at least X.Y.
/// Unparsable input counts as available.
bool firmware_at_least(const std::string& firmware, const std::string& available);

}  // namespace sps::apply
