#include "appliance/rest_mapping.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sps::appliance {
namespace {

using core::ErrorCode;

struct ErrorCase {
  std::string name;
  int status;
  std::string body;
  ErrorCode code;
  std::string message;
  std::string detail;
};

TEST(ErrorFromResponseTest, MapsStatusAndBodyToError) {
  const std::vector<ErrorCase> cases = {
      {"semantic error with details", 400,
       R"({"error":{"type":"SemanticError","message":"Invalid reference",)"
       R"("details":{"path":"/a","errors":[1,2]}},"meta":{"href":"/api/x"}})",
       ErrorCode::kRejected, "400 SemanticError: Invalid reference",
       R"({"path":"/a","errors":[1,2]})"},
      {"code used when type is missing", 400,
       R"({"error":{"code":"InvalidRequestBody","message":"bad json"}})", ErrorCode::kRejected,
       "400 InvalidRequestBody: bad json", ""},
      {"type preferred over code", 400,
       R"({"error":{"type":"SemanticError","code":"Other","message":"m"}})",
       ErrorCode::kRejected, "400 SemanticError: m", ""},
      {"unauthenticated", 401,
       R"({"error":{"type":"Unauthenticated","message":"Login required","details":{"path":"/api/x"}}})",
       ErrorCode::kUnauthenticated, "401 Unauthenticated: Login required",
       R"({"path":"/api/x"})"},
      {"forbidden", 403, R"({"error":{"type":"Unauthorized","message":"No access"}})",
       ErrorCode::kPermissionDenied, "403 Unauthorized: No access", ""},
      {"not found", 404, R"({"error":{"type":"NotFound","message":"No such node"}})",
       ErrorCode::kNotFound, "404 NotFound: No such node", ""},
      {"method not allowed", 405, R"({"error":{"type":"MethodNotAllowed","message":"no"}})",
       ErrorCode::kRejected, "405 MethodNotAllowed: no", ""},
      {"conflict status", 409, R"({"error":{"type":"Busy","message":"try later"}})",
       ErrorCode::kConflict, "409 Busy: try later", ""},
      {"lock type on 403", 403,
       R"({"error":{"type":"ConfigurationLocked","message":"locked by admin2"}})",
       ErrorCode::kConflict, "403 ConfigurationLocked: locked by admin2", ""},
      {"lock type on 400 lower case", 400, R"({"error":{"type":"lock_held","message":"x"}})",
       ErrorCode::kConflict, "400 lock_held: x", ""},
      {"length required without body", 411, "", ErrorCode::kRejected, "411 Length Required",
       ""},
      {"other 4xx", 422, R"({"error":{"type":"Weird","message":"w"}})", ErrorCode::kRejected,
       "422 Weird: w", ""},
      {"server error", 500, R"({"error":{"type":"InternalError","message":"boom"}})",
       ErrorCode::kUnavailable, "500 InternalError: boom", ""},
      {"gateway html", 502, "<html>Bad gateway</html>", ErrorCode::kUnavailable,
       "502 Bad Gateway",
       "response body (not an SPS error document): <html>Bad gateway</html>"},
      {"unavailable empty", 503, "", ErrorCode::kUnavailable, "503 Service Unavailable", ""},
      {"json without error object", 500, R"({"meta":{}})", ErrorCode::kUnavailable,
       "500 Internal Server Error",
       R"(response body (not an SPS error document): {"meta":{}})"},
      {"unknown status", 599, "", ErrorCode::kUnavailable, "599 unexpected status", ""},
      {"redirect is off contract", 302, "", ErrorCode::kBadResponse, "302 unexpected status",
       ""},
      {"message flattened to one line", 400,
       R"({"error":{"type":"SemanticError","message":"line one\nline two"}})",
       ErrorCode::kRejected, "400 SemanticError: line one line two", ""},
      {"null details give empty detail", 400,
       R"({"error":{"type":"SemanticError","message":"m","details":null}})",
       ErrorCode::kRejected, "400 SemanticError: m", ""},
      {"secret in details masked", 400,
       R"({"error":{"type":"SemanticError","message":"m","details":{"body":{"plain":"hunter2","name":"n"}}}})",
       ErrorCode::kRejected, "400 SemanticError: m",
       R"j({"body":{"plain":"(sensitive)","name":"n"}})j"},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.name);
    const core::Error error = error_from_response(c.status, c.body);
    EXPECT_EQ(error.code, c.code);
    EXPECT_EQ(error.message, c.message);
    EXPECT_EQ(error.detail, c.detail);
  }
}

