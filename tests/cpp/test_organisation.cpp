// The model's validation rules, fishbone, payer chain, updates, removals and erasure.
#include <catch2/catch.hpp>

#include "test_errors.hpp"

#include "rapport/archive.hpp"
#include "rapport/organisation.hpp"
#include "rapport/error.hpp"

#include <array>
#include <map>
#include <random>
#include <thread>

using namespace rapport;

namespace {

/// The small organisation of docs/examples, with known answers.
struct Sample {
  Organisation org;
  UnitId market, company, hr, payroll, it, sales, anna, ben, client;
  RelationshipId ben_anna, lead, payroll_sales, it_payroll, coop, sales_client;
  Sample() {
    market = org.add_unit({"market", "Market", UnitKind::market, {}, {}});
    company = org.add_unit({"co", "Company", UnitKind::company, {}, market});
    hr = org.add_unit({"hr", "HR", UnitKind::department, company, {}});
    payroll = org.add_unit({"payroll", "Payroll", UnitKind::team, hr, {}});
    it = org.add_unit({"it", "IT", UnitKind::department, company, {}});
    sales = org.add_unit({"sales", "Sales", UnitKind::department, company, {}});
    anna = org.add_unit({"anna", "Anna", UnitKind::person, payroll, {}});
    ben = org.add_unit({"ben", "Ben", UnitKind::person, payroll, {}});
    client = org.add_unit({"client", "Client", UnitKind::customer, {}, market});
    ben_anna = org.add_relationship({ben, anna, Bond::service, "payroll runs"});
    lead = org.add_relationship({anna, ben, Bond::leadership, "leadership"});
    payroll_sales = org.add_relationship({payroll, sales, Bond::service, "salary statements"});
    it_payroll = org.add_relationship({it, payroll, Bond::service, "payroll system"});
    coop = org.add_relationship({payroll, it, Bond::cooperation, "interface"});
    sales_client = org.add_relationship({sales, client, Bond::service, "energy"});
  }
};

Date d(const char* s) { return Date::parse(s); }

}  // namespace

TEST_CASE("dates parse, print and reject impossible days", "[date]") {
  CHECK(d("2024-02-29").iso() == "2024-02-29");
  CHECK(d("1970-01-01").days == 0);
  CHECK(d("2026-11-22").year() == 2026);
  CHECK(code_of([] { d("2023-02-29"); }) == ErrorCode::invalid_argument);
  CHECK(code_of([] { d("2023-13-01"); }) == ErrorCode::invalid_argument);
  CHECK(code_of([] { d("20230101"); }) == ErrorCode::invalid_argument);
  auto p = Period::last_twelve_months(d("2024-02-29"));
  CHECK(p.begin == d("2023-02-28"));
  CHECK(p.contains(d("2024-02-29")));
  CHECK_FALSE(p.contains(d("2024-03-01")));
}

TEST_CASE("fishbone sides and payer chain on a known organisation", "[fishbone]") {
  Sample s;
  Fishbone f = s.org.fishbone(s.payroll);
  CHECK(f.input == std::vector{s.it_payroll});
  CHECK(f.throughput == std::vector{s.coop});
  CHECK(f.output == std::vector{s.payroll_sales});
  Fishbone b = s.org.fishbone(s.ben);
  CHECK(b.input == std::vector{s.lead});   // the employee receives the leadership service
  CHECK(b.output == std::vector{s.ben_anna});
  CHECK(s.org.fishbone(s.anna).output == std::vector{s.lead});
  CHECK(s.org.payer_chain(s.ben) == std::vector{s.payroll, s.hr, s.company, s.market});
  CHECK(s.org.payer_chain(s.client) == std::vector{s.market});
  CHECK(s.org.payer_chain(s.market).empty());
  CHECK(s.org.subtree(s.hr) == std::vector{s.hr, s.payroll, s.anna, s.ben});
  CHECK(s.org.find_unit("ben") == s.ben);
  CHECK_FALSE(s.org.find_unit("nobody"));
}

