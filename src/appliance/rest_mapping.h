#pragma once
// The pure half of talking to an SPS appliance: how REST paths are built, how an HTTP
// status and response body become a Response or a core::Error, and the small wire details
// of authentication (Basic credentials, the session_id cookie). No I/O and no Beast here:
// transport/ does the sockets and calls these functions, and they are unit-tested directly.
//
// Error mapping (see appliance_api.h and the SPS REST guide's per-endpoint status tables):
//   * the error body is {"error": {"type": ..., "message": ..., "details": {...}}}; the
//     discriminator is read from error.type, falling back to error.code;
//   * message = "<status> <type>: <message>" (or "<status> <reason phrase>" when the body
//     carries no error object), detail = compact JSON of error.details with secret-looking
//     members masked;
//   * 401 kUnauthenticated, 403 kPermissionDenied, 404 kNotFound, 409 or any error whose
//     type mentions "lock" kConflict, other 4xx kRejected, 5xx kUnavailable, anything else
//     that is not 2xx kBadResponse.
// This module does not decide about retries or re-login; transport/ does.
#include "appliance/appliance_api.h"
#include "core/error.h"

#include <optional>
#include <string>
#include <string_view>

namespace sps::appliance {

/// Login endpoint: GET with HTTP Basic, answers with a session_id cookie.
inline constexpr std::string_view kAuthenticationPath = "/api/authentication";
/// Transaction endpoint: POST opens, PUT {"status":"commit"} commits, DELETE rolls back.
inline constexpr std::string_view kTransactionPath = "/api/transaction";
/// Server-computed changelog of the open transaction.
inline constexpr std::string_view kTransactionChangesPath = "/api/transaction/changes";
/// Root of every configuration kind ("policies/backup_policies" lives below it).
inline constexpr std::string_view kConfigurationRoot = "/api/configuration";

/// "/api/configuration/<kind>" for a catalog kind path such as "management/email" or
/// "policies/backup_policies". Leading or trailing slashes on kind are ignored.
std::string kind_path(std::string_view kind);

/// "/api/configuration/<kind>/<key>" for one collection item. The key is percent-encoded
/// where needed (server keys are hex, negative numbers or dotted names, so usually verbatim).
std::string object_path(std::string_view kind, std::string_view key);

/// Percent-encodes one path segment (RFC 3986 unreserved characters stay as they are).
std::string encode_path_segment(std::string_view segment);

/// Standard reason phrase for an HTTP status ("Service Unavailable"), or "" when unknown.
std::string_view reason_phrase(int status);

/// The error code a status maps to, given the error type from the body (may be empty).
core::ErrorCode error_code_for(int status, std::string_view error_type);

/// Masks credentials in text from the appliance or something in front of it (an error page
/// may echo the request): the value after an "Authorization", "Cookie" or "Set-Cookie"
/// name followed by ':' or '=' (to the end of the line or a quote), and each "session_id="
/// cookie value, become "[redacted]". Names match in any case. Used on every body shown.
std::string redact_credentials(std::string_view text);

/// Builds the Error for a non-2xx answer from its status and raw body text. Never fails:
/// a body that is not JSON or has no error object still yields a useful message.
/// Credentials in the body are redacted (redact_credentials) before anything is taken from it.
core::Error error_from_response(int status, std::string_view body);

/// Deepest JSON nesting accepted in an answer (SPS documents nest a handful of levels).
inline constexpr std::size_t kMaxJsonDepth = 64;

/// Maps a complete answer: 2xx -> Response with the parsed body (null when empty);
/// 2xx with a body that is not JSON, or nested deeper than kMaxJsonDepth -> kBadResponse;
/// anything else -> error_from_response.
core::Result<Response> map_response(int status, std::string_view body);

/// Adds what the user can do about an error to its message, naming the request:
/// "403 Unauthorized: ... (GET /api/x); the user ... ". Used by transport/ for 401/403/404.
core::Error with_request_hint(core::Error error, int status, std::string_view method,
                              std::string_view path);

/// "Basic base64(username:password)" for the Authorization header. The result is a secret:
/// never log it.
std::string basic_authorization(std::string_view username, std::string_view password);

/// Standard base64 (RFC 4648, with padding).
std::string base64_encode(std::string_view data);

/// The value of the session_id cookie in one Set-Cookie header value, or nullopt when the
/// header sets another cookie. "session_id=ab12; Secure; HttpOnly" -> "ab12".
std::optional<std::string> parse_session_cookie(std::string_view set_cookie);

/// Copy of a JSON value with every string member whose name looks like a secret
/// ("password", "plain", "secret", "token", "passphrase", "private_key") replaced by
/// "(sensitive)". Used on error details, which may echo a rejected request body.
boost::json::value mask_secrets(const boost::json::value& value);

}  // namespace sps::appliance
