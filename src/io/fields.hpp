#pragma once
// Not public. Parsing of single fields without exceptions or allocation: dates, small integers, enum
// names, UTF-8 checks. Each returns false (and a reason) instead of throwing, so a bad row costs no more
// than a good one.
#include <charconv>
#include <cstdint>
#include <string_view>

namespace rapport::io::detail {

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
inline std::int32_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = unsigned(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return std::int32_t(era * 146097 + int(doe) - 719468);
}

inline unsigned days_in_month(int y, unsigned m) {
  static constexpr unsigned d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return d[m - 1];
}

/// `YYYY-MM-DD` -> days since 1970-01-01. On failure `why` says what is wrong.
inline bool parse_date(std::string_view s, std::int32_t& days, const char*& why) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !is_digit(s[0]) || !is_digit(s[1]) || !is_digit(s[2]) ||
      !is_digit(s[3]) || !is_digit(s[5]) || !is_digit(s[6]) || !is_digit(s[8]) || !is_digit(s[9])) {
    why = "not an ISO 8601 date (expected YYYY-MM-DD)";
    return false;
  }
  int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  unsigned m = unsigned((s[5] - '0') * 10 + (s[6] - '0'));
  unsigned d = unsigned((s[8] - '0') * 10 + (s[9] - '0'));
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) {
    why = "impossible date";
    return false;
  }
  days = days_from_civil(y, m, d);
  return true;
}

/// A non-negative decimal integer without sign, spaces or fraction.
inline bool parse_uint(std::string_view s, std::uint32_t& v) {
  if (s.empty() || s.size() > 9) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc{} && p == s.data() + s.size() && is_digit(s[0]);
}

/// Whether `s` is well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
inline bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* e = p + s.size();
  while (p < e) {
    unsigned c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int n;
    unsigned min;
    if ((c & 0xE0) == 0xC0) n = 1, min = 0x80, c &= 0x1F;
    else if ((c & 0xF0) == 0xE0) n = 2, min = 0x800, c &= 0x0F;
    else if ((c & 0xF8) == 0xF0) n = 3, min = 0x10000, c &= 0x07;
    else return false;
    if (e - p <= n) return false;
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      c = (c << 6) | (p[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return false;
    p += n + 1;
  }
  return true;
}

}  // namespace rapport::io::detail
