#pragma once
// "Did you mean ...?" suggestions for misspelt names (kind paths, field names, references).
// Pure string functions; no knowledge of the catalog.
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace sps::desired {

/// Edit distance: insertions, deletions, substitutions and swaps of neighbours cost 1 each.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word`, if it is close enough to be a plausible typo: at most
/// a third of the longer word's length in edits (minimum 1, maximum 3), or a candidate whose
/// last "/" segment equals `word` ("backup_policies" -> "policies/backup_policies").
/// Ties keep the first candidate, so callers pass candidates in a stable order.
std::optional<std::string> closest_match(std::string_view word, std::span<const std::string> candidates);

/// `did you mean "x"?`, or "" when nothing is close.
std::string did_you_mean(std::string_view word, std::span<const std::string> candidates);
/// The same for a closest_match() already computed.
std::string did_you_mean(const std::optional<std::string>& match);

}  // namespace sps::desired
