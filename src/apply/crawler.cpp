#include "apply/crawler.h"

#include "catalog/discover.h"

#include <boost/json.hpp>

#include <set>

namespace sps::apply {
namespace json = boost::json;

namespace {

std::string rest_path(const std::string& node) {
  return node.empty() ? "/api/configuration" : "/api/configuration/" + node;
}

// Why a node that answered with an error is left out, or empty when the error is fatal.
std::string skip_reason(const core::Error& e) {
  switch (e.code) {
    case core::ErrorCode::kPermissionDenied: return "this user may not read it (" + e.message + ")";
    case core::ErrorCode::kNotFound: return "listed by its directory but not found (" + e.message + ")";
    case core::ErrorCode::kRejected: return "it cannot be read (" + e.message + ")";
    default: return {};
  }
}

}  // namespace

core::Result<Crawl> crawl_configuration(appliance::ApplianceApi& api, std::size_t max_nodes) {
  Crawl crawl;
  std::set<std::string> seen{""};
  std::vector<std::string> level{""};
  while (!level.empty()) {
    std::vector<std::string> paths;
    for (const auto& node : level) paths.push_back(rest_path(node));
    auto answers = api.get_many(paths);
    std::vector<std::string> next;
    for (std::size_t i = 0; i < level.size(); ++i) {
      auto& answer = answers[i];
      if (!answer) {
        const std::string why = skip_reason(answer.error());
        if (why.empty() || level[i].empty()) {
          core::Error e = answer.error();
          e.message = "reading " + paths[i] + ": " + e.message;
          return e;
        }
        crawl.skipped.emplace_back(level[i], why);
        continue;
      }
      const auto children = catalog::directory_children(answer->body);
      if (children.empty()) {
        // An endpoint (a singleton or a collection, possibly empty); the root is only a directory.
        if (!level[i].empty()) crawl.endpoints.emplace(level[i], std::move(answer->body));
        continue;
      }
      for (const auto& child : children) {
        // Children must lie below their directory: a listing that points elsewhere (or back
        // up) would make the crawl loop.
        const bool below = level[i].empty() || child.starts_with(level[i] + "/");
        if (!below || !catalog::is_configuration_path(child) || !seen.insert(child).second) continue;
        if (seen.size() > max_nodes) {
          crawl.skipped.emplace_back(child, "the crawl stopped after " + std::to_string(max_nodes) + " nodes");
          continue;
        }
        next.push_back(child);
      }
    }
    level = std::move(next);
  }
  return crawl;
}

}  // namespace sps::apply
