#include "domain/official_channels.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include "domain/contact_info.h"

namespace rxdesk {
namespace {

using CodePoints = std::u32string;

Error NotAChannel() {
  return InvalidField("value", "must be a phone number, an email address, a domain or a web address");
}

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool IsAsciiDigit(char32_t c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlpha(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char ToLowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsAsciiSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsAsciiSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ToLowerAscii(c);
  return out;
}

// Strict UTF-8 (no overlongs, no surrogates); nullopt when malformed.
std::optional<CodePoints> DecodeUtf8(std::string_view s) {
  CodePoints out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    int extra = 0;
    char32_t cp = 0;
    if (b < 0x80) {
      cp = b;
    } else if ((b & 0xE0) == 0xC0) {
      extra = 1, cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      extra = 2, cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      extra = 3, cp = b & 0x07;
    } else {
      return std::nullopt;
    }
    if (i + static_cast<std::size_t>(extra) >= s.size() && extra > 0) return std::nullopt;
    for (int k = 1; k <= extra; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (c & 0x3F);
    }
    static constexpr std::array<char32_t, 4> kMin = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
    out.push_back(cp);
    i += 1 + extra;
  }
  return out;
}

void AppendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Control characters, and the invisible ones used to disguise text: bidi
// overrides and isolates, zero-width spaces and joiners, the byte-order mark.
bool IsControlOrInvisible(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2060 && c <= 0x2069) || c == 0xFEFF || c == 0x00AD;
}

// RFC 3492 punycode: the Unicode form of an "xn--" label's tail; nullopt if malformed.
std::optional<CodePoints> PunycodeDecode(std::string_view in) {
  constexpr std::uint32_t kBase = 36, kTMin = 1, kTMax = 26, kSkew = 38, kDamp = 700;
  const auto adapt = [](std::uint32_t delta, std::uint32_t points, bool first) {
    delta = first ? delta / kDamp : delta / 2;
    delta += delta / points;
    std::uint32_t k = 0;
    while (delta > ((kBase - kTMin) * kTMax) / 2) {
      delta /= kBase - kTMin;
      k += kBase;
    }
    return k + (kBase - kTMin + 1) * delta / (delta + kSkew);
  };
  CodePoints out;
  const std::size_t dash = in.rfind('-');
  std::size_t pos = 0;
  if (dash != std::string_view::npos) {
    for (std::size_t i = 0; i < dash; ++i) {
      if (static_cast<unsigned char>(in[i]) >= 0x80) return std::nullopt;
      out.push_back(static_cast<unsigned char>(in[i]));
    }
    pos = dash + 1;
  }
  std::uint32_t n = 128, i = 0, bias = 72;
  while (pos < in.size()) {
    const std::uint32_t old_i = i;
    std::uint32_t w = 1;
    for (std::uint32_t k = kBase;; k += kBase) {
      if (pos >= in.size()) return std::nullopt;
      const char c = ToLowerAscii(in[pos++]);
      std::uint32_t digit = 0;
      if (c >= 'a' && c <= 'z') {
        digit = static_cast<std::uint32_t>(c - 'a');
      } else if (c >= '0' && c <= '9') {
        digit = static_cast<std::uint32_t>(c - '0') + 26;
      } else {
        return std::nullopt;
      }
      if (digit > (0xFFFFFFFFu - i) / w) return std::nullopt;
      i += digit * w;
      const std::uint32_t t = k <= bias ? kTMin : (k >= bias + kTMax ? kTMax : k - bias);
      if (digit < t) break;
      if (w > 0xFFFFFFFFu / (kBase - t)) return std::nullopt;
      w *= kBase - t;
    }
    const auto points = static_cast<std::uint32_t>(out.size() + 1);
    bias = adapt(i - old_i, points, old_i == 0);
    if (i / points > 0x10FFFF - n) return std::nullopt;
    n += i / points;
    i %= points;
    if (n > 0x10FFFF || (n >= 0xD800 && n <= 0xDFFF)) return std::nullopt;
    out.insert(out.begin() + i, static_cast<char32_t>(n));
    ++i;
  }
  return out;
}

// Lower-cases the scripts whose letters imitate Latin ones, and folds fullwidth
// forms and ideographic full stops to ASCII (as IDNA mapping does in a browser).
char32_t FoldCodePoint(char32_t c) {
  if (c >= 0xFF01 && c <= 0xFF5E) c = c - 0xFF01 + 0x21;  // fullwidth ASCII
  if (c == 0x3002 || c == 0xFF61) c = '.';                // ideographic and halfwidth full stops
  if (c >= 'A' && c <= 'Z') return c - 'A' + 'a';
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 0x20;  // Latin-1 capitals
  if (c >= 0x0410 && c <= 0x042F) return c + 0x20;           // Cyrillic capitals
  if (c >= 0x0400 && c <= 0x040F) return c + 0x50;
  if (c >= 0x0391 && c <= 0x03A9 && c != 0x03A2) return c + 0x20;  // Greek capitals
  return c;
}

// The ASCII letter a code point imitates, or 0 when it imitates none.
char LookalikeLetter(char32_t c) {
  if (c < 0x80) return static_cast<char>(c);
  struct Pair {
    char32_t from;
    char to;
  };
  static constexpr Pair kTable[] = {
      // Latin-1 and Latin Extended letters with marks.
      {0xE0, 'a'},
      {0xE1, 'a'},
      {0xE2, 'a'},
      {0xE3, 'a'},
      {0xE4, 'a'},
      {0xE5, 'a'},
      {0xE7, 'c'},
      {0xE8, 'e'},
      {0xE9, 'e'},
      {0xEA, 'e'},
      {0xEB, 'e'},
      {0xEC, 'i'},
      {0xED, 'i'},
      {0xEE, 'i'},
      {0xEF, 'i'},
      {0xF1, 'n'},
      {0xF2, 'o'},
      {0xF3, 'o'},
      {0xF4, 'o'},
      {0xF5, 'o'},
      {0xF6, 'o'},
      {0xF8, 'o'},
      {0xF9, 'u'},
      {0xFA, 'u'},
      {0xFB, 'u'},
      {0xFC, 'u'},
      {0xFD, 'y'},
      {0xFF, 'y'},
      {0x0131, 'i'},
      {0x0142, 'l'},
      {0x0251, 'a'},
      {0x0261, 'g'},
      {0x0269, 'i'},
      // Greek.
      {0x03B1, 'a'},
      {0x03B5, 'e'},
      {0x03B9, 'i'},
      {0x03BA, 'k'},
      {0x03BD, 'v'},
      {0x03BF, 'o'},
      {0x03C1, 'p'},
      {0x03C4, 't'},
      {0x03C5, 'u'},
      {0x03C7, 'x'},
      // Cyrillic.
      {0x0430, 'a'},
      {0x0435, 'e'},
      {0x0450, 'e'},
      {0x0451, 'e'},
      {0x0456, 'i'},
      {0x0457, 'i'},
      {0x0458, 'j'},
      {0x043A, 'k'},
      {0x043C, 'm'},
      {0x043E, 'o'},
      {0x043F, 'n'},
      {0x0440, 'p'},
      {0x0441, 'c'},
      {0x0442, 't'},
      {0x0443, 'y'},
      {0x0445, 'x'},
      {0x0455, 's'},
      {0x04BB, 'h'},
      {0x04CF, 'l'},
      {0x0501, 'd'},
      {0x051B, 'q'},
      {0x051D, 'w'},
  };
  for (const Pair& p : kTable) {
    if (p.from == c) return p.to;
  }
  return 0;
}

// A host split into its labels, each decoded to code points (xn-- labels decoded).
struct Host {
  std::string ascii;      // lower-case, as typed (IDN labels still in their typed form)
  bool all_ascii = true;  // no non-ASCII code point was typed
  bool is_ip = false;
  std::vector<std::string> labels;  // UTF-8, lower-case, punycode decoded
};

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      c = ToLowerAscii(c);
      return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    };
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// Reads a host name (no port, no userinfo). Refusal: NotAChannel().
Result<Host> ReadHost(std::string_view raw) {
  Host host;
  if (raw.size() > 2 && raw.front() == '[' && raw.back() == ']') {  // an IPv6 literal
    for (char c : raw.substr(1, raw.size() - 2)) {
      if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.')) return NotAChannel();
    }
    host.ascii = Lower(raw);
    host.is_ip = true;
    return host;
  }
  const std::string decoded = PercentDecode(raw);
  const std::optional<CodePoints> points = DecodeUtf8(decoded);
  if (!points) return NotAChannel();
  std::string label;
  std::string ascii;
  const auto finish_label = [&]() -> Status {
    if (label.empty()) return NotAChannel();
    if (label.size() > 4 && label.starts_with("xn--")) {
      if (std::optional<CodePoints> u = PunycodeDecode(std::string_view(label).substr(4))) {
        std::string utf8;
        for (char32_t c : *u) AppendUtf8(utf8, FoldCodePoint(c));
        host.labels.push_back(std::move(utf8));
        label.clear();
        return OkStatus();
      }
    }
    host.labels.push_back(std::move(label));
    label.clear();
    return OkStatus();
  };
  for (char32_t c : *points) {
    c = FoldCodePoint(c);
    if (IsControlOrInvisible(c)) return NotAChannel();
    if (c == '.') {
      RXD_TRY(finish_label());
      ascii.push_back('.');
      continue;
    }
    if (c >= 0x80) {
      host.all_ascii = false;
    } else if (!(IsAsciiAlpha(c) || IsAsciiDigit(c) || c == '-' || c == '_')) {
      return NotAChannel();
    }
    AppendUtf8(label, c);
    AppendUtf8(ascii, c);
  }
  // A fully qualified name may end in a dot ("caremark.com."): the same host.
  while (!ascii.empty() && ascii.back() == '.') ascii.pop_back();
  if (!label.empty()) RXD_TRY(finish_label());
  if (host.labels.size() < 2 || host.labels.size() > 127 || ascii.size() > 253) return NotAChannel();
  host.ascii = std::move(ascii);
  host.is_ip = std::all_of(host.ascii.begin(), host.ascii.end(), [](char c) { return IsAsciiDigit(c) || c == '.'; });
  return host;
}

