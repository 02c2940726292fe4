// Times the batch scores on the data of gen_data, single-threaded, and prints JSON with the timings,
// the bytes each pass must read, the measured single-thread read bandwidth and checksums that
// bench_scores_pandas.py reproduces. benchmarks/run_scores.sh drives both.
//
//   bench_scores <data-dir> [repeats=7] [archive]
//
// With `archive`, also saves the organisation there, for bench_scores_python.py.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "rapport/archive.hpp"
#include "rapport/organisation.hpp"
#include "rapport/score/batch.hpp"

using namespace rapport;
namespace fs = std::filesystem;

namespace {

template <class T>
std::vector<T> read_npy(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot open %s\n", path.c_str());
    std::exit(1);
  }
  char magic[10];
  in.read(magic, 10);
  std::uint16_t len;
  std::memcpy(&len, magic + 8, 2);
  std::string header(len, '\0');
  in.read(header.data(), len);
  auto at = header.find("'shape': (");
  std::size_t n = std::strtoull(header.c_str() + at + 10, nullptr, 10);
  std::vector<T> v(n);
  in.read(reinterpret_cast<char*>(v.data()), std::streamsize(n * sizeof(T)));
  return v;
}

using Clock = std::chrono::steady_clock;

double thread_cpu_ms() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

/// Wall time (median and minimum) and thread CPU time (minimum) of `repeats` runs of f, in ms. On a
/// busy machine the CPU time shows what the wall time would be without other processes.
struct Timing {
  double median_ms = 0, min_ms = 0, cpu_ms = 0;
};
template <class F>
Timing time_ms(int repeats, F&& f) {
  std::vector<double> t, c;
  for (int i = 0; i < repeats; ++i) {
    auto a = Clock::now();
    double ca = thread_cpu_ms();
    f();
    c.push_back(thread_cpu_ms() - ca);
    t.push_back(std::chrono::duration<double, std::milli>(Clock::now() - a).count());
  }
  std::sort(t.begin(), t.end());
  return {t[t.size() / 2], t.front(), *std::min_element(c.begin(), c.end())};
}

/// One timed sum over `bytes` (a multiple of 256) with four independent accumulators of vectors V,
/// so that memory, not the adds, is the limit.
template <class V>
double timed_sum(const char* p, std::size_t bytes, std::uint64_t& sink) {
  auto a = Clock::now();
  V s0{}, s1{}, s2{}, s3{};
  const V* q = reinterpret_cast<const V*>(p);
  for (std::size_t i = 0; i < bytes / sizeof(V); i += 4) s0 += q[i], s1 += q[i + 1], s2 += q[i + 2], s3 += q[i + 3];
  const double sec = std::chrono::duration<double>(Clock::now() - a).count();
  const V t = s0 + s1 + s2 + s3;
  sink += std::uint64_t(t[0]);
  return sec;
}
#if defined(__x86_64__) && defined(__GNUC__)
typedef std::uint64_t v8u __attribute__((vector_size(64)));
__attribute__((target("avx512f"))) double timed_sum_avx512(const char* p, std::size_t bytes, std::uint64_t& sink) {
  return timed_sum<v8u>(p, bytes, sink);
}
#endif

/// Single-thread sequential read bandwidth in bytes per second: the best of a few sums over 1 GiB
/// (far beyond the caches), with 16-byte loads and, where the CPU has AVX-512 (which the passes
/// then use), 64-byte loads as well: on the Zen 5 VM those read up to a tenth faster.
double read_bandwidth() {
  typedef std::uint64_t v2u __attribute__((vector_size(16)));
  const std::size_t bytes = std::size_t(1) << 30;
  std::vector<v2u> buf(bytes / sizeof(v2u));
  for (std::size_t i = 0; i < buf.size(); ++i) buf[i] = v2u{i, i * 3};
  // From a 64-byte boundary: a 64-byte load across two lines is slower (25 against 33 GB/s here).
  const auto start = (reinterpret_cast<std::uintptr_t>(buf.data()) + 63) & ~std::uintptr_t(63);
  const char* p = reinterpret_cast<const char*>(start);
  bool wide = false;
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  wide = __builtin_cpu_supports("avx512f");
#endif
  double best = 0;
  std::uint64_t sink = 0;
  for (int rep = 0; rep < 5; ++rep) {
    double sec = timed_sum<v2u>(p, bytes - 256, sink);
#if defined(__x86_64__) && defined(__GNUC__)
    if (wide) sec = std::min(sec, timed_sum_avx512(p, bytes - 256, sink));
#endif
    best = std::max(best, double(bytes - 256) / sec);
  }
  volatile std::uint64_t keep = sink;
  (void)keep;
  return best;
}

