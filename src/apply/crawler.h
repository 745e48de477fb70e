#pragma once
// Crawls the configuration tree of an appliance from /api/configuration: directory
// listings ({"items": [{key, meta: {href}}]} without bodies) are followed level by level,
// each level in one parallel wave; every other answer is an endpoint (a singleton or a
// collection), kept with its GET document so it is not read twice. I/O only through
// appliance::ApplianceApi. Used by `export --all`.
#include "appliance/appliance_api.h"
#include "core/error.h"

#include <boost/json/value.hpp>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace sps::apply {

/// What the crawl found.
struct Crawl {
  /// Endpoint path (relative to /api/configuration) -> its GET document.
  std::map<std::string, boost::json::value> endpoints;
  /// Nodes that could not be read (path, why): no privilege, not readable, not found.
  std::vector<std::pair<std::string, std::string>> skipped;
};

/// Crawls at most `max_nodes` nodes (a bound against a hostile or looping tree; the nodes
/// beyond it are reported in Crawl::skipped). A node answering 403, 404 or 405 is skipped
/// with the reason; any other failure (transport, 5xx) fails the crawl, naming the node.
core::Result<Crawl> crawl_configuration(appliance::ApplianceApi& api, std::size_t max_nodes = 4096);

}  // namespace sps::apply