// Applies the multi-letter lookalikes after the single ones: "rn" -> "m", "vv" -> "w",
// "cl" -> "d"; digits and letters that pass for 'l' all become 'l'.
std::string SkeletonOfLetters(std::string s) {
  for (char& c : s) {
    switch (c) {
      case '0':
        c = 'o';
        break;
      case '1':
      case 'i':
      case '|':
        c = 'l';
        break;
      case '3':
        c = 'e';
        break;
      case '4':
        c = 'a';
        break;
      case '5':
        c = 's';
        break;
      case '8':
        c = 'b';
        break;
      default:
        break;
    }
  }
  static constexpr std::pair<std::string_view, char> kPairs[] = {{"rn", 'm'}, {"vv", 'w'}, {"cl", 'd'}};
  for (const auto& [from, to] : kPairs) {
    for (std::size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + 1)) {
      s.replace(pos, from.size(), 1, to);
    }
  }
  return s;
}

struct Domain {
  std::string host;      // lower-case ASCII
  std::string name;      // the label before the top-level domain
  std::string skeleton;  // of `name`
};

Domain MakeDomain(std::string_view official) {
  Domain d;
  d.host = Lower(official);
  while (!d.host.empty() && d.host.back() == '.') d.host.pop_back();
  const std::size_t last = d.host.rfind('.');
  const std::size_t before = last == std::string::npos ? std::string::npos : d.host.rfind('.', last - 1);
  d.name = last == std::string::npos ? d.host
                                     : d.host.substr(before == std::string::npos ? 0 : before + 1,
                                                     last - (before == std::string::npos ? 0 : before + 1));
  d.skeleton = SkeletonOfLetters(d.name);
  return d;
}

