#include "diff/diff.h"

#include "core/canonical_json.h"
#include "core/json_pointer.h"
#include "diff/list_diff.h"
#include "model/normalize.h"

#include <boost/json.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <span>

namespace sps::diff {
namespace json = boost::json;
using model::Address;
using model::Resource;

std::string_view to_string(Action a) {
  switch (a) {
    case Action::kNoOp: return "no-op";
    case Action::kCreate: return "create";
    case Action::kUpdate: return "update";
    case Action::kDelete: return "delete";
  }
  return "unknown";
}

bool ChangeSet::has_changes() const {
  return std::any_of(changes.begin(), changes.end(), [](const Change& c) { return c.action != Action::kNoOp; });
}

namespace {

bool is_write_only(catalog::SecretMode m) { return m != catalog::SecretMode::kInline; }

/// Walks two values in parallel and records changed leaves.
class FieldDiffer {
 public:
  /// `sources`: the desired resource's !secret values. A value from a !secret is sensitive
  /// wherever it is used, also in a field the schema does not mark secret.
  FieldDiffer(const catalog::Kind& kind, std::span<const model::SecretSource> sources, std::vector<FieldChange>& out)
      : m_kind(kind), m_sources(sources), m_out(out) {}

  std::size_t unchanged() const { return m_unchanged; }

  void run(const std::string& ptr, const json::value* before, const json::value* after) {
    if (before == nullptr && after == nullptr) return;
    if (before != nullptr && after != nullptr && core::json_equal(*before, *after)) {
      m_unchanged += count_leaves(*before);
      return;
    }
    if (is_set_list(ptr) && before && after && before->is_array() && after->is_array()) {
      if (sorted_canonical(*before) == sorted_canonical(*after)) {
        m_unchanged += 1;
      } else {
        list_leaf(ptr, *before, *after, ListMatch::kSet, {}, false);
      }
      return;
    }
    const json::value* shape = after != nullptr ? after : before;
    const bool objects = shape->is_object() && (before == nullptr || before->is_object()) &&
                         (after == nullptr || after->is_object());
    if (objects && !selection_switch(before, after) && !is_secret(ptr)) {
      std::set<std::string> keys;
      if (before) for (const auto& m : before->get_object()) keys.insert(m.key());
      if (after) for (const auto& m : after->get_object()) keys.insert(m.key());
      for (const auto& k : keys) {
        run(core::append_pointer(ptr, k), member(before, k), member(after, k));
      }
      return;
    }
    const bool arrays = shape->is_array() && (before == nullptr || before->is_array()) &&
                        (after == nullptr || after->is_array());
    if (arrays && before && after) {
      const json::array& b = before->get_array();
      const json::array& a = after->get_array();
      const std::string key = natural_key(b, a);
      const bool of_objects = diff::all_objects(b, a);
      const bool reorder = b.size() == a.size() && sorted_canonical(*before) == sorted_canonical(*after);
      // Lists of objects without a natural key and of the same length keep one change per
      // changed member (listen[0].https_port), as before element-wise comparison existed.
      if (reorder || !key.empty() || !of_objects || b.size() != a.size()) {
        const ListMatch match = !key.empty() ? ListMatch::kKey : of_objects ? ListMatch::kPosition : ListMatch::kOrdered;
        list_leaf(ptr, *before, *after, match, key, reorder);
        return;
      }
    }
    if (arrays && all_objects(before) && all_objects(after) &&
        (before == nullptr || after == nullptr || before->get_array().size() == after->get_array().size())) {
      const std::size_t n = std::max(before ? before->get_array().size() : 0, after ? after->get_array().size() : 0);
      for (std::size_t i = 0; i < n; ++i) {
        run(ptr + "/" + std::to_string(i), before ? &before->get_array()[i] : nullptr,
            after ? &after->get_array()[i] : nullptr);
      }
      return;
    }
    leaf(ptr, before, after);
  }

