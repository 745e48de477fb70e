#include "sim/cli.h"

#include "catalog/written_for.h"

#include <CLI/CLI.hpp>
#include <CLI/Version.hpp>
#include <boost/version.hpp>
#include <openssl/crypto.h>

#include <csignal>
#include <iostream>

namespace sps::sim {

core::Result<void> parse_listen(std::string_view text, Options& options) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == text.size()) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "invalid --listen '" + std::string(text) + "'",
                       "expected HOST:PORT, e.g. 127.0.0.1:8443 or [::1]:0 (port 0 = pick one)");
  }
  std::string host(text.substr(0, colon));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned long port = 0;
  try {
    std::size_t used = 0;
    port = std::stoul(std::string(text.substr(colon + 1)), &used);
    if (used != text.size() - colon - 1 || port > 65535) throw std::out_of_range("port");
  } catch (const std::exception&) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "invalid port in --listen '" + std::string(text) + "'",
                       "the port must be a number from 0 to 65535");
  }
  options.host = host;
  options.port = static_cast<std::uint16_t>(port);
  return {};
}

int run_cli(int argc, char** argv) {
  CLI::App app{
      "sps-sim: an HTTPS simulator of the One Identity Safeguard for Privileged Sessions "
      "REST API (authentication, configuration tree, transactions, changelog) with fault "
      "injection. Prints \"listening on https://HOST:PORT\" once ready; SIGINT/SIGTERM stop it."};
  Options options;
  const std::string boost = std::to_string(BOOST_VERSION / 100000) + "." + std::to_string(BOOST_VERSION / 100 % 1000) +
                            "." + std::to_string(BOOST_VERSION % 100);
  app.set_version_flag("--version",
                       std::string("sps-sim ") + SPS_VERSION + "\ngit commit:  " + SPS_GIT_COMMIT +
                           "\nbuilt:       " + SPS_BUILD_DATE + "\nlibraries:   " + OpenSSL_version(OPENSSL_VERSION) +
                           ", Boost " + boost + ", CLI11 " + CLI11_VERSION + "\nsimulates:   SPS firmware " +
                           options.firmware_version + " by default (--firmware-version); the REST API of " +
                           catalog::kWrittenForSps,
                       "Print the version, Git commit, build date, library versions and the simulated firmware");
  std::string listen = "127.0.0.1:8443";
  std::vector<std::string> users;
  std::vector<std::string> faults;
  std::vector<std::string> login_methods;
  std::string latency;
  long transaction_timeout = 600;
  long session_timeout = 0;
  app.add_option("--listen", listen, "HOST:PORT to listen on; port 0 picks a free port")
      ->capture_default_str();
  app.add_option("--ca-out", options.ca_out,
                 "Write the generated CA certificate (PEM) here; clients trust it with "
                 "--cacert / --ca-file");
  app.add_option("--cert", options.cert_file, "Server certificate chain (PEM) instead of a generated one")
      ->check(CLI::ExistingFile);
  app.add_option("--key", options.key_file, "Private key (PEM) for --cert")->check(CLI::ExistingFile);
  app.add_option("--seed", options.seed_dir,
                 "Directory of <path>.json seed files, any path under /api/configuration "
                 "(default: the built-in fresh appliance)")
      ->check(CLI::ExistingDirectory);
  app.add_option("--user", users,
                 "NAME:PASSWORD[:readonly][:method=LOGIN_METHOD] allowed to log in (repeatable; default "
                 "admin:admin, in the local login method)");
  app.add_option("--login-method", login_methods,
                 "NAME:local|ldap[:x509][:nopassword] login method (repeatable; the first is the default; "
                 "default local:local:x509)");
  app.add_option("--client-cert-out", options.client_cert_out,
                 "Write a client certificate (PEM) for --client-cert-user, issued by the generated CA, here");
  app.add_option("--client-key-out", options.client_key_out, "Write the client certificate's private key (PEM) here");
  app.add_option("--client-pkcs12-out", options.client_pkcs12_out,
                 "Write the client certificate and key as a PKCS#12 bundle here (passphrase sps-sim)");
  app.add_option("--client-cert-user", options.client_cert_user, "User named by the client certificate")
      ->capture_default_str();
  app.add_option("--role", options.roles,
                 "A role reported by GET /api/info (repeatable), e.g. managed-host, central-management");
  unsigned cluster_nodes = 0;
  long long cluster_sync_delay_ms = 0;
  app.add_option("--cluster-nodes", cluster_nodes,
                 "Be the central management node of a cluster of N managed hosts (node-1.cluster.example, "
                 "...), served by GET /api/cluster/status")
      ->check(CLI::Range(0U, 1000U));
  app.add_option("--cluster-sync-delay-ms", cluster_sync_delay_ms,
                 "Milliseconds from a commit until each managed host has taken it")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--latency-ms", latency, "N[:JITTER] milliseconds added before each answer");
  app.add_option("--fault", faults,
                 "Fault rule (repeatable): status=CODE[,type=T][,message=M] | drop=before|after "
                 "| stall | expire, each with optional method=M (or WRITE), path=GLOB, nth=N; "
                 "or lock-held-by=NAME | reject-commit[=N] | cluster-never-syncs=NODE | cluster-issue=NODE. "
                 "See sim/README.md");
  app.add_option("--transaction-timeout", transaction_timeout,
                 "Seconds a transaction may stay idle before it is rolled back and its session "
                 "terminated")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--session-timeout", session_timeout,
                 "Idle session timeout in seconds (default: management/webinterface.timeout "
                 "minutes, else 1200)")
      ->check(CLI::PositiveNumber);
  app.add_option("--journal", options.journal_file, "Append every request as a JSON line to FILE");
  app.add_flag("--debug-endpoints", options.debug_endpoints,
               "Serve GET /api/_debug/journal (unauthenticated; never on shared hosts)");
  app.add_flag("!--no-listing-bodies", options.listings_include_bodies,
               "Collection listings carry key and href only (SPS 6.0 behaviour)");
  app.add_option("--firmware-version", options.firmware_version, "Reported by GET /api/info")
      ->capture_default_str();
  app.add_option("--rng-seed", options.rng_seed, "Seed for generated keys (0 = random)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  auto fail = [](const core::Error& error, int code) {
    std::cerr << "sps-sim: " << error.message;
    if (!error.detail.empty()) std::cerr << " (" << error.detail << ")";
    std::cerr << "\n";
    return code;
  };
  if (auto ok = parse_listen(listen, options); !ok) return fail(ok.error(), 2);
  if (!users.empty()) {
    options.users.clear();
    for (const auto& spec : users) {
      auto user = parse_user(spec);
      if (!user) return fail(user.error(), 2);
      options.users.push_back(std::move(*user));
    }
  }
  if (!login_methods.empty()) {
    options.login_methods.clear();
    for (const auto& spec : login_methods) {
      auto method = parse_login_method(spec);
      if (!method) return fail(method.error(), 2);
      options.login_methods.push_back(std::move(*method));
    }
  }
  options.cluster_nodes = cluster_of(cluster_nodes);
  options.cluster_sync_delay = std::chrono::milliseconds(cluster_sync_delay_ms);
  for (const auto& spec : faults) {
    if (auto ok = apply_fault_spec(spec, options); !ok) return fail(ok.error(), 2);
  }
  if (!latency.empty()) {
    const auto colon = latency.find(':');
    try {
      options.latency = std::chrono::milliseconds(std::stol(latency.substr(0, colon)));
      if (colon != std::string::npos) {
        options.latency_jitter = std::chrono::milliseconds(std::stol(latency.substr(colon + 1)));
      }
    } catch (const std::exception&) {
      return fail(core::Error(core::ErrorCode::kInvalidArgument,
                              "invalid --latency-ms '" + latency + "'", "expected N or N:JITTER"),
                  2);
    }
  }
  options.transaction_timeout = std::chrono::seconds(transaction_timeout);
  if (session_timeout > 0) options.session_timeout = std::chrono::seconds(session_timeout);
  if (options.cert_file.empty() != options.key_file.empty()) {
    return fail(core::Error(core::ErrorCode::kInvalidArgument, "--cert and --key go together"), 2);
  }

  // Block the stop signals before the server thread starts (it inherits the mask), then
  // wait for them synchronously here: no async-signal-safety concerns.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  Simulator sim(std::move(options));
  if (auto started = sim.start(); !started) return fail(started.error(), 1);
  std::cout << "listening on " << sim.url() << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  sim.stop();
  return 0;
}

}  // namespace sps::sim
