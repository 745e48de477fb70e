#include "core/json_pointer.h"

#include <boost/json.hpp>

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

template <class V>
V* step(V* v, const std::string& token) {
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

template <class V, class Fn>
void match(V& v, const std::vector<std::string>& tokens, std::size_t i, std::string& path, const Fn& fn) {
  if (i == tokens.size()) {
    fn(path, v);
    return;
  }
  const std::size_t mark = path.size();
  if (tokens[i] == "*") {
    if (auto* arr = v.if_array()) {
      for (std::size_t k = 0; k < arr->size(); ++k) {
        path += '/' + std::to_string(k);
        match((*arr)[k], tokens, i + 1, path, fn);
        path.resize(mark);
      }
    } else if (auto* obj = v.if_object()) {
      for (auto& member : *obj) {
        path += '/' + escape_pointer_token(member.key());
        match(member.value(), tokens, i + 1, path, fn);
        path.resize(mark);
      }
    }
    return;
  }
  if (auto* next = step(&v, tokens[i])) {
    path += '/' + escape_pointer_token(tokens[i]);
    match(*next, tokens, i + 1, path, fn);
    path.resize(mark);
  }
}

}  // namespace

const json::value* find_pointer(const json::value& root, std::string_view pointer) {
  const json::value* v = &root;
  for (const auto& token : split_pointer(pointer)) v = step(v, token);
  return v;
}

json::value* find_pointer(json::value& root, std::string_view pointer) {
  json::value* v = &root;
  for (const auto& token : split_pointer(pointer)) v = step(v, token);
  return v;
}

bool erase_pointer(json::value& root, std::string_view pointer) {
  const std::size_t slash = pointer.rfind('/');
  if (slash == std::string_view::npos) return false;
  json::value* parent = find_pointer(root, pointer.substr(0, slash));
  if (parent == nullptr) return false;
  const std::string token = split_pointer(pointer.substr(slash)).front();
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
  match(root, split_pointer(pattern), 0, path, fn);
}

void for_each_match(json::value& root, std::string_view pattern,
                    const std::function<void(const std::string&, json::value&)>& fn) {
  std::string path;
  match(root, split_pointer(pattern), 0, path, fn);
}

bool pointer_matches(std::string_view pattern, std::string_view pointer) {
  const auto p = split_pointer(pattern);
  const auto c = split_pointer(pointer);
  if (p.size() != c.size()) return false;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i] != "*" && p[i] != c[i]) return false;
  }
  return true;
}

}  // namespace sps::core