TEST_CASE("every change is validated with a typed error and leaves the model as it was", "[validation]") {
  Sample s;
  auto& o = s.org;
  CHECK(code_of([&] { o.add_unit({"ben", "", UnitKind::person, {}, {}}); }) == ErrorCode::duplicate);
  CHECK(code_of([&] { o.add_unit({"", "x", UnitKind::person, {}, {}}); }) == ErrorCode::invalid_argument);
  CHECK(code_of([&] { o.add_unit({"x", "x", UnitKind::person, UnitId{999}, {}}); }) == ErrorCode::not_found);
  CHECK(code_of([&] { o.add_unit({"x", "x", UnitKind(42), {}, {}}); }) == ErrorCode::invalid_argument);
  // A hierarchy cycle: HR under its own grandchild.
  CHECK(code_of([&] { o.update_unit(s.hr, {"hr", "HR", UnitKind::department, s.payroll, {}}); }) == ErrorCode::conflict);
  CHECK(code_of([&] { o.update_unit(s.company, {"co", "Co", UnitKind::company, {}, s.payroll}); }) == ErrorCode::conflict);
  CHECK(o.unit(s.hr).parent == s.company);
  CHECK(code_of([&] { o.add_relationship({s.it, s.it, Bond::service, ""}); }) == ErrorCode::invalid_argument);
  CHECK(code_of([&] { o.add_relationship({s.it, s.payroll, Bond::cooperation, ""}); }) == ErrorCode::duplicate);
  CHECK(code_of([&] { o.add_relationship({s.it, s.payroll, Bond::service, ""}); }) == ErrorCode::duplicate);
  CHECK(code_of([&] { o.add_relationship({s.it, UnitId{77}, Bond::service, ""}); }) == ErrorCode::not_found);
  o.add_relationship({s.payroll, s.it, Bond::service, "reverse service is a different relationship"});

  CHECK(code_of([&] {
          o.add_conversation({s.payroll_sales, d("2025-01-10"), ConversationKind::customer_review, customer_review_guide, 11, {}, {}});
        }) == ErrorCode::invalid_argument);
  CHECK(code_of([&] {
          o.add_conversation({s.payroll_sales, d("2025-01-10"), ConversationKind::customer_review, customer_review_guide, 5, -1, {}});
        }) == ErrorCode::invalid_argument);
  CHECK(code_of([&] {
          o.add_conversation({RelationshipId{999}, d("2025-01-10"), ConversationKind::customer_review, customer_review_guide, 5, {}, {}});
        }) == ErrorCode::not_found);
  CHECK(code_of([&] {
          o.add_conversation({s.payroll_sales, d("2025-01-10"), ConversationKind::customer_review, GuideId{50}, 5, {}, {}});
        }) == ErrorCode::not_found);
  CHECK(code_of([&] {
          o.add_conversation({s.payroll_sales, d("2025-01-10"), ConversationKind::customer_review, customer_review_guide, 5, {},
                              {{"no-such-question", "x"}}});
        }) == ErrorCode::invalid_argument);
  CHECK(o.conversations().size() == 0);

  auto five = o.add_guide({"pulse", "Pulse", ConversationKind::ad_hoc, Scale{1, 5}, {}});
  CHECK(code_of([&] { o.add_guide({"pulse", "again", ConversationKind::ad_hoc, Scale{1, 5}, {}}); }) == ErrorCode::duplicate);
  CHECK(code_of([&] { o.add_guide({"bad", "bad", ConversationKind::ad_hoc, Scale{5, 5}, {}}); }) == ErrorCode::invalid_argument);
  CHECK(code_of([&] {
          o.add_conversation({s.payroll_sales, d("2025-01-10"), ConversationKind::ad_hoc, five, 0, {}, {}});
        }) == ErrorCode::invalid_argument);
  auto c = o.add_conversation({s.payroll_sales, d("2025-01-10"), ConversationKind::ad_hoc, five, 5, {}, {}});

  CHECK(code_of([&] { o.add_agreement({c, s.payroll, "weekly report", d("2025-01-01")}); }) == ErrorCode::invalid_argument);
  auto a = o.add_agreement({c, s.payroll, "weekly report", d("2025-03-01")});
  CHECK(code_of([&] { o.close_agreement(a, AgreementStatus::kept, d("2025-01-09")); }) == ErrorCode::invalid_argument);
  CHECK(code_of([&] { o.close_agreement(a, AgreementStatus::open, d("2025-02-01")); }) == ErrorCode::invalid_argument);
  o.close_agreement(a, AgreementStatus::kept, d("2025-02-01"));
  CHECK(code_of([&] { o.close_agreement(a, AgreementStatus::broken, d("2025-02-02")); }) == ErrorCode::conflict);
  CHECK(o.agreement(a).closed == d("2025-02-01"));

  auto k = o.add_complaint({s.payroll_sales, d("2025-02-01"), Severity::high, "late statements"});
  CHECK(o.complaint(k).stage() == ComplaintStage::received);
  CHECK(code_of([&] { o.advance_complaint(k, ComplaintStage::acknowledged, d("2025-01-31")); }) == ErrorCode::invalid_argument);
  o.advance_complaint(k, ComplaintStage::acknowledged, d("2025-02-02"));
  CHECK(code_of([&] { o.advance_complaint(k, ComplaintStage::received, d("2025-02-03")); }) == ErrorCode::conflict);
  CHECK(code_of([&] { o.advance_complaint(k, ComplaintStage::closed, d("2025-02-03")); }) == ErrorCode::invalid_argument);
  o.advance_complaint(k, ComplaintStage::closed, d("2025-02-03"), ComplaintOutcome::accepted);
  CHECK_FALSE(o.complaint(k).is_open());

  auto cand = o.add_unit({"cand", "Candidate", UnitKind::candidate, {}, {}});
  CHECK(code_of([&] { o.add_referral({s.payroll_sales, d("2025-03-01"), ReferralTarget::employee, s.sales}); }) == ErrorCode::invalid_argument);
  auto r = o.add_referral({s.payroll_sales, d("2025-03-01"), ReferralTarget::employee, cand});
  CHECK(code_of([&] { o.set_referral_outcome(r, ReferralOutcome::won, d("2025-02-01")); }) == ErrorCode::invalid_argument);
  o.set_referral_outcome(r, ReferralOutcome::won, d("2025-04-01"));

  CHECK(code_of([&] { o.remove_unit(s.payroll); }) == ErrorCode::conflict);
  CHECK(code_of([&] { o.remove_relationship(s.payroll_sales); }) == ErrorCode::conflict);
  CHECK(code_of([&] { o.remove_unit(cand); }) == ErrorCode::conflict);
  o.remove_referral(r);
  o.remove_unit(cand);
  CHECK_FALSE(o.units().contains(cand));
  CHECK(code_of([&] { o.unit(cand); }) == ErrorCode::not_found);
}

