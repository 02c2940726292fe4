// The C++ side of benchmarks/bench_python.py: the same work the Python benchmark does through the
// bindings, done directly with the core. It reads the conversation columns bench_python.py wrote (raw
// little-endian arrays, so both sides see identical data), then, `reps` times: builds a fresh
// Organisation (units, relationships, the conversations in one bulk insert) and computes the batch
// scores. Prints the best time of each phase as JSON.
//
//   bench_python_baseline <folder with rel.u32 date.i32 kind.u8 guide.u32 score.u8 self.u8> <teams> <relationships> [reps]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

#include "rapport/rapport.hpp"
#include "rapport/score.hpp"

using namespace rapport;

namespace {

template <class T>
std::vector<T> read_column(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw std::runtime_error("cannot read " + path);
  auto bytes = std::size_t(in.tellg());
  std::vector<T> v(bytes / sizeof(T));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(v.data()), std::streamsize(bytes));
  return v;
}

double seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

/// The organisation bench_python.py builds: a company, departments of 99 teams, and relationships
/// between teams (k-th: team k % T to team (k % T + 1 + k / T) % T; every third round a cooperation).
Organisation build_units_and_relationships(int teams, int relationships) {
  Organisation org;
  UnitId company = org.add_unit({"co", "Company", UnitKind::company, {}, {}});
  std::vector<UnitId> departments;
  for (int d = 0; d < (teams + 98) / 99; ++d)
    departments.push_back(org.add_unit({"d" + std::to_string(d), "Department " + std::to_string(d), UnitKind::department, company, {}}));
  std::vector<UnitId> team(teams);
  for (int t = 0; t < teams; ++t)
    team[t] = org.add_unit({"t" + std::to_string(t), "Team " + std::to_string(t), UnitKind::team, departments[t / 99], {}});
  for (int k = 0; k < relationships; ++k) {
    int p = k % teams, q = (p + 1 + k / teams) % teams;
    Bond bond = (k / teams) % 3 == 2 ? Bond::cooperation : Bond::service;
    org.add_relationship({team[p], team[q], bond, "work"});
  }
  return org;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: bench_python_baseline <folder> <teams> <relationships> [reps]\n";
    return 2;
  }
  std::string dir = argv[1];
  int teams = std::stoi(argv[2]), relationships = std::stoi(argv[3]);
  int reps = argc > 4 ? std::stoi(argv[4]) : 3;
  auto rel = read_column<std::uint32_t>(dir + "/rel.u32");
  auto date = read_column<std::int32_t>(dir + "/date.i32");
  auto kind = read_column<std::uint8_t>(dir + "/kind.u8");
  auto guide = read_column<std::uint32_t>(dir + "/guide.u32");
  auto score = read_column<std::uint8_t>(dir + "/score.u8");
  auto self = read_column<std::uint8_t>(dir + "/self.u8");

  double best_build = std::numeric_limits<double>::max(), best_scores = best_build;
  std::size_t checksum = 0;
  for (int r = 0; r < reps; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    Organisation org = build_units_and_relationships(teams, relationships);
    org.add_conversations(ConversationColumns{rel, date, kind, guide, score, self});
    auto t1 = std::chrono::steady_clock::now();
    score::BatchIndex index(org);
    auto units = score::unit_scores(org, index);
    auto subtrees = score::subtree_scores(org, index);
    auto rels = score::relationship_scores(org, index);
    auto latest = score::latest_scores(org, index);
    auto years = score::unit_years(org, index, 2016, 2025);
    auto optimisers = score::local_optimisers(org);
    auto t2 = std::chrono::steady_clock::now();
    checksum += units.n.size() + subtrees.n.size() + rels.n.size() + latest.score.size() + years.n.size() + optimisers.unit.size();
    best_build = std::min(best_build, seconds(t0, t1));
    best_scores = std::min(best_scores, seconds(t1, t2));
  }
  std::printf("{\"rows\": %zu, \"build\": %.6f, \"scores\": %.6f, \"total\": %.6f, \"checksum\": %zu}\n", rel.size(), best_build,
              best_scores, best_build + best_scores, checksum);
}
