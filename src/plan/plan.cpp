#include "plan/plan.h"

#include "core/canonical_json.h"
#include "core/json_pointer.h"
#include "core/sha256.h"

#include <boost/json.hpp>

#include <algorithm>
#include <set>

namespace sps::plan {
namespace json = boost::json;
using diff::Action;
using model::Address;

std::size_t Plan::count(Action a) const {
  return static_cast<std::size_t>(
      std::count_if(steps.begin(), steps.end(), [a](const Step& s) { return s.action == a; }));
}

std::string fingerprint(const model::Resource* live) {
  if (live == nullptr) return "absent";
  // canonical_json({"body": ..., "key": ..., "preserved": [[pointer, value], ...]}), written
  // directly: the members are already in sorted order, and the body is not copied.
  std::string text = "{\"body\":";
  core::append_canonical_json(live->body, text);
  text += ",\"key\":";
  core::append_json_string(live->key, text);
  text += ",\"preserved\":[";
  for (const auto& [p, v] : live->preserved) {
    if (text.back() != '[') text += ',';
    text += '[';
    core::append_json_string(p, text);
    text += ',';
    core::append_canonical_json(v, text);
    text += ']';
  }
  text += "]}";
  return core::sha256_hex(text);
}

std::string desired_digest(const model::DesiredState& desired) {
  // Canonical text of each resource, secrets replaced by their sources; a body is copied
  // only when it holds secrets. The text is hashed as it is written, a resource at a time.
  core::Sha256 hash;
  std::string text = "{\"resources\":[";
  bool first = true;
  for (const auto& r : desired.resources) {
    if (!first) text += ',';
    first = false;
    // The address's literal ("kind[name]"), written in pieces rather than built first.
    text += "{\"address\":\"";
    core::append_json_string_chars(r.address.kind, text);
    if (!r.address.name.empty()) {
      text += '[';
      core::append_json_string_chars(r.address.name, text);
      text += ']';
    }
    text += "\",\"body\":";
    if (r.secrets.empty()) {
      core::append_canonical_json(r.body, text);
    } else {
      json::value body = r.body;
      for (const auto& sec : r.secrets) {
        if (json::value* v = core::find_pointer(body, sec.pointer)) *v = json::object{{"$secret", sec.description}};
      }
      core::append_canonical_json(body, text);
    }
    text += '}';
    if (text.size() >= 16384) {
      hash.update(text);
      text.clear();
    }
  }
  text += "],\"settings\":{\"prune\":" + core::canonical_json(json::value_from(desired.settings.prune)) + "}}";
  hash.update(text);
  return hash.hex_digest();
}

namespace {

/// A step before ordering, with the edges that order it.
struct Draft {
  Step step;
  std::set<Address> needs;  // created objects this step's body references
  std::size_t rank = 0;     // the kind's position in catalog dependency order
};

std::string source_of(const model::Resource* r, const std::string& pointer) {
  if (r != nullptr) {
    for (const auto& s : r->secrets) {
      if (s.pointer == pointer) return s.description;
    }
  }
  return "inline";
}

bool changes_secret(const diff::Change& c, const std::string& pointer) {
  if (c.action == Action::kCreate) return true;
  return std::any_of(c.fields.begin(), c.fields.end(),
                     [&](const diff::FieldChange& f) { return f.write_only && f.pointer == pointer; });
}

/// References that a normalized body makes to objects of kinds with an identity.
std::set<Address> referenced_names(const catalog::Catalog& catalog, const catalog::Kind& kind, const json::value& body) {
  std::set<Address> out;
  for (const auto& ref : kind.references) {
    const catalog::Kind* target = catalog.find(ref.target);
    if (target == nullptr || target->identity.empty()) continue;
    core::for_each_match(body, ref.pointer, [&](const std::string&, const json::value& v) {
      if (v.is_string()) out.insert({target->path, std::string(v.get_string())});
    });
  }
  return out;
}

void set_at(json::value& root, const std::string& pointer, const json::value& v) {
  const std::size_t slash = pointer.rfind('/');
  if (slash == std::string::npos) return;
  json::value* parent = core::find_pointer(root, pointer.substr(0, slash));
  if (parent == nullptr || !parent->is_object()) return;
  parent->get_object()[core::split_pointer(pointer.substr(slash)).front()] = v;
}

class Builder {
 public:
  Builder(const diff::ChangeSet& changes, const model::DesiredState& desired, const model::LiveState& live,
          const catalog::Catalog& catalog)
      : m_changes(changes), m_desired(desired), m_live(live), m_catalog(catalog) {
    const auto order = catalog.dependency_order();
    for (std::size_t i = 0; i < order.size(); ++i) m_rank[order[i]->path] = i;
    for (const auto& c : changes.changes) {
      if (c.action == Action::kCreate) m_created.insert(c.address);
    }
  }

