#include "transport/https_appliance_api.h"

#include "appliance/rest_mapping.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <cctype>
#include <optional>
#include <random>
#include <thread>

namespace sps::transport {
namespace {

using appliance::Response;
using core::Error;
using core::ErrorCode;
using core::Result;

}  // namespace

Result<ApplianceEndpoint> parse_appliance_url(std::string_view url) {
  constexpr std::string_view kExpected = "expected https://HOST or https://HOST:PORT";
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) {
    // The text may hold a mistyped password ("https://admin:pw@..."): never repeat it.
    return Error(ErrorCode::kInvalidArgument,
                 "the appliance URL is not a valid URL (" + std::string(kExpected) + ")");
  }
  const boost::urls::url_view& view = *parsed;
  if (view.has_userinfo()) {
    return Error(ErrorCode::kInvalidArgument,
                 "the appliance URL must not contain credentials; use --username and "
                 "--password-file (or SPS_USERNAME and SPS_PASSWORD)");
  }
  if (view.scheme() != "https") {
    return Error(ErrorCode::kInvalidArgument,
                 "the appliance URL must use https:// (got " + std::string(view.scheme()) +
                     "://); the SPS REST API is only served over TLS");
  }
  const std::string host = view.host_address();
  if (host.empty()) {
    return Error(ErrorCode::kInvalidArgument,
                 "the appliance URL has no host (" + std::string(kExpected) + ")");
  }
  if (!(view.encoded_path().empty() || view.encoded_path() == "/") || view.has_query() ||
      view.has_fragment()) {
    return Error(ErrorCode::kInvalidArgument,
                 "the appliance URL must not have a path, query or fragment (" +
                     std::string(kExpected) + "); API paths are added by sps-apply");
  }
  ApplianceEndpoint endpoint;
  endpoint.host = host;
  if (view.has_port()) {
    if (view.port_number() == 0) {
      return Error(ErrorCode::kInvalidArgument,
                   "the appliance URL has an invalid port (" + std::string(kExpected) + ")");
    }
    endpoint.port = view.port_number();
  }
  return endpoint;
}

Result<std::unique_ptr<HttpsApplianceApi>> HttpsApplianceApi::create(ConnectionSettings settings) {
  auto endpoint = parse_appliance_url(settings.url);
  if (!endpoint) {
    return endpoint.error();
  }
  ClientOptions options;
  options.host = endpoint->host;
  options.port = endpoint->port;
  options.ca_file = settings.ca_file;
  options.insecure = settings.insecure;
  options.tls_context = settings.tls_context;
  options.identity = settings.identity;
  options.timeouts = settings.timeouts;
  options.pool_size = std::max(1, settings.parallelism);
  options.max_response_bytes = settings.max_response_bytes;
  options.should_stop = settings.should_stop;
  auto relay = std::make_shared<LogRelay>();
  relay->target = std::move(settings.log);
  if (relay->target) {
    settings.log = [relay](core::LogLevel level, std::string_view line) { (*relay)(level, line); };
    options.log = settings.log;
  }
  auto client = HttpsClient::create(std::move(options));
  if (!client) {
    return client.error();
  }
  if (!settings.sleep) {
    settings.sleep = [stop = settings.should_stop](std::chrono::milliseconds delay) {
      // In short steps, so Ctrl-C or the deadline never waits for a backoff to end.
      const auto until = std::chrono::steady_clock::now() + delay;
      while (std::chrono::steady_clock::now() < until && !(stop && !stop().empty())) {
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
            std::chrono::milliseconds(50), until - std::chrono::steady_clock::now()));
      }
    };
  }
  if (!settings.random) {
    auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
    settings.random = [engine] {
      return std::uniform_real_distribution<double>(0.0, 1.0)(*engine);
    };
  }
  return std::unique_ptr<HttpsApplianceApi>(
      new HttpsApplianceApi(std::move(settings), std::move(*client), std::move(relay)));
}

