#include "schema/regex.h"

#include <re2/re2.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>

namespace sps::schema {
namespace {

core::Error unsupported(std::string message) {
  return core::Error(core::ErrorCode::kInvalidArgument, std::move(message));
}

// ECMA-262 WhiteSpace and LineTerminator (ECMA-262 §22.2.2.9, CharacterClassEscape "s"),
// written as the inside of an RE2 character class. RE2's own \s is ASCII only.
constexpr std::string_view kEcmaSpace =
    "\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}"
    "\\x{3000}\\x{FEFF}";

std::optional<std::uint32_t> parse_hex(std::string_view digits) {
  if (digits.empty() || digits.size() > 6) return std::nullopt;
  std::uint32_t value = 0;
  for (const char c : digits) {
    std::uint32_t d = 0;
    if (c >= '0' && c <= '9') d = static_cast<std::uint32_t>(c - '0');
    else if (c >= 'a' && c <= 'f') d = static_cast<std::uint32_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') d = static_cast<std::uint32_t>(c - 'A' + 10);
    else return std::nullopt;
    value = value * 16 + d;
  }
  return value;
}

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/// One left-to-right pass over the pattern; `m_in_class` is true between '[' and ']'.
class Translator {
 public:
  explicit Translator(std::string_view pattern) : m_p(pattern) {}

  core::Result<std::string> run() {
    while (m_i < m_p.size()) {
      const char c = m_p[m_i];
      if (c == '\\') {
        if (auto r = escape(); !r) return r.error();
        continue;
      }
      if (m_in_class) {
        if (c == ']') m_in_class = false;
        // '[' is an ordinary character inside an ECMA-262 class; RE2 would read "[:" as
        // the start of a POSIX class.
        m_out += c == '[' ? std::string_view("\\[") : std::string_view(&m_p[m_i], 1);
        ++m_i;
        continue;
      }
      switch (c) {
        case '[': open_class(); break;
        case ']': m_out += "\\]"; ++m_i; break;  // Annex B: a lone ']' is a literal
        case '.': m_out += "[^\\n\\r\\x{2028}\\x{2029}]"; ++m_i; break;
        case '(':
          if (auto r = group(); !r) return r.error();
          break;
        default: m_out += c; ++m_i; break;
      }
    }
    return std::move(m_out);
  }

 private:
  bool at(std::string_view s) const { return m_p.substr(m_i, s.size()) == s; }

  void code_point(std::uint32_t cp) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string hex;
    do {
      hex.insert(hex.begin(), kHex[cp % 16]);
      cp /= 16;
    } while (cp != 0);
    m_out += "\\x{" + hex + "}";
  }

  void open_class() {
    if (at("[^]")) {  // any code point, line terminators included
      m_out += "(?s:.)";
      m_i += 3;
    } else if (at("[]")) {  // matches nothing
      m_out += "[^\\x00-\\x{10FFFF}]";
      m_i += 2;
    } else {
      m_in_class = true;
      m_out += '[';
      ++m_i;
      if (at("^")) {
        m_out += '^';
        ++m_i;
      }
    }
  }

  core::Result<void> group() {
    if (at("(?=") || at("(?!")) return unsupported("lookahead (?= or (?! is not supported (RE2 has no lookaround)");
    if (at("(?<=") || at("(?<!")) {
      return unsupported("lookbehind (?<= or (?<! is not supported (RE2 has no lookaround)");
    }
    if (at("(?<")) {
      m_out += "(?P<";
      m_i += 3;
    } else if (at("(?:")) {
      m_out += "(?:";
      m_i += 3;
    } else if (at("(?")) {
      return unsupported("\"(?\" must start a group (?: or (?<name>");
    } else {
      m_out += '(';
      ++m_i;
    }
    return {};
  }

  core::Result<void> escape() {
    if (m_i + 1 >= m_p.size()) return unsupported("the pattern ends with a lone backslash");
    const char e = m_p[m_i + 1];
    m_i += 2;
    switch (e) {
      case 'd': case 'D': case 'w': case 'W': case 'f': case 'n': case 'r': case 't':
        m_out += '\\';
        m_out += e;
        return {};
      case 'b': m_out += m_in_class ? "\\x08" : "\\b"; return {};
      case 'B':
        if (m_in_class) return unsupported("\\B is not allowed inside a character class");
        m_out += "\\B";
        return {};
      case 'v': m_out += "\\x0B"; return {};
      case 's':
        if (m_in_class) m_out += kEcmaSpace;
        else m_out += "[" + std::string(kEcmaSpace) + "]";
        return {};
      case 'S':
        // Inside a class RE2 cannot nest the negation; its ASCII \S is the nearest equivalent.
        if (m_in_class) m_out += "\\S";
        else m_out += "[^" + std::string(kEcmaSpace) + "]";
        return {};
      case '0':
        if (m_i < m_p.size() && m_p[m_i] >= '0' && m_p[m_i] <= '9') {
          return unsupported("octal escapes such as \\01 are not ECMA-262 (unicode mode); use \\x01");
        }
        m_out += "\\x00";
        return {};
      case 'c':
        if (m_i >= m_p.size() || !is_letter(m_p[m_i])) return unsupported("\\c must be followed by a letter");
        code_point(static_cast<std::uint32_t>(static_cast<unsigned char>(m_p[m_i]) % 32));
        ++m_i;
        return {};
      case 'x': {
        const auto value = m_i + 2 <= m_p.size() ? parse_hex(m_p.substr(m_i, 2)) : std::nullopt;
        if (!value) return unsupported("\\x must be followed by two hexadecimal digits");
        code_point(*value);
        m_i += 2;
        return {};
      }
      case 'u': return unicode_escape();
      case 'k': return unsupported("backreferences (\\k<name>) are not supported (RE2 has none)");
      case 'p': case 'P':
        m_out += '\\';
        m_out += e;  // the {Name} that follows is copied as is; RE2 rejects names it does not know
        return {};
      default: break;
    }
    if (e >= '1' && e <= '9') return unsupported("backreferences (\\1 ... \\9) are not supported (RE2 has none)");
    if (is_letter(e)) {
      return unsupported(std::string("unknown escape sequence \\") + e + " (not an ECMA-262 regular expression)");
    }
    if (static_cast<unsigned char>(e) < 0x80) {
      m_out += '\\';  // an escaped punctuation character stands for itself in both dialects
      m_out += e;
    } else {
      m_out += e;  // an escaped non-ASCII character: the rest of its UTF-8 bytes follow as is
    }
    return {};
  }

