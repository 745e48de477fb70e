#include "sim/router.h"

#include "core/json_pointer.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <set>

namespace sps::sim {
namespace json = boost::json;

namespace {

std::string decode_base64(std::string_view in) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    const auto pos = kAlphabet.find(c);
    if (pos == std::string_view::npos) continue;
    buffer = (buffer << 6) | static_cast<unsigned>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return out;
}

/// The session_id value of a Cookie header ("a=b; session_id=..."), or "".
std::string session_cookie(std::string_view header) {
  std::size_t pos = 0;
  while (pos < header.size()) {
    while (pos < header.size() && (header[pos] == ' ' || header[pos] == ';')) ++pos;
    const auto end = std::min(header.find(';', pos), header.size());
    const std::string_view pair = header.substr(pos, end - pos);
    if (pair.starts_with("session_id=")) return std::string(pair.substr(11));
    pos = end;
  }
  return {};
}

bool is_write(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "DELETE";
}

}  // namespace

Response json_response(int status, const json::value& body) {
  return Response{status, json::serialize(body), {}, {}};
}

Response method_not_allowed(std::string_view method, std::string_view path) {
  return error_response(405, "MethodNotAllowed",
                        std::string(method) + " is not allowed on " + std::string(path),
                        {{"path", path}, {"method", method}}, path);
}

Response not_found(std::string_view path) {
  return error_response(404, "NotFound", "No such endpoint or object: " + std::string(path),
                        {{"path", path}}, path);
}

Response error_response(int status, std::string_view type, std::string_view message,
                        json::object details, std::string_view path) {
  json::object doc{
      {"error", json::object{{"type", type}, {"message", message}, {"details", std::move(details)}}},
      {"meta", json::object{{"href", path}, {"parent", parent_path(path)}}}};
  return json_response(status, doc);
}

std::string parent_path(std::string_view path) {
  const auto slash = path.rfind('/');
  if (slash == 0 || slash == std::string_view::npos) return "/";
  return std::string(path.substr(0, slash));
}

Router::Router(Store& store) : m_store(store) {
  auto exact = [](std::string p) { return [p](std::string_view path) { return path == p; }; };
  m_routes = {
      {exact("/api/info"), false, [this](Context& c) { return info(c); }},
      {exact("/api/authentication"), false, [this](Context& c) { return authentication(c); }},
      {exact("/api/authentication/login_methods"), false,
       [this](Context& c) { return login_methods(c); }},
      {[this](std::string_view path) {
         return m_store.options().debug_endpoints && path == "/api/_debug/journal";
       },
       false, [this](Context& c) { return debug_journal(c); }},
      {exact("/api/transaction"), true, [this](Context& c) { return transaction(c); }},
      {exact("/api/transaction/changes"), true,
       [this](Context& c) { return transaction_changes(c); }},
      {exact("/api"), true, [this](Context& c) { return api_root(c); }},
      {[](std::string_view path) {
         return path == kConfigurationRoot ||
                path.starts_with(std::string(kConfigurationRoot) + "/");
       },
       true, [this](Context& c) { return configuration(c); }},
  };
}

Response Router::handle(const Request& request) {
  Context ctx{request, request.target.substr(0, request.target.find('?')), nullptr};
  while (ctx.path.size() > 1 && ctx.path.back() == '/') ctx.path.pop_back();

  const Route* route = nullptr;
  for (const auto& candidate : m_routes) {
    if (candidate.matches(ctx.path)) {
      route = &candidate;
      break;
    }
  }
  // Unknown paths are answered after authentication, so they reveal nothing anonymously.
  if (route == nullptr || route->needs_session) {
    const std::string id = session_cookie(request.cookie);
    ctx.session = id.empty() ? nullptr : m_store.authenticate(id);
    if (ctx.session == nullptr) {
      return error_response(401, "Unauthenticated", m_store.why_unauthenticated(id),
                            {{"path", ctx.path}}, ctx.path);
    }
    m_store.touch_transaction(ctx.session->id);
    if (is_write(request.method) && ctx.session->read_only) {
      Response r = error_response(403, "Unauthorized",
                                  "User " + ctx.session->user +
                                      " is read-only and may not change the configuration",
                                  {{"path", ctx.path}}, ctx.path);
      r.user = ctx.session->user;
      return r;
    }
  }
  Response response = route != nullptr ? route->handler(ctx) : not_found(ctx.path);
  if (ctx.session != nullptr) response.user = ctx.session->user;
  return response;
}