TEST_CASE("conversations: answers, updates and removal with their agreements", "[conversation]") {
  Sample s;
  auto& o = s.org;
  auto c = o.add_conversation({s.payroll_sales, d("2025-01-10"), ConversationKind::customer_review, customer_review_guide, 8, 9,
                               {{"better", "earlier statements"}, {"goals", "growth"}}});
  CHECK(o.conversation(c).score == 8);
  CHECK(o.conversation(c).self_assessment == 9);
  CHECK(o.answers(c) == std::vector<Answer>{{"better", "earlier statements"}, {"goals", "growth"}});
  auto a = o.add_agreement({c, s.payroll, "statements by the 3rd", d("2025-06-01")});
  CHECK(o.agreement(a).made == d("2025-01-10"));
  o.update_conversation(c, {s.payroll_sales, d("2025-01-12"), ConversationKind::customer_review, customer_review_guide, 6, {},
                            {{"standing", "ok"}}});
  CHECK(o.conversation(c).score == 6);
  CHECK_FALSE(o.conversation(c).self_assessment);
  CHECK(o.answers(c) == std::vector<Answer>{{"standing", "ok"}});
  CHECK(o.agreement(a).made == d("2025-01-12"));
  CHECK(code_of([&] {
          o.update_conversation(c, {s.payroll_sales, d("2025-07-01"), ConversationKind::customer_review, customer_review_guide, 6, {}, {}});
        }) == ErrorCode::conflict);
  o.remove_conversation(c);
  CHECK(o.conversations().size() == 0);
  CHECK_FALSE(o.agreements().contains(a));
  CHECK(o.answer_count() == 0);
  CHECK(code_of([&] { o.conversation(c); }) == ErrorCode::not_found);
}

