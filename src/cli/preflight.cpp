#include "cli/preflight.h"

#include "catalog/catalog.h"
#include "cli/connection.h"

#include <ostream>

namespace sps::cli {

std::string managed_host_note() {
  return "this node is a managed host of Central Management: its configuration is synchronised from the central "
         "management node, so apply refuses to change it here; apply to the central management node";
}

std::optional<apply::ApplianceInfo> describe_appliance(appliance::ApplianceApi& api, plan::Plan* plan, Io& io,
                                                       const appliance::Answers* known) {
  auto info = apply::read_appliance_info(api, known);
  if (!info) {
    io.err << "warning: cannot read GET /api/info (" << info.error().message
           << "); the firmware version and the node's roles are unknown\n";
    return std::nullopt;
  }
  if (plan != nullptr) {
    plan->firmware_version = info->firmware_version;
    if (info->managed_host()) plan->notes.push_back(managed_host_note());
  }
  return *info;
}

bool preflight_apply(const plan::Plan& plan, appliance::ApplianceApi& api, const apply::ApplianceInfo* info, Io& io,
                     const appliance::Answers* known) {
  const catalog::Catalog& catalog = catalog::Catalog::builtin();
  bool ok = true;
  if (info != nullptr) {
    for (const auto& problem : apply::firmware_problems(plan, catalog, info->firmware_version)) {
      io.err << "error: " << problem << '\n';
      ok = false;
    }
  }
  auto endpoints = apply::read_user_endpoints(api, known);
  if (!endpoints) {
    print_error(endpoints.error(), io);
    return false;
  }
  if (!*endpoints) {
    io.err << "warning: the appliance has neither /api/user_info nor /api/endpoints; privileges are checked "
              "by the appliance during the transaction\n";
  } else {
    for (const auto& missing : apply::missing_privileges(plan, catalog, **endpoints)) {
      io.err << "error: missing privilege: " << missing.method << ' ' << missing.path
             << " is not allowed for this user (GET /api/user_info); give the user's group write access to that "
                "page, or use another user\n";
      ok = false;
    }
  }
  if (!ok) io.err << "error: apply did not start; no transaction was opened and nothing was changed\n";
  return ok;
}

}  // namespace sps::cli
