// sps-sim authentication and sessions, over real TLS on loopback.
#include "support/sim_fixture.h"
#include "support/test_client.h"
#include "sim/tls.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gmock/gmock.h>

#include <map>
#include <regex>

namespace sps::testing {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;
using ::testing::Not;

class SimAuthTest : public SimFixture {
 protected:
  sim::Options sim_options() const override {
    sim::Options options = SimFixture::sim_options();
    options.users.push_back({"viewer", "s3cret-view", true});
    return options;
  }
  TestClient client() { return TestClient(sim().port(), sim().ca_pem()); }
};

// Given the documented split, expect host fields anonymously and the firmware, roles and
// config_hash only with a session.
TEST_F(SimAuthTest, InfoShowsFirmwareOnlyAfterLogin) {
  TestClient c = client();
  const TestResponse anonymous = c.get("/api/info");
  ASSERT_EQ(anonymous.status, 200);
  EXPECT_EQ(anonymous.json().at("key"), "about_info");
  EXPECT_EQ(anonymous.json().at("body").at("hostname"), "sps-sim");
  EXPECT_EQ(anonymous.json().at("body").as_object().if_contains("firmware_version"), nullptr);
  EXPECT_EQ(anonymous.json().at("body").as_object().if_contains("roles"), nullptr);
  ASSERT_EQ(c.login().status, 200);
  const TestResponse r = c.get("/api/info");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json().at("body").at("firmware_version"), "7.5.0");
  EXPECT_EQ(r.json().at("body").at("version"), "7.5");
  EXPECT_EQ(r.json().at("body").at("roles"), json::array());
  EXPECT_EQ(r.json().at("body").at("config_hash").as_string().size(), 32u);
}

// Given a user without write access to one path, expect /api/user_info (and its aliases) to
// list that path with GET only, and a write there to be refused.
TEST_F(SimAuthTest, UserInfoListsEndpointsPerUser) {
  sim::Options options = sim_options();
  options.users.push_back({"ops", "ops-pw", false, "local", {"management/email"}});
  restart_sim(options);
  TestClient c = client();
  ASSERT_EQ(c.login("ops", "ops-pw").status, 200);
  for (const char* path : {"/api/user_info", "/api/user/info", "/api/userinfo", "/api/endpoints"}) {
    const TestResponse r = c.get(path);
    ASSERT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.json().at("user").at("name"), "ops");
    EXPECT_EQ(r.json().at("login_method").at("name"), "local");
    EXPECT_EQ(r.json().at("login_method").at("credential"), "password");
    std::map<std::string, json::value> by_url;
    for (const auto& e : r.json().at("endpoints").as_array()) by_url[std::string(e.at("url").as_string())] = e.at("methods");
    EXPECT_EQ(by_url["/api/configuration/management/email"], json::array({"GET"}));
    EXPECT_EQ(by_url["/api/configuration/management/webinterface"], json::array({"DELETE", "GET", "POST", "PUT"}));
  }
  ASSERT_EQ(c.post("/api/transaction", "").status, 201);
  const TestResponse refused = c.put("/api/configuration/management/email", R"({"admin_address": "a@example.com"})");
  EXPECT_EQ(refused.status, 403);
  EXPECT_THAT(refused.body, HasSubstr("has no write access to /api/configuration/management/email"));
}

// Given an LDAP login method as the default, expect the local admin to log in only with
// login_method=local, and LDAP users without it.
TEST_F(SimAuthTest, LocalUsersNeedTheLocalLoginMethodWhenLdapIsTheDefault) {
  sim::Options options = sim_options();
  options.login_methods = {{"corp-ldap", "ldap", true, false}, {"local", "local", true, false}};
  options.users.push_back({"alice", "alice-pw", false, "corp-ldap", {}});
  restart_sim(options);
  TestClient c = client();
  EXPECT_EQ(c.login("admin", "admin").status, 401);
  EXPECT_EQ(c.login("alice", "alice-pw").status, 200);
  TestRequest local;
  local.target = "/api/authentication?login_method=local";
  local.headers["Authorization"] = "Basic YWRtaW46YWRtaW4=";  // admin:admin
  EXPECT_EQ(c.send(local).status, 200);
  const TestResponse methods = c.get("/api/authentication/login_methods");
  ASSERT_EQ(methods.status, 200);
  EXPECT_EQ(methods.json().at("body").at("login_methods").at(0).at("name"), "corp-ldap");
  EXPECT_EQ(methods.json().at("body").at("login_methods").at(0).at("authentication"), "ldap");
}

