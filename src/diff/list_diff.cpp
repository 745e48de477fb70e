#include "diff/list_diff.h"

#include "core/canonical_json.h"

#include <boost/json.hpp>

#include <algorithm>
#include <deque>
#include <map>

namespace sps::diff {
namespace json = boost::json;

namespace {

// Beyond this many cells, the common-subsequence table would cost more than the diff is
// worth; the unmatched middle is then compared by identity only.
constexpr std::size_t kMaxLcsCells = std::size_t{2000} * 2000;

std::vector<std::string> identities(const json::array& list, std::string_view key) {
  std::vector<std::string> out;
  out.reserve(list.size());
  for (const auto& e : list) {
    if (!key.empty()) out.emplace_back(e.as_object().at(key).as_string());
    else out.push_back(core::canonical_json(e));
  }
  return out;
}

/// Pairs of equal identities in before[b0, b1) and after[a0, a1) forming a longest common
/// subsequence, in order.
std::vector<std::pair<std::size_t, std::size_t>> lcs(const std::vector<std::string>& b, const std::vector<std::string>& a,
                                                     std::size_t b0, std::size_t b1, std::size_t a0, std::size_t a1) {
  const std::size_t n = b1 - b0;
  const std::size_t m = a1 - a0;
  std::vector<std::pair<std::size_t, std::size_t>> out;
  if (n == 0 || m == 0 || n * m > kMaxLcsCells) return out;
  // table[i][j]: LCS length of b[b0+i..b1) and a[a0+j..a1).
  std::vector<std::uint32_t> table((n + 1) * (m + 1), 0);
  auto at = [&](std::size_t i, std::size_t j) -> std::uint32_t& { return table[i * (m + 1) + j]; };
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = m; j-- > 0;) {
      at(i, j) = b[b0 + i] == a[a0 + j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
    }
  }
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < n && j < m) {
    if (b[b0 + i] == a[a0 + j]) {
      out.emplace_back(b0 + i, a0 + j);
      ++i;
      ++j;
    } else if (at(i + 1, j) >= at(i, j + 1)) {
      ++i;
    } else {
      ++j;
    }
  }
  return out;
}

std::vector<ElementPair> align_set(const json::array& before, const json::array& after) {
  const auto b = identities(before, {});
  const auto a = identities(after, {});
  std::map<std::string, std::deque<std::size_t>> unused;  // identity -> before indexes not yet paired
  for (std::size_t i = 0; i < b.size(); ++i) unused[b[i]].push_back(i);
  std::vector<ElementPair> pairs;
  std::vector<ElementPair> added;
  std::vector<bool> paired(b.size(), false);
  for (std::size_t j = 0; j < a.size(); ++j) {
    auto it = unused.find(a[j]);
    if (it != unused.end() && !it->second.empty()) {
      pairs.push_back({it->second.front(), j, false});
      paired[it->second.front()] = true;
      it->second.pop_front();
    } else {
      added.push_back({std::nullopt, j, false});
    }
  }
  std::vector<ElementPair> removed;
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (!paired[i]) removed.push_back({i, std::nullopt, false});
  }
  pairs.insert(pairs.end(), added.begin(), added.end());
  pairs.insert(pairs.end(), removed.begin(), removed.end());
  return pairs;
}

}  // namespace

std::string_view to_string(ListMatch m) {
  switch (m) {
    case ListMatch::kNone: return "";
    case ListMatch::kSet: return "set";
    case ListMatch::kOrdered: return "ordered";
    case ListMatch::kKey: return "key";
    case ListMatch::kPosition: return "position";
  }
  return "";
}

std::string_view to_string(ElementChange::Op op) {
  switch (op) {
    case ElementChange::Op::kAdded: return "added";
    case ElementChange::Op::kRemoved: return "removed";
    case ElementChange::Op::kMoved: return "moved";
    case ElementChange::Op::kChanged: return "changed";
  }
  return "changed";
}

bool all_objects(const json::array& before, const json::array& after) {
  if (before.empty() && after.empty()) return false;
  auto objects = [](const json::array& l) {
    return std::all_of(l.begin(), l.end(), [](const json::value& e) { return e.is_object(); });
  };
  return objects(before) && objects(after);
}

