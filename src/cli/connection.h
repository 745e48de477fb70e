#pragma once
// Connection options shared by every command that talks to an appliance (plan, apply,
// drift, export): --url, --username, --password-file, --ca-file, --insecure, --timeout,
// --verbose, and the environment variables SPS_URL, SPS_USERNAME, SPS_PASSWORD,
// SPS_CA_FILE (a flag wins over its variable). A password is never accepted as a
// command-line argument: it would show in process listings and shell history.
#include "appliance/appliance_api.h"
#include "cli/cli.h"
#include "core/error.h"

#include <memory>
#include <string>

namespace CLI {
class App;
}

namespace sps::cli {

/// Parsed connection flags (before the environment is consulted).
struct ConnectionOptions {
  std::string url;
  std::string username;
  std::string password_file;
  std::string ca_file;
  bool insecure = false;
  double timeout_seconds = 30;
  bool verbose = false;
};

/// Adds the connection flags to a subcommand.
void add_connection_options(CLI::App& app, ConnectionOptions& options);

/// An appliance session ready to use (logged in), plus the URL it talks to.
struct Connection {
  std::unique_ptr<appliance::ApplianceApi> api;
  std::string url;
};

/// Resolves flags and environment, warns on --insecure (to io.err), creates the HTTPS API
/// and logs in. Errors say what is missing or wrong and how to fix it.
core::Result<Connection> connect(const ConnectionOptions& options, Io& io);

/// Prints an error (message, detail, and a hint for common causes) to io.err.
void print_error(const core::Error& error, Io& io);

}  // namespace sps::cli
