#pragma once
// Maps one HTTP request to one HTTP response over a Store, with no sockets: a route table
// of (method set, path matcher, handler). It renders the SPS envelopes ({key, body, meta},
// {items, meta}, {error, meta}), converts references between their read form
// ({key, meta.href}) and write form (bare key), enforces authentication, the lock and the
// write-once rules. It does not do fault injection, latency or journaling (the caller does).
#include "sim/store.h"

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace sps::sim {

/// The parts of an HTTP request the simulator looks at.
struct Request {
  std::string method;  // "GET"
  std::string target;  // "/api/configuration?x=y"
  std::string body;
  bool has_content_length = false;
  std::string cookie;         // raw Cookie header
  std::string authorization;  // raw Authorization header
  /// TLS client certificate of the connection: the subject CN when it verified against the
  /// simulator's CA, else empty; client_certificate_error says why one was not accepted
  /// ("" when none was presented).
  std::string client_certificate_user;
  std::string client_certificate_error;
};

/// An HTTP response; body is JSON text (empty for none).
struct Response {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Set-Cookie)
  std::string user;  // the authenticated user, for the journal ("" if none)
};

/// The route table over one store (which must outlive the router).
class Router {
 public:
  explicit Router(Store& store);

  Response handle(const Request& request);

 private:
  /// Everything a handler needs about the current request.
  struct Context {
    const Request& request;
    std::string path;  // target without query string, without trailing "/"
    Session* session = nullptr;
  };
  using Handler = std::function<Response(Context&)>;
  /// One route: a path predicate and a handler; the handler answers 405 itself.
  struct Route {
    std::function<bool(std::string_view)> matches;
    bool needs_session = true;
    Handler handler;
  };

  // Authentication and identity (sim/auth.cpp).
  Response info(Context& ctx);
  Response authentication(Context& ctx);
  Response login_methods(Context& ctx);
  Response authentication_types(Context& ctx);
  Response user_info(Context& ctx);

  /// GET /api/cluster/status (sim/cluster.cpp).
  Response cluster_status(Context& ctx);
  Response transaction(Context& ctx);
  Response transaction_changes(Context& ctx);
  Response debug_journal(Context& ctx);
  Response api_root(Context& ctx);
  Response configuration(Context& ctx);
  /// The names of a configuration path's siblings (the children of its parent), in order.
  std::vector<std::string> siblings_of(std::string_view path) const;

  Store& m_store;
  std::vector<Route> m_routes;
};

/// Error response: {"error":{"type","message","details"},"meta":{"href","parent"}}.
Response error_response(int status, std::string_view type, std::string_view message,
                        boost::json::object details, std::string_view path);

/// A 2xx (or any) JSON answer.
Response json_response(int status, const boost::json::value& body);
/// 405 MethodNotAllowed naming the method and the path.
Response method_not_allowed(std::string_view method, std::string_view path);
/// 404 NotFound for a path.
Response not_found(std::string_view path);

/// The children of /api that sps-sim serves, in order.
std::vector<std::string> api_children();

/// The session_id value of a Cookie header ("a=b; session_id=..."), or "".
std::string session_cookie(std::string_view header);

/// Whether a session may write at an API path: not below one of its read-only paths.
bool may_write(const Session& session, std::string_view path);

/// Parent of an API path ("/api/configuration/x" -> "/api/configuration"; "/api" -> "/").
std::string parent_path(std::string_view path);

}  // namespace sps::sim
