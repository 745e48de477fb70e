// Authentication and identity endpoints of the simulator: login with a password or an X.509
// client certificate through a login method, the login-method listings, /api/info and
// /api/user_info. Shapes and rules from the SPS REST API Reference and One Identity's client:
//   * login: GET /api/authentication[?login_method=NAME] with HTTP Basic, or
//     GET /api/authentication?type=x509[&login_method=NAME] with a TLS client certificate
//     ("Authenticate to the SPS REST API", 5.7.0 guide ch. 2,
//     https://support.oneidentity.com/technical-documents/one-identity-safeguard-for-privileged-sessions/5.7.0/rest-api-reference-guide/2;
//     OneIdentity/safeguard-ps src/sessionapi.psm1 Connect-Sps). "When LDAP authentication is
//     enabled, the accounts of local users is disabled": a local user must then name the
//     local login method.
//   * /api/authentication/login_methods (7.1+) and /api/authentication/types (5.7 to 6.x);
//     the item shape of login_methods is not documented: {name, authentication, credentials}
//     is this simulator's choice (sim/README.md).
//   * /api/info: anonymous users see host fields only; authenticated ones also the firmware,
//     roles and config_hash (6.9.3 guide ch. 6,
//     https://support.oneidentity.com/de-de/technical-documents/safeguard-for-privileged-sessions/6.9.3/rest-api-reference-guide/6).
//   * /api/user_info (aliases /api/user/info, /api/userinfo; the endpoint list also at
//     /api/endpoints): {user{name}, login_method{authentication, credential, name},
//     endpoints[{url, methods}]} (https://support.oneidentity.com/technical-documents/doc2250206,
//     https://support.oneidentity.com/technical-documents/doc2065028).
// Logout: the reference documents none, so DELETE /api/authentication is answered 405 like
// any other method a path does not support.
#include "sim/router.h"

#include <boost/json/value_from.hpp>

#include <algorithm>
#include <map>

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

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// The query parameters of a request target, percent-decoded.
std::map<std::string, std::string> query_parameters(std::string_view target) {
  std::map<std::string, std::string> out;
  const auto question = target.find('?');
  if (question == std::string_view::npos) return out;
  const auto decode = [](std::string_view s) {
    std::string text;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
        text += static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
        i += 2;
      } else {
        text += s[i] == '+' ? ' ' : s[i];
      }
    }
    return text;
  };
  std::string_view rest = target.substr(question + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    out[decode(pair.substr(0, eq))] = eq == std::string_view::npos ? std::string() : decode(pair.substr(eq + 1));
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
  }
  return out;
}

/// Whether the firmware has /api/authentication/login_methods (7.1 and later).
bool has_login_methods(const std::string& firmware) {
  int major = 0;
  int minor = 0;
  const auto dot = firmware.find('.');
  try {
    major = std::stoi(firmware.substr(0, dot));
    if (dot != std::string::npos) minor = std::stoi(firmware.substr(dot + 1));
  } catch (const std::exception&) {
    return true;
  }
  return major > 7 || (major == 7 && minor >= 1);
}

Response authentication_failure(std::string_view message, std::string_view path) {
  Response r = error_response(401, "AuthenticationFailure", message, {{"path", path}}, path);
  r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"SPS\"");
  return r;
}

}  // namespace

bool may_write(const Session& session, std::string_view path) {
  for (const auto& p : session.read_only_paths) {
    const std::string full = "/api/configuration/" + p;
    if (path == full || (path.starts_with(full) && path.size() > full.size() && path[full.size()] == '/')) {
      return false;
    }
  }
  return true;
}

Response Router::info(Context& ctx) {
  if (ctx.request.method != "GET") return method_not_allowed(ctx.request.method, ctx.path);
  // Part of /api/info is public; a valid session cookie shows the rest.
  const std::string id = session_cookie(ctx.request.cookie);
  ctx.session = id.empty() ? nullptr : m_store.authenticate(id);
  const Options& options = m_store.options();
  json::object body{{"hostname", options.hostname},
                    {"domainname", "example"},
                    {"nickname", nullptr},
                    {"plugin_sdk_version", json::object{{"feature", "1.4"}, {"full", "1.4.4"}}}};
  if (ctx.session != nullptr) {
    const std::string& firmware = options.firmware_version;
    body["firmware_version"] = firmware;
    body["version"] = firmware.substr(0, firmware.find('.', firmware.find('.') + 1));
    body["build_date"] = "2026-01-15T09:00:00+00:00";
    body["analytics_enabled"] = false;
    std::vector<std::string> roles = options.roles;
    if (m_store.cluster().enabled() && std::find(roles.begin(), roles.end(), "central-management") == roles.end()) {
      roles.emplace_back("central-management");  // the central node of the simulated cluster
    }
    body["roles"] = json::value_from(roles);
    body["config_hash"] = m_store.committed_digest();
  }
  return json_response(200, json::object{{"key", "about_info"},
                                         {"body", std::move(body)},
                                         {"meta", json::object{{"href", "/api/info"}, {"parent", "/api"}}}});
}

