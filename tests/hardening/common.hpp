// Shared by the hardening tests: temporary folders, whole-file I/O, and organisations of a chosen size.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "rapport/organisation.hpp"

namespace hardening {

namespace fs = std::filesystem;

/// A fresh folder, removed with everything in it at the end of the test.
struct TempDir {
  fs::path path;
  explicit TempDir(const char* tag = "rapport-hardening") {
    static int counter = 0;
    path = fs::temp_directory_path() / (std::string(tag) + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(path)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
};

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary | std::ios::ate);
  if (!in) return {};
  std::string s(std::size_t(in.tellg()), '\0');
  in.seekg(0);
  in.read(s.data(), std::streamsize(s.size()));
  return s;
}
inline void write_file(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
}

/// An organisation with `people` people in `teams` teams, a customer relationship per team, and
/// `conversations` conversations (bulk rows plus some with answers), agreements, complaints and
/// referrals. Deterministic for a given seed; `tag` goes into every key, so two organisations built
/// with different tags differ in every record.
inline rapport::Organisation sample_org(unsigned seed, std::size_t conversations, const std::string& tag = "a",
                                        int teams = 8, int people = 40) {
  using namespace rapport;
  std::mt19937 rng(seed);
  auto between = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  Organisation org;
  const UnitId market = org.add_unit({"market-" + tag, "Market", UnitKind::market, {}, {}});
  const UnitId company = org.add_unit({"company-" + tag, "Company " + tag, UnitKind::company, {}, market});
  std::vector<UnitId> team_ids, person_ids;
  std::vector<RelationshipId> rels;
  for (int t = 0; t < teams; ++t) {
    const UnitId team = org.add_unit({"team-" + tag + "-" + std::to_string(t), "Team Grüße " + std::to_string(t),
                                      UnitKind::team, company, {}});
    const UnitId customer = org.add_unit({"customer-" + tag + "-" + std::to_string(t), "Kunde " + std::to_string(t),
                                          UnitKind::customer, market, {}});
    team_ids.push_back(team);
    rels.push_back(org.add_relationship({team, customer, Bond::service, "service " + tag}));
  }
  for (int p = 0; p < people; ++p) {
    const UnitId team = team_ids[std::size_t(p) % team_ids.size()];
    const UnitId person = org.add_unit({"person-" + tag + "-" + std::to_string(p), "Person " + tag + " " + std::to_string(p),
                                        UnitKind::person, team, {}});
    person_ids.push_back(person);
    rels.push_back(org.add_relationship({team, person, Bond::leadership, "leadership"}));
  }
  // A few conversations with answers, then the bulk.
  std::vector<ConversationId> with_answers;
  for (std::size_t i = 0; i < std::min<std::size_t>(conversations, 50); ++i) {
    ConversationSpec s{rels[i % rels.size()], Date{19000 + between(0, 1000)}, ConversationKind::customer_review,
                       customer_review_guide, between(0, 10), {}, {{"better", "answer " + tag + " " + std::to_string(i)}}};
    with_answers.push_back(org.add_conversation(s));
  }
  if (conversations > with_answers.size()) {
    const std::size_t n = conversations - with_answers.size();
    std::vector<std::uint32_t> rel(n), guide(n, customer_review_guide.value);
    std::vector<std::int32_t> date(n);
    std::vector<std::uint8_t> kind(n), score(n), self(n);
    for (std::size_t i = 0; i < n; ++i) {
      rel[i] = rels[std::size_t(between(0, int(rels.size()) - 1))].value;
      date[i] = 18000 + between(0, 3000);
      kind[i] = std::uint8_t(between(0, conversation_kind_count - 1));
      score[i] = std::uint8_t(between(0, 10));
      self[i] = between(0, 3) == 0 ? ConversationTable::no_score : std::uint8_t(between(0, 10));
    }
    org.add_conversations({rel, date, kind, guide, score, self});
  }
  for (std::size_t i = 0; i < with_answers.size(); i += 5) {
    const Date made = org.conversation(with_answers[i]).date;
    org.add_agreement({with_answers[i], team_ids[0], "agreement " + tag, made.plus_days(30)});
  }
  org.add_complaint({rels[0], Date{19500}, Severity::high, "complaint " + tag});
  org.add_referral({rels[0], Date{19501}, ReferralTarget::customer, {}});
  return org;
}

}  // namespace hardening
