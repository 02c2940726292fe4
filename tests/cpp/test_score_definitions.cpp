// Every score definition of DOMAIN.md on hand-computed cases.
#include <numeric>

#include "test_score_fixtures.hpp"

using namespace rapport;
using namespace rapport::score;
using namespace score_test;
using Catch::Detail::Approx;

namespace {

double sum_of(const std::vector<Contribution>& r) {
  return std::accumulate(r.begin(), r.end(), 0.0, [](double s, const Contribution& c) { return s + c.contribution; });
}

}  // namespace

TEST_CASE("NPS of the eleven answers 0..10 is -45.45", "[score][nps]") {
  std::vector<int> all(11);
  std::iota(all.begin(), all.end(), 0);
  NpsResult r = nps_of_scores(all);
  CHECK(r.status == Status::ok);
  CHECK(r.promoters == 2);
  CHECK(r.passives == 2);
  CHECK(r.detractors == 7);
  CHECK(r.nps == Approx(-45.4545).epsilon(1e-5));
  CHECK(r.se == Approx(23.5790).epsilon(1e-4));  // 100 * sqrt((9/11 - (5/11)^2) / 11)

  // The same through an organisation: eleven customers, one answer each.
  Served s(11);
  for (int i = 0; i <= 10; ++i) s.talk(i, "2025-03-01", i);
  NpsResult o = nps(s.org, Scope::of(s.provider));
  CHECK(o.status == Status::ok);
  CHECK(o.respondents == 11);
  CHECK(o.nps == Approx(-45.4545).epsilon(1e-5));
}

TEST_CASE("NPS of 100 promoters, 30 passives, 80 detractors is 9.52", "[score][nps]") {
  NpsResult r = nps_of_counts(100, 30, 80);
  CHECK(r.n == 210);
  CHECK(r.nps == Approx(9.5238).epsilon(1e-4));
  CHECK(r.se == Approx(6.35487).epsilon(1e-4));
  CHECK(nps_of_counts(0, 0, 0).status == Status::no_data);
  CHECK(nps_of_counts(5, 0, 0).nps == 100);
  CHECK(nps_of_counts(0, 0, 5).nps == -100);
  CHECK(nps_of_counts(5, 0, 0).se == 0);
}

TEST_CASE("NPS presets: cultureiq counts 6 as passive", "[score][nps]") {
  std::vector<int> xs{6, 6, 9, 10, 5};
  CHECK(nps_of_scores(xs, NpsPreset::standard).detractors == 3);
  NpsResult c = nps_of_scores(xs, NpsPreset::cultureiq);
  CHECK(c.detractors == 1);
  CHECK(c.passives == 2);
  CHECK(c.nps == Approx(20.0));
  CHECK(code_of([] { std::vector<int> bad{11}; nps_of_scores(bad); }) == ErrorCode::invalid_argument);
}

TEST_CASE("NPS stays within -100..100 on random data", "[score][nps][property]") {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 500; ++trial) {
    std::vector<int> xs(std::size_t(std::uniform_int_distribution<int>(1, 60)(rng)));
    int skew = std::uniform_int_distribution<int>(0, 10)(rng);
    for (int& x : xs) x = std::clamp(std::uniform_int_distribution<int>(-3, 3)(rng) + skew, 0, 10);
    for (auto preset : {NpsPreset::standard, NpsPreset::cultureiq}) {
      NpsResult r = nps_of_scores(xs, preset);
      REQUIRE(r.nps >= -100);
      REQUIRE(r.nps <= 100);
      REQUIRE(r.se >= 0);
      REQUIRE(r.promoters + r.passives + r.detractors == r.n);
    }
  }
}

TEST_CASE("NPS is refused for answers on a 1-5 scale", "[score][nps]") {
  Served s(5);
  GuideId five = s.org.add_guide({"five", "Five", ConversationKind::customer_review, Scale{1, 5}, {}});
  for (int i = 0; i < 5; ++i) s.talk(i, "2025-01-01", 4, std::nullopt, five);
  Filter f;
  f.guide = five;
  CHECK(code_of([&] { nps(s.org, Scope::of(s.provider), f); }) == ErrorCode::invalid_argument);
  CHECK(code_of([&] { nps(s.org, Scope::of(s.provider)); }) == ErrorCode::invalid_argument);
  // Mixed scales: only the 0-10 answers count; the 1-5 ones are never fed in.
  for (int i = 0; i < 5; ++i) s.talk(i, "2025-02-01", 10);
  NpsResult r = nps(s.org, Scope::of(s.provider));
  CHECK(r.n == 5);
  CHECK(r.nps == 100);
  // An empty set is "no data", not an error.
  Served e(5);
  CHECK(nps(e.org, Scope::of(e.provider)).status == Status::no_data);
}