Response Router::info(Context& ctx) {
  if (ctx.request.method != "GET") return method_not_allowed(ctx.request.method, ctx.path);
  const std::string& firmware = m_store.options().firmware_version;
  const std::string version = firmware.substr(0, firmware.find('.', firmware.find('.') + 1));
  return json_response(200, json::object{{"key", "info"},
                              {"body", json::object{{"firmware_version", firmware},
                                                    {"version", version}}},
                              {"meta", json::object{{"href", "/api/info"}, {"parent", "/api"}}}});
}

Response Router::authentication(Context& ctx) {
  if (ctx.request.method != "GET") return method_not_allowed(ctx.request.method, ctx.path);
  const std::string_view auth = ctx.request.authorization;
  std::string user, password;
  if (auth.size() > 6 && (auth.starts_with("Basic ") || auth.starts_with("basic "))) {
    const std::string decoded = decode_base64(auth.substr(6));
    const auto colon = decoded.find(':');
    if (colon != std::string::npos) {
      user = decoded.substr(0, colon);
      password = decoded.substr(colon + 1);
    }
  }
  const auto id = user.empty() ? std::nullopt : m_store.login(user, password);
  if (!id) {
    // Never echo the password; the user name helps to spot a wrong account.
    Response r = error_response(
        401, "AuthenticationFailure",
        user.empty() ? "Authentication required: send HTTP Basic credentials"
                     : "Invalid user name or password for user '" + user + "'",
        {{"path", ctx.path}}, ctx.path);
    r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"SPS\"");
    return r;
  }
  Response r = json_response(200, json::object{{"meta", json::object{{"href", "/api/authentication"},
                                                          {"parent", "/api"}}}});
  r.headers.emplace_back("Set-Cookie", "session_id=" + *id + "; Secure; HttpOnly; Path=/");
  r.user = user;
  return r;
}

Response Router::login_methods(Context& ctx) {
  if (ctx.request.method != "GET") return method_not_allowed(ctx.request.method, ctx.path);
  json::array methods{json::object{{"name", "local"}, {"type", "password"}}};
  return json_response(200, json::object{{"key", "login_methods"},
                              {"body", json::object{{"login_methods", std::move(methods)}}},
                              {"meta", json::object{{"href", ctx.path},
                                                    {"parent", "/api/authentication"}}}});
}

Response Router::debug_journal(Context& ctx) {
  if (ctx.request.method != "GET") return method_not_allowed(ctx.request.method, ctx.path);
  json::array entries;
  for (const auto& entry : m_store.journal()) entries.push_back(entry.to_json());
  return json_response(200, json::object{{"journal", std::move(entries)},
                              {"meta", json::object{{"href", ctx.path}, {"parent", "/api"}}}});
}

std::vector<std::string> api_children() {
  return {"authentication", "configuration", "info", "transaction"};
}

Response Router::api_root(Context& ctx) {
  if (ctx.request.method != "GET") return method_not_allowed(ctx.request.method, ctx.path);
  json::array items;
  for (const std::string& child : api_children()) {
    items.push_back(json::object{
        {"key", child}, {"meta", json::object{{"href", "/api/" + child}}}});
  }
  return json_response(200, json::object{{"items", std::move(items)},
                              {"meta", json::object{{"href", "/api"}, {"parent", "/"}}}});
}

}  // namespace sps::sim
