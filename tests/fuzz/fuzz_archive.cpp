// libFuzzer target: rapport::load_from_bytes on hostile bytes (docs/file-format.md).
//
// Expected outcomes: an Organisation, or a rapport::Error (FormatError). Anything else is a finding: a
// crash, an ASan/UBSan report, a leak, another exception type escaping, a loaded Organisation that
// does not save and load again to the same bytes (the format is canonical), or one that the scores
// doing date arithmetic (coverage, health, retention) cannot handle.
//
// Input encoding (so that mutations reach the payload decoder despite the checksums):
//   starts with 0x89  the whole input is an archive, used as is (envelope checks, truncation, junk)
//   'W' + payload     the harness wraps the payload in a valid envelope (length and both CRCs right)
//   'H' + 36 bytes + payload
//                     header bytes 0-35 come from the input, the harness fixes the header CRC only
//                     (reaches the byte-order, width, Boost version, length and payload CRC checks)
//   anything else     used as is (rejected as not an archive)
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>
#include <typeinfo>

#include "rapport/archive.hpp"
#include "rapport/error.hpp"
#include "rapport/score/coverage.hpp"
#include "rapport/score/health.hpp"
#include "rapport/score/retention.hpp"
#include "rapport/io/csv.hpp"

namespace {

std::uint32_t crc32c(std::uint32_t crc, const unsigned char* p, std::size_t n) {
  static const auto table = [] {
    struct T { std::uint32_t v[256]; } t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
      t.v[i] = c;
    }
    return t;
  }();
  crc = ~crc;
  for (std::size_t i = 0; i < n; ++i) crc = table.v[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

void put_le(std::string& s, std::size_t at, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) s[at + std::size_t(i)] = char((v >> (8 * i)) & 0xFF);
}

/// The first 24 bytes of a header this build writes (magic, version, byte order, widths, Boost version).
const std::string& header_prefix() {
  static const std::string prefix = rapport::save_to_bytes(rapport::Organisation{}).substr(0, 24);
  return prefix;
}

void fix_header_crc(std::string& a) {
  put_le(a, 36, crc32c(0, reinterpret_cast<const unsigned char*>(a.data()), 36), 4);
}

std::string wrap_payload(std::string_view payload) {
  std::string a = header_prefix();
  a.resize(40, '\0');
  a.append(payload);
  put_le(a, 24, payload.size(), 8);
  put_le(a, 32, crc32c(0, reinterpret_cast<const unsigned char*>(payload.data()), payload.size()), 4);
  fix_header_crc(a);
  return a;
}

[[noreturn]] void finding(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "fuzz_archive: %s%s%s\n", what, detail.empty() ? "" : ": ", detail.c_str());
  std::abort();
}

/// Discards what is written.
class NullBuf : public std::streambuf {
 protected:
  int_type overflow(int_type c) override { return traits_type::not_eof(c); }
  std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
};

void check_loaded(const rapport::Organisation& org, std::string_view archive) {
  const std::string saved = rapport::save_to_bytes(org);
  if (saved != archive) finding("a loaded archive saves back to other bytes (the format is not canonical)");
  rapport::Organisation again;
  try {
    again = rapport::load_from_bytes(saved);
  } catch (const rapport::Error& e) {
    finding("the save of a loaded archive does not load", e.what());
  }
  if (rapport::save_to_bytes(again) != saved) finding("second round trip differs");
  // What a report does next with a loaded file: scores that subtract stored dates from the as-of date.
  const rapport::Date as_of{20240};  // 2025-06-01
  const auto coverage = rapport::score::coverage(org, rapport::score::Scope::organisation(), as_of);
  for (const auto& o : coverage.overdue)
    if (o.last && std::int64_t(o.days_since_last) != std::int64_t(as_of.days) - o.last->days)
      finding("coverage: days_since_last is not as_of - last",
              std::to_string(o.days_since_last) + " for last = " + std::to_string(o.last->days));
  (void)rapport::score::health(org, rapport::score::Scope::organisation(), as_of);
  int employees = 0;
  for (const auto& r : org.relationships())
    if (r.bond == rapport::Bond::leadership && ++employees <= 4) (void)rapport::score::retention_risk(org, r.recipient, as_of);
  NullBuf nb;
  std::ostream out(&nb);
  rapport::io::export_json(org, out);  // formats every record (dates, names, texts)
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string built;
  std::string_view archive = in;
  if (!in.empty() && in[0] == 'W') {
    built = wrap_payload(in.substr(1));
    archive = built;
  } else if (!in.empty() && in[0] == 'H') {
    built.assign(in.substr(1));
    if (built.size() >= 40) fix_header_crc(built);
    archive = built;
  }
  try {
    rapport::Organisation org = rapport::load_from_bytes(archive);
    check_loaded(org, archive);
  } catch (const rapport::Error&) {
    // expected: the archive was refused
  } catch (const std::exception& e) {
    finding("an exception that is not a rapport::Error escaped", std::string(typeid(e).name()) + ": " + e.what());
  } catch (...) {
    finding("an unknown exception escaped");
  }
  return 0;
}