TEST_CASE("satisfaction statistics and the 0-100 normalisation", "[score][stats]") {
  Served s(5);
  const int xs[] = {4, 6, 8, 10, 7};
  for (int i = 0; i < 5; ++i) s.talk(i, "2025-01-01", xs[i]);
  s.talk(4, "2025-02-01", std::nullopt);  // no score: not counted
  SatisfactionStats st = satisfaction(s.org, Scope::of(s.provider));
  REQUIRE(st.status == Status::ok);
  CHECK(st.n == 5);
  CHECK(st.respondents == 5);
  CHECK(st.scale == Scale{0, 10});
  CHECK(st.mean == Approx(7.0));
  CHECK(st.sd == Approx(std::sqrt(4.0)));  // (9 + 1 + 1 + 9 + 0) / 5
  CHECK(st.mean_normalised == Approx(70.0));
  CHECK(st.sd_normalised == Approx(20.0));
  CHECK(st.distribution == std::vector<std::int64_t>{0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1});

  CHECK(normalise(Scale{1, 5}, 4) == Approx(75.0));
  CHECK(normalise(Scale{1, 7}, 1) == Approx(0.0));
  CHECK(normalise(Scale{0, 10}, 10) == Approx(100.0));

  // Two scales: the raw mean is meaningless, the normalised one is not.
  GuideId five = s.org.add_guide({"five", "Five", ConversationKind::customer_review, Scale{1, 5}, {}});
  for (int i = 0; i < 5; ++i) s.talk(i, "2025-03-01", 5, std::nullopt, five);
  SatisfactionStats mixed = satisfaction(s.org, Scope::of(s.provider));
  CHECK_FALSE(mixed.scale);
  CHECK(mixed.mean_normalised == Approx((350.0 + 500.0) / 10.0));
  CHECK(mixed.distribution.empty());
}

TEST_CASE("CSAT: top two boxes of a 1-5 scale, or the mean", "[score][csat]") {
  Served s(5);
  GuideId five = s.org.add_guide({"five", "Five", ConversationKind::customer_review, Scale{1, 5}, {}});
  for (int i = 0; i < 5; ++i) s.talk(i, "2025-01-01", 5 - i, std::nullopt, five);
  CsatResult t = csat(s.org, Scope::of(s.provider));
  REQUIRE(t.status == Status::ok);
  CHECK(t.scale == Scale{1, 5});
  CHECK(t.value == Approx(40.0));
  CsatResult m = csat(s.org, Scope::of(s.provider), {}, CsatPreset::mean);
  CHECK(m.value == Approx(3.0));
  CHECK(m.value_normalised == Approx(50.0));
  s.talk(0, "2025-02-01", 7);  // a 0-10 answer too: which scale would CSAT mean?
  CHECK(code_of([&] { csat(s.org, Scope::of(s.provider)); }) == ErrorCode::invalid_argument);
  Filter f;
  f.guide = five;
  CHECK(csat(s.org, Scope::of(s.provider), f).value == Approx(40.0));
}

TEST_CASE("trend between two periods with its standard error", "[score][trend]") {
  Served s(1);
  s.talk(0, "2024-03-01", 6);
  s.talk(0, "2024-09-01", 8);
  s.talk(0, "2025-03-01", 8);
  s.talk(0, "2025-09-01", 10);
  TrendResult t = year_over_year(s.org, Scope::of(s.rels[0]), 2025);
  REQUIRE(t.status == Status::ok);
  CHECK(t.delta == Approx(20.0));
  REQUIRE(t.delta_scale);
  CHECK(*t.delta_scale == Approx(2.0));
  REQUIRE(t.se);
  CHECK(*t.se == Approx(std::sqrt(200.0)));  // sample variances 200 and 200 (normalised), n = 2 each
  // One answer in a period: a trend, but no standard error.
  TrendResult one = trend(s.org, Scope::of(s.rels[0]), Period{d("2024-03-01"), d("2024-03-02")}, Period::year(2025));
  CHECK(one.status == Status::ok);
  CHECK_FALSE(one.se);
  CHECK(trend(s.org, Scope::of(s.rels[0]), Period::year(2020), Period::year(2025)).status == Status::no_data);
  Options ex;
  ex.explain = true;
  CHECK(sum_of(year_over_year(s.org, Scope::of(s.rels[0]), 2025, {}, ex).records) == Approx(20.0));
}