bool IsSameOrSubdomain(std::string_view host, std::string_view domain) {
  return host == domain ||
         (host.size() > domain.size() && host.ends_with(domain) && host[host.size() - domain.size() - 1] == '.');
}

// The lookalike of one official domain this host is, ranked (lower is closer), or nullopt.
std::optional<int> LookalikeRank(const Host& host, const std::vector<std::string>& skeleton_labels, const Domain& d) {
  const std::size_t n = host.labels.size();
  const std::string& name = host.labels[n - 2];
  const std::string& name_skeleton = skeleton_labels[n - 2];
  // Homoglyphs, or the official name under another top-level domain ("caremark.net").
  if (name_skeleton == d.skeleton) return 0;
  // One or two letters changed, added, dropped or swapped (one for short names: "cvs").
  const int limit = d.name.size() <= 4 ? 1 : 2;
  const int distance = std::min(EditDistance(name, d.name), EditDistance(name_skeleton, d.skeleton));
  if (distance <= limit) return distance;
  // The official name inside another name or label ("caremark-support.com",
  // "caremark.com.evil.net", "login-cvshealth.example").
  if (d.skeleton.size() >= 3) {
    for (const std::string& label : skeleton_labels) {
      if (label.find(d.skeleton) != std::string::npos)
        return 10 - static_cast<int>(std::min<std::size_t>(d.skeleton.size(), 9));
    }
  }
  return std::nullopt;
}

