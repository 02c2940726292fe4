// Writes a large CSV folder for the import benchmark (benchmarks/bench_import.sh):
//   gen_import_csv DIR [CONVERSATIONS]   (default 10,000,000)
// 20,000 people in 500 teams, 60,000 relationships, conversations in date order (as a CRM exports them)
// over 2015-2026 on random relationships. Deterministic.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace {
std::uint64_t state = 42;
std::uint64_t next() {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
int below(int n) { return int(next() % std::uint64_t(n)); }

void civil(int days, int& y, unsigned& m, unsigned& d) {  // H. Hinnant's civil_from_days
  days += 719468;
  const int era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = unsigned(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = int(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: gen_import_csv DIR [CONVERSATIONS]\n");
    return 1;
  }
  std::filesystem::path dir = argv[1];
  long long n = argc > 2 ? std::atoll(argv[2]) : 10'000'000;
  std::filesystem::create_directories(dir);
  const int teams = 500, people = 20000, rels = 60000;

  FILE* u = std::fopen((dir / "units.csv").c_str(), "w");
  std::fprintf(u, "key,name,kind,parent,payer\nmarket,Market,market,,\nco,Company,company,,market\n");
  for (int t = 0; t < teams; ++t) std::fprintf(u, "team-%d,Team %d,team,co,\n", t, t);
  for (int p = 0; p < people; ++p) std::fprintf(u, "P%06d,Person %d,person,team-%d,\n", p, p, p % teams);
  std::fclose(u);

  // Relationships: leadership (team member -> lead), services between teams, cooperations.
  std::vector<int> bond(rels);
  FILE* r = std::fopen((dir / "relationships.csv").c_str(), "w");
  std::fprintf(r, "key,provider,recipient,bond,label\n");
  int k = 0;
  for (int p = teams; p < people && k < rels; ++p, ++k) {  // P000000..P000499 lead their team
    bond[std::size_t(k)] = 2;
    std::fprintf(r, "rel-%d,P%06d,P%06d,leadership,leadership\n", k, p % teams, p);
  }
  for (int a = 0; a < teams && k < rels; ++a)
    for (int b = 1; b <= 60 && k < rels; ++b, ++k) {
      bool coop = b > 50;
      bond[std::size_t(k)] = coop ? 1 : 0;
      std::fprintf(r, "rel-%d,team-%d,team-%d,%s,work\n", k, a, (a + b) % teams, coop ? "cooperation" : "service");
    }
  std::fclose(r);

  static const char* kinds[] = {"customer_review", "cooperation_review", "employee_review"};
  FILE* c = std::fopen((dir / "conversations.csv").c_str(), "w");
  std::vector<char> buf(1 << 20);
  std::setvbuf(c, buf.data(), _IOFBF, buf.size());
  std::fprintf(c, "id,relationship,date,kind,score,self_assessment\n");
  const int first_day = 16436, last_day = 20770;  // 2015-01-01 .. 2026-11-13
  for (long long i = 0; i < n; ++i) {
    int day = first_day + int((long long)(last_day - first_day) * i / n);
    int y;
    unsigned m, d;
    civil(day, y, m, d);
    int rel = below(k);
    int score = below(11);
    if (below(5) == 0)
      std::fprintf(c, "C%lld,rel-%d,%04d-%02u-%02u,%s,%d,\n", i, rel, y, m, d, kinds[bond[std::size_t(rel)]], score);
    else
      std::fprintf(c, "C%lld,rel-%d,%04d-%02u-%02u,%s,%d,%d\n", i, rel, y, m, d, kinds[bond[std::size_t(rel)]], score,
                   std::min(10, score + below(3)));
  }
  std::fclose(c);
  return 0;
}
