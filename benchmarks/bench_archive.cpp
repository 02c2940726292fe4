// Archive speed against the floor: save/load of N conversations (default 10M) versus raw fwrite/fread of
// the same column bytes. Target: within 1.2x. Usage: bench_archive [--n N] [--reps R] [--dir DIR]
//
// Both sides are measured with and without fsync: an atomic save must sync (twice: the file and its
// folder), a bare fwrite need not, so "save" is compared with "fwrite + fsync" and the sync-free save
// (fsync switched off through the internal file layer) with a bare fwrite.
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "../src/persistence/file_ops.hpp"
#include "rapport/archive.hpp"
#include "rapport/detail/access.hpp"
#include "rapport/organisation.hpp"

using namespace rapport;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

Organisation build(std::size_t n) {
  Organisation org;
  const UnitId market = org.add_unit({"market", "Market", UnitKind::market, {}, {}});
  const UnitId company = org.add_unit({"company", "Company", UnitKind::company, {}, market});
  std::vector<UnitId> units;
  for (int i = 0; i < 2000; ++i)
    units.push_back(org.add_unit({"u" + std::to_string(i), "Unit " + std::to_string(i),
                                  i % 2 ? UnitKind::team : UnitKind::customer, i % 2 ? company : market, {}}));
  std::vector<std::uint32_t> rels;
  for (int i = 0; i + 1 < int(units.size()); i += 2)
    for (int k = 1; k <= 10 && i + k < int(units.size()); ++k)
      rels.push_back(org.add_relationship({units[i + 1], units[(i + 2 * k) % units.size()], Bond::service, "svc"}).value);

  std::mt19937 rng(1);
  std::vector<std::uint32_t> rel(n), guide(n, customer_review_guide.value);
  std::vector<std::int32_t> date(n);
  std::vector<std::uint8_t> kind(n, std::uint8_t(ConversationKind::customer_review)), score(n), self(n);
  for (std::size_t i = 0; i < n; ++i) {
    rel[i] = rels[rng() % rels.size()];
    date[i] = std::int32_t(18000 + rng() % 2500);
    score[i] = std::uint8_t(rng() % 12);
    if (score[i] > 10) score[i] = ConversationTable::no_score;
    self[i] = rng() % 4 == 0 ? std::uint8_t(rng() % 11) : ConversationTable::no_score;
  }
  org.add_conversations({rel, date, kind, guide, score, self});
  org.compact();
  return org;
}

/// The columns a raw read fills: std::vector (what a user would write), or the memory the store's
/// own columns use (huge pages, not zeroed first), so that the format's cost shows on its own.
template <template <class> class V>
struct Columns {
  V<std::uint32_t> ids, rels, guides;
  V<std::int32_t> dates;
  V<std::uint8_t> kinds, scores, self;
};
template <class T>
using StdVector = std::vector<T>;

template <class T>
void put(std::FILE* f, std::span<const T> v) {
  if (std::fwrite(v.data(), sizeof(T), v.size(), f) != v.size()) std::perror("fwrite"), std::exit(1);
}
template <class V>
void get(std::FILE* f, V& v, std::size_t n) {
  v.resize(n);
  if (std::fread(v.data(), sizeof(v[0]), n, f) != n) std::perror("fread"), std::exit(1);
}

double raw_write(const ConversationTable& t, const std::string& path, bool sync) {
  const auto start = Clock::now();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::perror(path.c_str()), std::exit(1);
  put(f, t.ids()), put(f, t.relationships()), put(f, t.dates()), put(f, t.kinds());
  put(f, t.guides()), put(f, t.scores()), put(f, t.self_assessments());
  std::fflush(f);
  if (sync) ::fsync(::fileno(f));
  std::fclose(f);
  return seconds_since(start);
}

template <class C>
double raw_read(std::size_t n, const std::string& path, C& c) {
  const auto start = Clock::now();
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) std::perror(path.c_str()), std::exit(1);
  get(f, c.ids, n), get(f, c.rels, n), get(f, c.dates, n), get(f, c.kinds, n);
  get(f, c.guides, n), get(f, c.scores, n), get(f, c.self, n);
  std::fclose(f);
  return seconds_since(start);
}

int no_sync(int) { return 0; }

}  // namespace

