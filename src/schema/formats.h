#pragma once
// Checks for the JSON Schema "format" values the validator asserts. Each check is a pure
// function of a string: no DNS lookups, no network. Formats not listed here are unknown
// to the validator and, as draft 7 allows, not checked at all.
#include <string_view>

namespace sps::schema {

/// A format the validator knows how to check.
enum class Format {
  kNone,  // no "format" keyword, or a format name we do not check
  kIpv4,
  kIpv6,
  kHostname,
  kUri,
  kUriReference,
  kDate,
  kTime,
  kDateTime,
  kEmail,
  kRegex,
  kJsonPointer,
  kRelativeJsonPointer,
};

/// The Format for a "format" keyword value ("ipv4", "date-time", ...); kNone if unknown.
Format parse_format(std::string_view name);

/// True when text is valid for format (always true for kNone).
bool check_format(Format format, std::string_view text);

/// Noun phrase for messages: "ipv4 address", "date (YYYY-MM-DD)", ...
std::string_view describe_format(Format format);

}  // namespace sps::schema