 private:
  static const json::value* member(const json::value* v, const std::string& k) {
    if (v == nullptr) return nullptr;
    auto it = v->get_object().find(k);
    return it == v->get_object().end() ? nullptr : &it->value();
  }
  static bool all_objects(const json::value* v) {
    if (v == nullptr) return true;
    const auto& a = v->get_array();
    return !a.empty() && std::all_of(a.begin(), a.end(), [](const json::value& e) { return e.is_object(); });
  }
  static std::size_t count_leaves(const json::value& v) {
    if (const auto* o = v.if_object()) {
      std::size_t n = 0;
      for (const auto& m : *o) n += count_leaves(m.value());
      return n;
    }
    return 1;
  }
  static std::vector<std::string> sorted_canonical(const json::value& v) {
    std::vector<std::string> out;
    for (const auto& e : v.get_array()) out.push_back(core::canonical_json(e));
    std::sort(out.begin(), out.end());
    return out;
  }
  // A union whose discriminator changes is one change: the old variant's fields go away.
  static bool selection_switch(const json::value* before, const json::value* after) {
    if (before == nullptr || after == nullptr) return false;
    const json::value* a = member(before, "selection");
    const json::value* b = member(after, "selection");
    return a != nullptr && b != nullptr && !core::json_equal(*a, *b);
  }
  bool is_set_list(const std::string& ptr) const {
    return std::any_of(m_kind.set_lists.begin(), m_kind.set_lists.end(),
                       [&](const std::string& p) { return core::pointer_matches(p, ptr); });
  }
  bool is_secret(const std::string& ptr) const { return m_kind.secret_at(ptr) != nullptr; }

  FieldChange make(const std::string& ptr, const json::value* before, const json::value* after) const {
    FieldChange fc;
    fc.pointer = ptr;
    if (before) fc.before = *before;
    if (after) fc.after = *after;
    if (const auto* s = m_kind.secret_at(ptr)) {
      fc.sensitive = true;
      fc.write_only = is_write_only(s->mode);
    }
    // The field is, or contains, a value read from a !secret.
    for (const auto& source : m_sources) {
      if (source.pointer == ptr || (source.pointer.starts_with(ptr) && source.pointer[ptr.size()] == '/')) {
        fc.sensitive = true;
      }
    }
    // A list or object replaced whole that holds a secret below (a union switched, a list of
    // users with passwords): its whole values are masked; a list still shows its elements,
    // each masked when it holds one.
    if (!fc.sensitive && holds_secret(ptr)) fc.sensitive = true;
    fc.reference = m_kind.reference_at(ptr) != nullptr;
    return fc;
  }
  void leaf(const std::string& ptr, const json::value* before, const json::value* after) {
    m_out.push_back(make(ptr, before, after));
  }

  /// Whether the value at ptr is, or contains, a secret (of the catalog or from a !secret).
  bool holds_secret(const std::string& ptr) const {
    const auto tokens = core::split_pointer(ptr);
    for (const auto& s : m_kind.secrets) {
      const auto pattern = core::split_pointer(s.pointer);
      if (pattern.size() < tokens.size()) continue;
      bool prefix = true;
      for (std::size_t i = 0; i < tokens.size() && prefix; ++i) prefix = pattern[i] == "*" || pattern[i] == tokens[i];
      if (prefix) return true;
    }
    return std::any_of(m_sources.begin(), m_sources.end(), [&](const model::SecretSource& source) {
      return source.pointer == ptr || (source.pointer.starts_with(ptr) && source.pointer[ptr.size()] == '/');
    });
  }

  /// A list on both sides: one change for the list, with its elements compared one by one.
  void list_leaf(const std::string& ptr, const json::value& before, const json::value& after, ListMatch match,
                 const std::string& key, bool reorder) {
    FieldChange fc = make(ptr, &before, &after);
    fc.reorder = reorder;
    // The list itself is a secret: nothing of it is shown.
    const bool secret_list = fc.write_only || is_secret(ptr) ||
                             std::any_of(m_sources.begin(), m_sources.end(),
                                         [&](const model::SecretSource& source) { return source.pointer == ptr; });
    if (secret_list) {
      m_out.push_back(std::move(fc));
      return;
    }
    fc.list = match;
    fc.list_key = key;
    const json::array& b = before.get_array();
    const json::array& a = after.get_array();
    for (const auto& pair : align_elements(b, a, match, key)) {
      ElementChange e;
      e.before_index = pair.before;
      e.after_index = pair.after;
      if (pair.before) e.before = b[*pair.before];
      if (pair.after) e.after = a[*pair.after];
      if (!key.empty()) e.key = std::string((pair.after ? a[*pair.after] : b[*pair.before]).as_object().at(key).as_string());
      const std::size_t position = pair.after ? *pair.after : *pair.before;
      e.sensitive = holds_secret(ptr + "/" + std::to_string(position)) ||
                    (pair.before && holds_secret(ptr + "/" + std::to_string(*pair.before)));
      if (!pair.before) {
        e.op = ElementChange::Op::kAdded;
      } else if (!pair.after) {
        e.op = ElementChange::Op::kRemoved;
      } else if (core::json_equal(b[*pair.before], a[*pair.after])) {
        if (!pair.moved || match == ListMatch::kSet) {
          ++fc.unchanged_elements;
          continue;
        }
        e.op = ElementChange::Op::kMoved;
      } else {
        e.op = ElementChange::Op::kChanged;
        // The nested changes, found at the element's place in the desired body (where secret
        // patterns and !secret sources are), reported relative to the element.
        const std::string at = ptr + "/" + std::to_string(*pair.after);
        FieldDiffer nested(m_kind, m_sources, e.fields);
        nested.run(at, &b[*pair.before], &a[*pair.after]);
        for (auto& f : e.fields) f.pointer = f.pointer.substr(at.size());
      }
      fc.elements.push_back(std::move(e));
    }
    m_out.push_back(std::move(fc));
  }