TEST_CASE("coverage: a conversation in the last twelve months, and the overdue list", "[score][coverage]") {
  Served s(4);
  s.talk(0, "2025-01-10", 8);
  s.talk(1, "2024-07-01", 8);
  s.talk(1, "2023-01-01", 8);
  s.talk(2, "2023-12-31", 8);
  s.org.add_conversation({s.rels[2], d("2025-05-01"), ConversationKind::complaint, customer_review_guide, {}, {}, {}});
  s.talk(0, "2025-07-15", 9);  // after the as-of date: does not count
  Date as_of = d("2025-06-30");
  CoverageResult c = coverage(s.org, Scope::of(s.provider), as_of);
  REQUIRE(c.status == Status::ok);
  CHECK(c.relationships == 4);
  CHECK(c.covered == 2);
  CHECK(c.share == Approx(0.5));
  REQUIRE(c.overdue.size() == 2);
  CHECK(c.overdue[0].relationship == s.rels[2]);
  CHECK(c.overdue[0].last == d("2023-12-31"));
  CHECK(c.overdue[0].days_since_last == 547);
  CHECK(c.overdue[1].relationship == s.rels[3]);
  CHECK_FALSE(c.overdue[1].last);
  CHECK(c.overdue[1].days_since_last == -1);
  // The complaint conversation counts when every kind does.
  CHECK(coverage(s.org, Scope::of(s.provider), as_of, all_kinds).covered == 3);
  // The mergeable form gives the same.
  CHECK(coverage_of(s.org, latest_dates(s.org, as_of), Scope::of(s.provider)).overdue.size() == 2);
  Options ex;
  ex.explain = true;
  CHECK(sum_of(coverage(s.org, Scope::of(s.provider), as_of, review_kinds, ex).records) == Approx(0.5));
  Organisation empty;
  UnitId lone = empty.add_unit({"lone", "", UnitKind::team, {}, {}});
  CHECK(coverage(empty, Scope::of(lone), as_of).status == Status::no_data);
}

TEST_CASE("reliability: kept share, on-time share, open overdue", "[score][reliability]") {
  Served s(1);
  ConversationId c = s.talk(0, "2024-01-15", 8);
  auto agree = [&](const char* due) { return s.org.add_agreement({c, s.provider, "do it", d(due)}); };
  auto a1 = agree("2025-03-01"), a2 = agree("2025-04-01"), a3 = agree("2025-05-01"), a4 = agree("2025-06-01");
  agree("2025-07-01");
  agree("2024-06-01");
  agree("2026-01-01");
  s.org.close_agreement(a1, AgreementStatus::kept, d("2025-02-20"));
  s.org.close_agreement(a2, AgreementStatus::kept, d("2025-04-10"));
  s.org.close_agreement(a3, AgreementStatus::broken, d("2025-05-02"));
  s.org.close_agreement(a4, AgreementStatus::dropped, d("2025-05-02"));
  ReliabilityResult r = reliability(s.org, Scope::of(s.provider), Period::year(2025), d("2025-08-01"));
  REQUIRE(r.status == Status::ok);
  CHECK(r.counts.due == 5);
  CHECK(r.counts.kept == 2);
  CHECK(r.counts.broken == 1);
  CHECK(r.counts.dropped == 1);
  CHECK(r.counts.open == 1);
  CHECK(r.counts.kept_on_time == 1);
  CHECK(r.counts.open_overdue == 2);
  CHECK(r.reliability == Approx(2.0 / 3.0));
  CHECK(r.on_time_share == Approx(1.0 / 3.0));
  // The same agreements belong to the relationship they were made on.
  CHECK(reliability(s.org, Scope::of(s.rels[0]), Period::year(2025), d("2025-08-01")).counts == r.counts);
  // Another owner's agreements are not the unit's.
  CHECK(reliability(s.org, Scope::of(s.customers[0]), Period::year(2025), d("2025-08-01")).status == Status::no_data);
  Options ex;
  ex.explain = true;
  CHECK(sum_of(reliability(s.org, Scope::of(s.provider), Period::year(2025), d("2025-08-01"), ex).records) ==
        Approx(2.0 / 3.0));
}

