#pragma once
// Reads the live state of a set of kinds from an appliance: one GET per kind, in parallel
// over the API's connection pool, then normalization (model/normalize.h). The only I/O is
// through appliance::ApplianceApi.
//
// Kinds may be curated (in the catalog) or discovered (any other /api/configuration path):
// a discovered kind's Kind is derived from its own answer (catalog/discover.h), and the
// kinds its references point to are read in a second parallel wave (only when they were
// not read in the first), so references can be shown by name. Other GETs a command needs
// (ReadOptions::side_paths) join the first wave instead of costing round trips of their own.
#include "appliance/appliance_api.h"
#include "catalog/catalog.h"
#include "core/diagnostics.h"
#include "core/error.h"
#include "model/model.h"

#include <boost/json/value.hpp>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace sps::apply {

/// What a read produced: the catalog the live state was normalized with (the curated kinds
/// plus every discovered kind that was read), the state, and every kind read.
struct LiveRead {
  catalog::Catalog catalog;
  model::LiveState live;
  std::vector<std::string> kinds;
  /// The answers to ReadOptions::side_paths, errors included.
  appliance::Answers side;
  /// The kinds this read normalized (with ReadOptions::reuse: the others were taken from it).
  std::vector<std::string> normalized;
};

/// What an earlier read normalized, so that a later read of the same kinds (apply's stale
/// check inside its transaction, its verification after the commit) normalizes only the
/// kinds whose answers changed: per kind, the SHA-256 of its answer without the top-level
/// "meta" (inside a transaction it carries remaining_seconds, so the same configuration never
/// reads byte-identical inside and outside one), hashed from the parsed value's own bytes
/// (strings and numbers as they are, with lengths and type tags: no escaping or number
/// formatting). The normalized resources are not copied here: they are in `previous`, the live
/// state of the read that recorded the digests, which the caller keeps alive and points to
/// after each read. A kind's normalized bodies also depend on the names of the objects its
/// references point to, so a kind is reused only when its reference targets answered the same.
class KindCache {
 public:
  /// The live state the recorded digests were normalized into; null: nothing is reused.
  const model::LiveState* previous = nullptr;

  /// The recorded digest of a kind's answer ("404" when it had none), or null.
  const std::string* find(const std::string& kind) const;
  void record(const std::string& kind, std::string digest);
  void forget(const std::string& kind) { m_digests.erase(kind); }
  /// The digest of one GET document (see above).
  static std::string digest(const boost::json::value& document);

 private:
  std::map<std::string, std::string, std::less<>> m_digests;
};

/// Adjusts a derived kind before it joins the catalog (the planner marks desired secrets).
using RefineKind = std::function<void(catalog::Kind&)>;

/// Optional inputs of a read.
struct ReadOptions {
  RefineKind refine;
  /// GET documents already read (by a crawl), by kind path: used instead of reading again.
  std::map<std::string, boost::json::value> prefetched;
  /// Paths outside the configuration tree to GET in the first wave, alongside the kinds
  /// (GET /api/info for the plan header): their answers are in LiveRead::side, and their
  /// failures are not the read's.
  std::vector<std::string> side_paths;
  /// Called once every answer is in, before normalization: a read-only command starts its
  /// logout here (ApplianceApi::start_logout), so it overlaps the work that follows.
  std::function<void()> after_reads;
  /// Kinds normalized by earlier reads: reused when their answers are unchanged; updated with
  /// this read's digests (point its `previous` at this read's live state afterwards). Optional.
  KindCache* reuse = nullptr;
  /// With `reuse`: when every kind answered as recorded, return at once, with an empty live
  /// state and LiveRead::normalized empty (the stale check needs nothing more).
  bool skip_unchanged = false;
};

/// Reads and normalizes `kinds` (as returned by model::kinds_to_fetch, plus discovered
/// paths). A 404 on a kind means this firmware does not have the endpoint: it is recorded in
/// LiveState::missing_kinds, not an error. A discovered path that is a directory, or whose
/// answer has no recognizable shape, is an error diagnostic (resource = the path) and the
/// call fails with kInvalidConfig. Any other failure is returned as the error, naming the
/// endpoint. An answer that is not the documented shape (model/normalize.h: a listing
/// without items, a body that is not an object, an item without a key) fails with
/// kBadResponse listing every problem. Warnings from normalization go to diags.
core::Result<LiveRead> read_live_kinds(appliance::ApplianceApi& api, const catalog::Catalog& catalog,
                                       const std::vector<std::string>& kinds, core::Diagnostics& diags,
                                       ReadOptions options = {});

/// read_live_kinds(), keeping only the state.
core::Result<model::LiveState> read_live(appliance::ApplianceApi& api, const catalog::Catalog& catalog,
                                         const std::vector<std::string>& kinds, core::Diagnostics& diags);

}  // namespace sps::apply