TEST_CASE("the conversation table stays clustered by relationship and date", "[conversation][layout]") {
  Sample s;
  auto& o = s.org;
  std::vector<ConversationId> ids;
  for (int i = 0; i < 300000; ++i) {
    RelationshipId rel = i % 3 == 0 ? s.payroll_sales : i % 3 == 1 ? s.sales_client : s.it_payroll;
    ids.push_back(o.add_conversation({rel, Date{20000 - i % 1000}, ConversationKind::customer_review, customer_review_guide,
                                      i % 11, {}, {}}));
  }
  o.compact();
  const auto& t = o.conversations();
  REQUIRE(t.compact());
  for (std::size_t r = 1; r < t.rows(); ++r)
    REQUIRE(std::tuple(t.relationships()[r - 1], t.dates()[r - 1]) <= std::tuple(t.relationships()[r], t.dates()[r]));
  for (std::size_t i = 0; i < ids.size(); i += 997) CHECK(o.conversation(ids[i]).score == int(i % 11));
  auto [lo, hi] = t.sorted_range(s.sales_client);
  CHECK(hi - lo == 100000);
  // The budget is 40 bytes a conversation; the columns keep growth room here.
  CHECK(double(t.memory_bytes()) / double(t.size()) < 40.0);
  // Loaded: 19 bytes of facts, and no id index until the first lookup by id, which adds 4 bytes an id.
  const Organisation back = load_from_bytes(save_to_bytes(o));
  const std::size_t unindexed = back.conversations().memory_bytes();
  CHECK(double(unindexed) / double(t.size()) < 20.0);
  CHECK(back.conversation(ids[5]).score == 5);
  CHECK(back.conversations().memory_bytes() >= unindexed + 4 * t.size());
}

TEST_CASE("concurrent readers build the id index once and all find every row", "[conversation][threads]") {
  Sample s;
  std::vector<std::uint32_t> r(100000);
  std::vector<std::int32_t> d(r.size());
  std::vector<std::uint8_t> k(r.size(), 0), sc(r.size(), 5);
  std::vector<std::uint32_t> g(r.size(), 0);
  std::mt19937 rng(11);
  for (std::size_t i = 0; i < r.size(); ++i) r[i] = (i % 2 ? s.ben_anna : s.sales_client).value, d[i] = std::int32_t(rng() % 4000);
  const ConversationId first = s.org.add_conversations({r, d, k, g, sc, {}});
  s.org.compact();  // a merge leaves the index to the next lookup
  const Organisation copy = s.org;  // so does a copy of an unbuilt index
  for (const Organisation* o : std::array<const Organisation*, 2>{&s.org, &copy}) {
    const auto& t = o->conversations();
    std::vector<std::size_t> wrong(4, 0);
    std::vector<std::thread> readers;
    for (std::size_t w = 0; w < wrong.size(); ++w)
      readers.emplace_back([&, w] {
        for (std::size_t i = w; i < r.size(); i += 3) {
          auto row = t.row_of(ConversationId{first.value + std::uint32_t(i)});
          wrong[w] += !row || t.ids()[*row] != first.value + i || t.dates()[*row] != d[i];
        }
      });
    for (auto& th : readers) th.join();
    CHECK(wrong == std::vector<std::size_t>(4, 0));
  }
}

TEST_CASE("bulk insert is all or nothing", "[conversation][bulk]") {
  Sample s;
  auto& o = s.org;
  std::vector<std::uint32_t> rels{s.payroll_sales.value, s.sales_client.value, s.sales_client.value};
  std::vector<std::int32_t> dates{100, 200, 300};
  std::vector<std::uint8_t> kinds{0, 0, 0}, scores{9, 3, ConversationTable::no_score};
  std::vector<std::uint32_t> guides{0, 0, 0};
  auto first = o.add_conversations({rels, dates, kinds, guides, scores, {}});
  CHECK(o.conversations().size() == 3);
  CHECK(o.conversation(ConversationId{first.value + 1}).score == 3);
  CHECK_FALSE(o.conversation(ConversationId{first.value + 2}).score);
  scores[1] = 12;
  CHECK(code_of([&] { o.add_conversations({rels, dates, kinds, guides, scores, {}}); }) == ErrorCode::invalid_argument);
  scores[1] = 3, rels[2] = 4242;
  CHECK(code_of([&] { o.add_conversations({rels, dates, kinds, guides, scores, {}}); }) == ErrorCode::invalid_argument);
  CHECK(o.conversations().size() == 3);
}