TEST_CASE("perception gap per relationship: blind spot, hidden strength, none", "[score][perception]") {
  Served s(3);
  s.talk(0, "2025-01-01", 5, 9);
  s.talk(1, "2025-01-01", 8, 3);
  s.talk(2, "2025-01-01", 5, 7);
  GapResult a = perception_gap(s.org, Scope::of(s.rels[0]));
  CHECK(a.status == Status::ok);
  CHECK(*a.gap_scale == Approx(4.0));
  CHECK(a.gap == Approx(40.0));
  CHECK(a.kind == GapKind::blind_spot);
  CHECK(perception_gap(s.org, Scope::of(s.rels[1])).kind == GapKind::hidden_strength);
  CHECK(perception_gap(s.org, Scope::of(s.rels[2])).kind == GapKind::none);
  // Exactly a third of the span is not significant.
  GuideId six = s.org.add_guide({"six", "Six", ConversationKind::customer_review, Scale{0, 6}, {}});
  s.talk(2, "2025-06-01", 2, 4, six);
  Filter f;
  f.guide = six;
  GapResult edge = perception_gap(s.org, Scope::of(s.rels[2]), f);
  CHECK(*edge.gap_scale == Approx(2.0));
  CHECK_FALSE(edge.significant);
}

TEST_CASE("an organisation whose self-assessments exceed its customers' ratings by more than a third flags blind spots",
          "[score][perception]") {
  Served s(6);
  for (int i = 0; i < 6; ++i) s.talk(i, "2025-02-01", 4, 9);  // self 9, customers 4: gap 5 > 10/3
  BlindSpots b = significant_gaps(s.org);
  CHECK(b.relationships.size() == 6);
  REQUIRE(b.units == std::vector{s.provider});
  CHECK(b.unit_kinds[0] == GapKind::blind_spot);
  CHECK(b.unit_gaps[0] == Approx(50.0));
  GapResult org = perception_gap(s.org, Scope::organisation());
  CHECK(org.kind == GapKind::blind_spot);
  CHECK(org.respondents == 6);
  Options ex;
  ex.explain = true;
  CHECK(sum_of(perception_gap(s.org, Scope::of(s.provider), {}, ex).records) == Approx(50.0));
}

TEST_CASE("reciprocity: A's score of B against B's score of A", "[score][perception]") {
  Organisation org;
  UnitId a = org.add_unit({"a", "", UnitKind::team, {}, {}});
  UnitId b = org.add_unit({"b", "", UnitKind::team, {}, {}});
  UnitId c = org.add_unit({"c", "", UnitKind::team, {}, {}});
  auto ab = org.add_relationship({a, b, Bond::service, "x"});  // b rates a
  auto ba = org.add_relationship({b, a, Bond::service, "y"});  // a rates b
  auto ac = org.add_relationship({a, c, Bond::service, "z"});
  org.add_conversation({ab, d("2025-01-01"), ConversationKind::customer_review, customer_review_guide, 4, {}, {}});
  org.add_conversation({ba, d("2025-01-01"), ConversationKind::customer_review, customer_review_guide, 8, {}, {}});
  org.add_conversation({ac, d("2025-01-01"), ConversationKind::customer_review, customer_review_guide, 8, {}, {}});
  Reciprocity r = reciprocity(org, a, b);
  REQUIRE(r.status == Status::ok);
  CHECK(r.a_of_b == Approx(80.0));
  CHECK(r.b_of_a == Approx(40.0));
  CHECK(r.difference == Approx(40.0));
  auto pairs = reciprocal_pairs(org);
  REQUIRE(pairs.size() == 1);
  CHECK(pairs[0].a == a);
  CHECK(pairs[0].b == b);
  CHECK(reciprocity(org, a, c).status == Status::no_data);
}

