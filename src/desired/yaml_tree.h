#pragma once
// A YAML document as a compact tree, built from yaml-cpp's parser events. Internal to desired/.
//
// yaml-cpp's own tree (YAML::Load) allocates several reference-counted objects per node (a
// node, its data, a shared memory holder, the scalar, the tag), about 500 bytes each, and
// keeps all of them until the whole document is converted: for a desired state of 10,000
// objects that tree was most of the peak memory of `plan`, and building it a good part of
// the loading time. The loader needs much less: type, mark, tag, scalar text, children in
// order. This tree holds exactly that, built by a YAML::EventHandler exactly as yaml-cpp's
// NodeBuilder builds its tree (same nodes, tags and marks; an alias is the anchored node,
// with the anchored node's mark).
#include <yaml-cpp/mark.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sps::desired {

class YamlNode {
 public:
  enum class Type { kNull, kScalar, kSequence, kMap };

  bool IsNull() const { return m_type == Type::kNull; }
  bool IsScalar() const { return m_type == Type::kScalar; }
  bool IsSequence() const { return m_type == Type::kSequence; }
  bool IsMap() const { return m_type == Type::kMap; }
  const YAML::Mark& Mark() const { return m_mark; }
  /// "?" for a plain scalar, "!" for a quoted one, "" when none, else the tag as written
  /// ("!secret", "tag:yaml.org,2002:str"), as yaml-cpp reports it.
  const std::string& Tag() const { return m_tag; }
  const std::string& Scalar() const { return m_scalar; }

  /// A sequence's elements.
  std::size_t size() const { return IsSequence() ? m_children.size() : 0; }
  const YamlNode& operator[](std::size_t i) const { return m_children[i]; }
  const YamlNode* begin() const { return IsSequence() ? m_children.data() : nullptr; }
  const YamlNode* end() const { return IsSequence() ? m_children.data() + m_children.size() : nullptr; }

  /// A mapping's members, in document order (duplicate keys included), as (first, second).
  struct Member {
    const YamlNode& first;
    const YamlNode& second;
  };
  class Members {
   public:
    struct iterator {
      const YamlNode* at;
      Member operator*() const { return {at[0], at[1]}; }
      iterator& operator++() {
        at += 2;
        return *this;
      }
      bool operator!=(const iterator& other) const { return at != other.at; }
    };
    iterator begin() const { return {m_begin}; }
    iterator end() const { return {m_end}; }
    bool empty() const { return m_begin == m_end; }

   private:
    friend class YamlNode;
    Members(const YamlNode* b, const YamlNode* e) : m_begin(b), m_end(e) {}
    const YamlNode* m_begin;
    const YamlNode* m_end;
  };
  Members members() const {
    if (!IsMap()) return {nullptr, nullptr};
    return {m_children.data(), m_children.data() + m_children.size()};
  }
  std::size_t member_count() const { return IsMap() ? m_children.size() / 2 : 0; }
  /// The value of the first member whose key is the scalar `key` (as yaml-cpp's node[key]), or nullptr.
  const YamlNode* find(std::string_view key) const;

 private:
  friend class YamlTreeBuilder;
  Type m_type = Type::kNull;
  YAML::Mark m_mark = YAML::Mark::null_mark();
  std::string m_tag;
  std::string m_scalar;
  std::vector<YamlNode> m_children;  // a sequence's elements; a map's keys and values, alternating
};

/// Parses the first YAML document of text (as YAML::Load does). Throws YAML::Exception on a
/// syntax error, like YAML::Load. An empty document is a null node.
YamlNode load_yaml_tree(const std::string& text);

}  // namespace sps::desired
