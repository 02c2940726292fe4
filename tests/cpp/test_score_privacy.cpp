// Suppression: no pair of reports the API publishes reveals a group below the minimum.
#include <set>

#include "test_score_fixtures.hpp"

using namespace rapport;
using namespace rapport::score;
using namespace score_test;

namespace {

/// A report as the test sees it, computed by brute force from the conversations.
struct Report {
  Scope scope;
  Status status;
  std::set<std::uint32_t> conversations;
};

/// Which of the scored conversations a report at `scope` counts, by the definitions of Scope.
bool counts(const Organisation& org, const Scope& s, const Relationship& r) {
  switch (s.level) {
    case Level::relationship: return r.id == s.relationship;
    case Level::unit: return r.provider == s.unit;
    case Level::side:
      switch (s.side) {
        case Side::output: return r.provider == s.unit && r.bond != Bond::cooperation;
        case Side::throughput: return r.provider == s.unit && r.bond == Bond::cooperation;
        case Side::input: return r.recipient == s.unit && r.bond != Bond::cooperation;
      }
      return false;
    case Level::subtree: {
      auto sub = org.subtree(s.unit);
      return std::find(sub.begin(), sub.end(), r.provider) != sub.end();
    }
    case Level::organisation: return true;
  }
  return false;
}

std::vector<Report> all_reports(const Organisation& org, const Options& options) {
  std::vector<Scope> scopes{Scope::organisation()};
  for (const Unit& u : org.units()) {
    scopes.push_back(Scope::of(u.id));
    scopes.push_back(Scope::subtree_of(u.id));
    for (Side s : {Side::input, Side::throughput, Side::output}) scopes.push_back(Scope::side_of(u.id, s));
  }
  SuppressionPlan plan = plan_suppression(org, {}, Measure::score, options.privacy);
  Options with_plan = options;
  with_plan.plan = &plan;
  std::vector<Report> out;
  const ConversationTable& t = org.conversations();
  for (const Scope& s : scopes) {
    Report r{s, satisfaction(org, s, {}, with_plan).status, {}};
    for (std::size_t row = 0; row < t.rows(); ++row)
      if (t.live(row) && t.scores()[row] != ConversationTable::no_score &&
          counts(org, s, org.relationship(RelationshipId{t.relationships()[row]})))
        r.conversations.insert(t.ids()[row]);
    out.push_back(std::move(r));
  }
  return out;
}

std::size_t respondents_of(const Organisation& org, const std::vector<std::uint32_t>& conversations) {
  std::set<std::uint32_t> who;
  for (auto c : conversations) who.insert(org.relationship(org.conversation(ConversationId{c}).relationship).recipient.value);
  return who.size();
}

/// Checks the promise on every pair: published reports have k respondents, and what one published
/// report holds beyond another published report inside it is nothing or k respondents. Also the
/// strongest subtraction: a report minus every published report inside it.
void check_pairs(const Organisation& org, const std::vector<Report>& reports, int k) {
  for (const Report& x : reports) {
    if (x.status != Status::ok) continue;
    std::vector<std::uint32_t> all(x.conversations.begin(), x.conversations.end());
    REQUIRE(respondents_of(org, all) >= std::size_t(k));
    std::set<std::uint32_t> rest = x.conversations;
    for (const Report& y : reports)
      if (y.status == Status::ok && y.conversations.size() < x.conversations.size() &&
          std::includes(x.conversations.begin(), x.conversations.end(), y.conversations.begin(), y.conversations.end()))
        for (auto c : y.conversations) rest.erase(c);
    auto residual = respondents_of(org, std::vector<std::uint32_t>(rest.begin(), rest.end()));
    INFO("report " << int(x.scope.level) << "/" << x.scope.unit.value << " minus all published inside it leaves "
                   << residual << " respondents");
    REQUIRE((residual == 0 || residual >= std::size_t(k)));
    for (const Report& y : reports) {
      if (&x == &y || y.status != Status::ok) continue;
      if (!std::includes(x.conversations.begin(), x.conversations.end(), y.conversations.begin(), y.conversations.end()))
        continue;
      std::vector<std::uint32_t> diff;
      std::set_difference(x.conversations.begin(), x.conversations.end(), y.conversations.begin(), y.conversations.end(),
                          std::back_inserter(diff));
      auto r = respondents_of(org, diff);
      INFO("report " << int(x.scope.level) << "/" << x.scope.unit.value << " minus " << int(y.scope.level) << "/"
                     << y.scope.unit.value << "/" << int(y.scope.side) << " leaves " << r << " respondents");
      REQUIRE((r == 0 || r >= std::size_t(k)));
    }
  }
}

}  // namespace