TEST(MapResponseTest, ParsesSuccessfulBody) {
  const auto result = map_response(200, R"({"key":"email","body":{"a":1},"meta":{}})");
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body.at("key").as_string(), "email");
}

TEST(MapResponseTest, EmptySuccessfulBodyIsNull) {
  const auto result = map_response(204, "  ");
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->status, 204);
  EXPECT_TRUE(result->body.is_null());
}

TEST(MapResponseTest, ScalarBodyIsAccepted) {
  // datetime/timezone answers with a bare string body inside the envelope; a bare scalar
  // document must parse too.
  const auto result = map_response(200, R"("America/New_York")");
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->body.as_string(), "America/New_York");
}

TEST(MapResponseTest, NestingDeeperThanTheLimitIsBadResponse) {
  const std::string ok = std::string(kMaxJsonDepth - 1, '[') + std::string(kMaxJsonDepth - 1, ']');
  EXPECT_TRUE(map_response(200, ok).has_value());
  const std::string deep = std::string(kMaxJsonDepth + 1, '[') + std::string(kMaxJsonDepth + 1, ']');
  const auto mapped = map_response(200, deep);
  ASSERT_FALSE(mapped.has_value());
  EXPECT_EQ(mapped.error().code, core::ErrorCode::kBadResponse);
  EXPECT_NE(mapped.error().message.find("nested deeper than 64 levels"), std::string::npos) << mapped.error().message;
}

TEST(MapResponseTest, InvalidJsonOnSuccessIsBadResponse) {
  const auto result = map_response(200, "<html>login page</html>");
  ASSERT_TRUE(result.has_error());
  EXPECT_EQ(result.error().code, ErrorCode::kBadResponse);
  EXPECT_NE(result.error().detail.find("<html>login page"), std::string::npos);
}

TEST(MapResponseTest, ErrorStatusBecomesError) {
  const auto result = map_response(404, R"({"error":{"type":"NotFound","message":"gone"}})");
  ASSERT_TRUE(result.has_error());
  EXPECT_EQ(result.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(result.error().message, "404 NotFound: gone");
}

TEST(WithRequestHintTest, NamesRequestAndSuggestsFix) {
  const core::Error base = error_from_response(403, R"({"error":{"type":"Unauthorized"}})");
  const core::Error hinted = with_request_hint(base, 403, "GET", "/api/configuration/ssh");
  EXPECT_EQ(hinted.code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(hinted.message.rfind("403 Unauthorized (GET /api/configuration/ssh); ", 0), 0u)
      << hinted.message;
  EXPECT_NE(hinted.message.find("privilege"), std::string::npos);

  const core::Error missing = with_request_hint(error_from_response(404, ""), 404, "GET", "/x");
  EXPECT_NE(missing.message.find("firmware"), std::string::npos);

  const core::Error other = with_request_hint(error_from_response(400, ""), 400, "PUT", "/y");
  EXPECT_EQ(other.message, "400 Bad Request (PUT /y)");
}

TEST(PathTest, BuildsKindAndObjectPaths) {
  EXPECT_EQ(kind_path("management/email"), "/api/configuration/management/email");
  EXPECT_EQ(kind_path("/policies/backup_policies/"), "/api/configuration/policies/backup_policies");
  EXPECT_EQ(kind_path(""), "/api/configuration");
  EXPECT_EQ(object_path("policies/backup_policies", "78101850949e47437dd91d"),
            "/api/configuration/policies/backup_policies/78101850949e47437dd91d");
  EXPECT_EQ(object_path("policies/time_policies", "-100"),
            "/api/configuration/policies/time_policies/-100");
  EXPECT_EQ(object_path("x", "a b/c?d"), "/api/configuration/x/a%20b%2Fc%3Fd");
}

TEST(Base64Test, EncodesRfc4648Vectors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}, {"\xff\xfe", "//4="}};
  for (const auto& [input, expected] : cases) {
    SCOPED_TRACE(input);
    EXPECT_EQ(base64_encode(input), expected);
  }
}

