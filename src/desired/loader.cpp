#include "desired/loader.h"

#include "catalog/discover.h"
#include "core/json_pointer.h"
#include "desired/limits.h"
#include "desired/read_file.h"
#include "desired/scalar.h"
#include "desired/suggest.h"
#include "desired/parsed_file.h"
#include "desired/text_checks.h"
#include "model/normalize.h"

#include <yaml-cpp/mark.h>

#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <system_error>

namespace sps::desired {
namespace json = boost::json;
using core::SourceLocation;

std::optional<std::string> SystemSecretResolver::env(const std::string& name) const {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

core::Result<std::string> SystemSecretResolver::read_file(const std::filesystem::path& path) const {
  return read_regular_file(path, kMaxSecretFileBytes);
}

namespace {

/// The merged result under construction, shared by all files.
struct Merger {
  const catalog::Catalog& catalog;
  const SecretResolver& secrets;
  SecretResolution resolution;
  const Variables* variables = nullptr;
  bool plain = false;  // not a desired state (the inventory): no tags
  core::Diagnostics diagnostics;
  std::map<model::Address, model::Resource> resources;
  model::Settings settings;
  std::set<std::string> discovered;
  std::vector<std::pair<std::string, SourceLocation>> removals;
  std::vector<std::pair<std::string, std::string>> unresolved_variables;
};

/// Converts one file's YAML tree into resources.
class FileLoader {
 public:
  FileLoader(Merger& merger, const SourceText& source) : m_merger(merger), m_source(source) {}

  void load(ParsedFile& file) {
    m_merger.diagnostics.append(file.text_diagnostics);
    if (file.rejected) return;
    for (ParsedDocument& parsed : file.documents) {
      m_document = parsed.document;
      m_merger.diagnostics.append(parsed.diagnostics);
      if (parsed.status == Parsed::kStop) return;
      if (parsed.status == Parsed::kEmpty) continue;
      const YamlNode root = std::move(parsed.root);  // freed once this document is converted
      if (!root.IsMap()) {
        error(at(root), "the top level must be a mapping from kind paths to bodies",
              "start with a kind path such as \"policies/backup_policies:\" at column 1");
        continue;
      }
      for (const auto member : root.members()) load_top_level(member.first, member.second);
    }
  }

  /// The whole file as one located JSON value (parse_yaml_file).
  std::optional<model::Resource> load_value(ParsedFile& file) {
    m_merger.diagnostics.append(file.text_diagnostics);
    if (file.rejected) return std::nullopt;
    model::Resource resource;
    resource.locations[""] = {m_source.name, 1, 1};
    bool seen = false;
    for (ParsedDocument& parsed : file.documents) {
      m_document = parsed.document;
      m_merger.diagnostics.append(parsed.diagnostics);
      if (parsed.status == Parsed::kStop) return std::nullopt;
      if (parsed.status == Parsed::kEmpty) continue;
      if (seen) {
        error(at(parsed.root), "a second YAML document (after \"---\") in this file", "write one document per file");
        return std::nullopt;
      }
      seen = true;
      resource.locations[""] = at(parsed.root);
      resource.body = convert(parsed.root, "", resource);
    }
    return resource;
  }

 private:
  SourceLocation at(const YamlNode& node) const { return location(m_source.name, m_document, node.Mark()); }

  void error(SourceLocation where, std::string message, std::string hint = {}) {
    m_merger.diagnostics.error(std::move(where), std::move(message), std::move(hint));
  }

  void load_top_level(const YamlNode& key, const YamlNode& value) {
    if (!key.IsScalar()) {
      error(at(key), "a top-level key must be a kind path such as \"management/email\"");
      return;
    }
    const std::string& name = key.Scalar();
    if (name == kSettingsKey) {
      load_settings(value);
      return;
    }
    const catalog::Kind* kind = m_merger.catalog.find(name);
    if (kind == nullptr) {
      std::vector<std::string> paths;
      for (const auto& k : m_merger.catalog.kinds()) {
        if (!k.builtin) paths.push_back(k.path);
      }
      paths.emplace_back(kSettingsKey);
      const auto match = closest_match(name, paths);
      if (catalog::is_configuration_path(name) && !near_miss(name, match)) {
        load_discovered(name, key, value);
        return;
      }
      std::string hint = did_you_mean(match);
      if (hint.empty()) hint = "top-level keys are kind paths relative to /api/configuration, e.g. \"management/email\"";
      error(at(key), "unknown top-level key \"" + name + "\"", std::move(hint));
      return;
    }
    if (kind->builtin) {
      error(at(key), "\"" + name + "\" is built into the appliance and cannot be declared",
            "refer to its objects by key where a body needs them");
      return;
    }
    m_merger.settings.kind_locations.emplace(name, at(key));
    if (kind->is_collection()) {
      load_collection(*kind, key, value);
    } else {
      load_singleton(*kind, key, value);
    }
  }

  void load_singleton(const catalog::Kind& kind, const YamlNode& key, const YamlNode& value) {
    const bool fits = kind.body == catalog::BodyType::kObject   ? value.IsMap()
                      : kind.body == catalog::BodyType::kArray ? value.IsSequence() || value.IsNull()
                                                                : !value.IsMap() && !value.IsSequence();
    if (!fits) {
      const char* want = kind.body == catalog::BodyType::kObject  ? "a mapping (its body)"
                         : kind.body == catalog::BodyType::kArray ? "a list"
                                                                   : "a single value";
      const char* got = value.IsSequence() ? "a list" : value.IsMap() ? "a mapping" : value.IsNull() ? "empty" : "a single value";
      error(at(value.IsNull() ? key : value),
            "\"" + kind.path + "\" is a singleton: its value must be " + want + ", not " + got,
            value.IsSequence() ? "remove the leading \"- \": a singleton has exactly one body" : "");
      return;
    }
    model::Resource resource;
    resource.address = {kind.path, {}};
    resource.body = convert(value, "", resource);
    resource.locations[""] = at(key);
    model::literal_reference_keys(kind, resource, m_merger.diagnostics);
    add_resource(std::move(resource));
  }

  void load_collection(const catalog::Kind& kind, const YamlNode& key, const YamlNode& value) {
    if (value.IsNull()) return;  // "kind:" with nothing: declared, no items
    if (!value.IsSequence()) {
      error(at(value),
            "\"" + kind.path + "\" is a collection: its value must be a list of items, not " +
                (value.IsMap() ? "a mapping" : "a single value"),
            "write each item as a list entry starting with \"- " + kind.identity + ": ...\"");
      return;
    }
    (void)key;
    std::size_t index = 0;
    for (const auto& item : value) {
      ++index;
      if (!item.IsMap()) {
        error(at(item), "item " + std::to_string(index) + " of \"" + kind.path + "\" must be a mapping (a body)");
        continue;
      }
      const YamlNode* found = item.find(kind.identity);
      if (found == nullptr) {
        error(at(item), "item " + std::to_string(index) + " of \"" + kind.path + "\" has no \"" + kind.identity + "\"",
              "every item needs a \"" + kind.identity + "\": sps-apply matches items to the appliance's objects by it");
        continue;
      }
      const YamlNode& identity = *found;
      if (!identity.IsScalar() || identity.Scalar().empty()) {
        error(at(identity), "\"" + kind.identity + "\" of item " + std::to_string(index) + " of \"" + kind.path +
                                "\" must be a non-empty string");
        continue;
      }
      model::Resource resource;
      resource.address = {kind.path, identity.Scalar()};
      resource.body = convert(item, "", resource);
      resource.locations[""] = at(item);
      model::literal_reference_keys(kind, resource, m_merger.diagnostics);
      add_resource(std::move(resource));
    }
  }

  // A path without a schema file is a discovered kind: its shape and fields are learned from
  // the appliance at plan time (model/discovered.h). Offline, the value is kept whole; only
  // what holds for every shape is checked: a list of named items has unique, non-empty names.
  // A misspelt curated kind ("managment/email", "policies/backup_policy", or its last segment
  // alone) is reported as the typo it is rather than managed as a discovered kind that fails
  // at plan time. Genuine neighbours ("rdp/connections" next to "ssh/connections") differ by
  // more, or live in another directory.
  static bool near_miss(const std::string& name, const std::optional<std::string>& match) {
    if (!match) return false;
    const auto parent = [](std::string_view p) { return p.substr(0, p.rfind('/') == std::string_view::npos ? 0 : p.rfind('/')); };
    return edit_distance(name, *match) <= 2 || match->ends_with("/" + name) || parent(name) == parent(*match);
  }

  void load_discovered(const std::string& name, const YamlNode& key, const YamlNode& value) {
    m_merger.settings.kind_locations.emplace(name, at(key));
    if (m_merger.discovered.insert(name).second) {
      m_merger.diagnostics.note(at(key), "\"" + name + "\" has no schema: its fields are checked against the appliance at plan time",
                                "a schema file in schemas/ makes it a curated kind, checked offline");
    }
    if (value.IsNull()) return;  // "kind:" with nothing: declared, no items
    if (value.IsSequence() && !check_named_items(name, value)) return;
    model::Resource resource;
    resource.address = {name, {}};
    resource.body = convert(value, "", resource);
    resource.locations[""] = at(key);
    add_resource(std::move(resource));
  }

  // A list whose items carry a "name" is a collection: every item needs a distinct one. A list
  // without names may be an array body (network/routing); the appliance decides at plan time.
  bool check_named_items(const std::string& kind, const YamlNode& list) {
    bool named = false;
    for (const auto& item : list) named = named || (item.IsMap() && item.find("name") != nullptr);
    if (!named) return true;
    bool ok = true;
    std::map<std::string, SourceLocation> seen;
    std::size_t index = 0;
    for (const auto& item : list) {
      ++index;
      const YamlNode* found = item.IsMap() ? item.find("name") : nullptr;
      if (found == nullptr || !found->IsScalar() || found->Scalar().empty()) {
        error(at(item), "item " + std::to_string(index) + " of \"" + kind + "\" has no \"name\"",
              "the other items have one: in a collection every item needs a \"name\", sps-apply matches items by it");
        ok = false;
        continue;
      }
      if (auto [previous, fresh] = seen.emplace(found->Scalar(), at(item)); !fresh) {
        error(at(item), "duplicate " + kind + "[" + found->Scalar() + "]: already defined at " + previous->second.to_string(),
              "define each item once; remove or rename one of the two");
        ok = false;
      }
    }
    return ok;
  }

  void add_resource(model::Resource resource) {
    auto [it, inserted] = m_merger.resources.try_emplace(resource.address, std::move(resource));
    if (!inserted) {
      const SourceLocation first = it->second.location_of("");
      const SourceLocation second = resource.location_of("");
      error(second, "duplicate " + resource.address.to_string() + ": already defined at " + first.to_string(),
            "define each resource once; remove or rename one of the two");
    }
  }

  void load_settings(const YamlNode& value) {
    if (value.IsNull()) return;
    if (!value.IsMap()) {
      error(at(value), "\"sps-apply\" must be a mapping with \"prune\", \"ignore\" and/or \"remove\"");
      return;
    }
    for (const auto member : value.members()) {
      const std::string name = member.first.IsScalar() ? member.first.Scalar() : std::string();
      if (name != "prune" && name != "ignore" && name != "remove") {
        const std::vector<std::string> known{"prune", "ignore", "remove"};
        std::string hint = did_you_mean(name, known);
        if (hint.empty()) hint = "the settings are \"prune\", \"ignore\" and \"remove\"";
        error(at(member.first), "unknown setting \"" + name + "\" in \"sps-apply\"", std::move(hint));
        continue;
      }
      const YamlNode& list = member.second;
      if (list.IsNull()) continue;
      if (!list.IsSequence()) {
        error(at(list), "\"sps-apply/" + name + "\" must be a list of strings");
        continue;
      }
      for (const auto& entry : list) {
        if (!entry.IsScalar()) {
          error(at(entry), "entries of \"sps-apply/" + name + "\" must be strings");
          continue;
        }
        if (name == "prune") {
          m_merger.settings.prune.insert(entry.Scalar());
          m_merger.settings.prune_locations.emplace(entry.Scalar(), at(entry));
        } else if (name == "remove") {
          m_merger.removals.emplace_back(entry.Scalar(), at(entry));
        } else {
          m_merger.settings.ignore.push_back(entry.Scalar());
          m_merger.settings.ignore_locations.push_back(at(entry));
        }
      }
    }
  }

  // Converts a YAML node to JSON, recording the location of every pointer and the source of
  // every !secret. Object members are located at their key, which is where a user looks for
  // an unknown or misspelt field.
  json::value convert(const YamlNode& node, const std::string& pointer, model::Resource& resource, int depth = 0) {
    if (node.IsNull()) return nullptr;
    if (node.IsScalar()) return convert_scalar(node, pointer, resource);
    if (depth >= kMaxDepth) {
      error(at(node), "mappings and lists are nested more than " + std::to_string(kMaxDepth) + " levels deep here",
            "no appliance object is nested this deeply; check the indentation or brackets above this line");
      return nullptr;
    }
    if (node.Tag() == "!secret") {
      error(at(node), "!secret applies to a single value such as \"!secret env:NAME\", not to a list or mapping");
    }
    if (node.Tag() == "!var") {
      error(at(node), "!var applies to a single value such as \"!var hostname\", not to a list or mapping");
    }
    if (node.IsSequence()) {
      json::array array;
      array.reserve(node.size());
      std::size_t index = 0;
      for (const auto& element : node) {
        const std::string child = pointer + "/" + std::to_string(index++);
        resource.locations[child] = at(element);
        array.push_back(convert(element, child, resource, depth + 1));
      }
      return array;
    }
    json::object object(node.member_count());
    for (const auto member : node.members()) {
      if (!member.first.IsScalar()) {
        error(at(member.first), "mapping keys must be plain strings");
        continue;
      }
      const std::string& name = member.first.Scalar();
      const SourceLocation where = at(member.first);
      std::string child = core::append_pointer(pointer, name);
      // Every key converted so far is a member of object, located at child.
      if (object.contains(name)) {
        error(where, "duplicate key \"" + name + "\": already set at " + resource.locations[child].to_string());
        continue;
      }
      json::value value = convert(member.second, child, resource, depth + 1);
      resource.locations.insert_or_assign(std::move(child), where);
      object.emplace(name, std::move(value));
    }
    return object;
  }

  json::value convert_scalar(const YamlNode& node, const std::string& pointer, model::Resource& resource) {
    const std::string& tag = node.Tag();
    const std::string& text = node.Scalar();
    if (m_merger.plain && (tag == "!secret" || tag == "!var")) {
      error(at(node), tag + " is not allowed in this file",
            tag == "!secret" ? "an inventory names where a credential comes from (password_env, password_file), "
                               "never a value"
                             : "variables are defined here (vars) and used in desired-state YAML");
      return nullptr;
    }
    if (tag == "!secret") return resolve_secret(node, pointer, resource);
    if (tag == "!var") {
      json::value value = resolve_variable(node);
      if (value.is_null()) m_merger.unresolved_variables.emplace_back(resource.address.to_string(), pointer);
      return value;
    }
    if (tag == "!" || tag == "tag:yaml.org,2002:str") return json::value(text);
    if (tag == "?") return type_plain_scalar(text);
    if (tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float" || tag == "tag:yaml.org,2002:bool" ||
        tag == "tag:yaml.org,2002:null") {
      return type_plain_scalar(text);
    }
    error(at(node), "unknown tag \"" + tag + "\"",
          m_merger.plain ? "this file takes no tags" : "the tags sps-apply knows are !secret and !var");
    return nullptr;
  }

  // "!var NAME": the value the inventory defines for this appliance, typed as written there.
  // It is plain configuration (never recorded as a secret source), so validation reports it
  // as a plain-text secret where the schema expects a secret.
  json::value resolve_variable(const YamlNode& node) {
    const std::string& name = node.Scalar();
    if (name.empty()) {
      error(at(node), "!var needs a variable name", "write !var NAME, NAME defined in the inventory's vars");
      return nullptr;
    }
    const Variables* variables = m_merger.variables;
    if (variables == nullptr) {
      error(at(node), "!var " + name + ": no variables are defined here",
            "variables come from an inventory (sps-apply plan --inventory FILE: the inventory's and the "
            "appliance's vars); without one, write the value itself");
      return nullptr;
    }
    if (const auto it = variables->find(name); it != variables->end()) return it->second;
    std::vector<std::string> names;
    for (const auto& [known, value] : *variables) names.push_back(known);
    std::string hint = did_you_mean(name, names);
    if (hint.empty()) {
      std::string list;
      for (const auto& known : names) list += (list.empty() ? "" : ", ") + known;
      hint = names.empty() ? "this appliance has no variables: define NAME under vars in the inventory"
                           : "this appliance's variables are: " + list + "; define NAME under vars in the inventory";
    }
    error(at(node), "unknown variable \"" + name + "\"", std::move(hint));
    return nullptr;
  }

  // Resolves "!secret env:NAME" / "!secret file:PATH". The resolved value goes into the body
  // and nowhere else: diagnostics name the source, never the value.
  json::value resolve_secret(const YamlNode& node, const std::string& pointer, model::Resource& resource) {
    const std::string& spec = node.Scalar();
    const std::size_t colon = spec.find(':');
    const std::string source = spec.substr(0, colon);
    const std::string argument = colon == std::string::npos ? std::string() : spec.substr(colon + 1);
    // A file: source is recorded with an absolute path, so a saved plan applied from another
    // working directory reads the same file.
    std::string description = spec;
    if (source == "file" && colon != std::string::npos && !spec.substr(colon + 1).empty()) {
      std::error_code ec;
      const auto absolute = std::filesystem::absolute(m_source.directory / spec.substr(colon + 1), ec);
      if (!ec) description = "file:" + absolute.lexically_normal().generic_string();
    }
    resource.secrets.push_back({pointer, description});
    // A secret that cannot be resolved is already an error; a non-empty stand-in keeps the
    // schema check from adding a second, confusing error ("too short") at the same place.
    const json::value unresolved("unresolved-secret");
    if (colon == std::string::npos || (source != "env" && source != "file")) {
      error(at(node), "unknown secret source \"" + source + "\"", "write !secret env:NAME or !secret file:PATH");
      return unresolved;
    }
    if (argument.empty()) {
      error(at(node), "!secret " + source + ": needs a " + (source == "env" ? "variable name" : "file path"));
      return unresolved;
    }
    // Read-only commands: a value that is not there is recorded as unavailable (plan shows
    // the field as not compared, drift as unknowable), never reported as an error.
    const auto unavailable = [&] {
      resource.secrets.back().available = false;
      return unresolved;
    };
    if (m_merger.resolution == SecretResolution::kSyntaxOnly) return unavailable();
    const bool optional = m_merger.resolution == SecretResolution::kIfAvailable;
    if (source == "env") {
      auto value = m_merger.secrets.env(argument);
      if (!value && optional) return unavailable();
      if (!value) {
        error(at(node), "environment variable " + argument + " is not set (needed by !secret env:" + argument + ")",
              "export " + argument + " before running sps-apply");
        return unresolved;
      }
      return json::value(*value);
    }
    const std::filesystem::path path = m_source.directory / argument;
    auto content = m_merger.secrets.read_file(path);
    // Only a file that is not there is "not available"; one that is there but cannot be
    // read safely (a FIFO, a device, too large, no permission) stays an error.
    std::error_code exists_ec;
    if (!content && optional && !std::filesystem::exists(path, exists_ec)) return unavailable();
    if (!content) {
      error(at(node), "cannot read secret file \"" + path.generic_string() + "\": " + content.error().message,
            "file: paths are relative to the directory of the YAML file");
      return unresolved;
    }
    std::string value = std::move(*content);
    // Editors and `echo` add a final newline that is never part of the secret.
    if (value.ends_with('\n')) value.pop_back();
    if (value.ends_with('\r')) value.pop_back();
    return json::value(value);
  }

  DocumentText m_document;  // the document being converted (its place in the file)
  Merger& m_merger;
  const SourceText& m_source;
};

}  // namespace

std::optional<model::Resource> parse_yaml_file(const SourceText& source, core::Diagnostics& diagnostics) {
  const SystemSecretResolver unused;
  Merger merger{catalog::Catalog::builtin(), unused, SecretResolution::kSyntaxOnly, nullptr, true, {}, {}, {}, {}, {}, {}};
  ParsedFile parsed = parse_file(source, true);
  auto value = FileLoader(merger, source).load_value(parsed);
  const bool failed = merger.diagnostics.has_errors();
  diagnostics.append(merger.diagnostics);
  if (failed) return std::nullopt;
  return value;
}

LoadResult load_desired_sources(std::span<const SourceText> sources, const catalog::Catalog& catalog,
                                const SecretResolver& secrets, SecretResolution resolution,
                                const Variables* variables) {
  Merger merger{catalog, secrets, resolution, variables, false, {}, {}, {}, {}, {}, {}};
  LoadResult result;
  std::vector<ParsedFile> parsed = parse_files(sources);
  for (std::size_t i = 0; i < sources.size(); ++i) {
    FileLoader(merger, sources[i]).load(parsed[i]);
    parsed[i] = {};  // its trees are converted: free them before the next file's
    result.state.files.push_back(sources[i].name);
  }
  for (auto& [address, resource] : merger.resources) result.state.resources.push_back(std::move(resource));
  result.state.settings = std::move(merger.settings);
  result.state.discovered = std::move(merger.discovered);
  result.removals = std::move(merger.removals);
  result.unresolved_variables = std::move(merger.unresolved_variables);
  result.diagnostics = std::move(merger.diagnostics);
  return result;
}

LoadResult load_desired(const std::filesystem::path& path, const catalog::Catalog& catalog,
                        const SecretResolver& secrets, SecretResolution resolution, const Variables* variables) {
  LoadResult result;
  const std::string shown = path.generic_string();
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  if (std::filesystem::is_directory(path, ec)) {
    // Subdirectories too; not only regular files: a FIFO or device named *.yaml is reported.
    auto found = find_yaml_files(path);
    if (!found) {
      result.diagnostics.error({shown}, found.error().message);
      return result;
    }
    files = std::move(*found);
    if (files.empty()) {
      result.diagnostics.error({shown}, "no *.yaml files in this directory or its subdirectories",
                               "pass a directory of desired-state YAML files or a single file");
      return result;
    }
  } else if (std::filesystem::exists(path, ec)) {
    files.push_back(path);
  } else {
    result.diagnostics.error({shown}, "no such file or directory");
    return result;
  }

  std::vector<SourceText> sources;
  std::uintmax_t total = 0;
  for (const auto& file : files) {
    const std::string name = file.generic_string();
    auto text = read_regular_file(file, kMaxFileBytes);
    if (!text) {
      const bool too_large = text.error().message.find("limit") != std::string::npos;
      result.diagnostics.error({name}, "cannot read desired-state file: " + text.error().message,
                               too_large ? "split the desired state into several files (each at most " +
                                               describe_size(kMaxFileBytes) + ")"
                                         : "");
      continue;
    }
    total += text->size();
    if (total > kMaxTotalBytes) {
      result.diagnostics.error({name}, "the desired-state files up to this one hold more than " +
                                           describe_size(kMaxTotalBytes) + ", the limit for all files together",
                               "apply the desired state in parts, from several directories");
      return result;
    }
    sources.push_back({name, std::move(*text), file.parent_path()});
  }
  LoadResult loaded = load_desired_sources(sources, catalog, secrets, resolution, variables);
  loaded.diagnostics.append(result.diagnostics);
  return loaded;
}

}  // namespace sps::desired
