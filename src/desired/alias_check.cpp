#include "desired/alias_check.h"

#include "desired/limits.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <sstream>
#include <vector>

namespace sps::desired {
namespace {

/// What a node stands for once every alias in it is expanded.
struct Size {
  std::size_t nodes = 0;
  std::size_t bytes = 0;
};

/// Thrown (and caught below) to stop parsing at the first alias over a limit.
struct LimitReached {
  AliasProblem problem;
};

/// Computes the expanded size of every anchored node as the events arrive, and adds an
/// anchor's size to the totals at each alias that names it.
class AliasMeter final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t anchor) override { leaf(anchor, 0); }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t anchor, const std::string& value) override {
    leaf(anchor, value.size());
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    // yaml-cpp registers an anchor when its node starts, so "&a [*a]" makes a node that
    // contains itself: every walk over it would recurse without end.
    if (std::any_of(m_open.begin(), m_open.end(), [&](const Open& open) { return open.anchor == anchor; })) {
      stop(mark, "this YAML alias refers to a value that contains it (a cycle)",
           "an alias (*name) may only name a value (&name) that is complete before it");
    }
    const Size size = anchor < m_anchors.size() ? m_anchors[anchor] : Size{1, 0};
    ++m_aliases;
    m_nodes += size.nodes;
    m_bytes += size.bytes;
    if (m_aliases > kMaxAliases) {
      stop(mark, "more than " + std::to_string(kMaxAliases) + " YAML aliases in one document");
    }
    if (m_nodes > kMaxAliasNodes) {
      stop(mark, "YAML aliases expand to more than " + std::to_string(kMaxAliasNodes) + " values (this alias adds " +
                     std::to_string(size.nodes) + ")");
    }
    if (m_bytes > kMaxAliasBytes) {
      stop(mark, "YAML aliases expand to more than " + describe_size(kMaxAliasBytes) + " of text (this alias adds " +
                     describe_size(size.bytes) + ")");
    }
    add_to_parent(size);
  }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    m_open.push_back({anchor, {1, 0}});
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    m_open.push_back({anchor, {1, 0}});
  }
  void OnMapEnd() override { close(); }

 private:
  struct Open {
    YAML::anchor_t anchor;
    Size size;
  };

  [[noreturn]] static void stop(const YAML::Mark& mark, std::string message,
                                std::string hint = "an alias (*name) repeats the whole anchored value (&name); "
                                                   "write the values out, or anchor smaller ones") {
    throw LimitReached{{std::max(mark.line, 0), std::max(mark.column, 0), std::move(message), std::move(hint)}};
  }

  void leaf(YAML::anchor_t anchor, std::size_t bytes) {
    const Size size{1, bytes};
    remember(anchor, size);
    add_to_parent(size);
  }
  void close() {
    if (m_open.empty()) return;
    const Open done = m_open.back();
    m_open.pop_back();
    remember(done.anchor, done.size);
    add_to_parent(done.size);
  }
  void remember(YAML::anchor_t anchor, Size size) {
    if (anchor == YAML::NullAnchor) return;
    if (anchor >= m_anchors.size()) m_anchors.resize(anchor + 1);
    m_anchors[anchor] = size;
  }
  // Sizes stay below the limits plus the document's own size: parsing stops at the first
  // alias that crosses a limit, so these sums cannot overflow.
  void add_to_parent(Size size) {
    if (m_open.empty()) return;
    m_open.back().size.nodes += size.nodes;
    m_open.back().size.bytes += size.bytes;
  }

  std::vector<Open> m_open;
  std::vector<Size> m_anchors;  // by yaml-cpp's anchor number (1-based, per document)
  std::size_t m_aliases = 0;
  std::size_t m_nodes = 0;
  std::size_t m_bytes = 0;
};

}  // namespace

std::optional<AliasProblem> check_aliases(std::string_view document) {
  // Without both an anchor and an alias indicator there is nothing to expand; skipping the
  // extra parse keeps the common case (no anchors at all) at one pass over the text.
  if (document.find('&') == std::string_view::npos || document.find('*') == std::string_view::npos) {
    return std::nullopt;
  }
  std::istringstream in{std::string(document)};
  AliasMeter meter;
  try {
    YAML::Parser parser(in);
    parser.HandleNextDocument(meter);
  } catch (const LimitReached& reached) {
    return reached.problem;
  } catch (const std::exception&) {
    return std::nullopt;  // a syntax error: YAML::Load reports it with its own message
  }
  return std::nullopt;
}

}  // namespace sps::desired