TEST_CASE("local optimiser: good upward, poor sideways and downward", "[score][local_optimiser]") {
  Organisation org;
  UnitId market = org.add_unit({"market", "", UnitKind::market, {}, {}});
  UnitId company = org.add_unit({"co", "", UnitKind::company, {}, market});
  UnitId unit = org.add_unit({"u", "", UnitKind::team, company, {}});
  UnitId peer = org.add_unit({"peer", "", UnitKind::team, company, {}});
  auto up = org.add_relationship({unit, company, Bond::service, "reports"});
  auto coop = org.add_relationship({unit, peer, Bond::cooperation, "package"});
  auto talk = [&](RelationshipId r, const char* date, int score) {
    org.add_conversation({r, d(date), ConversationKind::customer_review, customer_review_guide, score, {}, {}});
  };
  talk(up, "2025-01-01", 10);
  talk(up, "2025-06-01", 10);
  talk(coop, "2025-01-01", 3);
  for (int i = 0; i < 5; ++i) {
    UnitId c = org.add_unit({"c" + std::to_string(i), "", UnitKind::customer, {}, market});
    talk(org.add_relationship({unit, c, Bond::service, "x"}), "2025-02-01", 3);
  }
  LocalOptimiserResult r = local_optimiser(org, unit);
  REQUIRE(r.status == Status::ok);
  CHECK(r.n_payer == 2);
  CHECK(r.n_fabric == 8);  // the payer is on the output side, so in the mean too
  CHECK(r.payer_mean == Approx(100.0));
  CHECK(r.fabric_mean == Approx(47.5));
  CHECK(r.index == Approx(52.5));
  REQUIRE(r.se);
  CHECK(*r.se == Approx(std::sqrt(7350.0 / 8.0 * (0.5 + 0.125))));
  CHECK(r.flagged);
  LocalOptimiserOptions lo;
  lo.exclude_payer_from_fabric = true;
  LocalOptimiserResult x = local_optimiser(org, unit, {}, lo);
  CHECK(x.index == Approx(70.0));
  CHECK(x.flagged);
  // A small index is not flagged.
  lo.min_index = 80;
  CHECK_FALSE(local_optimiser(org, unit, {}, lo).flagged);
  // The batch form agrees.
  LocalOptimiserColumns all = local_optimisers(org);
  CHECK(all.status[unit.value] == std::uint8_t(Status::ok));
  CHECK(all.index[unit.value] == Approx(52.5));
  CHECK(all.flagged[unit.value] == 1);
  CHECK(all.status[peer.value] == std::uint8_t(Status::no_data));
  Options ex;
  ex.explain = true;
  CHECK(sum_of(local_optimiser(org, unit, {}, {}, ex).records) == Approx(52.5));
}

TEST_CASE("health: weighted components, bands, contributions", "[score][health]") {
  Served s(1);
  ConversationId now = s.talk(0, "2025-06-01", 8);
  s.talk(0, "2024-06-01", 6);
  auto k = s.org.add_agreement({now, s.provider, "a", d("2025-07-01")});
  auto b = s.org.add_agreement({now, s.provider, "b", d("2025-08-01")});
  s.org.close_agreement(k, AgreementStatus::kept, d("2025-07-01"));
  s.org.close_agreement(b, AgreementStatus::broken, d("2025-08-02"));
  s.org.add_complaint({s.rels[0], d("2025-09-01"), Severity::medium, "late"});
  Date as_of = d("2025-12-31");
  Options ex;
  ex.explain = true;
  HealthResult h = health(s.org, Scope::of(s.rels[0]), as_of, {}, ex);
  REQUIRE(h.status == Status::ok);
  auto part = [&](HealthComponent c) { return h.parts[std::size_t(c)]; };
  CHECK(part(HealthComponent::satisfaction).score == Approx(80.0));
  CHECK(part(HealthComponent::trend).score == Approx(90.0));
  CHECK(part(HealthComponent::reliability).score == Approx(50.0));
  CHECK(part(HealthComponent::recency).score == Approx(100.0));
  CHECK(part(HealthComponent::complaints).score == Approx(0.0));
  CHECK(h.health == Approx(70.5));
  CHECK(h.band == Band::yellow);
  double total = 0;
  for (const auto& p : h.parts) total += p.contribution;
  CHECK(total == Approx(h.health));
  CHECK(sum_of(part(HealthComponent::satisfaction).records) == Approx(80.0));
  CHECK(sum_of(part(HealthComponent::reliability).records) == Approx(50.0));
  CHECK(100.0 + sum_of(part(HealthComponent::complaints).records) == Approx(0.0));
  // Without agreements the reliability component drops out and the weights are renormalised.
  Served t(1);
  t.talk(0, "2025-06-01", 8);
  t.talk(0, "2024-06-01", 6);
  t.org.add_complaint({t.rels[0], d("2025-09-01"), Severity::medium, "late"});
  HealthResult g = health(t.org, Scope::of(t.rels[0]), as_of);
  CHECK(g.parts[std::size_t(HealthComponent::reliability)].status == Status::no_data);
  CHECK(g.parts[std::size_t(HealthComponent::reliability)].weight == 0);
  CHECK(g.health == Approx((32.0 + 13.5 + 15.0) / 0.8));
  CHECK(g.band == Band::green);
  CHECK(band_of(50) == Band::red);
  CHECK(band_of(50.01) == Band::yellow);
  CHECK(band_of(75) == Band::yellow);
  CHECK(band_of(75.01) == Band::green);
  HealthWeights bad;
  bad.trend = -1;
  CHECK(code_of([&] { health(t.org, Scope::of(t.rels[0]), as_of, bad); }) == ErrorCode::invalid_argument);
}