  core::Result<Plan> run() {
    Plan plan;
    plan.unmanaged = m_changes.unmanaged;
    plan.desired_digest = desired_digest(m_desired);
    std::vector<Draft> writes;
    std::vector<Draft> deletes;
    for (const auto& c : m_changes.changes) {
      for (const auto& pointer : c.not_compared) {
        plan.not_compared.push_back({c.address, pointer, source_of(m_desired.find(c.address), pointer)});
      }
      if (c.action == Action::kNoOp) {
        plan.no_change.push_back(c.address);
        continue;
      }
      const catalog::Kind* kind = m_catalog.find(c.address.kind);
      if (kind == nullptr) continue;
      const model::Resource* current = m_live.find(c.address);
      plan.fingerprints[c.address.to_string()] = fingerprint_of(c.address, current);
      Draft d;
      d.rank = m_rank[kind->path];
      d.step.action = c.action;
      d.step.address = c.address;
      d.step.change = c;
      if (c.action == Action::kDelete) {
        d.step.method = "DELETE";
        d.step.path = kind->rest_path + "/" + c.key;
        if (c.before) d.needs = referenced_names(m_catalog, *kind, *c.before);
        deletes.push_back(std::move(d));
        continue;
      }
      auto filled = fill_body(*kind, c, current, d, plan);
      if (!filled) return filled.error();
      writes.push_back(std::move(d));
    }
    auto ordered_writes = order(std::move(writes), false);
    if (!ordered_writes) return ordered_writes.error();
    auto ordered_deletes = order(std::move(deletes), true);
    if (!ordered_deletes) return ordered_deletes.error();
    for (auto& s : *ordered_writes) plan.steps.push_back(std::move(s));
    for (auto& s : *ordered_deletes) plan.steps.push_back(std::move(s));
    for (std::size_t i = 0; i < plan.steps.size(); ++i) plan.steps[i].index = i + 1;
    return plan;
  }

 private:
  core::Result<void> fill_body(const catalog::Kind& kind, const diff::Change& c, const model::Resource* current,
                               Draft& d, Plan& plan) {
    const model::Resource* want = m_desired.find(c.address);
    Step& s = d.step;
    s.body = want != nullptr ? want->body : (c.after ? *c.after : json::value());
    const bool create = c.action == Action::kCreate;
    s.method = create && kind.is_collection() ? "POST" : "PUT";
    s.path = !kind.is_collection() ? kind.rest_path : create ? kind.rest_path : kind.rest_path + "/" + c.key;
    core::Result<void> result;
    for (const auto& ref : kind.references) {
      const catalog::Kind* target = m_catalog.find(ref.target);
      if (target == nullptr) continue;
      core::for_each_match(s.body, ref.pointer, [&](const std::string& ptr, json::value& v) {
        if (const json::object* o = v.if_object(); o && o->contains("key") && o->at("key").is_string()) {
          v = o->at("key");  // a literal key written by the user
          return;
        }
        if (!v.is_string() || target->identity.empty()) return;  // keys of unnamed kinds pass as is
        const Address ta{target->path, std::string(v.get_string())};
        if (const model::Resource* existing = m_live.find(ta)) {
          v = json::string(existing->key);
          plan.fingerprints[ta.to_string()] = fingerprint_of(ta, existing);
        } else if (m_created.count(ta) != 0) {
          s.references.push_back({ptr, ta});
          d.needs.insert(ta);
        } else if (result) {
          result = core::Error(core::ErrorCode::kInvalidConfig,
                               c.address.to_string() + ": reference to " + ta.to_string() +
                                   ", which is neither on the appliance nor created by this plan");
        }
      });
    }
    if (!result) return result;
    for (const auto& sec : kind.secrets) {
      core::for_each_match(s.body, sec.pointer, [&](const std::string& ptr, json::value& v) {
        if (sec.mode == catalog::SecretMode::kInline) {
          s.inline_secrets.push_back({ptr, sec.mode, source_of(want, ptr)});
        } else if (changes_secret(c, ptr)) {
          s.secrets.push_back({ptr, sec.mode, source_of(want, ptr)});
        } else if (const json::value* existing = c.before ? core::find_pointer(*c.before, ptr) : nullptr) {
          v = *existing;  // keep the password object that is set
        }
      });
    }
    // A !secret value in a field the catalog does not mark secret is still a secret: a saved
    // plan stores its source instead, and apply resolves it again, as for inline secrets.
    if (want != nullptr) {
      for (const auto& source : want->secrets) {
        if (kind.secret_at(source.pointer) != nullptr || core::find_pointer(s.body, source.pointer) == nullptr) continue;
        s.inline_secrets.push_back({source.pointer, catalog::SecretMode::kInline, source.description});
      }
    }
    if (current != nullptr) {
      for (const auto& [ptr, value] : current->preserved) set_at(s.body, ptr, value);
    }
    return {};
  }