  // \uHHHH (a UTF-16 unit; a surrogate pair is combined) or \u{H...} (a code point).
  core::Result<void> unicode_escape() {
    std::optional<std::uint32_t> cp;
    if (at("{")) {
      const std::size_t close = m_p.find('}', m_i);
      if (close != std::string_view::npos) cp = parse_hex(m_p.substr(m_i + 1, close - m_i - 1));
      if (!cp || *cp > 0x10FFFF) return unsupported("\\u{...} must hold a code point in hexadecimal");
      m_i = close + 1;
    } else {
      if (m_i + 4 <= m_p.size()) cp = parse_hex(m_p.substr(m_i, 4));
      if (!cp) return unsupported("\\u must be followed by four hexadecimal digits");
      m_i += 4;
      if (*cp >= 0xD800 && *cp <= 0xDBFF && at("\\u") && m_i + 6 <= m_p.size()) {
        const auto low = parse_hex(m_p.substr(m_i + 2, 4));
        if (low && *low >= 0xDC00 && *low <= 0xDFFF) {
          cp = 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00);
          m_i += 6;
        }
      }
    }
    if (*cp >= 0xD800 && *cp <= 0xDFFF) return unsupported("a lone UTF-16 surrogate cannot be matched in UTF-8 text");
    code_point(*cp);
    return {};
  }

  std::string_view m_p;
  std::size_t m_i = 0;
  bool m_in_class = false;
  std::string m_out;
};

// RE2 bounds the memory of one compiled program; a pattern that needs more is refused at
// compile time instead of growing without limit. 8 MiB is RE2's default, ample for schemas.
constexpr std::int64_t kMaxProgramMemory = std::int64_t{8} << 20;

}  // namespace

core::Result<std::string> translate_ecma_regex(std::string_view pattern) { return Translator(pattern).run(); }

namespace {

core::Result<std::shared_ptr<const re2::RE2>> compile_re2(std::string_view pattern) {
  auto translated = translate_ecma_regex(pattern);
  if (!translated) return translated.error();
  re2::RE2::Options options;
  options.set_log_errors(false);  // errors are returned, not printed to stderr
  options.set_max_mem(kMaxProgramMemory);
  auto re = std::make_shared<const re2::RE2>(*translated, options);
  if (!re->ok()) return core::Error(core::ErrorCode::kInvalidArgument, re->error());
  return std::shared_ptr<const re2::RE2>(std::move(re));
}

}  // namespace

core::Result<Regex> compile_regex(std::string_view pattern) {
  // Schemas repeat their patterns (the "^\\S+$" of names is in 15 of the catalog's): each
  // distinct pattern is compiled once per process, a third of compiling a schema otherwise.
  // RE2 objects are immutable and thread-safe. At most kCachedPatterns are kept, so schemas
  // with ever new patterns (the fuzzers') cannot grow the cache without bound; never
  // destroyed (reachable to the end, not a leak), as freeing it at exit is work for nobody.
  constexpr std::size_t kCachedPatterns = 512;
  static std::mutex mutex;
  static auto& cache = *new std::map<std::string, core::Result<Regex>, std::less<>>;
  {
    const std::lock_guard lock(mutex);
    if (auto it = cache.find(pattern); it != cache.end()) return it->second;
  }
  const auto compiled = [&]() -> core::Result<Regex> {
    auto re = compile_re2(pattern);
    if (!re) return re.error();
    Regex out;
    out.m_source = std::string(pattern);
    out.m_re = std::move(*re);
    return out;
  }();
  const std::lock_guard lock(mutex);
  if (cache.size() < kCachedPatterns) cache.emplace(std::string(pattern), compiled);
  return compiled;
}

bool Regex::search(std::string_view text) const {
  return re2::RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *m_re);
}

}  // namespace sps::schema
