// Deterministic benchmark data for bench_scores (C++) and bench_scores_pandas.py (pandas).
//
//   gen_data <conversations> <out-dir> [units=100000] [seed=1]
//
// Writes little-endian .npy columns that numpy.load reads directly:
//   units_parent.npy       int32   parent unit id, -1 for the root (a hierarchy of fan-out ~8)
//   rel_provider.npy       uint32  by relationship id
//   rel_recipient.npy      uint32
//   rel_bond.npy           uint8   0 service, 1 cooperation, 2 leadership
//   conv_rel.npy           uint32  conversations, sorted by (relationship, date); id = row
//   conv_date.npy          int32   days since 1970-01-01, 2021-01-01 .. 2025-12-31
//   conv_kind.npy          uint8   ConversationKind
//   conv_guide.npy         uint32  the built-in guide of the kind (all 0-10)
//   conv_score.npy         uint8   0-10, or 255 for none (about 5 %)
//   conv_self.npy          uint8   self-assessment, or 255 (about 70 % none)
//   conv_unit.npy          uint32  the relationship's provider, a convenience column for pandas
//
// Every unit provides 5-20 relationships (so 100k units hold about 1.25M): leadership to its children
// first, a few cooperations, the rest service to random units. Each relationship has a latent
// satisfaction (normal, mean 7.3, sd 1.6, clipped to 0-10) and every conversation scores it with noise
// (sd 1.3, rounded): a realistic NPS mix of about a third promoters. Conversations are spread over
// relationships with a skew (some are talked on far more often) and uniformly over five years.
// The random numbers come from splitmix64 and our own transforms, so the data are the same on every
// platform and compiler.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <numeric>
#include <string>
#include <unordered_set>
#include <vector>

namespace {

struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return double(next() >> 11) * 0x1.0p-53; }
  std::uint32_t below(std::uint32_t n) { return std::uint32_t((next() >> 32) * n >> 32); }
  double normal() {  // Box-Muller
    double u = std::max(uniform(), 1e-300), v = uniform();
    return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v);
  }
};

template <class T>
const char* descr();
template <> const char* descr<std::uint8_t>() { return "|u1"; }
template <> const char* descr<std::uint32_t>() { return "<u4"; }
template <> const char* descr<std::int32_t>() { return "<i4"; }

