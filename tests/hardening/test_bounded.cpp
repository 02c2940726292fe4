// Bounded resources: hostile archives and CSV folders — element counts of 2^32 and 2^63, lengths beyond
// the file, deep nesting — are refused (or loaded, when the bytes are valid) while the memory the load
// holds at its peak stays within 10 × the input's size plus a constant. The constant is 8 MiB: the
// conversation id index allocates its page table (up to 6 MiB for 2^32 ids) before any page, and a
// forged id bound is valid in itself (docs/reliability.md).
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>
#include <new>
#include <string>
#include <vector>

#include "../../src/persistence/crc32c.hpp"
#include "alloc_hook.hpp"
#include "common.hpp"
#include "rapport/archive.hpp"
#include "rapport/error.hpp"
#include "rapport/io/csv.hpp"

using namespace rapport;
using namespace hardening;

namespace {

constexpr std::size_t header_size = 40;
constexpr std::size_t constant = std::size_t(8) << 20;

std::size_t allowance(std::size_t input) { return 10 * input + constant; }

void put_le(std::string& s, std::size_t at, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) s[at + std::size_t(i)] = char((v >> (8 * i)) & 0xFF);
}
std::uint64_t get_le(const std::string& s, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= std::uint64_t(std::uint8_t(s[at + std::size_t(i)])) << (8 * i);
  return v;
}
/// Makes a modified archive self-consistent again: payload length, payload checksum, header checksum.
std::string reseal(std::string b) {
  put_le(b, 24, b.size() - header_size, 8);
  put_le(b, 32, detail::crc32c(0, b.data() + header_size, b.size() - header_size), 4);
  put_le(b, 36, detail::crc32c(0, b.data(), 36), 4);
  return b;
}

/// What one hostile load cost and how it ended.
struct Outcome {
  bool refused = false;
  std::size_t peak = 0;     ///< bytes held at the peak, above what was held before
  std::size_t largest = 0;  ///< the largest single request
};

template <class F>
Outcome measure(F&& load_it) {
  Outcome o;
  const std::size_t before = alloc_hook::live();
  alloc_hook::reset_peak();
  try {
    load_it();
  } catch (const Error&) {
    o.refused = true;
  }
  // std::bad_alloc escapes: the hook refuses only requests above 1 GiB, which must never be made.
  o.peak = alloc_hook::peak() - before;
  o.largest = alloc_hook::largest_request();
  return o;
}

/// The worst case seen, for the summary.
struct Worst {
  double ratio = 0;  ///< peak / input size
  std::size_t peak = 0;
  void add(const Outcome& o, std::size_t input) {
    peak = std::max(peak, o.peak);
    ratio = std::max(ratio, double(o.peak) / double(input));
  }
};

}  // namespace

