#include "schema/formats.h"

#include "schema/regex.h"

#include <arpa/inet.h>
#include <boost/url/parse.hpp>

#include <array>
#include <cctype>
#include <cstddef>
#include <string>

namespace sps::schema {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// Reads exactly `width` digits at text[pos] into *out; false if any is not a digit.
bool read_digits(std::string_view text, std::size_t pos, std::size_t width, int* out) {
  if (pos + width > text.size()) return false;
  int value = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (!is_digit(text[i])) return false;
    value = value * 10 + (text[i] - '0');
  }
  *out = value;
  return true;
}

// Dotted quad with decimal octets 0-255. Leading zeros are rejected: some parsers read
// "010" as octal, so accepting it would make the address ambiguous.
bool check_ipv4(std::string_view text) {
  int parts = 0;
  std::size_t pos = 0;
  while (true) {
    std::size_t end = pos;
    while (end < text.size() && is_digit(text[end])) ++end;
    const std::size_t len = end - pos;
    if (len == 0 || len > 3 || (len > 1 && text[pos] == '0')) return false;
    int octet = 0;
    read_digits(text, pos, len, &octet);
    if (octet > 255) return false;
    ++parts;
    if (end == text.size()) break;
    if (text[end] != '.' || parts == 4) return false;
    pos = end + 1;
  }
  return parts == 4;
}

// inet_pton is a pure parser (no lookups); it implements RFC 4291 text forms, including
// "::" compression and an embedded dotted quad.
bool check_ipv6(std::string_view text) {
  if (text.empty() || text.size() > 45) return false;
  const std::string copy(text);
  std::array<unsigned char, 16> buf{};
  return inet_pton(AF_INET6, copy.c_str(), buf.data()) == 1;
}

// RFC 1123 host name: dot-separated labels of 1-63 letters, digits and hyphens, not
// starting or ending with a hyphen; at most 253 characters.
bool check_hostname(std::string_view text) {
  if (text.empty() || text.size() > 253) return false;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('.', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view label = text.substr(pos, end - pos);
    if (label.empty() || label.size() > 63) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!is_alnum(c) && c != '-') return false;
    }
    pos = end + 1;
  }
  return true;
}

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

// RFC 3339 full-date: YYYY-MM-DD with a day that exists in that month.
bool check_date(std::string_view text) {
  int year = 0, month = 0, day = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  if (!read_digits(text, 0, 4, &year) || !read_digits(text, 5, 2, &month) ||
      !read_digits(text, 8, 2, &day)) {
    return false;
  }
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  const int max_day = (month == 2 && is_leap_year(year)) ? 29 : kDays[month - 1];
  return day <= max_day;
}

// RFC 3339 full-time: HH:MM:SS[.frac](Z|+HH:MM|-HH:MM). A leap second (:60) is only
// valid when the time, converted to UTC, is 23:59.
bool check_time(std::string_view text) {
  int hour = 0, minute = 0, second = 0;
  if (text.size() < 9 || text[2] != ':' || text[5] != ':') return false;
  if (!read_digits(text, 0, 2, &hour) || !read_digits(text, 3, 2, &minute) ||
      !read_digits(text, 6, 2, &second)) {
    return false;
  }
  if (hour > 23 || minute > 59 || second > 60) return false;
  std::size_t pos = 8;
  if (pos < text.size() && text[pos] == '.') {
    const std::size_t start = ++pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    if (pos == start) return false;
  }
  if (pos >= text.size()) return false;  // the offset is mandatory
  int offset_minutes = 0;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    if (pos + 1 != text.size()) return false;
  } else if (text[pos] == '+' || text[pos] == '-') {
    int off_hour = 0, off_minute = 0;
    if (text.size() != pos + 6 || text[pos + 3] != ':') return false;
    if (!read_digits(text, pos + 1, 2, &off_hour) || !read_digits(text, pos + 4, 2, &off_minute))
      return false;
    if (off_hour > 23 || off_minute > 59) return false;
    offset_minutes = (text[pos] == '+' ? 1 : -1) * (off_hour * 60 + off_minute);
  } else {
    return false;
  }
  if (second == 60) {
    const int utc = ((hour * 60 + minute - offset_minutes) % 1440 + 1440) % 1440;
    return utc == 23 * 60 + 59;
  }
  return true;
}

bool check_date_time(std::string_view text) {
  if (text.size() < 11 || (text[10] != 'T' && text[10] != 't')) return false;
  return check_date(text.substr(0, 10)) && check_time(text.substr(11));
}

