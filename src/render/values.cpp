#include "render/render.h"

#include "core/json_pointer.h"

#include <boost/json.hpp>

#include <cctype>

namespace sps::render {
namespace json = boost::json;

std::string display_path(const std::string& pointer) {
  std::string out;
  for (const auto& token : core::split_pointer(pointer)) {
    const bool index = !token.empty() && std::all_of(token.begin(), token.end(), [](char c) {
      return std::isdigit(static_cast<unsigned char>(c)) != 0;
    });
    if (index) {
      out += "[" + token + "]";
    } else {
      if (!out.empty()) out += '.';
      out += token;
    }
  }
  return out.empty() ? "(body)" : out;
}

std::string display_value(const diff::FieldChange& f, bool after, diff::Action action) {
  const auto& v = after ? f.after : f.before;
  if (!v) return "(not set)";
  if (f.write_only) {
    if (!after) return "(write-only)";
    if (action == diff::Action::kCreate || !f.before) return "(write-only: set on create)";
    return "(write-only: will rotate)";
  }
  if (f.sensitive) return "(sensitive)";
  return json::serialize(*v);
}

json::value field_to_json(const diff::FieldChange& f, diff::Action action) {
  json::object o;
  o["path"] = f.pointer;
  if (f.before) o["before"] = f.sensitive ? json::value(display_value(f, false, action)) : *f.before;
  if (f.after) o["after"] = f.sensitive ? json::value(display_value(f, true, action)) : *f.after;
  o["sensitive"] = f.sensitive;
  if (f.write_only) o["write_only"] = true;
  if (f.reorder) o["reorder"] = true;
  if (f.reference) o["reference"] = true;
  if (f.list != diff::ListMatch::kNone) {
    // The list compared element by element: what happened to each changed element.
    o["list"] = diff::to_string(f.list);
    if (!f.list_key.empty()) o["list_key"] = f.list_key;
    json::array elements;
    for (const auto& e : f.elements) {
      json::object eo;
      eo["op"] = diff::to_string(e.op);
      if (e.before_index) eo["before_index"] = *e.before_index;
      if (e.after_index) eo["after_index"] = *e.after_index;
      if (!e.key.empty()) eo["key"] = e.key;
      if (e.op == diff::ElementChange::Op::kChanged) {
        json::array nested;
        for (const auto& n : e.fields) nested.push_back(field_to_json(n, diff::Action::kUpdate));
        eo["changes"] = std::move(nested);
      } else {
        const auto& v = e.op == diff::ElementChange::Op::kRemoved ? e.before : e.after;
        eo["value"] = e.sensitive ? json::value("(sensitive)") : *v;
      }
      if (e.sensitive) eo["sensitive"] = true;
      elements.push_back(std::move(eo));
    }
    o["elements"] = std::move(elements);
    o["unchanged_elements"] = f.unchanged_elements;
  }
  return o;
}

namespace {
void pretty(const json::value& v, std::string& out, int indent) {
  const std::string pad(static_cast<std::size_t>(indent) * 2, ' ');
  const std::string inner(static_cast<std::size_t>(indent + 1) * 2, ' ');
  if (const auto* o = v.if_object(); o && !o->empty()) {
    out += "{\n";
    bool first = true;
    for (const auto& m : *o) {
      if (!first) out += ",\n";
      first = false;
      out += inner + json::serialize(json::string(m.key())) + ": ";
      pretty(m.value(), out, indent + 1);
    }
    out += "\n" + pad + "}";
  } else if (const auto* a = v.if_array(); a && !a->empty()) {
    out += "[\n";
    bool first = true;
    for (const auto& e : *a) {
      if (!first) out += ",\n";
      first = false;
      out += inner;
      pretty(e, out, indent + 1);
    }
    out += "\n" + pad + "]";
  } else {
    out += json::serialize(v);
  }
}
}  // namespace

std::string pretty_json(const json::value& v) {
  std::string out;
  pretty(v, out, 0);
  out += '\n';
  return out;
}

}  // namespace sps::render