TEST_CASE("every count and length in an archive forged to 2^32, 2^63 or 2^64-1 is refused in bounded memory",
          "[hardening][bounded]") {
  Organisation org = sample_org(5, 120, "forge", 3, 6);
  GuideSpec g{"pulse", "Pulse", ConversationKind::ad_hoc, Scale{1, 5},
              {Question{"mood", {{"en", "How?"}, {"de", "Wie?"}}}, Question{"wish", {{"en", "Wish?"}}}}};
  const GuideId pulse = org.add_guide(g);
  org.add_conversation({RelationshipId{0}, Date{19999}, ConversationKind::ad_hoc, pulse, 3, {}, {{"mood", "ok"}, {"wish", "more"}}});
  const std::string bytes = save_to_bytes(org);
  (void)load_from_bytes(bytes);  // first use: Boost's registries are built once, outside the measurement

  Worst worst;
  int forged = 0, refused = 0;
  auto attempt = [&](const std::string& b, const char* what, std::size_t at, std::uint64_t value) {
    INFO(what << " at offset " << at << " forged to " << value);
    const Outcome o = measure([&] { (void)load_from_bytes(b); });
    ++forged;
    refused += o.refused;
    worst.add(o, b.size());
    REQUIRE(o.largest <= allowance(b.size()));
    REQUIRE(o.peak <= allowance(b.size()));
  };
  // Every position whose 8 bytes read as a plausible count or length (1 .. payload size) — all the
  // counts and string lengths of the format are among them — forged to huge values.
  const std::size_t payload = bytes.size() - header_size;
  for (std::size_t at = header_size; at + 8 <= bytes.size(); ++at) {
    const std::uint64_t v = get_le(bytes, at, 8);
    if (v == 0 || v > payload) continue;
    for (std::uint64_t value : {std::uint64_t(1) << 32, std::uint64_t(1) << 63, ~std::uint64_t(0), std::uint64_t(payload + 1)}) {
      std::string b = bytes;
      put_le(b, at, value, 8);
      attempt(reseal(b), "an 8-byte count", at, value);
    }
  }
  // The same for 4-byte values (ids, the conversation id bound, answer lengths).
  for (std::size_t at = header_size; at + 4 <= bytes.size(); ++at) {
    const std::uint64_t v = get_le(bytes, at, 4);
    if (v == 0 || v > payload) continue;
    for (std::uint64_t value : {std::uint64_t(0xFFFFFFFFu), std::uint64_t(0xFFFFFFFEu), std::uint64_t(0x80000000u)}) {
      std::string b = bytes;
      put_le(b, at, value, 4);
      attempt(reseal(b), "a 4-byte value", at, value);
    }
  }
  std::printf("bounded: %d forged archives of %zu bytes, %d refused; worst peak %zu bytes (%.1f x the input)\n", forged,
              bytes.size(), refused, worst.peak, worst.ratio);
  CHECK(refused > forged / 2);
}

TEST_CASE("an archive whose header promises more bytes than the file holds is refused in bounded memory",
          "[hardening][bounded]") {
  TempDir dir;
  const std::string bytes = save_to_bytes(sample_org(6, 500, "short"));
  for (std::uint64_t length : {std::uint64_t(1) << 32, std::uint64_t(1) << 63, ~std::uint64_t(0),
                               std::uint64_t(bytes.size())}) {
    INFO("payload length " << length);
    std::string b = bytes;
    put_le(b, 24, length, 8);
    put_le(b, 36, detail::crc32c(0, b.data(), 36), 4);  // a valid header: only the length lies
    const fs::path file = dir.path / "long.rapport";
    write_file(file, b);
    for (bool from_file : {false, true}) {
      const Outcome o = measure([&] { from_file ? (void)load(file) : (void)load_from_bytes(b); });
      CHECK(o.refused);
      CHECK(o.peak <= allowance(b.size()));
      CHECK(o.largest <= allowance(b.size()));
    }
  }
}

TEST_CASE("a deep hierarchy loads in bounded memory", "[hardening][bounded]") {
  // Units nested 100 000 deep (each the child of the one before), with a payer chain as long.
  Organisation org;
  UnitId parent = org.add_unit({"root", "Root", UnitKind::company, {}, {}});
  for (int i = 1; i < 100000; ++i) parent = org.add_unit({"u" + std::to_string(i), "", UnitKind::team, parent, {}});
  const std::string bytes = save_to_bytes(org);
  TempDir dir;
  const fs::path file = dir.path / "deep.rapport";
  write_file(file, bytes);
  Organisation back;
  const Outcome o = measure([&] { back = load(file); });
  REQUIRE_FALSE(o.refused);
  CHECK(back.payer_chain(parent).size() == 99999);
  CHECK(o.peak <= allowance(bytes.size()));
  std::printf("bounded: a 100000-deep hierarchy (%zu bytes) loads with a peak of %zu bytes (%.1f x)\n", bytes.size(),
              o.peak, double(o.peak) / double(bytes.size()));
}