TEST_F(SimAuthTest, LoginSetsSecureSessionCookie) {
  TestClient c = client();
  const TestResponse r = c.login();
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(std::regex_match(r.header("set-cookie"),
                               std::regex("session_id=[0-9a-f]{40}; Secure; HttpOnly; Path=/")))
      << r.header("set-cookie");
  EXPECT_EQ(r.json(), json::parse(R"({"meta":{"href":"/api/authentication","parent":"/api"}})"));
  EXPECT_EQ(c.get("/api/configuration/management/webinterface").status, 200);
}

TEST_F(SimAuthTest, BadCredentialsGetAuthenticationFailureWithoutEchoingThePassword) {
  TestClient c = client();
  const TestResponse r = c.login("admin", "wrong-password-123");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.json().at("error").at("type"), "AuthenticationFailure");
  EXPECT_EQ(r.header("set-cookie"), "");
  EXPECT_THAT(r.body, Not(HasSubstr("wrong-password-123")));
}

TEST_F(SimAuthTest, RequestWithoutSessionIsUnauthenticatedWithPath) {
  TestClient c = client();
  const TestResponse r = c.get("/api/configuration/management/email");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.json().at("error").at("type"), "Unauthenticated");
  EXPECT_EQ(r.json().at("error").at("details").at("path"), "/api/configuration/management/email");
  EXPECT_EQ(r.json().at("meta").at("href"), "/api/configuration/management/email");
}

TEST_F(SimAuthTest, ForgedSessionIsUnauthenticated) {
  TestClient c = client();
  c.set_session_id(std::string(40, 'a'));
  EXPECT_EQ(c.get("/api/configuration").status, 401);
}

TEST_F(SimAuthTest, BasicHeaderAloneDoesNotAuthenticateOtherEndpoints) {
  TestClient c = client();
  TestRequest request{"GET", "/api/configuration", {}, {}, true};
  request.headers["Authorization"] = "Basic YWRtaW46YWRtaW4=";  // admin:admin
  EXPECT_EQ(c.send(request).status, 401);
}

TEST_F(SimAuthTest, LoginMethodsAreListedAnonymously) {
  TestClient c = client();
  const TestResponse r = c.get("/api/authentication/login_methods");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json().at("body").at("login_methods").at(0).at("name"), "local");
}

TEST_F(SimAuthTest, SessionExpiresAfterIdleTimeout) {
  // Given the seed's webinterface.timeout of 20 minutes, expect 19 idle minutes to be fine
  // and 21 to end the session.
  TestClient c = client();
  ASSERT_EQ(c.login().status, 200);
  sim().advance_clock(std::chrono::minutes(19));
  EXPECT_EQ(c.get("/api/configuration").status, 200);
  sim().advance_clock(std::chrono::minutes(21));
  const TestResponse r = c.get("/api/configuration");
  EXPECT_EQ(r.status, 401);
  EXPECT_THAT(std::string(r.json().at("error").at("message").as_string()), HasSubstr("inactivity"));
}

TEST_F(SimAuthTest, WebinterfaceTimeoutControlsTheSessionTimeout) {
  ASSERT_TRUE(sim().out_of_band_replace("management/webinterface", json::parse(R"({"timeout":5})")));
  TestClient c = client();
  ASSERT_EQ(c.login().status, 200);
  sim().advance_clock(std::chrono::minutes(6));
  EXPECT_EQ(c.get("/api/configuration").status, 401);
}

TEST_F(SimAuthTest, ReadOnlyUserCanReadButNotWrite) {
  TestClient c = client();
  ASSERT_EQ(c.login("viewer", "s3cret-view").status, 200);
  EXPECT_EQ(c.get("/api/configuration/management/webinterface").status, 200);
  const TestResponse put = c.put("/api/configuration/management/webinterface", R"({"timeout":7})");
  EXPECT_EQ(put.status, 403);
  EXPECT_EQ(put.json().at("error").at("type"), "Unauthorized");
  EXPECT_EQ(put.json().at("error").at("details").at("path"),
            "/api/configuration/management/webinterface");
  EXPECT_EQ(c.post("/api/transaction", "").status, 403);
  EXPECT_FALSE(sim().transaction_open());
}

TEST_F(SimAuthTest, ClientThatDoesNotTrustTheCaCannotConnect) {
  auto other = sim::generate_certificates();  // a different, untrusted CA
  ASSERT_TRUE(other);
  TestClient c(sim().port(), other->ca_pem);
  EXPECT_EQ(c.get("/api/info").status, 0);
  EXPECT_EQ(c.last_outcome(), TransportOutcome::kError);
}

}  // namespace
}  // namespace sps::testing