TEST_CASE("dates outside the years 1-9999 are refused everywhere they enter", "[validation][date]") {
  Sample s;
  auto& o = s.org;
  const Date too_early{Date::min_days - 1}, too_late{Date::max_days + 1};
  CHECK(Date{Date::min_days}.iso() == "0001-01-01");
  CHECK(Date{Date::max_days}.iso() == "9999-12-31");
  for (Date bad : {too_early, too_late, Date{INT32_MIN}, Date{INT32_MAX}}) {
    CHECK(code_of([&] {
            o.add_conversation({s.payroll_sales, bad, ConversationKind::customer_review, customer_review_guide, 5, {}, {}});
          }) == ErrorCode::invalid_argument);
    std::vector<std::uint32_t> rels{s.payroll_sales.value}, guides{0};
    std::vector<std::int32_t> dates{bad.days};
    std::vector<std::uint8_t> kinds{0}, scores{5};
    CHECK(code_of([&] { o.add_conversations({rels, dates, kinds, guides, scores, {}}); }) == ErrorCode::invalid_argument);
    CHECK(code_of([&] { o.add_complaint({s.payroll_sales, bad, Severity::low, ""}); }) == ErrorCode::invalid_argument);
    CHECK(code_of([&] { o.add_referral({s.payroll_sales, bad, ReferralTarget::customer, {}}); }) == ErrorCode::invalid_argument);
  }
  CHECK(o.conversations().size() == 0);
  auto c = o.add_conversation({s.payroll_sales, Date{Date::max_days - 1}, ConversationKind::customer_review, customer_review_guide, 5, {}, {}});
  CHECK(code_of([&] { o.add_agreement({c, s.payroll, "x", too_late}); }) == ErrorCode::invalid_argument);
  auto a = o.add_agreement({c, s.payroll, "x", Date{Date::max_days}});
  CHECK(code_of([&] { o.close_agreement(a, AgreementStatus::kept, too_late); }) == ErrorCode::invalid_argument);
  CHECK(o.agreement(a).status == AgreementStatus::open);
}

TEST_CASE("erasing a person removes everything about them", "[privacy]") {
  Sample s;
  auto& o = s.org;
  auto c1 = o.add_conversation({s.lead, d("2025-03-01"), ConversationKind::employee_review, employee_review_guide, 4, 8,
                                {{"motives", "wants to move to Berlin"}}});
  o.add_agreement({c1, s.anna, "training budget for Ben", d("2025-09-01")});
  auto c2 = o.add_conversation({s.payroll_sales, d("2025-03-01"), ConversationKind::customer_review, customer_review_guide, 7, {}, {}});
  o.add_agreement({c2, s.ben, "Ben checks statements", d("2025-09-01")});
  auto keep = o.add_agreement({c2, s.payroll, "team keeps a checklist", d("2025-09-01")});
  o.add_complaint({s.ben_anna, d("2025-04-01"), Severity::low, "Ben late"});
  auto report = o.erase_person(s.ben);
  CHECK(report.relationships == 2);
  CHECK(report.conversations == 1);
  CHECK(report.answers == 1);
  CHECK(report.agreements == 2);
  CHECK(report.complaints == 1);
  CHECK_FALSE(o.units().contains(s.ben));
  CHECK_FALSE(o.find_unit("ben"));
  CHECK(o.relationships_of(s.anna).empty());
  CHECK(o.agreements().size() == 1);
  CHECK(o.agreements().contains(keep));
  CHECK(o.conversations().size() == 1);
  CHECK(o.answer_count() == 0);
  CHECK(code_of([&] { o.erase_person(s.payroll); }) == ErrorCode::invalid_argument);
}

