#include "appliance/rest_mapping.h"

#include <boost/json/error.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace sps::appliance {
namespace {

namespace json = boost::json;

// Error messages are one line (core::Error contract); the appliance's own message may
// contain newlines or be very long (a SemanticError summary), so flatten and cap it.
constexpr std::size_t kMaxMessageChars = 300;
constexpr std::size_t kMaxRawBodyChars = 200;

std::string one_line(std::string_view text, std::size_t max_chars) {
  std::string out;
  out.reserve(std::min(text.size(), max_chars));
  for (char c : text) {
    if (out.size() >= max_chars) {
      out += "...";
      break;
    }
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  }
  while (!out.empty() && out.back() == ' ') {
    out.pop_back();
  }
  return out;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

std::string_view trim_slashes(std::string_view text) {
  while (!text.empty() && text.front() == '/') {
    text.remove_prefix(1);
  }
  while (!text.empty() && text.back() == '/') {
    text.remove_suffix(1);
  }
  return text;
}

bool is_secret_name(std::string_view name) {
  static constexpr std::array<std::string_view, 6> kSecretWords = {
      "password", "plain", "secret", "token", "passphrase", "private_key"};
  const std::string lowered = lower(name);
  return std::any_of(kSecretWords.begin(), kSecretWords.end(), [&](std::string_view word) {
    return lowered.find(word) != std::string::npos;
  });
}

// The string member named `name` of an object, or "" when absent or not a string.
std::string string_member(const json::object& object, std::string_view name) {
  const json::value* value = object.if_contains(name);
  if (value == nullptr) {
    return {};
  }
  if (const json::string* text = value->if_string()) {
    return std::string(*text);
  }
  // Some firmware might send a numeric code; keep it readable rather than dropping it.
  if (value->is_number()) {
    return json::serialize(*value);
  }
  return {};
}

}  // namespace

std::string kind_path(std::string_view kind) {
  std::string path(kConfigurationRoot);
  const std::string_view trimmed = trim_slashes(kind);
  if (!trimmed.empty()) {
    path += '/';
    path += trimmed;
  }
  return path;
}

std::string object_path(std::string_view kind, std::string_view key) {
  return kind_path(kind) + '/' + encode_path_segment(key);
}

std::string encode_path_segment(std::string_view segment) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(segment.size());
  for (char c : segment) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
  return out;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 423: return "Locked";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

core::ErrorCode error_code_for(int status, std::string_view error_type) {
  using core::ErrorCode;
  // The lock error's status is undocumented (sps-api.md 3.2: "plausible: 409 or 403 with a
  // lock-specific error type"), so a type naming the lock wins over the status.
  if (status == 409 || lower(error_type).find("lock") != std::string::npos) {
    return ErrorCode::kConflict;
  }
  switch (status) {
    case 401: return ErrorCode::kUnauthenticated;
    case 403: return ErrorCode::kPermissionDenied;
    case 404: return ErrorCode::kNotFound;
    default: break;
  }
  if (status >= 400 && status < 500) {
    return ErrorCode::kRejected;
  }
  if (status >= 500 && status < 600) {
    return ErrorCode::kUnavailable;
  }
  return ErrorCode::kBadResponse;
}

std::string redact_credentials(std::string_view text) {
  struct Name {
    std::string_view name;
    std::string_view value_ends;  // characters that end the value
  };
  // Longest first: "set-cookie" before "cookie". A header value runs to the end of its line;
  // a cookie value to the next separator. Backslash ends both, for values in escaped JSON.
  static constexpr std::array<Name, 4> kNames = {{{"set-cookie", "\r\n\"'<>\\"},
                                                  {"authorization", "\r\n\"'<>\\"},
                                                  {"cookie", "\r\n\"'<>\\"},
                                                  {"session_id", "\r\n\"'<>\\;&, \t"}}};
  const auto starts_with_name = [&](std::size_t at, std::string_view name) {
    if (text.size() - at < name.size()) return false;
    for (std::size_t k = 0; k < name.size(); ++k) {
      if (std::tolower(static_cast<unsigned char>(text[at + k])) != name[k]) return false;
    }
    return true;
  };
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const Name* hit = nullptr;
    for (const Name& n : kNames) {
      if (starts_with_name(i, n.name)) {
        hit = &n;
        break;
      }
    }
    if (hit == nullptr) {
      out += text[i++];
      continue;
    }
    out.append(text.substr(i, hit->name.size()));
    i += hit->name.size();
    // The separator: quotes, blanks and a ':' or '=' ("Cookie: ", "\"cookie\": \"", "session_id=").
    std::size_t j = i;
    bool assigns = false;
    while (j < text.size() && std::string_view(" \t\"':=\\").find(text[j]) != std::string_view::npos) {
      assigns = assigns || text[j] == ':' || text[j] == '=';
      ++j;
    }
    if (!assigns) continue;  // prose such as "authorization failed" names no value
    out.append(text.substr(i, j - i));
    std::size_t k = j;
    while (k < text.size() && hit->value_ends.find(text[k]) == std::string_view::npos) ++k;
    if (k > j) out += "[redacted]";
    i = k;
  }
  return out;
}