TEST_CASE("retention risk of an employee and the expected cost of loss", "[score][retention]") {
  Organisation org;
  UnitId lead = org.add_unit({"lead", "", UnitKind::person, {}, {}});
  UnitId emp = org.add_unit({"emp", "", UnitKind::person, lead, {}});
  auto rel = org.add_relationship({lead, emp, Bond::leadership, "leadership"});
  auto talk = [&](const char* date, int score) {
    return org.add_conversation({rel, d(date), ConversationKind::employee_review, employee_review_guide, score, {}, {}});
  };
  talk("2024-03-01", 8);
  ConversationId c = talk("2025-03-01", 6);
  auto a = org.add_agreement({c, lead, "training", d("2025-06-01")});
  auto b = org.add_agreement({c, lead, "raise", d("2025-09-01")});
  org.close_agreement(a, AgreementStatus::kept, d("2025-05-01"));
  org.close_agreement(b, AgreementStatus::broken, d("2025-09-02"));
  Options ex;
  ex.explain = true;
  RetentionRisk r = retention_risk(org, emp, d("2025-12-31"), {}, ex);
  REQUIRE(r.status == Status::ok);
  auto part = [&](RetentionFactor f) { return r.parts[std::size_t(f)]; };
  CHECK(part(RetentionFactor::satisfaction).risk == Approx(0.4));
  CHECK(part(RetentionFactor::trend).risk == Approx(0.9));
  CHECK(part(RetentionFactor::recency).risk == Approx(0.0));
  CHECK(part(RetentionFactor::broken_agreements).risk == Approx(0.5));
  CHECK(r.risk == Approx(0.44));
  CHECK(sum_of(part(RetentionFactor::satisfaction).records) == Approx(0.4));
  CHECK(0.5 + sum_of(part(RetentionFactor::trend).records) == Approx(0.9));
  // Two years without a conversation: the recency risk is full.
  CHECK(retention_risk(org, emp, d("2027-06-01")).parts[std::size_t(RetentionFactor::recency)].risk == Approx(1.0));
  CHECK(retention_risk(org, lead, d("2025-12-31")).status == Status::no_data);

  CostOfLoss p21 = expected_cost_of_loss(r.risk, 60000, ReplacementCost::percent_21);
  CHECK(p21.replacement_low == Approx(12600));
  CHECK(p21.replacement_high == Approx(12600));
  CHECK(p21.expected_low == Approx(5544));
  CostOfLoss months = expected_cost_of_loss(r.risk, 60000, ReplacementCost::months_6_to_9);
  CHECK(months.replacement_low == Approx(30000));
  CHECK(months.replacement_high == Approx(45000));
  CHECK(months.expected_high == Approx(19800));
  CostOfLoss range = expected_cost_of_loss(r.risk, 60000, ReplacementCost::half_to_double);
  CHECK(range.expected_low == Approx(13200));
  CHECK(range.expected_high == Approx(52800));
  CHECK(code_of([] { expected_cost_of_loss(1.5, 1, ReplacementCost::percent_21); }) == ErrorCode::invalid_argument);
  CHECK(code_of([] { expected_cost_of_loss(0.5, -1, ReplacementCost::percent_21); }) == ErrorCode::invalid_argument);
}