/// The 64-byte lines of the id and date columns that hold some relationship's latest row with a score
/// (latest by date, then id, as latest_scores takes it).
std::size_t latest_lines(const ConversationTable& t, std::size_t relationships) {
  std::vector<std::size_t> latest(relationships, SIZE_MAX);  // by relationship id: its latest row
  for (std::size_t i = 0; i < t.rows(); ++i) {
    if (!t.live(i) || t.scores()[i] == 0xFF) continue;
    std::size_t& l = latest[t.relationships()[i]];
    if (l == SIZE_MAX || std::pair(t.dates()[i], t.ids()[i]) > std::pair(t.dates()[l], t.ids()[l])) l = i;
  }
  std::vector<std::uintptr_t> id_lines, date_lines;
  for (std::size_t l : latest)
    if (l != SIZE_MAX) {
      id_lines.push_back(reinterpret_cast<std::uintptr_t>(t.ids().data() + l) / 64);
      date_lines.push_back(reinterpret_cast<std::uintptr_t>(t.dates().data() + l) / 64);
    }
  auto distinct = [](std::vector<std::uintptr_t>& v) {
    std::sort(v.begin(), v.end());
    return std::size_t(std::unique(v.begin(), v.end()) - v.begin());
  };
  return distinct(id_lines) + distinct(date_lines);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_scores <data-dir> [repeats=7] [archive]\n");
    return 2;
  }
  const fs::path dir = argv[1];
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 7;

  auto parent = read_npy<std::int32_t>(dir / "units_parent.npy");
  auto provider = read_npy<std::uint32_t>(dir / "rel_provider.npy");
  auto recipient = read_npy<std::uint32_t>(dir / "rel_recipient.npy");
  auto bond = read_npy<std::uint8_t>(dir / "rel_bond.npy");
  auto c_rel = read_npy<std::uint32_t>(dir / "conv_rel.npy");
  auto c_date = read_npy<std::int32_t>(dir / "conv_date.npy");
  auto c_kind = read_npy<std::uint8_t>(dir / "conv_kind.npy");
  auto c_guide = read_npy<std::uint32_t>(dir / "conv_guide.npy");
  auto c_score = read_npy<std::uint8_t>(dir / "conv_score.npy");
  auto c_self = read_npy<std::uint8_t>(dir / "conv_self.npy");

  auto a = Clock::now();
  Organisation org;
  for (std::size_t u = 0; u < parent.size(); ++u) {
    std::optional<UnitId> p;
    if (parent[u] >= 0) p = UnitId{std::uint32_t(parent[u])};
    org.add_unit({"u" + std::to_string(u), "", u == 0 ? UnitKind::company : UnitKind::team, p, {}});
  }
  for (std::size_t r = 0; r < provider.size(); ++r)
    org.add_relationship({UnitId{provider[r]}, UnitId{recipient[r]}, Bond(bond[r]), "x"});
  org.add_conversations({c_rel, c_date, c_kind, c_guide, c_score, c_self});
  double build_s = std::chrono::duration<double>(Clock::now() - a).count();
  const ConversationTable& t = org.conversations();

  score::BatchIndex index(org);
  auto index_ms = time_ms(3, [&] { score::BatchIndex again(org); });

  const double bw = read_bandwidth();
  const double rows = double(t.rows()), rels = double(index.relationship_bound()), units = double(org.units().id_bound());

  score::BatchOptions opt;  // defaults: provider role, 0-10 scale, k = 5, complementary suppression

  // 1. Per-unit count, mean and NPS (what each unit's recipients say).
  score::ScoreColumns u_cols;
  score::UnitPartial part;
  auto pass_ms = time_ms(repeats, [&] { part = score::unit_partial(org, index, {}, opt); });
  auto unit_ms = time_ms(repeats, [&] { u_cols = score::unit_scores(org, index, {}, opt); });
  // Subtrees need complementary suppression: the plan is O(units + relationships).
  score::ScoreColumns s_cols;
  auto subtree_ms = time_ms(std::max(1, repeats / 2), [&] { s_cols = score::subtree_scores(org, index, {}, opt); });
  // Bytes a pass must read: relationship and score of every row (tombstones have no score, so the
  // kind is not needed when every kind counts), and each relationship's provider.
  double unit_bytes = rows * 5 + rels * 4;

  // 2. Latest score per relationship.
  score::LatestColumns latest;
  auto latest_ms = time_ms(repeats, [&] { latest = score::latest_scores(org, index); });
  // Relationship and score of every row; date, id, guide and score of each relationship's latest row.
  double latest_bytes = rows * 5 + rels * (4 + 4 + 4 + 1);
  // Memory is read in 64-byte lines, though: the lines of the id and date columns that hold a
  // relationship's latest row, counted here from the data, are what the pass must read of them.
  double latest_line_bytes = rows * 5 + double(latest_lines(t, index.relationship_bound())) * 64;

  // 3. Per-unit year-over-year change, 2021..2025.
  score::YearColumns years;
  score::YearPartial ypart;
  auto ypass_ms = time_ms(repeats, [&] { ypart = score::year_partial(org, index, 2021, 2025, {}, opt); });
  auto year_ms = time_ms(repeats, [&] { years = score::unit_years(org, index, 2021, 2025, {}, opt); });
  double year_bytes = rows * 9 + rels * 4;  // relationship, date and score of every row; providers

  // Checksums over the partial sums (pandas computes the same without privacy).
  std::int64_t n_total = 0, sum_total = 0, nps_total = 0, units_with_data = 0;
  for (std::size_t u = 0; u < part.n.size(); ++u) {
    n_total += part.n[u], sum_total += part.sum[u], nps_total += part.promoters[u] - part.detractors[u];
    units_with_data += part.n[u] > 0;
  }
  std::int64_t latest_count = 0, latest_sum = 0;
  for (std::size_t r = 0; r < latest.status.size(); ++r)
    if (latest.status[r] == 0) ++latest_count, latest_sum += latest.score[r];
  std::int64_t cells = 0, year_n = 0;
  for (std::size_t i = 0; i < ypart.n.size(); ++i) cells += ypart.n[i] > 0, year_n += ypart.n[i];
  std::int64_t ok_units = 0, ok_changes = 0, ok_subtrees = 0;
  for (auto s : u_cols.status) ok_units += s == 0;
  for (auto s : s_cols.status) ok_subtrees += s == 0;
  for (auto s : years.change_status) ok_changes += s == 0;

  std::printf("{\n");
  std::printf("  \"conversations\": %.0f, \"relationships\": %.0f, \"units\": %.0f,\n", rows, rels, units);
  std::printf("  \"build_s\": %.3f, \"index_ms\": %.2f, \"table_mib\": %.1f,\n", build_s, index_ms.median_ms,
              double(t.memory_bytes()) / (1 << 20));
  std::printf("  \"bandwidth_gbs\": %.2f,\n", bw / 1e9);
  auto task = [&](const char* name, Timing ms, double bytes, bool comma) {
    std::printf("  \"%s\": {\"median_ms\": %.2f, \"min_ms\": %.2f, \"cpu_ms\": %.2f, \"bytes\": %.0f, \"bound_ms\": %.2f}%s\n",
                name, ms.median_ms, ms.min_ms, ms.cpu_ms, bytes, bytes / bw * 1e3, comma ? "," : "");
  };
  task("unit_pass", pass_ms, unit_bytes, true);
  task("unit_scores", unit_ms, unit_bytes, true);
  task("subtree_scores", subtree_ms, unit_bytes, true);
  task("latest_scores", latest_ms, latest_bytes, true);
  std::printf("  \"latest_lines\": {\"bytes\": %.0f, \"bound_ms\": %.2f},\n", latest_line_bytes,
              latest_line_bytes / bw * 1e3);
  task("year_pass", ypass_ms, year_bytes, true);
  task("unit_years", year_ms, year_bytes, true);
  std::printf("  \"checksums\": {\"n\": %lld, \"sum\": %lld, \"nps_net\": %lld, \"units_with_data\": %lld, "
              "\"latest_count\": %lld, \"latest_sum\": %lld, \"unit_year_cells\": %lld, \"unit_year_n\": %lld},\n",
              (long long)n_total, (long long)sum_total, (long long)nps_total, (long long)units_with_data,
              (long long)latest_count, (long long)latest_sum, (long long)cells, (long long)year_n);
  std::printf("  \"published\": {\"units_ok\": %lld, \"subtrees_ok\": %lld, \"changes_ok\": %lld}\n", (long long)ok_units,
              (long long)ok_subtrees, (long long)ok_changes);
  std::printf("}\n");
  if (argc > 3) save(org, argv[3]);  // after the timings: its writeback would disturb them
  return 0;
}
