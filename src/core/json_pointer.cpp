#include "core/json_pointer.h"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>

namespace sps::core {
namespace json = boost::json;

std::vector<std::string> split_pointer(std::string_view pointer) {
  std::vector<std::string> tokens;
  if (pointer.empty()) return tokens;
  std::size_t pos = pointer.front() == '/' ? 1 : 0;
  while (true) {
    const std::size_t end = pointer.find('/', pos);
    const std::string_view raw = pointer.substr(pos, end == std::string_view::npos ? end : end - pos);
    std::string token;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '~' && i + 1 < raw.size()) {
        token += raw[i + 1] == '1' ? '/' : '~';
        ++i;
      } else {
        token += raw[i];
      }
    }
    tokens.push_back(std::move(token));
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return tokens;
}

std::string escape_pointer_token(std::string_view token) {
  std::string out;
  for (char c : token) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

std::string append_pointer(std::string_view parent, std::string_view token) {
  std::string out(parent);
  out += '/';
  out += escape_pointer_token(token);
  return out;
}

namespace {

// The tokens of a pointer are read in place, without splitting it into strings: `next` is
// where the next token starts, kNone when there is none (split_pointer's rules: "" has no
// token, a leading "/" is skipped, "~1" is "/" and "~" before anything else is "~").
constexpr std::size_t kNone = std::string_view::npos;

std::size_t first_token(std::string_view pointer) {
  if (pointer.empty()) return kNone;
  return pointer.front() == '/' ? 1 : 0;
}

/// The raw (escaped) token at `next`; advances `next` past it.
std::string_view take_token(std::string_view pointer, std::size_t& next) {
  const std::size_t end = pointer.find('/', next);
  const std::string_view raw = pointer.substr(next, end == kNone ? kNone : end - next);
  next = end == kNone ? kNone : end + 1;
  return raw;
}

/// The unescaped token: raw itself unless it holds "~" (then decoded into scratch).
std::string_view unescape(std::string_view raw, std::string& scratch) {
  if (raw.find('~') == kNone) return raw;
  scratch.clear();
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '~' && i + 1 < raw.size()) {
      scratch += raw[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      scratch += raw[i];
    }
  }
  return scratch;
}

void append_escaped(std::string& path, std::string_view token) {
  path += '/';
  if (token.find_first_of("~/") == kNone) {
    path += token;
    return;
  }
  path += escape_pointer_token(token);
}

void append_index(std::string& path, std::size_t index) {
  char buf[24];
  const auto end = std::to_chars(buf, buf + sizeof buf, index).ptr;
  path += '/';
  path.append(buf, end);
}

template <class V>
V* step(V* v, std::string_view token) {
  if (v == nullptr) return nullptr;
  if (auto* obj = v->if_object()) {
    auto it = obj->find(token);
    return it == obj->end() ? nullptr : &it->value();
  }
  if (auto* arr = v->if_array()) {
    std::size_t index = 0;
    auto [p, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
    if (ec != std::errc() || p != token.data() + token.size() || index >= arr->size()) return nullptr;
    return &(*arr)[index];
  }
  return nullptr;
}

template <class V>
V* find_in(V& root, std::string_view pointer) {
  V* v = &root;
  std::string scratch;
  for (std::size_t next = first_token(pointer); next != kNone && v != nullptr;) {
    v = step(v, unescape(take_token(pointer, next), scratch));
  }
  return v;
}

template <class V, class Fn>
void match(V& v, std::string_view pattern, std::size_t next, std::string& path, const Fn& fn) {
  if (next == kNone) {
    fn(path, v);
    return;
  }
  const std::size_t mark = path.size();
  const std::string_view raw = take_token(pattern, next);
  if (raw == "*") {
    if (auto* arr = v.if_array()) {
      for (std::size_t k = 0; k < arr->size(); ++k) {
        append_index(path, k);
        match((*arr)[k], pattern, next, path, fn);
        path.resize(mark);
      }
    } else if (auto* obj = v.if_object()) {
      for (auto& member : *obj) {
        append_escaped(path, member.key());
        match(member.value(), pattern, next, path, fn);
        path.resize(mark);
      }
    }
    return;
  }
  std::string scratch;
  const std::string_view token = unescape(raw, scratch);
  if (auto* found = step(&v, token)) {
    append_escaped(path, token);
    match(*found, pattern, next, path, fn);
    path.resize(mark);
  }
}

bool any_in(const json::value& v, std::string_view pattern, std::size_t next,
            bool (*accept)(const json::value&)) {
  if (next == kNone) return accept == nullptr || accept(v);
  const std::string_view raw = take_token(pattern, next);
  if (raw == "*") {
    if (const auto* arr = v.if_array()) {
      return std::any_of(arr->begin(), arr->end(),
                         [&](const json::value& e) { return any_in(e, pattern, next, accept); });
    }
    if (const auto* obj = v.if_object()) {
      return std::any_of(obj->begin(), obj->end(), [&](const json::key_value_pair& m) {
        return any_in(m.value(), pattern, next, accept);
      });
    }
    return false;
  }
  std::string scratch;
  const json::value* found = step(&v, unescape(raw, scratch));
  return found != nullptr && any_in(*found, pattern, next, accept);
}

}  // namespace

bool any_match(const json::value& root, std::string_view pattern, bool (*accept)(const json::value&)) {
  return any_in(root, pattern, first_token(pattern), accept);
}

const json::value* find_pointer(const json::value& root, std::string_view pointer) { return find_in(root, pointer); }

json::value* find_pointer(json::value& root, std::string_view pointer) { return find_in(root, pointer); }

bool erase_pointer(json::value& root, std::string_view pointer) {
  const std::size_t slash = pointer.rfind('/');
  if (slash == std::string_view::npos) return false;
  json::value* parent = find_pointer(root, pointer.substr(0, slash));
  if (parent == nullptr) return false;
  std::string scratch;
  const std::string_view token = unescape(pointer.substr(slash + 1), scratch);
  if (auto* obj = parent->if_object()) return obj->erase(token) != 0;
  if (auto* arr = parent->if_array()) {
    std::size_t index = 0;
    auto [p, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
    if (ec != std::errc() || p != token.data() + token.size() || index >= arr->size()) return false;
    arr->erase(arr->begin() + static_cast<std::ptrdiff_t>(index));
    return true;
  }
  return false;
}

void for_each_match(const json::value& root, std::string_view pattern,
                    const std::function<void(const std::string&, const json::value&)>& fn) {
  std::string path;
  match(root, pattern, first_token(pattern), path, fn);
}

void for_each_match(json::value& root, std::string_view pattern,
                    const std::function<void(const std::string&, json::value&)>& fn) {
  std::string path;
  match(root, pattern, first_token(pattern), path, fn);
}

bool pointer_matches(std::string_view pattern, std::string_view pointer) {
  std::size_t p = first_token(pattern);
  std::size_t c = first_token(pointer);
  std::string p_scratch;
  std::string c_scratch;
  while (p != kNone && c != kNone) {
    const std::string_view want = take_token(pattern, p);
    const std::string_view have = take_token(pointer, c);
    if (want != "*" && unescape(want, p_scratch) != unescape(have, c_scratch)) return false;
  }
  return p == kNone && c == kNone;
}

}  // namespace sps::core