TEST_CASE("SERVQUAL per dimension and perceptions only", "[score][servqual]") {
  Served s(5);
  GuideId g = s.org.add_guide(servqual_guide());
  for (int i = 0; i < 5; ++i) {
    std::vector<Answer> answers{{"reliability.expectation", "7"},
                                {"reliability.perception", "5"},
                                {"tangibles.expectation", "5"},
                                {"tangibles.perception", " 6 "}};
    if (i == 0) answers.push_back({"empathy.perception", "very good"});
    s.org.add_conversation({s.rels[std::size_t(i)], d("2025-04-01"), ConversationKind::ad_hoc, g, {}, {}, answers});
  }
  ServqualResult r = servqual(s.org, Scope::of(s.provider));
  REQUIRE(r.status == Status::ok);
  CHECK(r.scale == Scale{1, 7});
  CHECK(r.invalid_answers == 1);
  auto dim = [&](ServqualDimension x) { return r.dimensions[std::size_t(x)]; };
  CHECK(dim(ServqualDimension::reliability).value == Approx(-2.0));
  CHECK(dim(ServqualDimension::reliability).perception == Approx(5.0));
  CHECK(dim(ServqualDimension::reliability).expectation == Approx(7.0));
  CHECK(dim(ServqualDimension::tangibles).value == Approx(1.0));
  CHECK(dim(ServqualDimension::empathy).status == Status::no_data);
  CHECK(r.overall == Approx(-0.5));
  ServqualResult p = servqual(s.org, Scope::of(s.provider), {}, ServqualMode::perceptions_only);
  CHECK(p.dimensions[std::size_t(ServqualDimension::reliability)].value == Approx(5.0));
  CHECK(p.dimensions[std::size_t(ServqualDimension::tangibles)].value == Approx(6.0));
  CHECK(parse_servqual_key("empathy.listening.perception")->item == "listening");
  CHECK_FALSE(parse_servqual_key("better"));
  CHECK_FALSE(parse_servqual_key("tangibles.opinion"));
  // Four respondents are too few for an aggregate.
  Served few(4);
  GuideId h = few.org.add_guide(servqual_guide());
  for (int i = 0; i < 4; ++i)
    few.org.add_conversation({few.rels[std::size_t(i)], d("2025-04-01"), ConversationKind::ad_hoc, h, {}, {},
                              {{"reliability.perception", "5"}, {"reliability.expectation", "6"}}});
  CHECK(servqual(few.org, Scope::of(few.provider)).status == Status::suppressed);
  CHECK(servqual(few.org, Scope::of(few.rels[0])).status == Status::ok);
}

TEST_CASE("privacy: minimum group size, named scores, no data, free text", "[score][privacy]") {
  Served s(4);
  for (int i = 0; i < 4; ++i) s.talk(i, "2025-01-01", 7);
  SatisfactionStats st = satisfaction(s.org, Scope::of(s.provider));
  CHECK(st.status == Status::suppressed);
  CHECK(st.respondents == 4);
  CHECK(st.mean == 0);  // withheld, and marked so
  CHECK(satisfaction(s.org, Scope::of(s.rels[0])).status == Status::ok);  // named one-to-one
  Options low;
  low.privacy.min_group = 4;
  CHECK(satisfaction(s.org, Scope::of(s.provider), {}, low).status == Status::ok);
  low.privacy.min_group = 2;
  CHECK(code_of([&] { satisfaction(s.org, Scope::of(s.provider), {}, low); }) == ErrorCode::invalid_argument);
  low.privacy.min_group = 5;
  low.privacy.min_group_text = 2;
  CHECK(code_of([&] { satisfaction(s.org, Scope::of(s.provider), {}, low); }) == ErrorCode::invalid_argument);
  // The input side is one unit's own answers: suppressed as an aggregate.
  CHECK(satisfaction(s.org, Scope::side_of(s.customers[0], Side::input)).status == Status::suppressed);
  // An empty set: no data.
  Served e(6);
  CHECK(satisfaction(e.org, Scope::of(e.provider)).status == Status::no_data);
  CHECK(satisfaction(e.org, Scope::organisation()).status == Status::no_data);

  // Free text needs ten respondents.
  for (int n : {9, 10}) {
    Served t(n);
    for (int i = 0; i < n; ++i)
      t.org.add_conversation({t.rels[std::size_t(i)], d("2025-01-01"), ConversationKind::customer_review,
                              customer_review_guide, 7, {}, {{"better", "answer " + std::to_string(i)}}});
    TextAnswers a = free_text(t.org, Scope::of(t.provider), "better");
    CHECK(a.respondents == n);
    CHECK(a.status == (n >= 10 ? Status::ok : Status::suppressed));
    CHECK(a.texts.size() == (n >= 10 ? std::size_t(n) : 0u));
    CHECK(free_text(t.org, Scope::of(t.rels[0]), "better").texts == std::vector<std::string>{"answer 0"});
  }
}

