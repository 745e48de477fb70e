#include "core/diagnostics.h"

#include <algorithm>
#include <tuple>

namespace sps::core {

std::string SourceLocation::to_string() const {
  if (file.empty()) return {};
  std::string out = file;
  if (line > 0) {
    out += ':' + std::to_string(line);
    if (column > 0) out += ':' + std::to_string(column);
  }
  return out;
}

void Diagnostics::error(SourceLocation where, std::string message, std::string hint) {
  m_items.push_back({Severity::kError, std::move(where), std::move(message), std::move(hint), {}, {}});
}

void Diagnostics::warning(SourceLocation where, std::string message, std::string hint) {
  m_items.push_back({Severity::kWarning, std::move(where), std::move(message), std::move(hint), {}, {}});
}

void Diagnostics::note(SourceLocation where, std::string message, std::string hint) {
  m_items.push_back({Severity::kNote, std::move(where), std::move(message), std::move(hint), {}, {}});
}

void Diagnostics::append(const Diagnostics& other) {
  m_items.insert(m_items.end(), other.m_items.begin(), other.m_items.end());
}

bool Diagnostics::has_errors() const { return error_count() > 0; }

std::size_t Diagnostics::error_count() const { return count(Severity::kError); }

std::size_t Diagnostics::count(Severity severity) const {
  return static_cast<std::size_t>(std::count_if(m_items.begin(), m_items.end(), [severity](const Diagnostic& d) {
    return d.severity == severity;
  }));
}

void Diagnostics::sort() {
  std::stable_sort(m_items.begin(), m_items.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.where.file, a.where.line, a.where.column) <
           std::tie(b.where.file, b.where.line, b.where.column);
  });
}

}  // namespace sps::core