OfficialCheck CheckHost(const Host& host, CheckedKind kind, const OfficialChannels& official) {
  OfficialCheck out;
  out.kind = kind;
  if (host.is_ip) return out;
  std::vector<Domain> domains;
  domains.reserve(official.domains.size());
  for (const std::string& d : official.domains) domains.push_back(MakeDomain(d));
  if (host.all_ascii) {
    for (const Domain& d : domains) {
      if (IsSameOrSubdomain(host.ascii, d.host)) {
        out.official = true;
        return out;
      }
    }
  }
  std::vector<std::string> skeleton_labels;
  skeleton_labels.reserve(host.labels.size());
  for (const std::string& label : host.labels) {
    std::string letters;
    const std::optional<CodePoints> points = DecodeUtf8(label);
    for (char32_t c : points.value_or(CodePoints{})) {
      const char ascii = LookalikeLetter(c);
      letters.push_back(ascii != 0 ? ascii : '?');
    }
    skeleton_labels.push_back(SkeletonOfLetters(std::move(letters)));
  }
  std::optional<int> best;
  for (const Domain& d : domains) {
    const std::optional<int> rank = LookalikeRank(host, skeleton_labels, d);
    if (rank && (!best || *rank < *best)) {
      best = rank;
      out.lookalike_of = d.host;
    }
  }
  return out;
}

// "https://user@host:443/path?q#f" (or "host/path" without a scheme).
Result<OfficialCheck> CheckUrl(std::string_view url, const OfficialChannels& official) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end != std::string_view::npos) {
    const std::string_view scheme = url.substr(0, scheme_end);
    if (scheme.empty() || !IsAsciiAlpha(static_cast<unsigned char>(scheme[0])) ||
        !std::all_of(scheme.begin(), scheme.end(), [](char c) {
          return IsAsciiAlpha(static_cast<unsigned char>(c)) || IsAsciiDigit(static_cast<unsigned char>(c)) ||
                 c == '+' || c == '-' || c == '.';
        })) {
      return NotAChannel();
    }
    url.remove_prefix(scheme_end + 3);
  }
  // Browsers end the authority at '/', '?', '#' and also '\'.
  std::string_view authority = url.substr(0, url.find_first_of("/?#\\"));
  // Everything before the last '@' is userinfo: "https://caremark.com@evil.example" goes to evil.example.
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::string_view host = authority;
  const std::size_t colon = authority.rfind(':');
  const std::size_t bracket = authority.rfind(']');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    const std::string_view port = authority.substr(colon + 1);
    if (port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return IsAsciiDigit(static_cast<unsigned char>(c)); })) {
      return NotAChannel();
    }
    host = authority.substr(0, colon);
  }
  RXD_ASSIGN_OR_RETURN(Host h, ReadHost(host));
  return CheckHost(h, CheckedKind::kUrl, official);
}

// "a@b", "Name <a@b>", "mailto:a@b".
Result<OfficialCheck> CheckEmail(std::string_view text, const OfficialChannels& official) {
  std::string_view address = text;
  if (const std::size_t open = text.rfind('<'); open != std::string_view::npos) {
    if (text.back() != '>') return NotAChannel();
    address = Trim(text.substr(open + 1, text.size() - open - 2));
  }
  if (address.size() > 7 && Lower(address.substr(0, 7)) == "mailto:") address.remove_prefix(7);
  const std::size_t at = address.rfind('@');
  if (at == 0 || at == std::string_view::npos || at + 1 >= address.size()) return NotAChannel();
  for (char c : address) {
    if (IsAsciiSpace(c) || c == '<' || c == '>' || c == '/' || c == '\\') return NotAChannel();
  }
  RXD_ASSIGN_OR_RETURN(Host h, ReadHost(address.substr(at + 1)));
  return CheckHost(h, CheckedKind::kEmail, official);
}

// Phone text: digits, '+', '(', ')', '-', '.', spaces and keypad letters (not with dots).
bool LooksLikePhone(std::string_view text) {
  if (text.empty() || !(IsAsciiDigit(static_cast<unsigned char>(text[0])) || text[0] == '+' || text[0] == '(')) {
    return false;
  }
  bool letters = false, dots = false;
  int digits = 0;
  for (char c : text) {
    if (IsAsciiDigit(static_cast<unsigned char>(c))) {
      ++digits;
    } else if (IsAsciiAlpha(static_cast<unsigned char>(c))) {
      letters = true;
    } else if (c == '.') {
      dots = true;
    } else if (!(c == '+' || c == '(' || c == ')' || c == '-' || c == ' ')) {
      return false;
    }
  }
  return digits >= 3 && !(letters && dots);
}

}  // namespace

