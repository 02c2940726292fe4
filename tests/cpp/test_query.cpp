// Queries as range-v3 views: composable, lazy, reading the columns in place.
#include <catch2/catch.hpp>
#include <range/v3/algorithm/count_if.hpp>
#include <range/v3/range/conversion.hpp>

#include "rapport/query.hpp"

using namespace rapport;

namespace {
struct Fixture {
  Organisation org;
  UnitId a, b, c;
  RelationshipId ab, bc, coop;
  Fixture() {
    a = org.add_unit({"a", "A", UnitKind::team, {}, {}});
    b = org.add_unit({"b", "B", UnitKind::team, {}, {}});
    c = org.add_unit({"c", "C", UnitKind::team, {}, {}});
    ab = org.add_relationship({a, b, Bond::service, ""});
    bc = org.add_relationship({b, c, Bond::service, ""});
    coop = org.add_relationship({a, c, Bond::cooperation, ""});
    for (int year = 2022; year <= 2025; ++year)
      for (RelationshipId r : {ab, bc, coop}) {
        auto kind = r == coop ? ConversationKind::cooperation_review : ConversationKind::customer_review;
        auto guide = r == coop ? cooperation_review_guide : customer_review_guide;
        org.add_conversation({r, Date::from_ymd(year, 3, 1), kind, guide, year - 2015, {}, {}});
      }
  }
  std::vector<int> scores(auto&& view) {
    std::vector<int> out;
    for (ConversationRef c : view) out.push_back(*c.score());
    return out;
  }
};
}  // namespace

TEST_CASE("queries select by relationship, unit, side, kind, guide, bond and period", "[query]") {
  Fixture f;
  auto& org = f.org;
  CHECK(ranges::distance(query::all(org)) == 12);
  CHECK(f.scores(query::of_relationship(org, f.ab)) == std::vector{7, 8, 9, 10});
  CHECK(ranges::distance(query::of_unit(org, f.b)) == 8);
  CHECK(ranges::distance(query::of_unit(org, f.b, Side::input)) == 4);
  CHECK(ranges::distance(query::of_unit(org, f.a, Side::throughput)) == 4);
  CHECK(ranges::distance(query::all(org) | query::of_kind(ConversationKind::cooperation_review)) == 4);
  CHECK(ranges::distance(query::all(org) | query::with_guide(customer_review_guide)) == 8);
  CHECK(ranges::distance(query::all(org) | query::with_bond(Bond::cooperation)) == 4);
  CHECK(f.scores(query::of_unit(org, f.c) | query::in(Period::year(2024)) | query::with_bond(Bond::service)) == std::vector{9});
  CHECK_THROWS_AS(query::of_relationship(org, RelationshipId{99}), NotFoundError);
}

TEST_CASE("queries see the unsorted tail and skip removed conversations", "[query]") {
  Fixture f;
  auto& org = f.org;
  org.compact();
  REQUIRE(org.conversations().sorted_rows() == 12);
  auto late = org.add_conversation({f.ab, Date::from_ymd(2026, 1, 5), ConversationKind::customer_review, customer_review_guide, 3, {}, {}});
  REQUIRE(org.conversations().sorted_rows() == 12);  // still in the tail
  CHECK(f.scores(query::of_relationship(org, f.ab)) == std::vector{7, 8, 9, 10, 3});
  CHECK(ranges::distance(query::of_unit(org, f.a, Side::output)) == 5);
  auto on_ab = query::of_relationship(org, f.ab);
  auto first = *ranges::begin(on_ab);
  org.remove_conversation(first.id());
  CHECK(f.scores(query::of_relationship(org, f.ab)) == std::vector{8, 9, 10, 3});
  org.compact();
  CHECK(f.scores(query::of_relationship(org, f.ab)) == std::vector{8, 9, 10, 3});
  auto in_2026 = query::of_relationship(org, f.ab) | query::in(Period::year(2026));
  CHECK((*ranges::begin(in_2026)).id() == late);
}

TEST_CASE("views are lazy: nothing is evaluated before iteration", "[query]") {
  Fixture f;
  int calls = 0;
  auto view = query::all(f.org) | ranges::views::filter([&calls](const ConversationRef&) { ++calls; return true; });
  CHECK(calls == 0);
  auto it = ranges::begin(view);
  CHECK(calls == 1);
  (void)it;
}