TEST_CASE("complementary suppression: no pair of published subtree, unit, side or organisation reports reveals a small group",
          "[score][privacy][property]") {
  int published = 0, withheld = 0;
  for (unsigned seed = 1; seed <= 60; ++seed) {
    RandomShape shape;
    shape.internal_units = 8 + int(seed % 17);
    shape.customers = 4 + int(seed % 9);
    shape.max_conversations = 2;
    RandomOrg ro(seed, shape);
    for (const auto& row : ro.rows) RandomOrg::add(ro.org, row);
    Options o;
    o.privacy.min_group = 3 + int(seed % 3);
    auto reports = all_reports(ro.org, o);
    check_pairs(ro.org, reports, o.privacy.min_group);
    for (const Report& r : reports) {
      published += r.status == Status::ok;
      withheld += r.status == Status::suppressed_complementary;
    }
  }
  // The property is not met vacuously: many reports are published, some only withheld to protect others.
  CHECK(published > 300);
  CHECK(withheld > 10);
}

TEST_CASE("complementary suppression: parent minus its other children", "[score][privacy]") {
  // A department with no customers of its own; two teams with six customers each, one with two.
  Organisation org;
  UnitId dept = org.add_unit({"dept", "", UnitKind::department, {}, {}});
  std::vector<UnitId> teams;
  for (int t = 0; t < 3; ++t) teams.push_back(org.add_unit({"t" + std::to_string(t), "", UnitKind::team, dept, {}}));
  int customer = 0;
  for (int t = 0; t < 3; ++t)
    for (int i = 0; i < (t == 2 ? 2 : 6); ++i) {
      UnitId c = org.add_unit({"c" + std::to_string(customer++), "", UnitKind::customer, {}, {}});
      auto r = org.add_relationship({teams[std::size_t(t)], c, Bond::service, "x"});
      org.add_conversation({r, d("2025-01-01"), ConversationKind::customer_review, customer_review_guide, 7, {}, {}});
    }
  SuppressionPlan plan = plan_suppression(org);
  CHECK(plan.unit(teams[2]) == Status::suppressed);
  // Publishing the department with both big teams would give dept - t0 - t1 = t2. Unit reports stay
  // visible; the totals that would reveal t2 are withheld.
  CHECK(plan.unit(teams[0]) == Status::ok);
  CHECK(plan.unit(teams[1]) == Status::ok);
  CHECK(plan.subtree(dept) == Status::suppressed_complementary);
  CHECK(plan.organisation() == Status::suppressed_complementary);
  CHECK(plan.complementary_count() >= 2);
  Options o;
  o.plan = &plan;
  CHECK(satisfaction(org, Scope::subtree_of(dept), {}, o).status == Status::suppressed_complementary);
  CHECK(satisfaction(org, Scope::organisation(), {}, o).status == Status::suppressed_complementary);
  CHECK(satisfaction(org, Scope::of(teams[0]), {}, o).status == Status::ok);
  // Without complementary suppression the department is shown.
  Privacy p;
  p.complementary = false;
  CHECK(plan_suppression(org, {}, Measure::score, p).subtree(dept) == Status::ok);
  // Once the small team has company, the department can be shown.
  for (int i = 0; i < 3; ++i) {
    UnitId c = org.add_unit({"late" + std::to_string(i), "", UnitKind::customer, {}, {}});
    auto r = org.add_relationship({teams[2], c, Bond::service, "x"});
    org.add_conversation({r, d("2025-01-01"), ConversationKind::customer_review, customer_review_guide, 7, {}, {}});
  }
  CHECK(plan_suppression(org).subtree(dept) == Status::ok);
}

TEST_CASE("complementary suppression: a unit's own report minus its output side", "[score][privacy]") {
  // Five customers rate the team, and one cooperation partner: the output side would reveal the partner.
  Served s(5);
  UnitId partner = s.org.add_unit({"partner", "", UnitKind::team, {}, {}});
  auto coop = s.org.add_relationship({s.provider, partner, Bond::cooperation, "x"});
  for (int i = 0; i < 5; ++i) s.talk(i, "2025-01-01", 8);
  s.org.add_conversation({coop, d("2025-01-01"), ConversationKind::cooperation_review, cooperation_review_guide, 2, {}, {}});
  CHECK(satisfaction(s.org, Scope::of(s.provider)).status == Status::ok);
  CHECK(satisfaction(s.org, Scope::side_of(s.provider, Side::output)).status == Status::suppressed_complementary);
  CHECK(satisfaction(s.org, Scope::side_of(s.provider, Side::throughput)).status == Status::suppressed);
  // A plan made for another filter is refused.
  SuppressionPlan plan = plan_suppression(s.org);
  Options o;
  o.plan = &plan;
  Filter f;
  f.period = Period::year(2025);
  CHECK(code_of([&] { satisfaction(s.org, Scope::subtree_of(s.provider), f, o); }) == ErrorCode::invalid_argument);
}

TEST_CASE("complementary suppression on larger random hierarchies", "[score][privacy][property][.slow]") {
  for (unsigned seed = 1000; seed < 1300; ++seed) {
    RandomShape shape;
    shape.internal_units = 20 + int(seed % 41);
    shape.customers = 5 + int(seed % 23);
    shape.max_conversations = 1 + int(seed % 4);
    RandomOrg ro(seed, shape);
    for (const auto& row : ro.rows) RandomOrg::add(ro.org, row);
    Options o;
    o.privacy.min_group = 3 + int(seed % 5);
    check_pairs(ro.org, all_reports(ro.org, o), o.privacy.min_group);
  }
}
