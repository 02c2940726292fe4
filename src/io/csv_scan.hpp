#pragma once
// Not public. A fast RFC 4180 tokenizer over a byte buffer: fields come back as string_views into the
// buffer (or, for a quoted field with doubled quotes, into one reusable scratch buffer per record), so
// reading a row allocates nothing. Structural characters are found 16 bytes at a time with SSE2.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace rapport::io::detail {

/// What went wrong with a record's syntax.
enum class SyntaxError : std::uint8_t {
  none = 0,
  unquoted_quote,      ///< a `"` inside a field that does not start with one
  unterminated_quote,  ///< a quoted field runs to the end of the file
  after_quote,         ///< something other than `,` or a line end follows a closing quote
};

inline const char* describe(SyntaxError e) {
  switch (e) {
    case SyntaxError::unquoted_quote: return "a quote inside an unquoted field (quote the field and double the quote)";
    case SyntaxError::unterminated_quote: return "a quoted field is never closed";
    case SyntaxError::after_quote: return "text after a closing quote (expected a comma or the end of the line)";
    default: return "";
  }
}

/// One record: its fields, where it starts, and its first syntax error (the field it is in).
struct Record {
  std::vector<std::string_view> fields;
  std::size_t offset = 0;   ///< byte offset of the record in the buffer
  std::size_t length = 0;   ///< bytes of the record, without its line end
  std::uint64_t line = 0;   ///< physical line where the record starts (1-based)
  std::uint32_t newlines = 0;  ///< line ends inside quoted fields
  SyntaxError error = SyntaxError::none;
  std::size_t error_field = 0;
  std::string scratch;      ///< backing store of unescaped quoted fields
};

class Scanner {
 public:
  Scanner(const char* begin, const char* end, std::uint64_t first_line = 1)
      : p_(begin), begin_(begin), end_(end), line_(first_line) {}

  bool done() const { return p_ >= end_; }
  const char* position() const { return p_; }
  std::uint64_t line() const { return line_; }

  /// Reads the next record; false at the end of the buffer. Empty lines are skipped.
  bool next(Record& r) {
    while (p_ < end_ && (*p_ == '\n' || (*p_ == '\r' && p_ + 1 < end_ && p_[1] == '\n'))) {
      p_ += (*p_ == '\r') ? 2 : 1;
      ++line_;
    }
    if (p_ >= end_) return false;
    r.fields.clear();
    r.offset = std::size_t(p_ - begin_);
    r.line = line_;
    r.newlines = 0;
    r.error = SyntaxError::none;
    r.scratch.clear();
    const char* start = p_;
    for (;;) {
      if (p_ < end_ && *p_ == '"') {
        if (!quoted(r)) break;
      } else {
        // Unquoted: a quote, or a CR that is neither before a LF nor at the very end, is kept as data;
        // a quote is reported.
        const char* f = p_;
        const char* s = find_structural(p_, end_);
        while (s < end_ && (*s == '"' || (*s == '\r' && s + 1 < end_ && s[1] != '\n'))) {
          if (*s == '"' && r.error == SyntaxError::none)
            r.error = SyntaxError::unquoted_quote, r.error_field = r.fields.size();
          s = find_structural(s + 1, end_);
        }
        r.fields.emplace_back(f, std::size_t(s - f));
        p_ = s;
      }
      // p_ is at a delimiter, a line end or the buffer end.
      if (p_ >= end_) break;
      if (*p_ == ',') {
        ++p_;
        if (p_ >= end_) {
          r.fields.emplace_back();
          break;
        }
        continue;
      }
      if (*p_ == '\r') ++p_;
      if (p_ < end_ && *p_ == '\n') ++p_;
      break;
    }
    const char* e = p_;
    while (e > start && (e[-1] == '\n' || e[-1] == '\r')) --e;
    r.length = std::size_t(e - start);
    line_ += 1 + r.newlines;
    return true;
  }

  /// The first structural byte (`,` `"` `\n` `\r`) at or after `p`, or `end`.
  static const char* find_structural(const char* p, const char* end) {
#if defined(__SSE2__)
    const __m128i comma = _mm_set1_epi8(','), quote = _mm_set1_epi8('"'), lf = _mm_set1_epi8('\n'),
                  cr = _mm_set1_epi8('\r');
    while (end - p >= 16) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, quote)),
                               _mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, cr)));
      unsigned bits = unsigned(_mm_movemask_epi8(m));
      if (bits) return p + __builtin_ctz(bits);
      p += 16;
    }
#endif
    while (p < end && *p != ',' && *p != '"' && *p != '\n' && *p != '\r') ++p;
    return p;
  }

 private:
  /// A quoted field starting at p_. Returns false when the record ends here for good (error at EOF).
  bool quoted(Record& r) {
    const char* q = p_ + 1;
    const char* close = nullptr;
    bool doubled = false;
    for (;;) {
      const char* x = static_cast<const char*>(std::memchr(q, '"', std::size_t(end_ - q)));
      if (!x) break;
      if (x + 1 < end_ && x[1] == '"') {
        doubled = true;
        q = x + 2;
        continue;
      }
      close = x;
      break;
    }
    const char* content = p_ + 1;
    if (!close) {
      if (r.error == SyntaxError::none) r.error = SyntaxError::unterminated_quote, r.error_field = r.fields.size();
      for (const char* c = content; c < end_; ++c) r.newlines += *c == '\n';
      r.fields.emplace_back(content, std::size_t(end_ - content));
      p_ = end_;
      return false;
    }
    for (const char* c = content; c < close; ++c) r.newlines += *c == '\n';
    if (!doubled) {
      r.fields.emplace_back(content, std::size_t(close - content));
    } else {
      // Unescape into scratch; growing it re-points the fields that already live there.
      if (r.scratch.size() + std::size_t(close - content) > r.scratch.capacity()) rebase(r, std::size_t(close - content));
      std::size_t at = r.scratch.size();
      for (const char* c = content; c < close; ++c) {
        r.scratch.push_back(*c);
        if (*c == '"') ++c;  // the second of a doubled quote
      }
      r.fields.emplace_back(r.scratch.data() + at, r.scratch.size() - at);
    }
    p_ = close + 1;
    if (p_ < end_ && *p_ != ',' && *p_ != '\n' && !(*p_ == '\r' && p_ + 1 < end_ && p_[1] == '\n') &&
        !(*p_ == '\r' && p_ + 1 == end_)) {
      if (r.error == SyntaxError::none) r.error = SyntaxError::after_quote, r.error_field = r.fields.size() - 1;
      while (p_ < end_ && *p_ != ',' && *p_ != '\n') ++p_;
    }
    return true;
  }

  /// Grows scratch, re-pointing the fields that live in it.
  static void rebase(Record& r, std::size_t extra) {
    const char* old = r.scratch.data();
    std::size_t old_size = r.scratch.size();
    std::string bigger;
    bigger.reserve((old_size + extra) * 2 + 64);
    bigger.append(r.scratch);
    for (auto& f : r.fields)
      if (f.data() >= old && f.data() < old + old_size + 1 && old_size)
        f = std::string_view(bigger.data() + (f.data() - old), f.size());
    r.scratch.swap(bigger);
  }

  const char* p_;
  const char* begin_;
  const char* end_;
  std::uint64_t line_;
};

}  // namespace rapport::io::detail