HttpsApplianceApi::HttpsApplianceApi(ConnectionSettings settings,
                                     std::unique_ptr<HttpsClient> client,
                                     std::shared_ptr<LogRelay> relay)
    : m_settings(std::move(settings)), m_client(std::move(client)), m_relay(std::move(relay)) {
  m_retry.max_retries = std::max(0, m_settings.max_retries);
  m_retry.base_delay = m_settings.retry_base_delay;
  m_retry.max_delay = m_settings.retry_max_delay;
}

HttpsApplianceApi::~HttpsApplianceApi() { finish_logout(); }

void HttpsApplianceApi::LogRelay::operator()(core::LogLevel level, std::string_view line) {
  if (holding) {
    held.emplace_back(level, line);
  } else if (target) {
    target(level, line);
  }
}

void HttpsApplianceApi::LogRelay::release() {
  holding = false;
  for (const auto& [level, line] : held) {
    if (target) target(level, line);
  }
  held.clear();
}

void HttpsApplianceApi::log(core::LogLevel level, const std::string& line) const {
  if (m_settings.log) {
    m_settings.log(level, line);
  }
}

HttpRequest HttpsApplianceApi::make_request(Method method, std::string_view path,
                                            std::string body) const {
  HttpRequest request;
  request.method = method;
  request.target = std::string(path);
  request.body = std::move(body);
  if (!m_session_id.empty()) {
    request.headers.push_back({"Cookie", "session_id=" + m_session_id});
  }
  return request;
}

Error HttpsApplianceApi::without_credentials(Error error) const {
  const std::string basic = appliance::basic_authorization(m_settings.username, m_settings.password);
  // "Basic " is stripped: the token alone is what an echo would most likely repeat. The token
  // and the session id are long and opaque; the password itself only when it is long enough
  // not to be an ordinary word of the message ("admin" would mask "admin_address").
  const std::string values[] = {basic.substr(basic.find(' ') + 1), m_session_id,
                                m_settings.password.size() >= 8 ? m_settings.password : std::string()};
  for (std::string* text : {&error.message, &error.detail}) {
    for (const std::string& value : values) {
      if (value.size() < 4) continue;
      for (std::size_t at = text->find(value); at != std::string::npos; at = text->find(value, at)) {
        text->replace(at, value.size(), "[redacted]");
      }
    }
  }
  return error;
}

Result<Response> HttpsApplianceApi::finish(Method method, std::string_view path,
                                           const ClientResult<HttpResponse>& result) const {
  if (!result) {
    return result.error().error;
  }
  auto mapped = appliance::map_response(result->status, result->body);
  if (!mapped) {
    return without_credentials(appliance::with_request_hint(mapped.error(), result->status, to_string(method), path));
  }
  if (const auto dates = result->header_values("Date"); !dates.empty()) mapped->date = std::string(dates.front());
  return mapped;
}

namespace {

/// Percent-encodes a query parameter value (RFC 3986 unreserved characters pass).
std::string encode_query_value(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0x0f];
    }
  }
  return out;
}

/// One login method of a listing: a name, or {name, authentication, credentials}.
std::string describe_method(const boost::json::value& item) {
  if (const auto* text = item.if_string()) return std::string(*text);
  const auto* object = item.if_object();
  if (object == nullptr) return {};
  const auto text_of = [&](const char* key) {
    const auto* v = object->if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  std::string out = text_of("name");
  std::string details = text_of("authentication");
  if (const auto* credentials = object->if_contains("credentials"); credentials && credentials->is_array()) {
    std::string list;
    for (const auto& c : credentials->get_array()) {
      if (c.is_string()) list += (list.empty() ? "" : ", ") + std::string(c.get_string());
    }
    if (!list.empty()) details += (details.empty() ? "" : ": ") + list;
  }
  if (!details.empty()) out += " (" + details + ")";
  return out;
}

}  // namespace

