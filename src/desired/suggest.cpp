#include "desired/suggest.h"

#include <algorithm>
#include <vector>

namespace sps::desired {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment distance: a swap of two neighbouring letters ("prot" for
  // "port") is the most common typo, so it counts as one edit, not two.
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

std::optional<std::string> closest_match(std::string_view word, std::span<const std::string> candidates) {
  // A user who writes the last segment of a kind path alone almost certainly means that kind.
  for (const auto& c : candidates) {
    const auto slash = c.rfind('/');
    if (slash != std::string::npos && std::string_view(c).substr(slash + 1) == word) return c;
  }
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    // Allow roughly one edit per three characters: "prot" -> "port" but not "foo" -> "bar".
    const std::size_t limit = std::clamp<std::size_t>(std::max(word.size(), c.size()) / 3, 1, 3);
    if (d == 0 || d > limit) continue;
    if (!best || d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view word, std::span<const std::string> candidates) {
  return did_you_mean(closest_match(word, candidates));
}

std::string did_you_mean(const std::optional<std::string>& match) {
  return match ? "did you mean \"" + *match + "\"?" : std::string{};
}

}  // namespace sps::desired