template <class T>
void write_npy(const std::filesystem::path& path, const std::vector<T>& v) {
  std::string header = std::string("{'descr': '") + descr<T>() + "', 'fortran_order': False, 'shape': (" +
                       std::to_string(v.size()) + ",), }";
  std::size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header.push_back('\n');
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) {
    std::perror(path.c_str());
    std::exit(1);
  }
  const unsigned char magic[8] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
  std::uint16_t len = std::uint16_t(header.size());
  std::fwrite(magic, 1, 8, f);
  std::fwrite(&len, 2, 1, f);
  std::fwrite(header.data(), 1, header.size(), f);
  std::fwrite(v.data(), sizeof(T), v.size(), f);
  std::fclose(f);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: gen_data <conversations> <out-dir> [units=100000] [seed=1]\n");
    return 2;
  }
  const std::uint64_t n = std::strtoull(argv[1], nullptr, 10);
  const std::filesystem::path out = argv[2];
  const std::uint32_t units = argc > 3 ? std::uint32_t(std::strtoul(argv[3], nullptr, 10)) : 100000;
  Rng rng{argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 1};
  std::filesystem::create_directories(out);

  // Hierarchy: unit i's parent is (i - 1) / 8, give or take.
  std::vector<std::int32_t> parent(units, -1);
  std::vector<std::vector<std::uint32_t>> children(units);
  for (std::uint32_t i = 1; i < units; ++i) {
    std::uint32_t p = (i - 1) / 8;
    if (p > 0 && rng.uniform() < 0.2) p = rng.below(i);  // some irregularity
    parent[i] = std::int32_t(p);
    children[p].push_back(i);
  }

  std::vector<std::uint32_t> provider, recipient;
  std::vector<std::uint8_t> bond;
  std::unordered_set<std::uint64_t> taken;  // (bond, ordered or unordered pair)
  auto key = [](std::uint8_t b, std::uint32_t p, std::uint32_t r) {
    if (b == 1 && p > r) std::swap(p, r);
    return (std::uint64_t(b) << 62) | (std::uint64_t(p) << 31) | r;
  };
  taken.reserve(std::size_t(units) * 16);
  for (std::uint32_t u = 0; u < units; ++u) {
    std::uint32_t want = 5 + rng.below(16);
    std::uint32_t made = 0;
    auto add = [&](std::uint8_t b, std::uint32_t r) {
      if (r == u || !taken.insert(key(b, u, r)).second) return;
      provider.push_back(u), recipient.push_back(r), bond.push_back(b);
      ++made;
    };
    for (std::uint32_t c : children[u])
      if (made < want) add(2, c);
    for (int k = 0; k < 2 && made < want; ++k)
      if (rng.uniform() < 0.5) add(1, rng.below(units));
    for (int guard = 0; made < want && guard < 100; ++guard) add(0, rng.below(units));
  }
  const std::uint32_t rels = std::uint32_t(provider.size());

  // Latent satisfaction and talk rate per relationship.
  std::vector<double> latent(rels), rate(rels);
  for (std::uint32_t r = 0; r < rels; ++r) {
    latent[r] = std::clamp(7.3 + 1.6 * rng.normal(), 0.0, 10.0);
    rate[r] = std::exp(0.8 * rng.normal());
  }
  // Conversations per relationship: proportional to its rate (largest remainders), so the total is n.
  double total_rate = std::accumulate(rate.begin(), rate.end(), 0.0);
  std::vector<std::uint32_t> count(rels);
  std::uint64_t assigned = 0;
  for (std::uint32_t r = 0; r < rels; ++r) {
    double exact = double(n) * rate[r] / total_rate;
    count[r] = std::uint32_t(exact);
    if (rng.uniform() < exact - double(count[r])) ++count[r];
    assigned += count[r];
  }
  while (assigned > n) {
    auto r = rng.below(rels);
    if (count[r]) --count[r], --assigned;
  }
  while (assigned < n) ++count[rng.below(rels)], ++assigned;

  const std::int32_t day0 = 18628;  // 2021-01-01
  const std::int32_t days = 1826;   // to 2025-12-31
  std::vector<std::uint32_t> c_rel, c_guide, c_unit;
  std::vector<std::int32_t> c_date;
  std::vector<std::uint8_t> c_kind, c_score, c_self;
  for (auto* v : {&c_rel, &c_guide, &c_unit}) v->reserve(n);
  c_date.reserve(n), c_kind.reserve(n), c_score.reserve(n), c_self.reserve(n);
  std::vector<std::int32_t> dates;
  for (std::uint32_t r = 0; r < rels; ++r) {
    dates.clear();
    for (std::uint32_t i = 0; i < count[r]; ++i) dates.push_back(day0 + std::int32_t(rng.below(days)));
    std::sort(dates.begin(), dates.end());
    for (std::int32_t d : dates) {
      std::uint8_t kind = bond[r] == 1 ? 1 : bond[r] == 2 ? 2 : 0;  // the yearly review of the bond
      double x = rng.uniform();
      if (x < 0.03) kind = 4;       // complaint
      else if (x < 0.06) kind = 6;  // ad hoc
      c_rel.push_back(r);
      c_date.push_back(d);
      c_kind.push_back(kind);
      c_guide.push_back(bond[r]);  // built-in guides 0, 1, 2: customer, cooperation, employee review
      c_unit.push_back(provider[r]);
      std::uint8_t score = 255, self = 255;
      if (rng.uniform() >= 0.05) score = std::uint8_t(std::clamp(std::lround(latent[r] + 1.3 * rng.normal()), 0L, 10L));
      if (rng.uniform() < 0.3) self = std::uint8_t(std::clamp(std::lround(latent[r] + 1.0 + rng.normal()), 0L, 10L));
      c_score.push_back(score);
      c_self.push_back(self);
    }
  }

  write_npy(out / "units_parent.npy", parent);
  write_npy(out / "rel_provider.npy", provider);
  write_npy(out / "rel_recipient.npy", recipient);
  write_npy(out / "rel_bond.npy", bond);
  write_npy(out / "conv_rel.npy", c_rel);
  write_npy(out / "conv_date.npy", c_date);
  write_npy(out / "conv_kind.npy", c_kind);
  write_npy(out / "conv_guide.npy", c_guide);
  write_npy(out / "conv_score.npy", c_score);
  write_npy(out / "conv_self.npy", c_self);
  write_npy(out / "conv_unit.npy", c_unit);
  std::printf("%u units, %u relationships, %zu conversations -> %s\n", units, rels, c_rel.size(), out.c_str());
  return 0;
}