// RFC 5321 mailbox, restricted to the common dot-atom local part and a host name or an
// address literal as the domain. Quoted local parts are rejected on purpose: no SPS field
// needs them and they are a classic source of injection bugs.
bool check_email(std::string_view text) {
  const std::size_t at = text.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == text.size()) return false;
  const std::string_view local = text.substr(0, at);
  const std::string_view domain = text.substr(at + 1);
  if (local.size() > 64 || local.front() == '.' || local.back() == '.') return false;
  static constexpr std::string_view kAtext = "!#$%&'*+-/=?^_`{|}~";
  char previous = 0;
  for (char c : local) {
    if (c == '.' && previous == '.') return false;
    if (!is_alnum(c) && c != '.' && kAtext.find(c) == std::string_view::npos) return false;
    previous = c;
  }
  if (domain.front() == '[' && domain.back() == ']') {
    const std::string_view literal = domain.substr(1, domain.size() - 2);
    if (literal.substr(0, 5) == "IPv6:") return check_ipv6(literal.substr(5));
    return check_ipv4(literal);
  }
  return check_hostname(domain);
}

// RFC 6901: "" or a sequence of "/token" where "~" is only followed by "0" or "1".
bool check_json_pointer(std::string_view text) {
  if (!text.empty() && text.front() != '/') return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '~' && (i + 1 == text.size() || (text[i + 1] != '0' && text[i + 1] != '1')))
      return false;
  }
  return true;
}

// draft-handrews-relative-json-pointer: a non-negative integer without leading zeros,
// then "#" or a JSON pointer.
bool check_relative_json_pointer(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size() && is_digit(text[pos])) ++pos;
  if (pos == 0 || (pos > 1 && text[0] == '0')) return false;
  const std::string_view rest = text.substr(pos);
  return rest == "#" || check_json_pointer(rest);
}

}  // namespace

Format parse_format(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, Format>, 12> kNames = {{
      {"ipv4", Format::kIpv4},
      {"ipv6", Format::kIpv6},
      {"hostname", Format::kHostname},
      {"uri", Format::kUri},
      {"uri-reference", Format::kUriReference},
      {"date", Format::kDate},
      {"time", Format::kTime},
      {"date-time", Format::kDateTime},
      {"email", Format::kEmail},
      {"regex", Format::kRegex},
      {"json-pointer", Format::kJsonPointer},
      {"relative-json-pointer", Format::kRelativeJsonPointer},
  }};
  for (const auto& [n, f] : kNames) {
    if (n == name) return f;
  }
  return Format::kNone;
}

bool check_format(Format format, std::string_view text) {
  switch (format) {
    case Format::kNone: return true;
    case Format::kIpv4: return check_ipv4(text);
    case Format::kIpv6: return check_ipv6(text);
    case Format::kHostname: return check_hostname(text);
    // Boost.URL implements the RFC 3986 grammar exactly: "uri" needs a scheme,
    // "uri-reference" also accepts relative references.
    case Format::kUri: return boost::urls::parse_uri(text).has_value();
    case Format::kUriReference: return boost::urls::parse_uri_reference(text).has_value();
    case Format::kDate: return check_date(text);
    case Format::kTime: return check_time(text);
    case Format::kDateTime: return check_date_time(text);
    case Format::kEmail: return check_email(text);
    case Format::kRegex: return compile_regex(text).has_value();
    case Format::kJsonPointer: return check_json_pointer(text);
    case Format::kRelativeJsonPointer: return check_relative_json_pointer(text);
  }
  return true;
}

std::string_view describe_format(Format format) {
  switch (format) {
    case Format::kNone: return "value";
    case Format::kIpv4: return "ipv4 address";
    case Format::kIpv6: return "ipv6 address";
    case Format::kHostname: return "hostname";
    case Format::kUri: return "URI (with a scheme, e.g. https://host/path)";
    case Format::kUriReference: return "URI reference";
    case Format::kDate: return "date (YYYY-MM-DD)";
    case Format::kTime: return "time (HH:MM:SS with a Z or +HH:MM offset)";
    case Format::kDateTime: return "date-time (YYYY-MM-DDTHH:MM:SSZ)";
    case Format::kEmail: return "e-mail address";
    case Format::kRegex: return "regular expression";
    case Format::kJsonPointer: return "JSON pointer";
    case Format::kRelativeJsonPointer: return "relative JSON pointer";
  }
  return "value";
}

}  // namespace sps::schema