core::Error error_from_response(int status, std::string_view raw_body) {
  const std::string redacted = redact_credentials(raw_body);
  const std::string_view body = redacted;
  std::string type;
  std::string text;
  std::string detail;

  boost::system::error_code ec;
  const json::value parsed = body.empty() ? json::value() : json::parse(body, ec);
  const json::object* error_object = nullptr;
  if (!ec) {
    if (const json::object* root = parsed.if_object()) {
      if (const json::value* error = root->if_contains("error")) {
        error_object = error->if_object();
      }
    }
  }
  if (error_object != nullptr) {
    // The vendor client (safeguard-ps Out-SafeguardExceptionIfPossible) reads error.type;
    // older material speaks of error.code, so accept both (sps-api.md 4.1).
    type = string_member(*error_object, "type");
    if (type.empty()) {
      type = string_member(*error_object, "code");
    }
    text = string_member(*error_object, "message");
    if (const json::value* details = error_object->if_contains("details")) {
      if (!details->is_null()) {
        detail = json::serialize(mask_secrets(*details));
      }
    }
  } else if (!body.empty()) {
    // Not an SPS error document (a proxy's HTML page, a truncated answer): show its start so
    // the user can tell what answered, but keep it short and on one line.
    detail = "response body (not an SPS error document): " + one_line(body, kMaxRawBodyChars);
  }

  std::string message = std::to_string(status);
  const std::string_view reason = reason_phrase(status);
  message += ' ';
  message += type.empty() ? (reason.empty() ? std::string_view("unexpected status") : reason)
                          : std::string_view(type);
  if (!text.empty()) {
    message += ": ";
    message += one_line(text, kMaxMessageChars);
  }
  return core::Error(error_code_for(status, type), one_line(message, kMaxMessageChars * 2),
                     std::move(detail));
}

core::Result<Response> map_response(int status, std::string_view body) {
  if (status < 200 || status >= 300) {
    return error_from_response(status, body);
  }
  Response response;
  response.status = status;
  if (trim(body).empty()) {
    return response;
  }
  boost::system::error_code ec;
  json::parse_options limits;
  limits.max_depth = kMaxJsonDepth;
  response.body = json::parse(body, ec, {}, limits);
  if (ec == json::error::too_deep) {
    return core::Error(core::ErrorCode::kBadResponse,
                       std::to_string(status) + " response is nested deeper than " + std::to_string(kMaxJsonDepth) +
                           " levels, far beyond any document the SPS REST API describes; it was refused");
  }
  if (ec) {
    return core::Error(core::ErrorCode::kBadResponse,
                       std::to_string(status) + " response is not valid JSON: " + ec.message(),
                       "response body: " + one_line(redact_credentials(body.substr(0, 4 * kMaxRawBodyChars)),
                                                    kMaxRawBodyChars));
  }
  return response;
}

core::Error with_request_hint(core::Error error, int status, std::string_view method,
                              std::string_view path) {
  std::string hint;
  switch (status) {
    case 401:
      hint = "the session is not valid; log in again (check the username and password)";
      break;
    case 403:
      hint = "the user lacks the privilege for this endpoint; grant the user's group access "
             "to this page (REST and web privileges are the same in SPS 7.x)";
      break;
    case 404:
      hint = "this endpoint or object does not exist on the appliance; the firmware may be "
             "too old for it, or the object was deleted";
      break;
    default: break;
  }
  error.message += " (";
  error.message += method;
  error.message += ' ';
  error.message += path;
  error.message += ')';
  if (!hint.empty()) {
    error.message += "; ";
    error.message += hint;
  }
  return error;
}

std::string base64_encode(std::string_view data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const std::uint32_t n = (static_cast<unsigned char>(data[i]) << 16) |
                            (static_cast<unsigned char>(data[i + 1]) << 8) |
                            static_cast<unsigned char>(data[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  const std::size_t rest = data.size() - i;
  if (rest == 1) {
    const std::uint32_t n = static_cast<unsigned char>(data[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (rest == 2) {
    const std::uint32_t n = (static_cast<unsigned char>(data[i]) << 16) |
                            (static_cast<unsigned char>(data[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string basic_authorization(std::string_view username, std::string_view password) {
  std::string credentials;
  credentials.reserve(username.size() + 1 + password.size());
  credentials += username;
  credentials += ':';
  credentials += password;
  return "Basic " + base64_encode(credentials);
}

std::optional<std::string> parse_session_cookie(std::string_view set_cookie) {
  // Only the first "name=value" pair is the cookie; the rest are attributes (RFC 6265 4.1).
  const std::string_view pair = set_cookie.substr(0, set_cookie.find(';'));
  const std::size_t equals = pair.find('=');
  if (equals == std::string_view::npos || trim(pair.substr(0, equals)) != "session_id") {
    return std::nullopt;
  }
  std::string_view value = trim(pair.substr(equals + 1));
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    value = value.substr(1, value.size() - 2);
  }
  if (value.empty()) {
    return std::nullopt;
  }
  return std::string(value);
}

json::value mask_secrets(const json::value& value) {
  if (const json::object* object = value.if_object()) {
    json::object out;
    for (const auto& member : *object) {
      if (member.value().is_string() && is_secret_name(member.key())) {
        out[member.key()] = "(sensitive)";
      } else {
        out[member.key()] = mask_secrets(member.value());
      }
    }
    return out;
  }
  if (const json::array* array = value.if_array()) {
    json::array out;
    out.reserve(array->size());
    for (const auto& element : *array) {
      out.push_back(mask_secrets(element));
    }
    return out;
  }
  return value;
}

}  // namespace sps::appliance
