#pragma once
// Pairs the elements of two versions of a list, so a change to one entry of a long list is
// shown as that entry, not as two whole lists. Pure.
//
// How elements are paired depends on what the list is (diff::ListMatch):
//   * set (the catalog's set_lists): equal elements pair wherever they are; the others are
//     added or removed;
//   * ordered: equal elements pair in order (common prefix and suffix, then the longest common
//     subsequence); an element that left the sequence but is still there is moved;
//   * key: lists of objects that all carry a natural key (natural_key()) pair by it, so a
//     renamed field inside one element is a change of that element;
//   * position: other lists of objects: equal elements pair as for ordered lists, and the
//     rest pair in order of position, to show the changed fields of each.
#include "diff/diff.h"

#include <boost/json/array.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sps::diff {

/// One line of the pairing: an element of before, of after, or of both.
struct ElementPair {
  std::optional<std::size_t> before;  // index in before; empty: added
  std::optional<std::size_t> after;   // index in after; empty: removed
  bool moved = false;  // paired outside the common sequence: it changed place
};

/// The member that identifies the elements of both lists: "name" when every element of both
/// lists is an object whose "name" is a non-empty string, unique within each list; else "".
std::string natural_key(const boost::json::array& before, const boost::json::array& after);

/// Whether both lists hold objects only (and at least one element).
bool all_objects(const boost::json::array& before, const boost::json::array& after);

/// Pairs the elements of before and after. Every index of each list appears exactly once.
/// Order: the order of a merged edit script (removed elements just before the elements that
/// replace them; paired and added elements in after order); for sets, pairs, then added
/// elements in after order, then removed ones in before order. key: the natural key for
/// ListMatch::kKey. Bounded: lists whose unmatched middle exceeds 2,000 x 2,000 elements
/// skip the common-subsequence search (elements are then added, removed or moved).
std::vector<ElementPair> align_elements(const boost::json::array& before, const boost::json::array& after,
                                        ListMatch match, std::string_view key = {});

}  // namespace sps::diff
