#include "model/ignore_rule.h"

#include "core/json_pointer.h"

namespace sps::model {

bool IgnoreRule::matches(const model::Address& address, std::string_view field) const {
  if (address.kind != kind) return false;
  if (!name.empty() && address.name != name) return false;
  if (pointer.empty()) return true;
  if (field.empty()) return false;
  // The rule covers its pointer and everything below it: compare the rule's tokens with the
  // field's leading tokens. A change above the rule (a union replaced whole) is not covered,
  // since it also changes fields the rule does not name.
  const auto want = core::split_pointer(pointer);
  const auto have = core::split_pointer(field);
  if (have.size() < want.size()) return false;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i] != "*" && want[i] != have[i]) return false;
  }
  return true;
}

core::Result<IgnoreRule> parse_ignore_rule(std::string_view text, const catalog::Catalog& catalog) {
  const std::string how = "write kind[name]/json/pointer or kind/json/pointer";
  IgnoreRule rule;
  rule.text = std::string(text);
  std::string rest;
  if (const auto bracket = text.find('['); bracket != std::string_view::npos) {
    const auto close = text.find(']', bracket);
    if (close == std::string_view::npos || close == bracket + 1) {
      return core::Error(core::ErrorCode::kInvalidArgument, "malformed ignore rule \"" + rule.text + "\"", how);
    }
    rule.kind = std::string(text.substr(0, bracket));
    rule.name = std::string(text.substr(bracket + 1, close - bracket - 1));
    rest = std::string(text.substr(close + 1));
  } else {
    // Kind paths contain "/": the kind is the longest catalog path the rule starts with.
    for (const auto& k : catalog.kinds()) {
      if ((text == k.path || text.starts_with(k.path + "/")) && k.path.size() > rule.kind.size()) rule.kind = k.path;
    }
    if (rule.kind.empty()) {
      return core::Error(core::ErrorCode::kNotFound, "unknown kind in ignore rule \"" + rule.text + "\"", how);
    }
    rest = std::string(text.substr(rule.kind.size()));
  }
  if (catalog.find(rule.kind) == nullptr) {
    return core::Error(core::ErrorCode::kNotFound,
                       "unknown kind \"" + rule.kind + "\" in ignore rule \"" + rule.text + "\"", how);
  }
  if (!rest.empty() && rest.front() != '/') {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "malformed ignore rule \"" + rule.text + "\": the JSON pointer must start with \"/\"", how);
  }
  rule.pointer = rest;
  return rule;
}

}  // namespace sps::model
