#include "apply/live_reader.h"

#include "catalog/discover.h"
#include "core/sha256.h"
#include "model/normalize.h"

#include <boost/json.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace sps::apply {
namespace json = boost::json;

namespace {

/// One read: the raw documents of every wave and the kinds derived from them.
class Reader {
 public:
  Reader(appliance::ApplianceApi& api, const catalog::Catalog& catalog, core::Diagnostics& diags,
         std::map<std::string, json::value> prefetched, std::vector<std::string> side_paths)
      : m_api(api), m_catalog(catalog), m_diags(diags), m_prefetched(std::move(prefetched)),
        m_side_paths(std::move(side_paths)) {}

  /// GETs `kinds` in parallel. Discovered kinds are derived from their answers; when
  /// `strict`, a kind that cannot be derived is an error diagnostic, otherwise (reference
  /// targets) it is left out. Fails on a transport or HTTP error other than 404.
  core::Result<void> wave(const std::vector<std::string>& kinds, bool strict) {
    std::vector<std::string> paths;
    for (const auto& k : kinds) {
      const catalog::Kind* kind = m_catalog.find(k);
      if (kind == nullptr && !catalog::is_configuration_path(k)) {
        return core::Error(core::ErrorCode::kInternal, "unknown kind " + k);
      }
      paths.push_back(kind != nullptr ? kind->rest_path : "/api/configuration/" + k);
      m_kinds.push_back(k);
    }
    auto responses = get(kinds, paths);
    std::vector<std::string> item_paths;
    for (std::size_t i = 0; i < kinds.size(); ++i) {
      auto& r = responses[i];
      if (!r) {
        if (r.error().code == core::ErrorCode::kNotFound) {
          m_raw.missing.insert(kinds[i]);
          continue;
        }
        core::Error e = r.error();
        e.message = "reading " + paths[i] + ": " + e.message;
        return e;
      }
      const catalog::Kind* curated = m_catalog.find(kinds[i]);
      if (curated == nullptr) {
        auto derived = catalog::derive_kind(kinds[i], r->body);
        if (!derived) {
          if (strict) {
            core::Diagnostic d;
            d.message = derived.error().message;
            d.hint = derived.error().detail;
            d.resource = kinds[i];
            m_diags.add(std::move(d));
            m_failed = true;
          } else {
            std::erase(m_kinds, kinds[i]);  // not a kind: a saved plan must not read it again
          }
          continue;
        }
        m_derived.emplace(kinds[i], std::move(*derived));
      } else if (const json::value* items = r->body.is_object() ? r->body.get_object().if_contains("items") : nullptr;
                 items && items->is_array() && curated->is_collection()) {
        // Firmware before 6.1 lists collection items without bodies: fetch each item.
        for (const auto& item : items->get_array()) {
          if (item.is_object() && !item.get_object().contains("body") && item.get_object().contains("key") &&
              item.at("key").is_string()) {
            item_paths.push_back(paths[i] + "/" + std::string(item.at("key").get_string()));
          }
        }
      }
      m_raw.documents[kinds[i]] = std::move(r->body);
    }
    if (!item_paths.empty()) {
      auto items = m_api.get_many(item_paths);
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (!items[i]) {
          core::Error e = items[i].error();
          e.message = "reading " + item_paths[i] + ": " + e.message;
          return e;
        }
        m_raw.items[item_paths[i]] = std::move(items[i]->body);
      }
    }
    return {};
  }

  /// Kinds the derived kinds refer to that were not read yet and can be listed.
  std::vector<std::string> unread_targets() const {
    std::set<std::string> out;
    const std::set<std::string> read(m_kinds.begin(), m_kinds.end());
    for (const auto& [path, kind] : m_derived) {
      for (const auto& ref : kind.references) {
        const catalog::Kind* curated = m_catalog.find(ref.target);
        if (read.count(ref.target) != 0 || (curated != nullptr && curated->write_once)) continue;
        if (curated != nullptr || catalog::is_configuration_path(ref.target)) out.insert(ref.target);
      }
    }
    return {out.begin(), out.end()};
  }

