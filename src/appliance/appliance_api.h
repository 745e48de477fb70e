#pragma once
// Everything sps-apply needs from an SPS appliance, as a narrow interface over the REST
// API. The only production implementation is transport::HttpsApplianceApi (Beast +
// OpenSSL); tests use it against a real sps-sim over TLS. The interface exists for
// layering (plan/ and apply/ never include Beast), not for mocking.
//
// Paths are absolute API paths ("/api/configuration/management/email"). Bodies are the
// bare JSON bodies the API documents. A response is the whole JSON document the appliance
// returned ({key, body, meta} or {items, meta} or {meta}).
//
// Errors: any non-2xx answer becomes a core::Error whose code follows the HTTP status
// (401 kUnauthenticated, 403 kPermissionDenied, 404 kNotFound, 405/400/409/411/other 4xx
// kRejected or kConflict for a lock, 5xx kUnavailable) and whose message is
// "<status> <error.type>: <error.message>" and detail is the JSON of error.details.
// HttpsApplianceApi then appends the request, " (<METHOD> <path>)", and for 401/403/404
// a hint on what to do ("...; the user lacks the privilege ..."); match on the prefix.
// The pure mapping lives in appliance/rest_mapping.h.
// Connection, TLS and timeout failures are kUnavailable / kTimeout. Reads may be retried
// by the implementation; writes are never retried.
#include "core/error.h"

#include <boost/json/value.hpp>

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sps::appliance {

/// The appliance's answer to a successful request.
struct Response {
  int status = 0;
  boost::json::value body;  // null when the response had no body
  /// The answer's Date header (RFC 9110 HTTP-date: the appliance's clock when it answered),
  /// empty when it sent none. A commit's Date is when the appliance committed, in its own
  /// time (apply/cluster_sync.h compares the cluster's sync times with it).
  std::string date;
};

/// Answers already read, by path: a read wave answers requests of later steps (GET /api/info,
/// /api/user_info) so that they cost no round trip of their own.
using Answers = std::map<std::string, core::Result<Response>, std::less<>>;

/// A REST session with one appliance. Not thread-safe: use from one thread.
class ApplianceApi {
 public:
  virtual ~ApplianceApi() = default;

  /// GET /api/authentication with HTTP Basic (or a TLS client certificate); keeps the
  /// session_id cookie.
  virtual core::Result<void> login() = 0;

  /// Ends the session, best effort: the REST reference documents no logout, so this sends
  /// DELETE /api/authentication and forgets the cookie whatever the answer; an appliance
  /// that does not support it lets the session expire (20 minutes idle). Does nothing
  /// without a session.
  virtual void logout() = 0;

  /// Starts logout() and returns before its answer, so the work after the last request
  /// overlaps its round trip. The next call of any kind (or the destructor) waits for the
  /// answer first; nothing is ever sent while the logout is in flight. The default simply
  /// logs out.
  virtual void start_logout() { logout(); }

  /// Opens the first connection without sending a request (TCP and TLS handshake), so that
  /// login() finds it ready; called on a thread of the caller's own while it does other work,
  /// and nothing else uses the API meanwhile. Best effort; the default does nothing.
  virtual void preconnect() {}

  /// GET one path. Retried on connection errors and 502/503/504; re-login once on 401.
  virtual core::Result<Response> get(std::string_view path) = 0;

  /// GETs many paths in parallel over a small pool of keep-alive connections that share the
  /// session. Results are in the order of paths. Same retry rules as get().
  virtual std::vector<core::Result<Response>> get_many(std::span<const std::string> paths) = 0;

  /// Mutating requests. Never retried: a lost answer leaves the outcome unknown, which the
  /// caller handles by rolling the transaction back.
  virtual core::Result<Response> post(std::string_view path, const boost::json::value& body) = 0;
  virtual core::Result<Response> put(std::string_view path, const boost::json::value& body) = 0;
  virtual core::Result<Response> del(std::string_view path) = 0;
};

}  // namespace sps::appliance
