#include "desired/parsed_file.h"

#include "desired/alias_check.h"

#include <yaml-cpp/exceptions.h>

#include <algorithm>
#include <atomic>
#include <thread>

namespace sps::desired {
using core::SourceLocation;

core::SourceLocation location(const std::string& file, const YAML::Mark& mark) {
  if (mark.line < 0) return {file, 0, 0};
  return {file, mark.line + 1, mark.column + 1};
}

core::SourceLocation location(const std::string& file, const DocumentText& document, YAML::Mark mark) {
  mark.line += document.line;
  mark.pos += static_cast<int>(document.pos);
  return location(file, mark);
}

namespace {

std::string parser_hint(const std::string& message) {
  if (message.find("end of map not found") != std::string::npos ||
      message.find("illegal map value") != std::string::npos ||
      message.find("end of sequence not found") != std::string::npos ||
      message.find("bad indentation") != std::string::npos) {
    return "check the indentation of this line and the lines above it: keys of one mapping must start "
           "in the same column";
  }
  if (message.find("flow not found") != std::string::npos) {
    return "a [ ... ] or { ... } is not closed, or a quote inside it is not";
  }
  return {};
}

/// Parses one file's documents (no conversion, no shared state).
class FileParser {
 public:
  FileParser(const SourceText& source, bool plain) : m_source(source), m_plain(plain) {}

  ParsedFile run() {
    ParsedFile out;
    // YAML forbids control characters; yaml-cpp 0.7 can loop forever on a NUL (its end-of-stream
    // marker), so such a file is rejected before it reaches the parser, as is invalid UTF-8
    // and a tab in indentation (yaml-cpp's own message for it is misleading).
    out.rejected = check_yaml_text(m_source.name, m_source.text, out.text_diagnostics);
    if (out.rejected) return out;
    // Several documents ("---") in one file are merged like several files. Each document is
    // parsed on its own (one HandleNextDocument): yaml-cpp 0.7's LoadAll loops forever on a
    // stray flow indicator (a "," outside [...] or {...}), so it is never called.
    for (const DocumentText& document : split_documents(m_source.text)) {
      ParsedDocument& parsed = out.documents.emplace_back();
      parsed.document = document;
      m_diagnostics = &parsed.diagnostics;
      parsed.status = parse(document, parsed.root);
      if (parsed.status == Parsed::kStop) break;
    }
    return out;
  }

 private:
  /// Parses one document into root. kStop: a syntax error that spoils the rest of the file
  /// (reported); kEmpty: nothing declared (or unparsable text, reported).
  Parsed parse(const DocumentText& document, YamlNode& root) {
    m_document = document;
    if (const auto problem = check_aliases(document.text)) {
      error({m_source.name, document.line + problem->line + 1, problem->column + 1}, problem->message,
            problem->hint);
      return Parsed::kStop;
    }
    try {
      // yaml-cpp's parser, into a compact tree of our own (yaml_tree.h): YAML::Load's tree of
      // reference-counted nodes was most of the memory of a large desired state.
      root = load_yaml_tree(std::string(document.text));
    } catch (const YAML::Exception& e) {
      error(shifted(e.mark), e.msg, parser_hint(e.msg));
      return Parsed::kStop;
    } catch (const std::exception& e) {
      error({m_source.name}, e.what());
      return Parsed::kStop;
    }
    if (report_unterminated_quotes(root)) return Parsed::kStop;  // the rest of the file was swallowed by the string
    if (root.IsNull()) {
      // An empty document (or only comments) declares nothing; anything else that parses to
      // nothing is text yaml-cpp skipped, such as a stray "," or "]".
      if (const int line = first_content_line(document.text); line >= 0) {
        error({m_source.name, document.line + line + 1, 1}, "this text is not a YAML mapping and could not be parsed",
              m_plain ? "a ',', ']' or '}' outside a [...] or {...} is not allowed"
                      : "a ',', ']' or '}' outside a [...] or {...} is not allowed; start with a kind path such "
                        "as \"policies/backup_policies:\" at column 1");
      }
      return Parsed::kEmpty;
    }
    return Parsed::kNode;
  }

  SourceLocation at(const YamlNode& node) const { return shifted(node.Mark()); }
  SourceLocation shifted(const YAML::Mark& mark) const { return location(m_source.name, m_document, mark); }

  void error(SourceLocation where, std::string message, std::string hint = {}) {
    m_diagnostics->error(std::move(where), std::move(message), std::move(hint));
  }

  // yaml-cpp 0.7 accepts a quoted scalar that runs to the end of the stream. Treat it as
  // the syntax error it is, at the opening quote, and skip the file as for other syntax errors.
  // Such a scalar swallowed everything after it, so it is the document's last scalar: only
  // the last key and value of each level are looked at, not the whole tree.
  bool report_unterminated_quotes(const YamlNode& node) {
    if (node.IsScalar()) {
      if (node.Tag() == "!" && !quote_is_closed(m_source.text, node.Mark().pos + static_cast<int>(m_document.pos))) {
        error(at(node), "unterminated quoted string", "add the closing quote");
        return true;
      }
      return false;
    }
    if (node.IsMap()) {
      const YamlNode* key = nullptr;
      const YamlNode* value = nullptr;
      for (const auto member : node.members()) {
        key = &member.first;
        value = &member.second;
      }
      if (key == nullptr) return false;
      const bool in_key = report_unterminated_quotes(*key);
      return report_unterminated_quotes(*value) || in_key;
    }
    if (node.IsSequence() && node.size() > 0) return report_unterminated_quotes(node[node.size() - 1]);
    return false;
  }

  const SourceText& m_source;
  bool m_plain;
  core::Diagnostics* m_diagnostics = nullptr;
  DocumentText m_document;  // the document being parsed (its place in the file)
};

}  // namespace

ParsedFile parse_file(const SourceText& source, bool plain) { return FileParser(source, plain).run(); }

std::vector<ParsedFile> parse_files(std::span<const SourceText> sources) {
  std::vector<ParsedFile> parsed(sources.size());
  const std::size_t threads = std::min<std::size_t>(sources.size(), std::max(1u, std::thread::hardware_concurrency()));
  if (threads <= 1) {
    for (std::size_t i = 0; i < sources.size(); ++i) parsed[i] = parse_file(sources[i], false);
    return parsed;
  }
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    // FileParser catches what yaml-cpp throws; nothing else here throws but allocation, which
    // ends the process as it would on one thread.
    for (std::size_t i = next++; i < sources.size(); i = next++) parsed[i] = parse_file(sources[i], false);
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& thread : pool) thread.join();
  return parsed;
}

}  // namespace sps::desired