std::string natural_key(const json::array& before, const json::array& after) {
  static constexpr std::string_view kKey = "name";
  if (!all_objects(before, after)) return {};
  for (const json::array* list : {&before, &after}) {
    std::vector<std::string_view> seen;
    for (const auto& e : *list) {
      const json::value* v = e.get_object().if_contains(kKey);
      if (v == nullptr || !v->is_string() || v->get_string().empty()) return {};
      seen.emplace_back(v->get_string());
    }
    std::sort(seen.begin(), seen.end());
    if (std::adjacent_find(seen.begin(), seen.end()) != seen.end()) return {};
  }
  return std::string(kKey);
}

std::vector<ElementPair> align_elements(const json::array& before, const json::array& after, ListMatch match,
                                        std::string_view key) {
  if (match == ListMatch::kSet) return align_set(before, after);
  const auto b = identities(before, match == ListMatch::kKey ? key : std::string_view{});
  const auto a = identities(after, match == ListMatch::kKey ? key : std::string_view{});

  // Anchors: the common prefix, the longest common subsequence of the middle, the common suffix.
  std::size_t prefix = 0;
  while (prefix < b.size() && prefix < a.size() && b[prefix] == a[prefix]) ++prefix;
  std::size_t suffix = 0;
  while (suffix < b.size() - prefix && suffix < a.size() - prefix && b[b.size() - 1 - suffix] == a[a.size() - 1 - suffix]) {
    ++suffix;
  }
  std::vector<std::pair<std::size_t, std::size_t>> anchors;
  for (std::size_t i = 0; i < prefix; ++i) anchors.emplace_back(i, i);
  for (const auto& p : lcs(b, a, prefix, b.size() - suffix, prefix, a.size() - suffix)) anchors.push_back(p);
  for (std::size_t k = suffix; k > 0; --k) anchors.emplace_back(b.size() - k, a.size() - k);

  // Elements outside the anchors that are still on both sides moved.
  std::vector<bool> b_anchored(b.size(), false);
  std::vector<bool> a_anchored(a.size(), false);
  for (const auto& [i, j] : anchors) {
    b_anchored[i] = true;
    a_anchored[j] = true;
  }
  std::map<std::string, std::deque<std::size_t>> loose;  // identity -> unanchored before indexes
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (!b_anchored[i]) loose[b[i]].push_back(i);
  }
  std::vector<std::optional<std::size_t>> partner(a.size());  // after index -> before index
  std::vector<bool> moved(a.size(), false);                  // paired by identity out of sequence
  std::vector<bool> b_taken(b.size(), false);
  for (std::size_t j = 0; j < a.size(); ++j) {
    if (a_anchored[j]) continue;
    auto it = loose.find(a[j]);
    if (it == loose.end() || it->second.empty()) continue;
    partner[j] = it->second.front();
    moved[j] = true;
    b_taken[it->second.front()] = true;
    it->second.pop_front();
  }
  // Lists of objects without a key: what is left between the same two anchors pairs by
  // position, to show the changed fields of each.
  if (match == ListMatch::kPosition) {
    std::size_t bi = 0;
    std::size_t aj = 0;
    auto pair_gap = [&](std::size_t b_end, std::size_t a_end) {
      std::vector<std::size_t> rest_b;
      for (; bi < b_end; ++bi) {
        if (!b_taken[bi]) rest_b.push_back(bi);
      }
      std::size_t next = 0;
      for (; aj < a_end; ++aj) {
        if (partner[aj] || next == rest_b.size()) continue;
        partner[aj] = rest_b[next];
        b_taken[rest_b[next++]] = true;
      }
    };
    for (const auto& [ai, ak] : anchors) {
      pair_gap(ai, ak);
      bi = ai + 1;
      aj = ak + 1;
    }
    pair_gap(b.size(), a.size());
  }

  // The merged edit script: before each anchor, the removed elements of the gap, then the
  // gap's elements of after (added, or paired from elsewhere).
  std::vector<ElementPair> out;
  std::size_t i = 0;
  std::size_t j = 0;
  auto flush_gap = [&](std::size_t b_end, std::size_t a_end) {
    for (; i < b_end; ++i) {
      if (!b_taken[i]) out.push_back({i, std::nullopt, false});
    }
    for (; j < a_end; ++j) {
      if (partner[j]) out.push_back({partner[j], j, moved[j]});
      else out.push_back({std::nullopt, j, false});
    }
  };
  for (const auto& [ai, aj] : anchors) {
    flush_gap(ai, aj);
    out.push_back({ai, aj, false});
    i = ai + 1;
    j = aj + 1;
  }
  flush_gap(b.size(), a.size());
  return out;
}

}  // namespace sps::diff