TEST_CASE("the units version changes with every change to a unit, and only then", "[units][version]") {
  Sample s;
  auto& o = s.org;
  std::uint64_t v = o.units_version();
  auto changed = [&] {
    bool c = o.units_version() != v;
    v = o.units_version();
    return c;
  };
  o.add_relationship({s.it, s.sales, Bond::service, "laptops"});
  o.add_conversation({s.payroll_sales, d("2025-03-01"), ConversationKind::customer_review, customer_review_guide, 7, {}, {}});
  CHECK_FALSE(changed());
  UnitId temp = o.add_unit({"temp", "Temp", UnitKind::team, s.hr, {}});
  CHECK(changed());
  o.update_unit(temp, {"temp", "Temporary", UnitKind::team, s.hr, {}});
  CHECK(changed());
  CHECK_THROWS(o.update_unit(temp, {"anna", "", UnitKind::team, {}, {}}));  // duplicate key: nothing changes
  CHECK_FALSE(changed());
  o.remove_unit(temp);
  CHECK(changed());
  Organisation copy = o;
  CHECK(copy.units_version() == v);  // same units
  o.erase_person(s.ben);
  CHECK(changed());
  CHECK(copy.units_version() != v);
}

TEST_CASE("random inserts, updates and removals keep the table clustered and every id's facts", "[conversation][layout]") {
  Sample s;
  auto& o = s.org;
  std::vector<RelationshipId> rels{s.ben_anna, s.payroll_sales, s.it_payroll, s.sales_client};
  std::map<std::uint32_t, std::pair<std::uint32_t, std::int32_t>> expected;  // id -> (relationship, date)
  std::mt19937 rng(7);
  for (int step = 0; step < 200000; ++step) {
    auto op = rng() % 10;
    if (op < 6 || expected.empty()) {
      std::vector<std::uint32_t> r(rng() % 50 + 1), g(r.size(), 0);
      std::vector<std::int32_t> d(r.size());
      std::vector<std::uint8_t> k(r.size(), 0), sc(r.size(), 5);
      for (std::size_t i = 0; i < r.size(); ++i) r[i] = rels[rng() % rels.size()].value, d[i] = std::int32_t(rng() % 400);
      auto first = o.add_conversations({r, d, k, g, sc, {}});
      for (std::size_t i = 0; i < r.size(); ++i) expected[first.value + std::uint32_t(i)] = {r[i], d[i]};
    } else {
      auto it = expected.lower_bound(std::uint32_t(rng() % (expected.rbegin()->first + 1)));
      if (it == expected.end()) continue;
      ConversationId id{it->first};
      if (op < 8) {
        auto rel = rels[rng() % rels.size()];
        Date date{std::int32_t(rng() % 400)};
        o.update_conversation(id, {rel, date, ConversationKind::customer_review, customer_review_guide, 3, {}, {}});
        it->second = {rel.value, date.days};
      } else {
        o.remove_conversation(id);
        expected.erase(it);
      }
    }
    // Lookups through the id index as the steps keep it, not only through one rebuilt at the end.
    if (step % 1000 == 999)
      for (int k = 0; k < 20; ++k) {
        auto it = expected.lower_bound(std::uint32_t(rng() % (expected.rbegin()->first + 1)));
        if (it == expected.end()) continue;
        auto f = o.conversation(ConversationId{it->first});
        REQUIRE(f.relationship.value == it->second.first);
        REQUIRE(f.date.days == it->second.second);
      }
  }
  REQUIRE(o.conversations().size() == expected.size());
  o.compact();
  const auto& t = o.conversations();
  REQUIRE(t.compact());
  for (std::size_t r = 1; r < t.rows(); ++r)
    REQUIRE(std::tuple(t.relationships()[r - 1], t.dates()[r - 1], t.ids()[r - 1]) < std::tuple(t.relationships()[r], t.dates()[r], t.ids()[r]));
  for (auto [id, facts] : expected) {
    auto f = o.conversation(ConversationId{id});
    REQUIRE(f.relationship.value == facts.first);
    REQUIRE(f.date.days == facts.second);
  }
}
