#include "desired/yaml_tree.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <sstream>
#include <utility>

namespace sps::desired {

const YamlNode* YamlNode::find(std::string_view key) const {
  for (const Member m : members()) {
    if (m.first.IsScalar() && m.first.Scalar() == key) return &m.second;
  }
  return nullptr;
}

/// Builds the tree from parser events, as yaml-cpp's NodeBuilder does: a collection is open
/// on the stack until its end event; each finished node goes to its parent (or is the root);
/// an anchored node is remembered, and an alias adds a copy of it. Expansion by aliases is
/// bounded before this runs (check_aliases).
class YamlTreeBuilder final : public YAML::EventHandler {
 public:
  YamlNode take_root() { return std::move(m_root); }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    YamlNode node;
    node.m_type = YamlNode::Type::kNull;
    node.m_mark = mark;
    finish(std::move(node), anchor);
  }
  void OnAlias(const YAML::Mark&, YAML::anchor_t anchor) override {
    // The anchor is complete: an alias inside the node it names (a cycle) is refused by
    // check_aliases before the tree is built. Unknown anchors are the parser's error.
    finish(anchor < m_anchors.size() ? m_anchors[anchor] : YamlNode(), YAML::NullAnchor);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    YamlNode node;
    node.m_type = YamlNode::Type::kScalar;
    node.m_mark = mark;
    node.m_tag = tag;
    node.m_scalar = value;
    finish(std::move(node), anchor);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(YamlNode::Type::kSequence, mark, tag, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(YamlNode::Type::kMap, mark, tag, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  void open(YamlNode::Type type, const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor) {
    YamlNode node;
    node.m_type = type;
    node.m_mark = mark;
    node.m_tag = tag;
    m_open.push_back(std::move(node));
    m_open_anchors.push_back(anchor);
  }
  void close() {
    if (m_open.empty()) return;
    YamlNode node = std::move(m_open.back());
    const YAML::anchor_t anchor = m_open_anchors.back();
    m_open.pop_back();
    m_open_anchors.pop_back();
    node.m_children.shrink_to_fit();
    finish(std::move(node), anchor);
  }
  void finish(YamlNode node, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) {
      if (anchor >= m_anchors.size()) m_anchors.resize(anchor + 1);
      m_anchors[anchor] = node;
    }
    if (m_open.empty()) {
      m_root = std::move(node);
    } else {
      m_open.back().m_children.push_back(std::move(node));
    }
  }

  YamlNode m_root;
  std::vector<YamlNode> m_open;  // collections not yet ended, outermost first
  std::vector<YAML::anchor_t> m_open_anchors;
  std::vector<YamlNode> m_anchors;  // by yaml-cpp's anchor number (1-based, per document)
};

YamlNode load_yaml_tree(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  YamlTreeBuilder builder;
  parser.HandleNextDocument(builder);
  return builder.take_root();
}

}  // namespace sps::desired