  // Kahn's algorithm in O(n log n): among the ready steps the lowest (rank, address) goes
  // first, or for deletes the highest rank (referrers) first. Writes wait for the creates
  // they reference; a delete waits for the deletes of the objects that reference it.
  core::Result<std::vector<Step>> order(std::vector<Draft> drafts, bool deletes) {
    const std::size_t n = drafts.size();
    std::map<Address, std::size_t> index;
    for (std::size_t i = 0; i < n; ++i) index[drafts[i].step.address] = i;
    std::vector<std::vector<std::size_t>> successors(n);
    std::vector<std::size_t> waiting(n, 0);
    for (std::size_t v = 0; v < n; ++v) {
      for (const auto& need : drafts[v].needs) {
        auto it = index.find(need);
        if (it == index.end() || it->second == v) continue;
        const std::size_t first = deletes ? v : it->second;
        const std::size_t then = deletes ? it->second : v;
        successors[first].push_back(then);
        ++waiting[then];
      }
    }
    auto goes_first = [&](std::size_t a, std::size_t b) {
      if (drafts[a].rank != drafts[b].rank) return deletes ? drafts[a].rank > drafts[b].rank : drafts[a].rank < drafts[b].rank;
      return drafts[a].step.address < drafts[b].step.address;
    };
    std::set<std::size_t, decltype(goes_first)> ready(goes_first);
    for (std::size_t i = 0; i < n; ++i) {
      if (waiting[i] == 0) ready.insert(i);
    }
    std::vector<Step> out;
    out.reserve(n);
    while (!ready.empty()) {
      const std::size_t i = *ready.begin();
      ready.erase(ready.begin());
      for (std::size_t next : successors[i]) {
        if (--waiting[next] == 0) ready.insert(next);
      }
      out.push_back(std::move(drafts[i].step));
    }
    if (out.size() != n) {
      return core::Error(core::ErrorCode::kInvalidConfig,
                         "the objects to create reference each other in a cycle; create one without the reference first");
    }
    return out;
  }

  /// Fingerprints are hashed once per resource, however many steps depend on it.
  const std::string& fingerprint_of(const Address& a, const model::Resource* live) {
    auto it = m_fingerprints.find(a);
    if (it == m_fingerprints.end()) it = m_fingerprints.emplace(a, fingerprint(live)).first;
    return it->second;
  }

  const diff::ChangeSet& m_changes;
  const model::DesiredState& m_desired;
  const model::LiveState& m_live;
  const catalog::Catalog& m_catalog;
  std::map<std::string, std::size_t> m_rank;
  std::set<Address> m_created;
  std::map<Address, std::string> m_fingerprints;
};

}  // namespace

core::Result<Plan> build_plan(const diff::ChangeSet& changes, const model::DesiredState& desired,
                              const model::LiveState& live, const catalog::Catalog& catalog) {
  return Builder(changes, desired, live, catalog).run();
}

}  // namespace sps::plan