TEST(BasicAuthorizationTest, EncodesUserColonPassword) {
  // RFC 7617 section 2 example.
  EXPECT_EQ(basic_authorization("Aladdin", "open sesame"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
}

TEST(ParseSessionCookieTest, ExtractsOnlySessionId) {
  const std::vector<std::pair<std::string, std::optional<std::string>>> cases = {
      {"session_id=a1f71d030e657634730b9e887cb59a5e56162860; Secure; HttpOnly",
       "a1f71d030e657634730b9e887cb59a5e56162860"},
      {"session_id=abc", "abc"},
      {" session_id = \"abc\" ; Path=/", "abc"},
      {"other=1; session_id=abc", std::nullopt},
      {"session_id=; Max-Age=0", std::nullopt},
      {"garbage", std::nullopt},
  };
  for (const auto& [header, expected] : cases) {
    SCOPED_TRACE(header);
    EXPECT_EQ(parse_session_cookie(header), expected);
  }
}

TEST(MaskSecretsTest, MasksNestedSecretStringsOnly) {
  const boost::json::value input = boost::json::parse(
      R"({"password":"p","list":[{"Token":"t","n":1}],"secret_ref":{"key":"k"},"name":"x"})");
  const boost::json::value masked = mask_secrets(input);
  EXPECT_EQ(boost::json::serialize(masked),
            R"j({"password":"(sensitive)","list":[{"Token":"(sensitive)","n":1}],)j"
            R"("secret_ref":{"key":"k"},"name":"x"})");
}

TEST(RedactCredentialsTest, MasksHeaderAndCookieValuesInAnyForm) {
  struct Case {
    std::string_view text;
    std::string_view expected;
  };
  const std::vector<Case> cases = {
      {"GET / HTTP/1.1\nAuthorization: Basic YWRtaW46YWRtaW4=\nHost: x\n",
       "GET / HTTP/1.1\nAuthorization: [redacted]\nHost: x\n"},
      {"cookie: session_id=abc; theme=dark\r\nAccept: */*", "cookie: [redacted]\r\nAccept: */*"},
      {"Set-Cookie: session_id=abc; Secure", "Set-Cookie: [redacted]"},
      {R"({"headers": {"Authorization": "Basic dXNlcg==", "X": "y"}})",
       R"({"headers": {"Authorization": "[redacted]", "X": "y"}})"},
      {R"({"message": "echo: AUTHORIZATION: Bearer t0k\nnext"})", R"({"message": "echo: AUTHORIZATION: [redacted]\nnext"})"},
      {"url?session_id=abc&x=1", "url?session_id=[redacted]&x=1"},
      {"authorization failed for this user", "authorization failed for this user"},  // prose: no value
      {"no credentials here", "no credentials here"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.text));
    EXPECT_EQ(redact_credentials(c.text), c.expected);
  }
}

TEST(RedactCredentialsTest, ErrorFromResponseNeverShowsAnEchoedAuthorization) {
  const core::Error e = error_from_response(
      500, "<html><pre>GET /api/authentication HTTP/1.1\r\nAuthorization: Basic YWRtaW46c2VjcmV0\r\n</pre></html>");
  EXPECT_EQ(e.message.find("YWRtaW46c2VjcmV0"), std::string::npos) << e.message;
  EXPECT_EQ(e.detail.find("YWRtaW46c2VjcmV0"), std::string::npos) << e.detail;
  EXPECT_NE(e.detail.find("Authorization: [redacted]"), std::string::npos) << e.detail;
  const core::Error json_error = error_from_response(
      400, R"({"error": {"type": "BadRequest", "message": "bad header Cookie: session_id=0123abcd"}})");
  EXPECT_EQ(json_error.message.find("0123abcd"), std::string::npos) << json_error.message;
}

}  // namespace
}  // namespace sps::appliance