int main(int argc, char** argv) {
  std::size_t n = 10'000'000;
  int reps = 5;
  std::filesystem::path dir = "/tmp";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--n") n = std::stoull(argv[i + 1]);
    else if (a == "--reps") reps = std::max(1, std::atoi(argv[i + 1]));
    else if (a == "--dir") dir = argv[i + 1];
    else return std::fprintf(stderr, "usage: %s [--n N] [--reps R] [--dir DIR]\n", argv[0]), 2;
  }
  // Large blocks always come fresh from the kernel, as in a process that loads a file once: otherwise
  // glibc's adaptive threshold lets whichever side runs later reuse warm memory, and the ratios drift.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  const std::string tag = std::to_string(::getpid());
  const std::string raw_path = (dir / ("rapport-bench-raw-" + tag + ".bin")).string();
  const std::string arc_path = (dir / ("rapport-bench-" + tag + ".rapport")).string();

  auto t0 = Clock::now();
  const Organisation org = build(n);
  std::printf("built %zu conversations in %.2f s\n", org.conversations().size(), seconds_since(t0));

  const auto& ops = detail::file_ops();
  const detail::FileOps real = ops;
  // Best of `reps` runs of each, interleaved so that none of them gets a warmer cache.
  double w_raw = 1e9, w_raw_sync = 1e9, w_save = 1e9, w_save_nosync = 1e9, r_raw = 1e9, r_raw_col = 1e9, r_load = 1e9, checks = 1e9;
  for (int rep = 0; rep < reps; ++rep) {
    // Every timed write starts with no writeback pending: an unsynced write before a synced one would
    // otherwise make the later fsync wait for the earlier file too (the archive replaced by a save is
    // written back, while the raw file truncated by fopen drops its dirty pages).
    ::sync();
    w_raw = std::min(w_raw, raw_write(org.conversations(), raw_path, false));
    ::sync();
    w_raw_sync = std::min(w_raw_sync, raw_write(org.conversations(), raw_path, true));
    ::sync();
    detail::file_ops().fsync = no_sync;
    t0 = Clock::now();
    save(org, arc_path);
    w_save_nosync = std::min(w_save_nosync, seconds_since(t0));
    detail::file_ops() = real;
    ::sync();
    t0 = Clock::now();
    save(org, arc_path);
    w_save = std::min(w_save, seconds_since(t0));
    {
      Columns<StdVector> c;
      r_raw = std::min(r_raw, raw_read(org.conversations().rows(), raw_path, c));
    }
    {
      Columns<detail::Column> c;
      r_raw_col = std::min(r_raw_col, raw_read(org.conversations().rows(), raw_path, c));
    }
    {
      t0 = Clock::now();
      Organisation back = load(arc_path);
      r_load = std::min(r_load, seconds_since(t0));
      if (back.conversations().size() != org.conversations().size()) return std::puts("load lost rows"), 1;
      // The model's own checks and index rebuild, which every load ends with: timed again on a copy.
      Organisation copy = back;
      t0 = Clock::now();
      detail::Access::finish_load(copy, copy.conversations().id_bound());
      checks = std::min(checks, seconds_since(t0));
    }
  }
  const auto raw_bytes = std::filesystem::file_size(raw_path), arc_bytes = std::filesystem::file_size(arc_path);
  std::printf("file: raw columns %.1f MB, archive %.1f MB\n", raw_bytes / 1e6, arc_bytes / 1e6);
  std::printf("write, no fsync : raw fwrite %.3f s   save %.3f s   ratio %.2f\n", w_raw, w_save_nosync, w_save_nosync / w_raw);
  std::printf("write, fsync    : raw fwrite %.3f s   save %.3f s   ratio %.2f\n", w_raw_sync, w_save, w_save / w_raw_sync);
  std::printf("read            : raw fread  %.3f s   load %.3f s   ratio %.2f\n", r_raw, r_load, r_load / r_raw);
  std::printf("read, same memory: raw fread into column memory %.3f s   load %.3f s   ratio %.2f\n", r_raw_col, r_load,
              r_load / r_raw_col);
  std::printf("  of the load, the model's checks (Access::finish_load) take %.3f s; without them %.3f s, ratio %.2f\n",
              checks, r_load - checks, (r_load - checks) / r_raw);
  std::filesystem::remove(raw_path);
  std::filesystem::remove(arc_path);
  return 0;
}