std::string HttpsApplianceApi::offered_login_methods() {
  finish_logout();
  // Anonymous requests: a failed login has no session. SPS 7.1+ names its login methods
  // (GET /api/authentication/login_methods); 5.7 to 6.x only say whether password ("basic")
  // and certificate ("x509") logins are allowed (GET /api/authentication/types). See
  // OneIdentity/safeguard-ps src/sessionapi.psm1 (Get-SafeguardSpsLoginMethod) and the 5.7.0
  // REST API Reference Guide, "Authenticate to the SPS REST API".
  for (const auto& [path, field] : {std::pair{"/api/authentication/login_methods", "login_methods"},
                                    std::pair{"/api/authentication/types", "types"}}) {
    HttpRequest request = make_request(Method::kGet, path, {});
    request.headers.clear();
    const ClientResult<HttpResponse> result = m_client->send(request);
    if (!result || result->status != 200) continue;
    boost::system::error_code ec;
    const boost::json::value doc = boost::json::parse(result->body, ec);
    const boost::json::value* list = nullptr;
    if (!ec && doc.is_object()) {
      const auto* body = doc.get_object().if_contains("body");
      const auto* holder = body != nullptr && body->is_object() ? &body->get_object() : &doc.get_object();
      list = holder->if_contains(field);
    }
    std::string out;
    if (list != nullptr && list->is_array()) {
      for (const auto& item : list->get_array()) {
        const std::string one = describe_method(item);
        if (!one.empty()) out += (out.empty() ? "" : ", ") + one;
      }
    } else if (list != nullptr && list->is_object()) {
      for (const auto& member : list->get_object()) out += (out.empty() ? "" : ", ") + std::string(member.key());
    }
    if (!out.empty()) return out;
  }
  return {};
}

Result<void> HttpsApplianceApi::login() {
  finish_logout();
  // SPS logs in with a GET carrying HTTP Basic credentials and answers with a session_id
  // cookie (sps-api.md 1.1; all three vendor SDKs do the same). A login method other than
  // the default is named with ?login_method=NAME; certificate login is ?type=x509 with the
  // client certificate in the TLS handshake and no Authorization header (OneIdentity/
  // safeguard-ps src/sessionapi.psm1, Connect-Sps; SPS REST API Reference, "Authenticate to
  // the SPS REST API using X.509 certificate").
  const bool x509 = !m_settings.identity.empty();
  std::string path(appliance::kAuthenticationPath);
  std::string query;
  if (x509) query = "type=x509";
  if (!m_settings.login_method.empty()) {
    query += (query.empty() ? "" : "&") + std::string("login_method=") + encode_query_value(m_settings.login_method);
  }
  if (!query.empty()) path += "?" + query;
  HttpRequest request = make_request(Method::kGet, path, {});
  request.headers.clear();  // no stale cookie: this request creates the session
  if (!x509) {
    request.headers.push_back(
        {"Authorization", appliance::basic_authorization(m_settings.username, m_settings.password)});
  }

  ClientResult<HttpResponse> result = m_client->send(request);
  for (int attempt = 0; attempt < m_retry.max_retries; ++attempt) {
    // Only failures that say nothing about the credentials are retried; a 401 is final.
    const bool transient = result ? is_retryable_status(result->status)
                                  : is_retryable_failure(result.error().kind);
    if (!transient) {
      break;
    }
    const auto delay = backoff_delay(m_retry, attempt, m_settings.random());
    log(core::LogLevel::kWarn, "login failed transiently; retrying in " + std::to_string(delay.count()) + " ms");
    m_settings.sleep(delay);
    result = m_client->send(request);
  }
  if (!result) {
    return result.error().error;
  }
  const std::string method_text =
      m_settings.login_method.empty() ? std::string() : " with login method '" + m_settings.login_method + "'";
  const std::string who =
      x509 ? "login with the client certificate" + method_text : "login as '" + m_settings.username + "'" + method_text;
  if (result->status == 401 || result->status == 403) {
    const Error cause = appliance::error_from_response(result->status, result->body);
    std::string message;
    if (result->status == 403) {
      message = who + " was refused (" + cause.message +
                "); the user needs the REST API privilege, and this login must be allowed on the management "
                "interface";
    } else if (x509) {
      message = who + " failed: the appliance did not accept the certificate (" + cause.message +
                "); check --client-cert/--client-pkcs12 (its CA must be trusted by the login method) and "
                "--login-method";
    } else {
      message = who + " failed: the appliance rejected the username or password (" + cause.message +
                "); check --username and the password given with --password-file or SPS_PASSWORD";
    }
    // Which login methods exist is the usual missing piece: with LDAP login enabled, a
    // local user must name the local method.
    if (const std::string offered = offered_login_methods(); !offered.empty()) {
      message += ". The appliance offers these login methods: " + offered +
                 "; choose one with --login-method NAME (or SPS_LOGIN_METHOD)";
    }
    return without_credentials(
        Error(result->status == 401 ? ErrorCode::kUnauthenticated : ErrorCode::kPermissionDenied, message,
              cause.detail));
  }
  auto mapped = finish(Method::kGet, appliance::kAuthenticationPath, result);
  if (!mapped) {
    Error error = mapped.error();
    error.message = who + " failed: " + error.message;
    return error;
  }
  for (std::string_view set_cookie : result->header_values("Set-Cookie")) {
    if (auto session = appliance::parse_session_cookie(set_cookie)) {
      m_session_id = std::move(*session);
      m_round_trip = result->round_trip;
      return {};
    }
  }
  return Error(ErrorCode::kBadResponse,
               who + " succeeded but the appliance sent no session_id cookie",
               "GET /api/authentication must answer with Set-Cookie: session_id=...");
}

