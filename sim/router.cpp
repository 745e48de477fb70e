#include "sim/router.h"

#include "core/json_pointer.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <set>

namespace sps::sim {
namespace json = boost::json;

namespace {

bool is_write(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "DELETE";
}

}  // namespace

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
      {exact("/api/authentication/types"), false, [this](Context& c) { return authentication_types(c); }},
      {[](std::string_view path) {
         return path == "/api/user_info" || path == "/api/user/info" || path == "/api/userinfo" ||
                path == "/api/endpoints";
       },
       true, [this](Context& c) { return user_info(c); }},
      {[this](std::string_view path) {
         return m_store.options().debug_endpoints && path == "/api/_debug/journal";
       },
       false, [this](Context& c) { return debug_journal(c); }},
      {exact("/api/transaction"), true, [this](Context& c) { return transaction(c); }},
      {exact("/api/cluster/status"), true, [this](Context& c) { return cluster_status(c); }},
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
    if (is_write(request.method) && !may_write(*ctx.session, ctx.path)) {
      Response r = error_response(403, "Unauthorized",
                                  "User " + ctx.session->user + " has no write access to " + ctx.path,
                                  {{"path", ctx.path}}, ctx.path);
      r.user = ctx.session->user;
      return r;
    }
  }
  Response response = route != nullptr ? route->handler(ctx) : not_found(ctx.path);
  if (ctx.session != nullptr) response.user = ctx.session->user;
  return response;
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