  core::Result<LiveRead> finish(const RefineKind& refine, KindCache* cache, bool skip_unchanged) {
    std::vector<catalog::Kind> derived;
    for (auto& [path, kind] : m_derived) {
      // A reference whose target could not be read stays a key: drop its spec (secrets are
      // references into the curated passwords / private_keys, which always stay).
      std::erase_if(kind.references, [&](const catalog::ReferenceSpec& ref) {
        return m_catalog.find(ref.target) == nullptr && m_derived.count(ref.target) == 0;
      });
      if (refine) refine(kind);
      derived.push_back(std::move(kind));
    }
    auto joined = m_catalog.with_kinds(std::move(derived));
    if (!joined) return joined.error();
    LiveRead out{std::move(*joined), {}, m_kinds, std::move(m_side), {}};
    std::map<std::string, std::string> digests;
    std::set<std::string> reused;
    if (cache != nullptr) {
      digests = digest_all(out.catalog);
      reused = reusable(out.catalog, *cache, digests);
      for (const auto& k : m_kinds) {
        if (auto d = digests.find(k); d != digests.end()) cache->record(k, d->second);
        else cache->forget(k);
      }
      if (skip_unchanged && reused.size() == std::set<std::string>(m_kinds.begin(), m_kinds.end()).size()) return out;
    }
    for (const auto& k : m_kinds) {
      if (reused.count(k) == 0) out.normalized.push_back(k);
    }
    // An answer that is not the documented shape (a listing without items, a body of the
    // wrong type, an item without a key) must never read as "empty": a plan built on it
    // would create duplicates or delete nothing. It is an error for every command.
    core::Diagnostics found;
    out.live = model::normalize_live(out.catalog, out.normalized, std::move(m_raw), found);
    std::string problems;
    for (const auto& d : found.items()) {
      if (d.severity == core::Severity::kError) problems += (problems.empty() ? "" : "\n") + d.message;
    }
    if (!problems.empty()) {
      return core::Error(core::ErrorCode::kBadResponse,
                         "the appliance answered with documents that are not the shape the SPS REST API "
                         "documents; nothing was planned or changed",
                         problems);
    }
    m_diags.append(found);
    if (!reused.empty()) add_reused(out.live, *cache->previous, reused);
    return out;
  }

  bool failed() const { return m_failed; }

 private:
  /// KindCache::digest of every kind read ("404" for a missing one), except the kinds whose
  /// items were read one by one (firmware before 6.1), which are never reused.
  std::map<std::string, std::string> digest_all(const catalog::Catalog& catalog) const {
    std::map<std::string, std::string> out;
    for (const auto& k : m_kinds) {
      if (m_raw.missing.count(k) != 0) {
        out[k] = "404";
        continue;
      }
      auto doc = m_raw.documents.find(k);
      const catalog::Kind* kind = catalog.find(k);
      if (doc == m_raw.documents.end() || kind == nullptr) continue;
      const std::string prefix = kind->rest_path + "/";
      auto item = m_raw.items.lower_bound(prefix);
      if (item != m_raw.items.end() && item->first.starts_with(prefix)) continue;
      out[k] = KindCache::digest(doc->second);
    }
    return out;
  }

  /// The kinds whose answers, and whose reference targets' answers, are those the cache
  /// recorded: their normalized resources are in its `previous` state.
  std::set<std::string> reusable(const catalog::Catalog& catalog, const KindCache& cache,
                                 const std::map<std::string, std::string>& digests) const {
    std::set<std::string> same;
    for (const auto& [k, digest] : digests) {
      const std::string* recorded = cache.find(k);
      if (cache.previous != nullptr && recorded != nullptr && *recorded == digest) same.insert(k);
    }
    const std::set<std::string> read(m_kinds.begin(), m_kinds.end());
    std::set<std::string> out;
    for (const auto& k : same) {
      const catalog::Kind* kind = catalog.find(k);
      if (kind != nullptr && std::all_of(kind->references.begin(), kind->references.end(),
                                         [&](const catalog::ReferenceSpec& ref) {
                                           return read.count(ref.target) == 0 || same.count(ref.target) != 0;
                                         })) {
        out.insert(k);
      }
    }
    // A kind normalized anew needs its targets' names, so they are normalized with it, and
    // theirs with them.
    for (bool more = true; more;) {
      more = false;
      for (const auto& k : m_kinds) {
        const catalog::Kind* kind = out.count(k) == 0 ? catalog.find(k) : nullptr;
        if (kind == nullptr) continue;
        for (const auto& ref : kind->references) more |= out.erase(ref.target) != 0;
      }
    }
    return out;
  }

  /// Adds the reused kinds' resources (copies), order and presence from the earlier state.
  static void add_reused(model::LiveState& live, const model::LiveState& previous, const std::set<std::string>& reused) {
    for (const auto& k : reused) {
      if (previous.missing_kinds.count(k) != 0) {
        live.missing_kinds.insert(k);
        continue;
      }
      live.kinds.insert(k);
      if (auto o = previous.order.find(k); o != previous.order.end()) live.order[k] = o->second;
      auto first = std::lower_bound(previous.resources.begin(), previous.resources.end(), k,
                                    [](const model::Resource& r, const std::string& kind) { return r.address.kind < kind; });
      auto last = std::find_if(first, previous.resources.end(), [&](const model::Resource& r) { return r.address.kind != k; });
      live.resources.insert(live.resources.end(), first, last);
    }
    std::sort(live.resources.begin(), live.resources.end(),
              [](const model::Resource& a, const model::Resource& b) { return a.address < b.address; });
  }

