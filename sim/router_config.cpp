// Router handlers for transactions and the configuration tree (/api/configuration/...).
#include "core/json_pointer.h"
#include "sim/router.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <set>

namespace sps::sim {
namespace json = boost::json;

namespace {

constexpr std::string_view kTransaction = "/api/transaction";

Response invalid_body(std::string_view path, std::string_view why) {
  return error_response(400, "InvalidRequestBody",
                        "The request body is not valid JSON: " + std::string(why),
                        {{"path", path}}, path);
}

Response semantic_error(std::string_view path, std::string_view message,
                        const std::vector<Problem>& problems) {
  json::array errors;
  for (const auto& p : problems) {
    errors.push_back(json::object{{"path", p.path}, {"pointer", p.pointer}, {"message", p.message}});
  }
  return error_response(400, "SemanticError", message, {{"path", path}, {"errors", errors}}, path);
}

/// meta of a node: href, parent, first/last/next/previous among its siblings, transaction,
/// and remaining_seconds for the holder ("Message format").
json::object node_meta(const Store& store, const Session& session, std::string_view href,
                       std::string_view parent, const std::vector<std::string>& siblings) {
  const std::string_view self = href.substr(std::min(href.size(), parent.size() + 1));
  json::object meta = sibling_links(siblings, self, parent);
  meta["href"] = href;
  meta["parent"] = parent;
  meta["transaction"] = kTransaction;
  if (store.holds_transaction(session.id)) meta["remaining_seconds"] = store.remaining_seconds();
  return meta;
}

/// The read form of a body: references become {key, meta: {href}}.
json::value render(const Store& store, const NodeSpec& node, json::value body) {
  for (const auto& site : node.references) {
    core::for_each_match(body, site.pointer, [&](const std::string&, json::value& v) {
      if (!v.is_string()) return;
      const std::string key(v.get_string());
      v = json::object{
          {"key", key},
          {"meta", json::object{{"href", store.nodes().reference_href(site.target, key)}}}};
    });
  }
  return body;
}

core::Result<json::value> parse_json(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return core::Error(core::ErrorCode::kInvalidArgument, ec.message());
  return v;
}

bool is_builtin(const StoredObject& item) {
  // Built-in objects have negative numeric keys (-100 "7x24" time policy, -300 SSH settings
  // policy) and cannot be deleted ("Delete an object").
  return item.key.starts_with("-");
}

/// The item keys of a collection, in order.
std::vector<std::string> item_keys(const KindState& state) {
  std::vector<std::string> keys;
  keys.reserve(state.items.size());
  for (const auto& item : state.items) keys.push_back(item.key);
  return keys;
}

}  // namespace

// --- /api/transaction ---------------------------------------------------------------------

Response Router::transaction(Context& ctx) {
  const Session& session = *ctx.session;
  const std::string& method = ctx.request.method;
  auto lock_error = [&](std::string_view message) {
    return error_response(m_store.options().lock_error_status, m_store.options().lock_error_type,
                          message, {{"path", ctx.path}, {"locked_by", m_store.lock_holder()}},
                          ctx.path);
  };
  auto document = [&] {
    const bool open = m_store.holds_transaction(session.id);
    json::object meta{{"href", kTransaction}, {"parent", "/api"}};
    json::value message = nullptr;
    if (open) {
      meta["remaining_seconds"] = m_store.remaining_seconds();
      meta["changes"] = "/api/transaction/changes";
    } else if (!m_store.last_commit_message().empty()) {
      message = json::value(m_store.last_commit_message());
    }
    return json::object{
        {"key", "transaction"},
        {"body", json::object{{"status", open ? "open" : "closed"}, {"commit_message", message}}},
        {"meta", std::move(meta)}};
  };

  if (method == "GET") return json_response(200, document());
  if (method == "POST") {
    // SPS refuses to open a transaction without a Content-Length (sps-api.md §3.1).
    if (!ctx.request.has_content_length) {
      return error_response(411, "LengthRequired",
                            "POST /api/transaction needs a Content-Length (send an empty body)",
                            {{"path", ctx.path}}, ctx.path);
    }
    auto opened = m_store.open(session);
    if (!opened) return lock_error(opened.error().message);
    return json_response(*opened ? 201 : 200, document());
  }
  if (method == "PUT") {
    auto body = parse_json(ctx.request.body);
    if (!body) return invalid_body(ctx.path, body.error().message);
    const auto* obj = body->if_object();
    const auto* status = obj != nullptr ? obj->if_contains("status") : nullptr;
    if (status == nullptr || !status->is_string() || status->get_string() != "commit") {
      return error_response(400, "InvalidRequestBody",
                            "Send {\"status\": \"commit\", \"commit_message\": \"...\"} to commit",
                            {{"path", ctx.path}}, ctx.path);
    }
    if (!m_store.holds_transaction(session.id)) {
      if (!m_store.lock_holder().empty()) {
        return lock_error("The configuration is locked by another administrator (" +
                          m_store.lock_holder() + ")");
      }
      return error_response(400, "SemanticError", "There is no open transaction to commit",
                            {{"path", ctx.path}, {"errors", json::array{}}}, ctx.path);
    }
    std::string message;
    if (const auto* m = obj->if_contains("commit_message"); m && m->is_string()) {
      message = std::string(m->get_string());
    }
    const auto problems = m_store.commit(message);
    if (!problems.empty()) {
      return semantic_error(ctx.path,
                            "The configuration has " + std::to_string(problems.size()) +
                                " problem(s); nothing was committed and the transaction is "
                                "still open",
                            problems);
    }
    return json_response(200, document());
  }
  if (method == "DELETE") {
    if (m_store.holds_transaction(session.id)) {
      m_store.rollback();
    } else if (!m_store.lock_holder().empty()) {
      return lock_error("The transaction belongs to another administrator (" +
                        m_store.lock_holder() + ")");
    }
    return json_response(200, json::object{{"meta", json::object{{"href", kTransaction}, {"parent", "/api"}}}});
  }
  return method_not_allowed(method, ctx.path);
}

Response Router::transaction_changes(Context& ctx) {
  if (ctx.request.method != "GET") return method_not_allowed(ctx.request.method, ctx.path);
  const bool open = m_store.holds_transaction(ctx.session->id);
  json::object meta{{"href", ctx.path}, {"parent", kTransaction}};
  if (open) meta["remaining_seconds"] = m_store.remaining_seconds();
  return json_response(200, json::object{{"changes", open ? m_store.changes() : json::array{}},
                              {"meta", std::move(meta)}});
}

// --- /api/configuration/... -----------------------------------------------------------------

std::vector<std::string> Router::siblings_of(std::string_view path) const {
  if (path == kConfigurationRoot) return api_children();
  const std::string parent = parent_path(path);
  const std::string relative =
      parent == kConfigurationRoot ? std::string() : parent.substr(kConfigurationRoot.size() + 1);
  return m_store.nodes().children(relative);
}

Response Router::configuration(Context& ctx) {
  const Session& session = *ctx.session;
  const std::string& method = ctx.request.method;
  const std::string& path = ctx.path;
  const std::string relative =
      path == kConfigurationRoot ? std::string() : path.substr(kConfigurationRoot.size() + 1);

  // Which node is this: a node of the tree, an item of a collection node, or a directory?
  NodeSpec* node = m_store.find_node(relative);
  std::string key;
  if (node == nullptr) {
    const auto slash = relative.rfind('/');
    if (slash != std::string::npos) {
      NodeSpec* parent = m_store.find_node(std::string_view(relative).substr(0, slash));
      if (parent != nullptr && parent->is_collection()) {
        node = parent;
        key = relative.substr(slash + 1);
      }
    }
  }
  if (node == nullptr) {
    const std::vector<std::string> children = m_store.nodes().children(relative);
    if (children.empty()) return not_found(path);
    if (method != "GET") return method_not_allowed(method, path);
    json::array items;
    for (const auto& child : children) {
      items.push_back(json::object{{"key", child}, {"meta", json::object{{"href", path + "/" + child}}}});
    }
    return json_response(200, json::object{{"items", std::move(items)},
                                {"meta", node_meta(m_store, session, path, parent_path(path),
                                                   siblings_of(path))}});
  }
  if (node->read_only && method != "GET") return method_not_allowed(method, path);

  // Writes work on the pending state; the first write opens the transaction (SPS 6.9+).
  auto begin_write = [&]() -> std::optional<Response> {
    if (m_store.holds_transaction(session.id)) return std::nullopt;
    auto opened = m_store.open(session);
    if (!opened) {
      return error_response(m_store.options().lock_error_status,
                            m_store.options().lock_error_type, opened.error().message,
                            {{"path", path}, {"locked_by", m_store.lock_holder()}}, path);
    }
    return std::nullopt;
  };
  const Config& view = m_store.view_for(session.id);
  const KindState& state = view.at(node->path);

  if (!node->is_collection() || !key.empty()) {
    // A singleton or one item of a collection.
    const bool item = node->is_collection();
    const std::string parent = item ? node->rest_path : parent_path(node->rest_path);
    const std::string object_key = item ? key : state.items.at(0).key;
    auto siblings = [&] { return item ? item_keys(state) : siblings_of(path); };
    if (method == "GET") {
      const StoredObject* object = state.find(object_key);
      if (object == nullptr) return not_found(path);
      return json_response(200, json::object{{"key", object->key},
                                  {"body", render(m_store, *node, object->body)},
                                  {"meta", node_meta(m_store, session, path, parent, siblings())}});
    }
    if (method == "PUT") {
      if (node->write_once) return method_not_allowed(method, path);
      auto body = parse_json(ctx.request.body);
      if (!body) return invalid_body(path, body.error().message);
      if (auto locked = begin_write()) return *locked;
      if (m_store.pending().at(node->path).find(object_key) == nullptr) return not_found(path);
      m_store.replace(m_store.pending(), *node, object_key,
                      m_store.normalize_body(*node, std::move(*body)));
      return json_response(200, json::object{{"key", object_key},
                                  {"meta", node_meta(m_store, session, path, parent,
                                                     item ? item_keys(m_store.pending().at(node->path))
                                                          : siblings_of(path))}});
    }
    if (method == "DELETE" && item && !node->write_once) {
      if (auto locked = begin_write()) return *locked;
      const KindState& pending = m_store.pending().at(node->path);
      const StoredObject* object = pending.find(object_key);
      if (object == nullptr) return not_found(path);
      if (is_builtin(*object)) {
        return error_response(400, "SemanticError",
                              "Built-in object " + path + " cannot be deleted",
                              {{"path", path},
                               {"errors", json::array{json::object{
                                              {"path", path},
                                              {"pointer", ""},
                                              {"message", "built-in objects cannot be deleted"}}}}},
                              path);
      }
      // The answer's links are the item's neighbours before it went away.
      json::object meta = node_meta(m_store, session, path, parent, item_keys(pending));
      m_store.remove(m_store.pending(), *node, object_key);
      return json_response(200, json::object{{"meta", std::move(meta)}});
    }
    return method_not_allowed(method, path);
  }

  // A collection node.
  const std::string parent = parent_path(path);
  if (method == "GET") {
    // Write-once collections cannot be listed ("Passwords stored on SPS").
    if (node->write_once) return method_not_allowed(method, path);
    json::array items;
    for (const auto& object : state.items) {
      json::object entry{{"key", object.key}};
      if (m_store.options().listings_include_bodies) {
        entry["body"] = render(m_store, *node, object.body);
      }
      entry["meta"] = json::object{{"href", path + "/" + object.key}};
      items.push_back(std::move(entry));
    }
    return json_response(200, json::object{{"items", std::move(items)},
                                {"meta", node_meta(m_store, session, path, parent, siblings_of(path))}});
  }
  if (method == "POST") {
    auto body = parse_json(ctx.request.body);
    if (!body) return invalid_body(path, body.error().message);
    json::value normalized = m_store.normalize_body(*node, std::move(*body));
    if (node->write_once) {
      // Write-once bodies are never stored, so they are checked now rather than at commit.
      std::vector<Problem> problems;
      for (const auto& e : m_store.validate_write_once(*node, normalized)) {
        problems.push_back({path, e.pointer, e.message});
      }
      if (!problems.empty()) return semantic_error(path, "The object is invalid", problems);
    }
    if (auto locked = begin_write()) return *locked;
    const std::string new_key = m_store.create(m_store.pending(), *node, std::move(normalized));
    return json_response(201, json::object{{"key", new_key},
                                {"meta", node_meta(m_store, session, path + "/" + new_key, path,
                                                   item_keys(m_store.pending().at(node->path)))}});
  }
  return method_not_allowed(method, path);
}

}  // namespace sps::sim