  const catalog::Kind& m_kind;
  std::span<const model::SecretSource> m_sources;
  std::vector<FieldChange>& m_out;
  std::size_t m_unchanged = 0;
};

/// key -> name for each live collection with an identity, to read {key: ...} literals.
using NameIndex = std::map<std::string, std::map<std::string, std::string>>;

/// The NameIndex of a live state, built the first time a desired body needs it (most
/// bodies hold no {key} literal and are compared as they are).
class LazyNameIndex {
 public:
  explicit LazyNameIndex(const model::LiveState& live) : m_live(live) {}
  const NameIndex& get() {
    if (!m_built) {
      for (const auto& r : m_live.resources) {
        if (!r.address.name.empty()) m_index[r.address.kind][r.key] = r.address.name;
      }
      m_built = true;
    }
    return m_index;
  }

 private:
  const model::LiveState& m_live;
  NameIndex m_index;
  bool m_built = false;
};

/// The desired body in the live body's canonical form: nulls and server-computed fields
/// dropped, write conveniences in their read form, {key} literals that name a live object replaced by its name.
json::value comparable_desired(const catalog::Catalog& catalog, const catalog::Kind& kind,
                               const Resource& r, const NameIndex& names) {
  json::value body = r.body;
  model::normalize_body(kind, body);
  model::desired_read_form(kind, body);
  for (const auto& ref : kind.references) {
    const catalog::Kind* target = catalog.find(ref.target);
    if (target == nullptr || target->identity.empty()) continue;
    auto index = names.find(target->path);
    if (index == names.end()) continue;
    core::for_each_match(body, ref.pointer, [&](const std::string&, json::value& v) {
      const json::object* o = v.if_object();
      if (o == nullptr || !o->contains("key") || !o->at("key").is_string()) return;
      auto it = index->second.find(std::string(o->at("key").get_string()));
      if (it != index->second.end()) v = json::string(it->second);
    });
  }
  return body;
}

bool has_null(const json::value& v) {
  if (const auto* obj = v.if_object()) {
    return std::any_of(obj->begin(), obj->end(), [](const json::key_value_pair& m) { return has_null(m.value()); });
  }
  if (const auto* arr = v.if_array()) return std::any_of(arr->begin(), arr->end(), has_null);
  return v.is_null();
}

/// Whether comparable_desired(r) would equal r.body, so the diff can read the body in place
/// instead of copying it (most resources of a large state): no null, no server-computed field,
/// no SSH host key line, no {key} literal, and nothing the secret steps below rewrite.
bool comparable_as_is(const catalog::Kind& kind, const Resource& r, bool exists) {
  if (exists && std::any_of(r.secrets.begin(), r.secrets.end(), [](const auto& s) { return !s.available; })) return false;
  if (exists && std::any_of(kind.secrets.begin(), kind.secrets.end(), [&](const catalog::SecretSpec& s) {
        return is_write_only(s.mode) && core::any_match(r.body, s.pointer);
      })) {
    return false;
  }
  if (has_null(r.body)) return false;
  for (const auto& p : kind.server_computed) {
    if (core::any_match(r.body, p)) return false;
  }
  for (const auto& p : kind.ssh_host_keys) {
    if (core::any_match(r.body, p)) return false;
  }
  return std::none_of(kind.references.begin(), kind.references.end(), [&](const catalog::ReferenceSpec& ref) {
    return core::any_match(r.body, ref.pointer, [](const json::value& v) { return v.is_object(); });
  });
}

/// Write-only secrets on an existing resource: compare "is one set" instead of values
/// (the appliance cannot return them). Returns their field changes and rewrites `desired`
/// so the structural diff does not report them again. On create there is nothing to
/// compare: the structural diff shows the fields, marked write-only.
std::vector<FieldChange> write_only_changes(const catalog::Kind& kind, json::value& desired,
                                            const json::value& live, bool rotate) {
  std::vector<FieldChange> out;
  std::vector<std::string> unset;
  for (const auto& s : kind.secrets) {
    if (!is_write_only(s.mode)) continue;
    core::for_each_match(desired, s.pointer, [&](const std::string& ptr, json::value& v) {
      const json::value* current = core::find_pointer(live, ptr);
      if (current != nullptr && !rotate) {
        v = *current;  // keep the object that is set: no change
        return;
      }
      FieldChange fc;
      fc.pointer = ptr;
      if (current) fc.before = *current;
      fc.after = v;
      fc.sensitive = true;
      fc.write_only = true;
      out.push_back(std::move(fc));
      if (current) v = *current;
      else unset.push_back(ptr);
    });
  }
  std::reverse(unset.begin(), unset.end());
  for (const auto& p : unset) core::erase_pointer(desired, p);
  return out;
}

/// Secrets whose desired value was not read (other than write-only ones): take the live
/// value, so they show no change, and say so. A secret the appliance does not have yet is still a change.
std::vector<std::string> skip_unavailable_inline(const catalog::Kind& kind, const Resource& r, json::value& desired,
                                                 const json::value& live) {
  std::vector<std::string> out;
  for (const auto& s : r.secrets) {
    if (s.available) continue;
    // Write-only secrets are compared as "is one set" (write_only_changes); an inline secret,
    // or a !secret on any other field, needs its value.
    const catalog::SecretSpec* spec = kind.secret_at(s.pointer);
    if (spec != nullptr && is_write_only(spec->mode)) continue;
    const json::value* current = core::find_pointer(live, s.pointer);
    json::value* want = core::find_pointer(desired, s.pointer);
    if (current == nullptr || want == nullptr) continue;
    *want = *current;
    out.push_back(s.pointer);
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// Catalog::find for a sequence of resources sorted by kind: a lookup only when the kind changes.
class KindCursor {
 public:
  explicit KindCursor(const catalog::Catalog& catalog) : m_catalog(catalog) {}
  const catalog::Kind* find(const std::string& path) {
    if (!m_looked_up || path != m_path) {
      m_kind = m_catalog.find(path);
      m_path = path;
      m_looked_up = true;
    }
    return m_kind;
  }

 private:
  const catalog::Catalog& m_catalog;
  std::string m_path;
  const catalog::Kind* m_kind = nullptr;
  bool m_looked_up = false;
};

void check_references(const catalog::Catalog& catalog, const catalog::Kind& kind, const Resource& r,
                      const model::DesiredState& desired, const model::LiveState& live,
                      core::Diagnostics& diags) {
  for (const auto& ref : kind.references) {
    const catalog::Kind* target = catalog.find(ref.target);
    if (target == nullptr || target->identity.empty()) continue;
    core::for_each_match(r.body, ref.pointer, [&](const std::string& ptr, const json::value& v) {
      if (!v.is_string()) return;
      const Address a{target->path, std::string(v.get_string())};
      if (desired.find(a) != nullptr || live.find(a) != nullptr) return;
      core::Diagnostic d;
      d.where = r.location_of(ptr);
      d.resource = r.address.to_string();
      d.pointer = ptr;
      d.message = "reference to " + a.to_string() + ", which is neither in the desired state nor on the appliance";
      d.hint = "define it under " + target->path + ", fix the name, or give a literal key as {key: \"...\"}";
      diags.add(std::move(d));
    });
  }
}

}  // namespace

ChangeSet compute_changes(const model::DesiredState& desired, const model::LiveState& live,
                          const catalog::Catalog& catalog, const DiffOptions& options) {
  ChangeSet out;
  out.changes.reserve(desired.resources.size());
  LazyNameIndex names(live);
  std::set<std::string> managed_kinds;
  for (const auto& [kind, where] : desired.settings.kind_locations) managed_kinds.insert(kind);
  for (const auto& r : desired.resources) managed_kinds.insert(r.address.kind);
  for (const auto& k : desired.settings.prune) managed_kinds.insert(k);

  // Both lists are sorted by address: one walk pairs them (no search per resource), and
  // consecutive resources of a kind share one catalog lookup.
  KindCursor kinds(catalog);
  auto live_it = live.resources.begin();
  for (const auto& r : desired.resources) {
    const catalog::Kind* kind = kinds.find(r.address.kind);
    if (kind == nullptr) continue;  // the loader already reported it
    check_references(catalog, *kind, r, desired, live, out.diagnostics);
    while (live_it != live.resources.end() && live_it->address < r.address) ++live_it;
    const Resource* current =
        live_it != live.resources.end() && live_it->address == r.address ? &*live_it : nullptr;
    Change c;
    c.address = r.address;
    c.where = r.location_of("");
    const json::value* have = current ? &current->body : nullptr;
    json::value copy;
    const json::value* want = &r.body;
    std::vector<FieldChange> secret_fields;
    if (!comparable_as_is(*kind, r, have != nullptr)) {
      copy = comparable_desired(catalog, *kind, r, names.get());
      want = &copy;
      if (have) {
        secret_fields = write_only_changes(*kind, copy, *have, options.rotate_secrets);
        c.not_compared = skip_unavailable_inline(*kind, r, copy, *have);
      }
    }
    FieldDiffer differ(*kind, r.secrets, c.fields);
    if (current == nullptr) {
      c.action = Action::kCreate;
      differ.run("", nullptr, want);
    } else {
      c.key = current->key;
      c.builtin = current->builtin;
      differ.run("", have, want);
      c.unchanged_fields = differ.unchanged();
    }
    c.fields.insert(c.fields.end(), secret_fields.begin(), secret_fields.end());
    std::sort(c.fields.begin(), c.fields.end(),
              [](const FieldChange& a, const FieldChange& b) { return a.pointer < b.pointer; });
    if (current != nullptr) c.action = c.fields.empty() ? Action::kNoOp : Action::kUpdate;
    // Bodies only where something changes: most resources of a large state are no-ops, and
    // copying their bodies dominated the diff's cost.
    if (c.action != Action::kNoOp) {
      c.after = r.body;
      if (current != nullptr) c.before = current->body;
    }
    out.changes.push_back(std::move(c));
  }

  auto desired_it = desired.resources.begin();
  const std::string* managed_kind = nullptr;  // the last kind looked up in managed_kinds
  bool managed = false;
  for (const auto& r : live.resources) {
    if (r.address.name.empty()) continue;
    if (managed_kind == nullptr || *managed_kind != r.address.kind) {
      managed_kind = &r.address.kind;
      managed = managed_kinds.count(r.address.kind) != 0;
    }
    if (!managed) continue;
    while (desired_it != desired.resources.end() && desired_it->address < r.address) ++desired_it;
    if (desired_it != desired.resources.end() && desired_it->address == r.address) continue;
    const catalog::Kind* kind = kinds.find(r.address.kind);
    if (kind == nullptr) continue;
    if (desired.settings.prune.count(r.address.kind) == 0 || r.builtin) {
      out.unmanaged.push_back(r.address);
      continue;
    }
    Change c;
    c.address = r.address;
    c.action = Action::kDelete;
    c.key = r.key;
    c.before = r.body;
    FieldDiffer differ(*kind, {}, c.fields);
    differ.run("", &r.body, nullptr);
    out.changes.push_back(std::move(c));
  }
  // The desired resources and the live ones are each sorted by address: the creates and
  // updates, then the deletes, are two sorted runs to merge.
  const auto by_address = [](const Change& a, const Change& b) { return a.address < b.address; };
  const auto deletes = std::is_sorted_until(out.changes.begin(), out.changes.end(), by_address);
  if (std::is_sorted(deletes, out.changes.end(), by_address)) {
    std::inplace_merge(out.changes.begin(), deletes, out.changes.end(), by_address);
  } else {
    std::sort(out.changes.begin(), out.changes.end(), by_address);
  }
  std::sort(out.unmanaged.begin(), out.unmanaged.end());
  return out;
}

}  // namespace sps::diff