std::string_view ToString(CheckedKind kind) {
  switch (kind) {
    case CheckedKind::kPhone:
      return "phone";
    case CheckedKind::kEmail:
      return "email";
    case CheckedKind::kDomain:
      return "domain";
    case CheckedKind::kUrl:
      return "url";
  }
  return "domain";
}

int EditDistance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size(), m = b.size();
  if (n > 256 || m > 256) return static_cast<int>(std::max(n, m));  // hosts' labels are at most 63 bytes
  std::vector<int> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (std::size_t j = 0; j <= m; ++j) prev[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= n; ++i) {
    cur[0] = static_cast<int>(i);
    for (std::size_t j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cur[j] = std::min(cur[j], prev2[j - 2] + 1);
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[m];
}

std::string ConfusableSkeleton(std::string_view host) {
  std::string out;
  const std::optional<CodePoints> points = DecodeUtf8(host);
  for (char32_t c : points.value_or(CodePoints{})) {
    const char ascii = LookalikeLetter(FoldCodePoint(c));
    out.push_back(ascii != 0 ? ascii : '?');
  }
  return SkeletonOfLetters(std::move(out));
}

Result<std::string> NormalizeDialedNumber(std::string_view text, std::string_view field) {
  static constexpr std::string_view kKeypad = "22233344455566677778889999";  // a..z
  std::string digits;
  std::size_t digits_before_letters = std::string::npos;
  for (char c : text) {
    const char lower = ToLowerAscii(c);
    if (lower >= '0' && lower <= '9') {
      digits.push_back(lower);
    } else if (lower >= 'a' && lower <= 'z') {
      if (digits_before_letters == std::string::npos) digits_before_letters = digits.size();
      digits.push_back(kKeypad[static_cast<std::size_t>(lower - 'a')]);
    } else if (!(c == '+' || c == '(' || c == ')' || c == '-' || c == '.' || c == ' ')) {
      return InvalidField(std::string(field), "must be a US phone number");
    }
  }
  const bool country = digits.size() >= 11 && digits[0] == '1';
  const std::size_t wanted = country ? 11 : 10;
  // Vanity numbers print more letters than there are digits ("1-800-PHARMACY"): those are not dialed.
  if (digits.size() > wanted && digits_before_letters != std::string::npos && digits_before_letters <= wanted) {
    digits.resize(wanted);
  }
  if (digits.size() != wanted) return InvalidField(std::string(field), "must be a US phone number");
  return NormalizeUsPhone("+1" + digits.substr(country ? 1 : 0), field);
}

Result<OfficialCheck> CheckOfficialChannel(std::string_view value, const OfficialChannels& official) {
  if (value.size() > official.max_input_bytes) {
    return InvalidField("value", "must be at most " + std::to_string(official.max_input_bytes) + " bytes");
  }
  const std::string_view text = Trim(value);
  if (text.empty()) return InvalidField("value", "must not be empty");
  const std::optional<CodePoints> points = DecodeUtf8(text);
  if (!points) return InvalidField("value", "must be valid UTF-8");
  if (std::any_of(points->begin(), points->end(), IsControlOrInvisible)) {
    return InvalidField("value", "must not contain control or invisible characters");
  }
  const std::string lower = Lower(text);
  if (lower.find("://") != std::string::npos) return CheckUrl(text, official);
  if (lower.starts_with("mailto:") || text.find('@') != std::string_view::npos) return CheckEmail(text, official);
  if (LooksLikePhone(text)) {
    if (Result<std::string> e164 = NormalizeDialedNumber(text, "value"); e164.ok()) {
      OfficialCheck out;
      out.kind = CheckedKind::kPhone;
      for (const OfficialPhone& p : official.phones) {
        if (p.e164 == *e164) {
          out.official = true;
          out.channel = p.channel;
          break;
        }
      }
      return out;
    }
    // Digits that are no phone number may still be a domain ("1800contacts.com").
  }
  if (text.find_first_of("/?#\\:") != std::string_view::npos) return CheckUrl(text, official);
  RXD_ASSIGN_OR_RETURN(Host h, ReadHost(text));
  return CheckHost(h, CheckedKind::kDomain, official);
}

}  // namespace rxdesk
