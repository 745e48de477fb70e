// Field changes as lines for people: one line per changed field, and for a list compared
// element by element, one line per changed element with its nested changes below. Long
// values are folded so the changed part stays visible. Secrets never reach a line.
#include "render/render.h"

#include <boost/json.hpp>

namespace sps::render {
namespace json = boost::json;
using diff::Action;
using diff::ElementChange;

namespace {

bool continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

/// The largest n <= want that does not cut a UTF-8 sequence of text at text[n].
std::size_t char_boundary(std::string_view text, std::size_t want) {
  std::size_t n = std::min(want, text.size());
  while (n > 0 && n < text.size() && continuation(text[n])) --n;
  return n;
}

std::string element_label(const diff::FieldChange& f, const ElementChange& e) {
  std::string out;
  if (f.list != diff::ListMatch::kSet) {
    if (e.op == ElementChange::Op::kAdded) out = "[" + std::to_string(*e.after_index) + "]";
    else if (e.op == ElementChange::Op::kRemoved) out = "[" + std::to_string(*e.before_index) + "]";
    else if (*e.before_index == *e.after_index) out = "[" + std::to_string(*e.after_index) + "]";
    else out = "[" + std::to_string(*e.before_index) + "] -> [" + std::to_string(*e.after_index) + "]";
  }
  if (!e.key.empty()) out += (out.empty() ? "" : " ") + f.list_key + "=" + json::serialize(json::string(e.key));
  return out;
}

/// "value" or "label value", folded.
std::string labelled(const std::string& label, const std::string& value, std::vector<std::string>& folded,
                     const std::string& path) {
  const std::string shown = fold_value(value);
  if (shown.size() != value.size()) folded.push_back(path + ": " + value);
  return label.empty() ? shown : label + " " + shown;
}

void element_lines(const diff::FieldChange& f, const std::string& path, std::size_t depth,
                   std::vector<ChangeLine>& out) {
  for (const auto& e : f.elements) {
    ChangeLine line;
    line.depth = depth;
    const std::string label = element_label(f, e);
    const std::string where = path + (e.after_index ? "[" + std::to_string(*e.after_index) + "]"
                                                    : "[" + std::to_string(*e.before_index) + "]");
    const auto value = [&](const std::optional<json::value>& v) {
      return e.sensitive ? std::string("(sensitive)") : json::serialize(*v);
    };
    switch (e.op) {
      case ElementChange::Op::kAdded:
        line.symbol = '+';
        line.text = labelled(label, value(e.after), line.folded, where);
        break;
      case ElementChange::Op::kRemoved:
        line.symbol = '-';
        line.text = labelled(label, value(e.before), line.folded, where);
        break;
      case ElementChange::Op::kMoved:
        line.symbol = '~';
        line.text = labelled(label, value(e.after), line.folded, where);
        break;
      case ElementChange::Op::kChanged:
        line.symbol = '~';
        line.text = label + ":";
        break;
    }
    out.push_back(std::move(line));
    if (e.op == ElementChange::Op::kChanged) {
      for (const auto& nested : e.fields) field_lines(nested, Action::kUpdate, depth + 1, out, where);
    }
  }
  if (f.unchanged_elements > 0) {
    out.push_back({depth, ' ',
                   "(" + std::to_string(f.unchanged_elements) + " unchanged element" +
                       (f.unchanged_elements == 1 ? "" : "s") + " hidden)",
                   {}});
  }
}

std::string list_summary(const diff::FieldChange& f) {
  std::size_t added = 0, removed = 0, moved = 0, changed = 0;
  for (const auto& e : f.elements) {
    switch (e.op) {
      case ElementChange::Op::kAdded: ++added; break;
      case ElementChange::Op::kRemoved: ++removed; break;
      case ElementChange::Op::kMoved: ++moved; break;
      case ElementChange::Op::kChanged: ++changed; break;
    }
  }
  std::string out;
  auto part = [&](std::size_t n, const char* what) {
    if (n == 0) return;
    out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + what;
  };
  part(added, "added");
  part(removed, "removed");
  part(changed, "changed");
  part(moved, "moved");
  std::string kind = f.list == diff::ListMatch::kSet   ? "set"
                     : f.list == diff::ListMatch::kKey ? "list matched by " + f.list_key
                                                       : "list";
  return kind + ": " + (out.empty() ? "reordered" : out);
}

}  // namespace

std::string fold_value(const std::string& text) {
  if (text.size() <= kFoldLimit) return text;
  const std::size_t head = char_boundary(text, kFoldLimit * 2 / 3);
  std::size_t tail = char_boundary(text, text.size() - kFoldLimit / 4);
  return text.substr(0, head) + "…" + text.substr(tail) + " (" + std::to_string(text.size()) + " characters)";
}

std::pair<std::string, std::string> fold_pair(const std::string& before, const std::string& after) {
  if (before.size() <= kFoldLimit && after.size() <= kFoldLimit) return {before, after};
  std::size_t prefix = 0;
  while (prefix < before.size() && prefix < after.size() && before[prefix] == after[prefix]) ++prefix;
  std::size_t suffix = 0;
  while (suffix < before.size() - prefix && suffix < after.size() - prefix &&
         before[before.size() - 1 - suffix] == after[after.size() - 1 - suffix]) {
    ++suffix;
  }
  constexpr std::size_t kContext = 12;
  // Keep kContext characters of the common parts around the difference; elide the rest.
  const auto fold_one = [&](const std::string& s) {
    const std::size_t start = prefix > kContext ? char_boundary(s, prefix - kContext) : 0;
    const std::size_t end_keep = suffix > kContext ? s.size() - suffix + kContext : s.size();
    const std::size_t end = char_boundary(s, std::max(end_keep, start));
    std::string middle = s.substr(start, end - start);
    if (middle.size() > kFoldLimit) middle = fold_value(middle);
    return (start > 0 ? "…" : "") + middle + (end < s.size() ? "…" : "");
  };
  return {fold_one(before), fold_one(after)};
}

void field_lines(const diff::FieldChange& f, diff::Action action, std::size_t depth, std::vector<ChangeLine>& out,
                 const std::string& parent) {
  char sym = '~';
  if (!f.before) sym = '+';
  else if (!f.after) sym = '-';
  if (action == Action::kCreate) sym = '+';
  if (action == Action::kDelete) sym = '-';
  // Nested changes of an element show their path inside the element; folded values keep the
  // whole path, since they are listed apart from the element.
  const std::string path = parent.empty() ? display_path(f.pointer)
                                          : parent + (f.pointer.empty() ? "" : "." + display_path(f.pointer));
  ChangeLine line{depth, sym, (parent.empty() ? path : display_path(f.pointer)) + ": ", {}};
  if (sym == '~' && f.list != diff::ListMatch::kNone && !f.elements.empty()) {
    line.text += list_summary(f);
    out.push_back(std::move(line));
    element_lines(f, path, depth + 1, out);
    return;
  }
  if (sym == '~' && f.list != diff::ListMatch::kNone && f.elements.empty() && f.reorder) {
    line.text += "reordered";
    out.push_back(std::move(line));
    return;
  }
  const std::string before = display_value(f, false, action);
  const std::string after = display_value(f, true, action);
  const bool plain = !f.sensitive && !f.write_only;
  if (f.reorder && sym == '~') {
    line.text += "reordered to " + labelled("", after, line.folded, path);
  } else if (sym == '+') {
    line.text += plain ? labelled("", after, line.folded, path) : after;
  } else if (sym == '-') {
    line.text += plain ? labelled("", before, line.folded, path) : before;
  } else if (plain && f.before && f.after) {
    const auto [b, a] = fold_pair(before, after);
    if (b.size() != before.size() || a.size() != after.size()) {
      line.folded.push_back(path + " before: " + before);
      line.folded.push_back(path + " after: " + after);
    }
    line.text += b + " -> " + a;
  } else {
    line.text += before + " -> " + after;
  }
  out.push_back(std::move(line));
}

std::vector<ChangeLine> change_lines(const diff::FieldChange& f, diff::Action action) {
  std::vector<ChangeLine> out;
  field_lines(f, action, 0, out, {});
  return out;
}

}  // namespace sps::render
