#pragma once
// Accumulated, located problems found in user input (YAML syntax, schema, references,
// secrets). Validation reports all of them in one run instead of stopping at the first.
#include <string>
#include <vector>

namespace sps::core {

/// Where something is in the user's files. line and column are 1-based; 0 = unknown.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;

  /// "file:line:col", "file:line", "file" or "" depending on what is known.
  std::string to_string() const;
  friend bool operator==(const SourceLocation&, const SourceLocation&) = default;
};

/// kNote: information the user should see once (not a problem; never fails a command).
enum class Severity { kError, kWarning, kNote };

/// One problem. message says what is wrong; hint says how to fix it (may be empty).
/// pointer is the JSON pointer inside the resource body, when the problem is in one.
struct Diagnostic {
  Severity severity = Severity::kError;
  SourceLocation where;
  std::string message;
  std::string hint;
  std::string resource;  // resource address ("policies/backup_policies[nightly]"), may be empty
  std::string pointer;   // JSON pointer inside the body, may be empty
};

/// An ordered list of diagnostics.
class Diagnostics {
 public:
  void add(Diagnostic d) { m_items.push_back(std::move(d)); }
  void error(SourceLocation where, std::string message, std::string hint = {});
  void warning(SourceLocation where, std::string message, std::string hint = {});
  void note(SourceLocation where, std::string message, std::string hint = {});
  void append(const Diagnostics& other);

  bool has_errors() const;
  std::size_t error_count() const;
  std::size_t count(Severity severity) const;
  bool empty() const { return m_items.empty(); }
  const std::vector<Diagnostic>& items() const { return m_items; }

  /// Sorts by file, line, column (stable), so output is deterministic.
  void sort();

 private:
  std::vector<Diagnostic> m_items;
};

}  // namespace sps::core