Response Router::authentication(Context& ctx) {
  if (ctx.request.method != "GET") return method_not_allowed(ctx.request.method, ctx.path);
  const auto query = query_parameters(ctx.request.target);
  const auto named = query.find("login_method");
  const std::string method_name = named == query.end() ? std::string() : named->second;
  const LoginMethod* method = m_store.login_method(method_name);
  if (method == nullptr) {
    return authentication_failure("Unknown login method '" + method_name + "'", ctx.path);
  }
  std::optional<std::string> id;
  std::string user;
  const auto type = query.find("type");
  if (type != query.end() && type->second == "x509") {
    // The certificate was verified against the appliance's trusted CA during the handshake
    // (sim/server.cpp); its common name names the user.
    if (ctx.request.client_certificate_user.empty()) {
      const std::string why = ctx.request.client_certificate_error.empty()
                                  ? "no client certificate was presented"
                                  : "the client certificate is not trusted: " + ctx.request.client_certificate_error;
      return authentication_failure("X.509 authentication failed: " + why, ctx.path);
    }
    user = ctx.request.client_certificate_user;
    id = m_store.login_with(*method, user, std::nullopt);
    if (!id) {
      return authentication_failure("X.509 authentication failed: the certificate of '" + user +
                                        "' is not accepted by login method '" + method->name + "'",
                                    ctx.path);
    }
  } else {
    const std::string_view auth = ctx.request.authorization;
    std::string password;
    if (auth.size() > 6 && (auth.starts_with("Basic ") || auth.starts_with("basic "))) {
      const std::string decoded = decode_base64(auth.substr(6));
      const auto colon = decoded.find(':');
      if (colon != std::string::npos) {
        user = decoded.substr(0, colon);
        password = decoded.substr(colon + 1);
      }
    }
    if (!user.empty()) id = m_store.login_with(*method, user, std::string_view(password));
    if (!id) {
      // Never echo the password; the user name helps to spot a wrong account.
      return authentication_failure(user.empty() ? "Authentication required: send HTTP Basic credentials"
                                                 : "Invalid user name or password for user '" + user + "'",
                                    ctx.path);
    }
  }
  Response r = json_response(200, json::object{{"meta", json::object{{"href", "/api/authentication"},
                                                                     {"parent", "/api"}}}});
  r.headers.emplace_back("Set-Cookie", "session_id=" + *id + "; Secure; HttpOnly; Path=/");
  r.user = user;
  return r;
}

Response Router::login_methods(Context& ctx) {
  if (ctx.request.method != "GET") return method_not_allowed(ctx.request.method, ctx.path);
  if (!has_login_methods(m_store.options().firmware_version)) return not_found(ctx.path);
  json::array methods;
  for (const auto& m : m_store.options().login_methods) {
    json::array credentials;
    if (m.password) credentials.push_back("password");
    if (m.x509) credentials.push_back("x509");
    methods.push_back(json::object{{"name", m.name}, {"authentication", m.authentication},
                                   {"credentials", std::move(credentials)}});
  }
  return json_response(200, json::object{{"key", "login_methods"},
                                         {"body", json::object{{"login_methods", std::move(methods)}}},
                                         {"meta", json::object{{"href", ctx.path}, {"parent", "/api/authentication"}}}});
}

Response Router::authentication_types(Context& ctx) {
  if (ctx.request.method != "GET") return method_not_allowed(ctx.request.method, ctx.path);
  // 5.7 to 6.x only; 7.1+ lists login methods instead.
  if (has_login_methods(m_store.options().firmware_version)) return not_found(ctx.path);
  bool basic = false;
  bool x509 = false;
  for (const auto& m : m_store.options().login_methods) {
    basic = basic || m.password;
    x509 = x509 || m.x509;
  }
  json::array types;
  if (basic) types.push_back("basic");
  if (x509) types.push_back("x509");
  return json_response(200, json::object{{"key", "types"},
                                         {"body", json::object{{"types", std::move(types)}}},
                                         {"meta", json::object{{"href", ctx.path}, {"parent", "/api/authentication"}}}});
}

Response Router::user_info(Context& ctx) {
  if (ctx.request.method != "GET") return method_not_allowed(ctx.request.method, ctx.path);
  const Session& session = *ctx.session;
  const json::array read{"GET"};
  const json::array all{"DELETE", "GET", "POST", "PUT"};
  json::array endpoints;
  const auto add = [&](std::string url, const json::array& methods) {
    endpoints.push_back(json::object{{"methods", methods}, {"url", std::move(url)}});
  };
  add("/api", read);
  add("/api/authentication", read);
  add("/api/info", read);
  add("/api/user_info", read);
  add("/api/transaction", session.read_only ? read : all);
  add("/api/transaction/changes", read);
  // The whole tree (discovered kinds included) falls under this entry; the kinds below list
  // their own methods, so a read-only path is visible as such.
  add("/api/configuration", session.read_only ? read : all);
  for (const auto& [path, node] : m_store.nodes().nodes()) {
    const std::string url = node.rest_path;
    const bool writable = !session.read_only && !node.read_only && may_write(session, url);
    add(url, !writable ? read : node.write_once ? json::array{"GET", "POST"} : all);
  }
  json::object doc{{"user", json::object{{"name", session.user}}},
                   {"login_method", json::object{{"authentication", session.authentication},
                                                 {"credential", session.credential},
                                                 {"name", session.login_method}}},
                   {"endpoints", std::move(endpoints)},
                   {"meta", json::object{{"href", ctx.path}, {"parent", "/api"}}}};
  return json_response(200, doc);
}

}  // namespace sps::sim