void HttpsApplianceApi::logout() {
  finish_logout();
  send_logout();
}

void HttpsApplianceApi::start_logout() {
  finish_logout();
  if (m_session_id.empty()) return;
  if (m_relay) m_relay->holding = true;
  // From here until finish_logout() joins it, only this thread uses the client.
  m_logout = std::thread([this] { send_logout(); });
}

void HttpsApplianceApi::preconnect() {
  if (m_relay) m_relay->holding = true;
  m_client->open_idle();
}

void HttpsApplianceApi::finish_logout() {
  if (m_logout.joinable()) m_logout.join();
  // The lines held while the logout or the preconnection ran, on the caller's thread.
  if (m_relay && m_relay->holding) m_relay->release();
}

void HttpsApplianceApi::send_logout() {
  if (m_session_id.empty()) return;
  // The SPS REST API Reference documents no logout endpoint (sessions expire after 20
  // minutes idle). DELETE on the authentication resource is the conventional way to end a
  // session; its answer changes nothing for us, so it is only logged.
  const ClientResult<HttpResponse> result =
      m_client->send(make_request(Method::kDelete, appliance::kAuthenticationPath, {}));
  m_session_id.clear();
  if (!result) {
    log(core::LogLevel::kInfo, "logout: " + result.error().error.message);
  } else if (result->status >= 300) {
    log(core::LogLevel::kInfo, "logout: the appliance answered " + std::to_string(result->status) +
        "; the session ends when it expires");
  }
}

Result<Response> HttpsApplianceApi::get(std::string_view path) {
  finish_logout();
  const std::string one[] = {std::string(path)};
  auto results = get_many(one);
  return std::move(results.front());
}