  // One parallel wave for the kinds whose documents were not handed in, and the side paths
  // (the first wave takes them all).
  std::vector<core::Result<appliance::Response>> get(const std::vector<std::string>& kinds,
                                                     const std::vector<std::string>& paths) {
    std::vector<core::Result<appliance::Response>> out(kinds.size(), appliance::Response{});
    std::vector<std::string> wanted;
    std::vector<std::size_t> where;
    for (std::size_t i = 0; i < kinds.size(); ++i) {
      if (auto it = m_prefetched.find(kinds[i]); it != m_prefetched.end()) {
        out[i] = appliance::Response{200, std::move(it->second), {}};
        m_prefetched.erase(it);
      } else {
        wanted.push_back(paths[i]);
        where.push_back(i);
      }
    }
    const std::size_t kind_requests = wanted.size();
    wanted.insert(wanted.end(), m_side_paths.begin(), m_side_paths.end());
    if (wanted.empty()) return out;
    auto answers = m_api.get_many(wanted);
    for (std::size_t j = 0; j < kind_requests; ++j) out[where[j]] = std::move(answers[j]);
    for (std::size_t j = kind_requests; j < answers.size(); ++j) m_side.insert_or_assign(wanted[j], std::move(answers[j]));
    m_side_paths.clear();
    return out;
  }

  appliance::ApplianceApi& m_api;
  const catalog::Catalog& m_catalog;
  core::Diagnostics& m_diags;
  std::map<std::string, json::value> m_prefetched;
  std::vector<std::string> m_side_paths;  // not yet read
  appliance::Answers m_side;
  model::RawLive m_raw;
  std::map<std::string, catalog::Kind> m_derived;
  std::vector<std::string> m_kinds;  // every kind read, in request order
  bool m_failed = false;
};

}  // namespace

namespace {

/// Feeds an unambiguous binary form of a JSON value to a hasher: a type tag, then lengths and
/// raw bytes, buffered so the hasher sees large pieces.
class FormHasher {
 public:
  void add(const json::value& v) {
    switch (v.kind()) {
      case json::kind::null: put('n'); break;
      case json::kind::bool_: put(v.get_bool() ? 't' : 'f'); break;
      case json::kind::int64: put('i'); raw(v.get_int64()); break;
      case json::kind::uint64: put('u'); raw(v.get_uint64()); break;
      case json::kind::double_: put('d'); raw(v.get_double()); break;
      case json::kind::string: put('s'); text(v.get_string()); break;
      case json::kind::array:
        put('a');
        raw(static_cast<std::uint32_t>(v.get_array().size()));
        for (const auto& e : v.get_array()) add(e);
        break;
      case json::kind::object:
        put('o');
        raw(static_cast<std::uint32_t>(v.get_object().size()));
        for (const auto& m : v.get_object()) {
          text(m.key());
          add(m.value());
        }
        break;
    }
  }
  void text(std::string_view s) {
    raw(static_cast<std::uint32_t>(s.size()));  // answers are bounded far below 4 GiB
    if (m_buffer.size() + s.size() > kFlush) flush();
    if (s.size() >= kFlush) m_sha.update(s);
    else m_buffer.append(s);
  }
  std::string finish() {
    flush();
    return m_sha.hex_digest();
  }

 private:
  static constexpr std::size_t kFlush = 16 * 1024;
  void put(char c) {
    if (m_buffer.size() >= kFlush) flush();
    m_buffer += c;
  }
  template <typename T>
  void raw(const T& x) {
    if (m_buffer.size() + sizeof x > kFlush) flush();
    m_buffer.append(reinterpret_cast<const char*>(&x), sizeof x);
  }
  void flush() {
    m_sha.update(m_buffer);
    m_buffer.clear();
  }
  core::Sha256 m_sha;
  std::string m_buffer;
};

}  // namespace

const std::string* KindCache::find(const std::string& kind) const {
  auto it = m_digests.find(kind);
  return it == m_digests.end() ? nullptr : &it->second;
}

void KindCache::record(const std::string& kind, std::string digest) { m_digests.insert_or_assign(kind, std::move(digest)); }

std::string KindCache::digest(const json::value& document) {
  FormHasher hasher;
  const json::object* o = document.if_object();
  if (o == nullptr) {
    hasher.add(document);
    return hasher.finish();
  }
  for (const auto& m : *o) {
    if (m.key() == "meta") continue;
    hasher.text(m.key());
    hasher.add(m.value());
  }
  return hasher.finish();
}

core::Result<LiveRead> read_live_kinds(appliance::ApplianceApi& api, const catalog::Catalog& catalog,
                                       const std::vector<std::string>& kinds, core::Diagnostics& diags,
                                       ReadOptions options) {
  Reader reader(api, catalog, diags, std::move(options.prefetched), std::move(options.side_paths));
  if (auto first = reader.wave(kinds, true); !first) return first.error();
  if (reader.failed()) {
    return core::Error(core::ErrorCode::kInvalidConfig, "the desired state names endpoints sps-apply cannot manage");
  }
  // Discovered kinds' references are only known now; read their targets so keys map to names.
  if (const auto targets = reader.unread_targets(); !targets.empty()) {
    if (auto second = reader.wave(targets, false); !second) return second.error();
  }
  if (options.after_reads) options.after_reads();
  return reader.finish(options.refine, options.reuse, options.skip_unchanged);
}

core::Result<model::LiveState> read_live(appliance::ApplianceApi& api, const catalog::Catalog& catalog,
                                         const std::vector<std::string>& kinds, core::Diagnostics& diags) {
  auto read = read_live_kinds(api, catalog, kinds, diags);
  if (!read) return read.error();
  return std::move(read->live);
}

}  // namespace sps::apply