TEST_CASE("explanations add up to the value", "[score][explain]") {
  Served s(6);
  const int xs[] = {0, 3, 7, 8, 9, 10};
  for (int i = 0; i < 6; ++i) s.talk(i, "2025-01-01", xs[i]);
  Options ex;
  ex.explain = true;
  SatisfactionStats st = satisfaction(s.org, Scope::of(s.provider), {}, ex);
  REQUIRE(st.records.size() == 6);
  CHECK(sum_of(st.records) == Approx(st.mean_normalised));
  CHECK(st.records[0].kind == RecordKind::conversation);
  NpsResult n = nps(s.org, Scope::of(s.provider), {}, NpsPreset::standard, ex);
  CHECK(sum_of(n.records) == Approx(n.nps));
  CHECK(n.nps == Approx(100.0 * (2 - 2) / 6));
  // Suppressed scores never carry records.
  Served few(3);
  for (int i = 0; i < 3; ++i) few.talk(i, "2025-01-01", 5);
  CHECK(satisfaction(few.org, Scope::of(few.provider), {}, ex).records.empty());
}

TEST_CASE("levels: relationship, unit, sides, subtree, organisation, per year", "[score][levels]") {
  Organisation org;
  UnitId dept = org.add_unit({"dept", "", UnitKind::department, {}, {}});
  UnitId team = org.add_unit({"team", "", UnitKind::team, dept, {}});
  UnitId peer = org.add_unit({"peer", "", UnitKind::team, dept, {}});
  std::vector<UnitId> cs;
  for (int i = 0; i < 5; ++i) cs.push_back(org.add_unit({"c" + std::to_string(i), "", UnitKind::customer, {}, {}}));
  auto talk = [&](RelationshipId r, const char* date, int score) {
    org.add_conversation({r, d(date), ConversationKind::customer_review, customer_review_guide, score, {}, {}});
  };
  for (int i = 0; i < 5; ++i) {
    talk(org.add_relationship({team, cs[std::size_t(i)], Bond::service, "x"}), "2024-05-01", 6);
    talk(org.add_relationship({peer, cs[std::size_t(i)], Bond::service, "y"}), "2025-05-01", 8);
    talk(org.find_relationship(team, cs[std::size_t(i)], Bond::service).value(), "2025-05-01", 8);
  }
  auto coop = org.add_relationship({team, peer, Bond::cooperation, "z"});
  talk(coop, "2025-05-01", 9);
  CHECK(satisfaction(org, Scope::of(team)).n == 11);
  CHECK(satisfaction(org, Scope::side_of(team, Side::output)).n == 10);
  CHECK(satisfaction(org, Scope::side_of(team, Side::throughput)).n == 1);
  CHECK(satisfaction(org, Scope::side_of(team, Side::throughput)).status == Status::suppressed);
  CHECK(satisfaction(org, Scope::subtree_of(dept)).n == 16);
  CHECK(satisfaction(org, Scope::organisation()).n == 16);
  auto years = satisfaction_by_year(org, Scope::of(peer), 2024, 2025);
  REQUIRE(years.size() == 2);
  CHECK(years[0].status == Status::no_data);
  CHECK(years[1].mean == Approx(8.0));
  Filter f;
  f.bonds = bond_bit(Bond::cooperation);
  CHECK(satisfaction(org, Scope::of(team), f).n == 1);
  f = {};
  f.kinds = kind_bit(ConversationKind::complaint);
  CHECK(satisfaction(org, Scope::of(team), f).status == Status::no_data);
}