std::vector<Result<Response>> HttpsApplianceApi::get_many(std::span<const std::string> paths) {
  finish_logout();
  std::vector<std::optional<Result<Response>>> slots(paths.size());
  if (m_session_id.empty() && !paths.empty()) {
    if (auto logged_in = login(); !logged_in) {
      return std::vector<Result<Response>>(paths.size(), logged_in.error());
    }
  }

  // Rounds: send every pending GET in parallel, then sort the answers into done, retry
  // after a backoff (transient failure) and retry after a re-login (expired session).
  std::vector<std::size_t> pending(paths.size());
  for (std::size_t i = 0; i < pending.size(); ++i) {
    pending[i] = i;
  }
  bool relogged = false;
  int attempt = 0;
  while (!pending.empty()) {
    std::vector<HttpRequest> requests;
    requests.reserve(pending.size());
    for (std::size_t index : pending) {
      requests.push_back(make_request(Method::kGet, paths[index], {}));
    }
    // As many connections as pay for themselves at the login's round trip (retry.h).
    const std::size_t connections = read_connections(requests.size(), m_round_trip, m_settings.parallelism);
    if (requests.size() > 1) {
      log(core::LogLevel::kInfo, std::to_string(requests.size()) + " reads over " + std::to_string(connections) +
          " connection(s) (login round trip " + std::to_string(m_round_trip.count() / 1000) + "." +
          std::to_string(m_round_trip.count() % 1000 / 100) + " ms, --parallel " +
          std::to_string(m_settings.parallelism) + ")");
    }
    std::vector<ClientResult<HttpResponse>> results = m_client->send_many(requests, connections);

    std::vector<std::size_t> retry;
    std::vector<std::size_t> relogin;
    const bool may_retry = attempt < m_retry.max_retries;
    for (std::size_t k = 0; k < pending.size(); ++k) {
      const std::size_t index = pending[k];
      const ClientResult<HttpResponse>& result = results[k];  // read-only until its text is freed below
      if (result && result->status == 401 && !relogged) {
        relogin.push_back(index);
      } else if (may_retry && (result ? is_retryable_status(result->status)
                                      : is_retryable_failure(result.error().kind))) {
        retry.push_back(index);
      } else {
        slots[index] = finish(Method::kGet, paths[index], result);
        // The answer's text is parsed: free it now, not with the whole wave's.
        if (results[k]) std::string().swap(results[k]->body);
      }
    }

    if (!relogin.empty()) {
      // The session expired (20 minutes idle, or a commit that touched the network
      // dropped it, sps-api.md 1.4 and 6): log in once more, then resend those GETs once.
      relogged = true;
      log(core::LogLevel::kInfo, "session expired; logging in again");
      if (auto logged_in = login(); !logged_in) {
        for (std::size_t index : relogin) {
          slots[index] = logged_in.error();
        }
        relogin.clear();
      }
    }
    if (!retry.empty()) {
      const auto delay = backoff_delay(m_retry, attempt, m_settings.random());
      ++attempt;
      log(core::LogLevel::kWarn, "retrying " + std::to_string(retry.size()) + " GET request(s) in " +
          std::to_string(delay.count()) + " ms (retry " + std::to_string(attempt) + " of " +
          std::to_string(m_retry.max_retries) + ")");
      m_settings.sleep(delay);
    }
    pending = std::move(retry);
    pending.insert(pending.end(), relogin.begin(), relogin.end());
    std::sort(pending.begin(), pending.end());
  }

  std::vector<Result<Response>> out;
  out.reserve(slots.size());
  for (auto& slot : slots) {
    out.push_back(std::move(*slot));
  }
  return out;
}

Result<Response> HttpsApplianceApi::write(Method method, std::string_view path,
                                          const boost::json::value* body) {
  finish_logout();
  if (m_session_id.empty()) {
    if (auto logged_in = login(); !logged_in) {
      return logged_in.error();
    }
  }
  // A null body goes out empty (with Content-Length: 0), which is what POST
  // /api/transaction expects; "null" would be a JSON document the appliance may reject.
  std::string text = (body == nullptr || body->is_null()) ? std::string()
                                                          : boost::json::serialize(*body);
  // Sent exactly once: if the answer is lost the outcome is unknown, and only the caller
  // (rolling back the transaction) can make that safe.
  const ClientResult<HttpResponse> result =
      m_client->send(make_request(method, path, std::move(text)));
  return finish(method, path, result);
}

Result<Response> HttpsApplianceApi::post(std::string_view path, const boost::json::value& body) {
  return write(Method::kPost, path, &body);
}

Result<Response> HttpsApplianceApi::put(std::string_view path, const boost::json::value& body) {
  return write(Method::kPut, path, &body);
}

Result<Response> HttpsApplianceApi::del(std::string_view path) {
  return write(Method::kDelete, path, nullptr);
}

}  // namespace sps::transport