namespace {

/// Imports a folder holding `files` (name -> contents), measuring it.
Outcome import_folder(const std::vector<std::pair<std::string, std::string>>& files, std::size_t& input,
                      io::ImportResult* out = nullptr) {
  TempDir dir("rapport-bounded-csv");
  input = 0;
  for (const auto& [name, text] : files) {
    write_file(dir.path / name, text);
    input += text.size();
  }
  io::ImportOptions options;
  options.keep_going = true;
  options.max_issues = 100;
  options.threads = 2;
  io::ImportResult r;
  Outcome o = measure([&] { r = io::import_csv(dir.path, options); });
  o.refused = o.refused || !r.ok();
  if (out) *out = std::move(r);
  return o;
}

std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

const std::string units = "key,name,kind,parent,payer\nm,Market,market,,\nc,Co,company,,m\nt,Team,team,c,\nk,Kunde,customer,,m\n";
const std::string relationships = "key,provider,recipient,bond,label\nr1,t,k,service,x\n";

}  // namespace

TEST_CASE("hostile CSV folders are imported or refused in bounded memory", "[hardening][bounded][csv]") {
  {  // warm-up: first-use allocations outside the measurement
    std::size_t n;
    import_folder({{"units.csv", units}}, n);
  }
  struct Case {
    const char* what;
    std::vector<std::pair<std::string, std::string>> files;
  };
  const std::string conv_header = "id,relationship,date,kind,guide,score,self_assessment\n";
  const std::vector<Case> cases = {
      {"numbers of 2^32 and 2^63 in every numeric field",
       {{"units.csv", units},
        {"relationships.csv", relationships},
        {"conversations.csv", conv_header + "c1,r1,2024-01-01,customer_review,customer_review,4294967296,9223372036854775808\n" +
                                  "c2,r1,2024-01-01,customer_review,customer_review,18446744073709551616,-9223372036854775809\n" +
                                  "c3,r1,4294967296-01-01,customer_review,customer_review,1,1\n"},
        {"guides.csv", "guide,title,kind,scale_min,scale_max,question,text_en\n"
                       "g,G,ad_hoc,4294967296,9223372036854775808,q,x\ng2,G,ad_hoc,0,4294967297,q,x\n"},
        {"answers.csv", "conversation,question,text\nc1,4294967296,x\nc1,better,y\n"}}},
      {"a million empty lines", {{"units.csv", units}, {"relationships.csv", relationships},
                                 {"conversations.csv", conv_header + std::string(1000000, '\n')}}},
      {"a million rows of commas", {{"units.csv", units}, {"relationships.csv", relationships},
                                    {"conversations.csv", conv_header + repeat(",,,,,,\n", 150000)}}},
      {"a quoted field that runs to the end of the file",
       {{"units.csv", units + "x,\"" + std::string(1 << 20, 'a')},
        {"conversations.csv", conv_header + "c1,\"" + repeat("r1,\n", 200000)}}},
      {"a header of 100000 columns", {{"units.csv", repeat("key,", 100000) + "\n" + repeat("a,", 100000) + "\n"}}},
      {"a field of 4 MiB", {{"units.csv", "key,name,kind,parent,payer\n" + std::string(4 << 20, 'k') + ",n,team,,\n"}}},
      {"a hierarchy 100000 deep",
       {{"units.csv", [] {
           std::string s = "key,name,kind,parent,payer\nu0,,company,,\n";
           for (int i = 1; i < 100000; ++i) s += "u" + std::to_string(i) + ",,team,u" + std::to_string(i - 1) + ",\n";
           return s;
         }()}}},
      {"a parent cycle 100000 long",
       {{"units.csv", [] {
           std::string s = "key,name,kind,parent,payer\n";
           for (int i = 0; i < 100000; ++i) s += "u" + std::to_string(i) + ",,team,u" + std::to_string((i + 1) % 100000) + ",\n";
           return s;
         }()}}},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    std::size_t input = 0;
    const Outcome o = import_folder(c.files, input);
    std::printf("bounded csv: %-55s %9zu bytes in, peak %10zu bytes (%.1f x), %s\n", c.what, input, o.peak,
                double(o.peak) / double(input), o.refused ? "refused" : "imported");
    CHECK(o.largest <= allowance(input));
    CHECK(o.peak <= allowance(input));
  }
}

