#include "desired/text_checks.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

namespace sps::desired {
namespace {

/// The length of the valid UTF-8 sequence starting at text[i], or 0 when it is invalid
/// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF, no truncation).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return length;
}

// Reports the first control character other than tab, line feed and carriage return, or the
// first byte that does not start a valid UTF-8 sequence.
bool report_bad_characters(const std::string& name, std::string_view text, core::Diagnostics& out) {
  int line = 1;
  int column = 1;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
      char code[8];
      std::snprintf(code, sizeof code, "U+%04X", c);
      out.error({name, line, column}, std::string("control character ") + code + " is not allowed in YAML",
                "the file looks binary or corrupted; desired-state files must be UTF-8 text");
      return true;
    }
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) {
      char code[8];
      std::snprintf(code, sizeof code, "0x%02X", c);
      out.error({name, line, column}, std::string("invalid UTF-8: byte ") + code + " does not start a valid character",
                "desired-state files must be UTF-8; convert the file (e.g. iconv -f latin1 -t utf-8) or fix this text");
      return true;
    }
    if (c == '\n') {
      ++line;
      column = 1;
    } else {
      column += static_cast<int>(length);
    }
    i += length;
  }
  return false;
}

// Tabs are not allowed in YAML indentation; yaml-cpp reports them as an unrelated syntax
// error a line later, so look for them first and say so plainly.
bool report_tabs(const std::string& name, std::string_view text, core::Diagnostics& out) {
  bool found = false;
  int line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '\n') {
      const std::string_view current = text.substr(line_start, i - line_start);
      const std::size_t first = current.find_first_not_of(" \t-");
      const std::string_view indent = current.substr(0, first == std::string_view::npos ? current.size() : first);
      const std::size_t tab = indent.find('\t');
      if (tab != std::string_view::npos && first != std::string_view::npos && current[first] != '#') {
        out.error({name, line, static_cast<int>(tab) + 1}, "tab character in indentation",
                  "YAML indentation must use spaces; replace the tab with spaces");
        found = true;
      }
      ++line;
      line_start = i + 1;
    }
  }
  return found;
}

}  // namespace

bool check_yaml_text(const std::string& name, std::string_view text, core::Diagnostics& out) {
  if (report_bad_characters(name, text, out)) return true;
  return report_tabs(name, text, out);
}

bool quote_is_closed(const std::string& text, int pos) {
  if (pos < 0 || static_cast<std::size_t>(pos) >= text.size()) return true;
  const char quote = text[static_cast<std::size_t>(pos)];
  if (quote != '"' && quote != '\'') return true;
  for (std::size_t i = static_cast<std::size_t>(pos) + 1; i < text.size(); ++i) {
    if (quote == '"' && text[i] == '\\') {
      ++i;
    } else if (text[i] == quote) {
      if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        ++i;  // '' is an escaped single quote
      } else {
        return true;
      }
    }
  }
  return false;
}

namespace {

bool is_marker_line(std::string_view line, std::string_view marker) {
  return line.substr(0, 3) == marker && (line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r');
}

}  // namespace

std::vector<DocumentText> split_documents(std::string_view text) {
  std::vector<DocumentText> out{{{}, 0, 0}};
  std::size_t start = 0;
  int line = 0;
  for (std::size_t pos = 0; pos <= text.size();) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    const std::string_view current = text.substr(pos, end - pos);
    if (is_marker_line(current, "---") || is_marker_line(current, "...")) {
      out.back().text = text.substr(start, pos - start);
      const bool starts = current.substr(0, 3) == "---";
      start = starts ? pos : std::min(end + 1, text.size());
      out.push_back({{}, starts ? line : line + 1, start});
    }
    if (end == text.size()) break;
    pos = end + 1;
    ++line;
  }
  out.back().text = text.substr(start);
  return out;
}

int first_content_line(std::string_view text) {
  int line = 0;
  for (std::size_t pos = 0; pos < text.size(); ++line) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    std::string_view current = text.substr(pos, end - pos);
    const std::size_t first = current.find_first_not_of(" \t\r");
    current = first == std::string_view::npos ? std::string_view() : current.substr(first);
    if (!current.empty() && current.front() != '#' && !is_marker_line(current, "---") &&
        !is_marker_line(current, "...")) {
      return line;
    }
    pos = end + 1;
  }
  return -1;
}

}  // namespace sps::desired
