// Batch columns agree with the one-at-a-time scores, on clustered rows, a tail and tombstones; partials
// computed on a random split of the data merge into exactly the whole.
#include "test_score_fixtures.hpp"

#include "../../src/score/vector_pass.hpp"

using namespace rapport;
using namespace rapport::score;
using namespace score_test;
using Catch::Detail::Approx;

namespace {

RandomShape batch_shape() {
  RandomShape s;
  s.internal_units = 60;
  s.customers = 25;
  s.max_conversations = 5;
  return s;
}

/// A random organisation whose conversation table has a clustered part, tombstones in it, and a tail.
RandomOrg mixed_table(unsigned seed, RandomShape shape = batch_shape()) {
  RandomOrg ro(seed, shape);
  std::mt19937 rng(seed * 31);
  auto rows = ro.rows;
  std::shuffle(rows.begin(), rows.end(), rng);
  std::size_t half = rows.size() * 2 / 3;
  std::vector<ConversationId> ids;
  for (std::size_t i = 0; i < half; ++i) ids.push_back(RandomOrg::add(ro.org, rows[i]));
  ro.org.compact();
  for (std::size_t i = 0; i < ids.size(); i += 7) ro.org.remove_conversation(ids[i]);  // tombstones
  for (std::size_t i = half; i < rows.size(); ++i) RandomOrg::add(ro.org, rows[i]);    // the tail
  REQUIRE(ro.org.conversations().sorted_rows() > 0);
  REQUIRE(ro.org.conversations().sorted_rows() < ro.org.conversations().rows());
  REQUIRE(ro.org.conversations().size() < ro.org.conversations().rows());
  return ro;
}

void check_same(const ScoreColumns& c, std::size_t i, const NpsResult& n, const SatisfactionStats& s) {
  INFO("row " << i);
  CHECK(c.status[i] == std::uint8_t(n.status));
  CHECK(c.status[i] == std::uint8_t(s.status));
  CHECK(c.n[i] == n.n);
  CHECK(c.respondents[i] == n.respondents);
  if (n.status != Status::ok) return;
  CHECK(c.nps[i] == Approx(n.nps));
  CHECK(c.nps_se[i] == Approx(n.se));
  CHECK(c.promoters[i] == n.promoters);
  CHECK(c.passives[i] == n.passives);
  CHECK(c.detractors[i] == n.detractors);
  CHECK(c.mean[i] == Approx(s.mean));
  CHECK(c.sd[i] == Approx(s.sd).margin(1e-12));
  CHECK(c.mean_normalised[i] == Approx(s.mean_normalised));
}

/// NPS, or its "no data" where every answer at the scope is on another scale (which nps() refuses).
NpsResult nps_or_none(const Organisation& org, const Scope& s, const Filter& f, const Options& o) {
  try {
    return nps(org, s, f, NpsPreset::standard, o);
  } catch (const ValidationError&) {
    Filter g = f;
    g.guide = customer_review_guide;
    REQUIRE(satisfaction_state(org, s, g).n() == 0);
    return {};
  }
}

}  // namespace

TEST_CASE("batch per-unit, per-subtree and per-relationship scores equal the single scores", "[score][batch]") {
  for (unsigned seed : {3u, 4u}) {
    RandomOrg ro = mixed_table(seed);
    const Organisation& org = ro.org;
    BatchIndex index(org);
    Options o;
    o.privacy.min_group = 3;
    BatchOptions bo;
    bo.privacy = o.privacy;
    for (Filter f : {Filter{}, Filter{Period::year(2024), all_kinds, all_bonds, {}},
                     Filter{{}, kind_bit(ConversationKind::customer_review), bond_bit(Bond::service), {}}}) {
      Filter fg = f;
      fg.guide = customer_review_guide;  // the batch counts the 0-10 scale only
      ScoreColumns units = unit_scores(org, index, f, bo);
      ScoreColumns subtrees = subtree_scores(org, index, f, bo);
      ScoreColumns rels = relationship_scores(org, index, f, bo);
      int ok = 0;
      for (const Unit& u : org.units()) {
        check_same(units, u.id.value, nps_or_none(org, Scope::of(u.id), f, o),
                   satisfaction(org, Scope::of(u.id), fg, o));
        check_same(subtrees, u.id.value, nps_or_none(org, Scope::subtree_of(u.id), f, o),
                   satisfaction(org, Scope::subtree_of(u.id), fg, o));
        ok += units.status[u.id.value] == std::uint8_t(Status::ok);
      }
      CHECK(ok > 5);
      for (const Relationship& r : org.relationships())
        check_same(rels, r.id.value, nps_or_none(org, Scope::of(r.id), f, o),
                   satisfaction(org, Scope::of(r.id), fg, o));
      // Answers on the 1-5 guide were skipped, and counted.
      std::int64_t five = 0;
      auto rf = satisfaction_state(org, Scope::organisation(), Filter{f.period, f.kinds, f.bonds, ro.five_point});
      five = rf.n();
      CHECK(units.skipped_other_scale == five);
    }
  }
}

TEST_CASE("batch sd from merged sums: exact below and above 2^31", "[score][batch]") {
  // Partials from a distributed engine can hold sums far beyond one table's. The variance is taken
  // from n * sumsq - sum^2 computed exactly: in 64 bits for small sums, in 128 bits otherwise. Both
  // must give the correctly rounded quotient of the exact integer.
  RandomOrg ro = mixed_table(8);
  BatchIndex index(ro.org);
  BatchOptions bo;
  bo.privacy.min_group = 3;
  UnitPartial p = unit_partial(ro.org, index, {}, bo);
  ScoreColumns plain = finish_units(p, ro.org, index, bo.privacy);
  std::size_t u = 0;
  while (u < plain.status.size() && plain.status[u] != std::uint8_t(Status::ok)) ++u;
  REQUIRE(u < plain.status.size());
  const std::int64_t edge = std::int64_t(1) << 31;
  struct Sums { std::int64_t n, sum, sumsq; };
  for (Sums x : {Sums{7, 40, 300}, Sums{edge - 1, edge - 1, edge - 1}, Sums{3, edge - 1, edge - 1},
                 Sums{edge - 1, 5, edge - 2}, Sums{edge, edge, edge}, Sums{4 * edge - 1, 2 * edge, 4 * edge - 1}, Sums{1000, 9000, edge + 12345},
                 Sums{std::int64_t(1) << 40, std::int64_t(9) << 40, std::int64_t(100) << 40}}) {
    p.n[u] = x.n, p.sum[u] = x.sum, p.sumsq[u] = x.sumsq;
    ScoreColumns c = finish_units(p, ro.org, index, bo.privacy);
    __int128 num = __int128(x.n) * x.sumsq - __int128(x.sum) * x.sum;
    if (num < 0) num = 0;
    INFO("n " << x.n << ", sum " << x.sum << ", sumsq " << x.sumsq);
    REQUIRE(c.status[u] == std::uint8_t(Status::ok));
    CHECK(c.sd[u] == std::sqrt(double(num) / (double(x.n) * double(x.n))));
    CHECK(c.mean[u] == double(x.sum) / double(x.n));
  }
}

TEST_CASE("batch recipient role: one respondent, so every aggregate with data is suppressed", "[score][batch]") {
  RandomOrg ro = mixed_table(5);
  BatchIndex index(ro.org);
  BatchOptions bo;
  bo.role = Role::recipient;
  ScoreColumns c = unit_scores(ro.org, index, {}, bo);
  for (std::size_t u = 0; u < c.n.size(); ++u) {
    CHECK(c.status[u] == std::uint8_t(c.n[u] ? Status::suppressed : Status::no_data));
    CHECK(c.respondents[u] == (c.n[u] ? 1 : 0));
  }
}

namespace {

/// Empties the relationship of clustered row `row` and removes it: its tombstones stay in the table
/// and name a relationship the index no longer knows.
void remove_relationship_at(Organisation& org, std::size_t row) {
  const ConversationTable& t = org.conversations();
  const std::uint32_t gone = t.relationships()[row];
  std::vector<ConversationId> ids;
  for (std::size_t i = 0; i < t.rows(); ++i)
    if (t.live(i) && t.relationships()[i] == gone) ids.push_back(ConversationId{t.ids()[i]});
  for (ConversationId id : ids) org.remove_conversation(id);
  org.remove_relationship(RelationshipId{gone});
}

/// Adds two units that provide 20 and 40 relationships with consecutive ids, each with conversations
/// (in the tail): wider than the vector respondent counts' one or two loads.
void add_wide_providers(RandomOrg& ro) {
  Organisation& org = ro.org;
  std::mt19937 rng(5);
  auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  for (std::size_t width : {std::size_t(20), std::size_t(40)}) {
    const UnitId u = org.add_unit({"wide" + std::to_string(width), "", UnitKind::team, ro.internal[0], {}});
    std::vector<RelationshipId> rels;
    for (std::size_t k = 0; k < width; ++k) {
      const bool customer = k < ro.customers.size();
      rels.push_back(org.add_relationship({u, customer ? ro.customers[k] : ro.internal[k - ro.customers.size()],
                                           customer ? Bond::service : Bond::cooperation, "x"}));
    }
    for (RelationshipId r : rels)
      for (int j = pick(3); j > 0; --j) {
        const auto kind = org.relationship(r).bond == Bond::cooperation ? ConversationKind::cooperation_review
                                                                         : ConversationKind::customer_review;
        org.add_conversation({r, Date{Date::from_ymd(2021, 1, 1).days + pick(5 * 365)}, kind, customer_review_guide,
                              pick(11), std::nullopt, {}});
      }
  }
}

/// Sets when the vector code runs, for one scope.
struct VectorMode {
  score::detail::VectorMode before = score::detail::vector_mode();
  explicit VectorMode(score::detail::VectorMode m) { score::detail::set_vector_mode(m); }
  ~VectorMode() { score::detail::set_vector_mode(before); }
};
/// The portable code only.
struct PortablePasses : VectorMode {
  PortablePasses() : VectorMode(score::detail::VectorMode::off) {}
};

}  // namespace

TEST_CASE("the vector passes set every cell and mark when there are no conversations", "[score][batch]") {
  RandomOrg ro(21, batch_shape());  // units and relationships; its rows are not added
  REQUIRE(ro.org.conversations().rows() == 0);
  BatchIndex index(ro.org);
  VectorMode always(score::detail::VectorMode::always);
  const UnitPartial units = unit_partial(ro.org, index, {}, {});
  const YearPartial years = year_partial(ro.org, index, 2021, 2025, {}, {});
  PortablePasses off;
  CHECK(units == unit_partial(ro.org, index, {}, {}));
  CHECK(years == year_partial(ro.org, index, 2021, 2025, {}, {}));
  CHECK(std::all_of(years.n.begin(), years.n.end(), [](std::int64_t n) { return n == 0; }));
}

TEST_CASE("the vector passes give the portable passes' partials exactly", "[score][batch]") {
  if (!score::detail::vector_passes()) WARN("this CPU has no AVX-512: only the portable pass runs");
  for (unsigned seed : {11u, 12u, 13u}) {
    for (auto [runs, scored] : {std::pair{3, 0.9}, std::pair{40, 0.9}, std::pair{40, 0.3}}) {
      RandomShape shape = batch_shape();
      shape.five_point = 0;  // one scale: the vector pass's case
      shape.max_conversations = runs, shape.scored = scored;
      shape.far_dates = 0.05;  // dates just outside the years and centuries away count nowhere
      RandomOrg ro = mixed_table(seed, shape);
      Organisation& org = ro.org;
      add_wide_providers(ro);
      remove_relationship_at(org, org.conversations().sorted_rows() / 3);
      REQUIRE(org.conversations().sorted_rows() % 64 != 0);
      BatchIndex index(org);
      // Here units' runs of relationship ids are short, for which the passes would stay portable.
      VectorMode always(score::detail::VectorMode::always);
      for (Role role : {Role::provider, Role::recipient}) {
        INFO("seed " << seed << ", runs up to " << runs << ", scored " << scored << ", role " << int(role));
        BatchOptions bo;
        bo.role = role;
        bo.privacy.min_group = 3;
        UnitPartial vector = unit_partial(org, index, {}, bo), portable;
        ScoreColumns vector_units = unit_scores(org, index, {}, bo), portable_units;
        ScoreColumns vector_rels = relationship_scores(org, index, {}, bo), portable_rels;
        {
          PortablePasses off;
          portable = unit_partial(org, index, {}, bo);
          portable_units = unit_scores(org, index, {}, bo);
          portable_rels = relationship_scores(org, index, {}, bo);
        }
        CHECK(vector == portable);
        // The statistics too, to the last bit: the same IEEE operations, in AVX-512 or not.
        CHECK(vector_units == portable_units);
        CHECK(vector_rels == portable_rels);
        // Years: all of the data's, some of them (dates outside count nowhere), one, and eight.
        for (auto [first, last] : {std::pair{2021, 2025}, std::pair{2022, 2024}, std::pair{2023, 2023}, std::pair{2018, 2025}}) {
          INFO("years " << first << "-" << last);
          YearPartial vector_years = year_partial(org, index, first, last, {}, bo), portable_years;
          YearColumns vector_columns = finish_years(vector_years, org, index, bo.privacy), portable_columns;
          {
            PortablePasses off;
            portable_years = year_partial(org, index, first, last, {}, bo);
            portable_columns = finish_years(portable_years, org, index, bo.privacy);
          }
          CHECK(vector_years == portable_years);
          CHECK(vector_columns == portable_columns);
        }
        std::int64_t rows = 0;
        for (auto n : vector.n) rows += n;
        CHECK(rows == satisfaction_state(org, Scope::organisation(), {}).n());
        if (role != Role::provider) continue;
        Options o;
        o.privacy = bo.privacy;
        for (const Unit& u : org.units())
          check_same(vector_units, u.id.value, nps_or_none(org, Scope::of(u.id), {}, o), satisfaction(org, Scope::of(u.id), {}, o));
      }
    }
  }
}

TEST_CASE("unit_scores and unit_years count respondents in the vector pass as the portable partials do", "[score][batch]") {
  // A clustered table without a tail (the case where both skip the partial), with a removed
  // relationship's tombstones, pairs with two bonds (one respondent), missing scores and far dates.
  for (unsigned seed : {14u, 15u}) {
    for (auto [runs, scored] : {std::pair{3, 0.9}, std::pair{40, 0.3}}) {
      RandomShape shape = batch_shape();
      shape.five_point = 0;
      shape.max_conversations = runs, shape.scored = scored;
      shape.far_dates = 0.05;
      RandomOrg ro = mixed_table(seed, shape);
      Organisation& org = ro.org;
      add_wide_providers(ro);
      org.compact();
      remove_relationship_at(org, org.conversations().rows() / 3);
      REQUIRE(org.conversations().sorted_rows() == org.conversations().rows());
      REQUIRE(org.conversations().size() < org.conversations().rows());
      BatchIndex index(org);
      REQUIRE(index.shared_pair_offsets().size() > 1);
      VectorMode always(score::detail::VectorMode::always);
      for (Role role : {Role::provider, Role::recipient}) {
        INFO("seed " << seed << ", runs up to " << runs << ", role " << int(role));
        BatchOptions bo;
        bo.role = role;
        bo.privacy.min_group = 3;
        const ScoreColumns counted = unit_scores(org, index, {}, bo);
        PortablePasses off;
        CHECK(counted == finish_units(unit_partial(org, index, {}, bo), org, index, bo.privacy));
        CHECK(counted == unit_scores(org, index, {}, bo));
        if (role != Role::provider) continue;
        Options o;  // and against the single scores, which count distinct respondents their own way
        o.privacy = bo.privacy;
        for (const Unit& u : org.units()) {
          const SatisfactionStats single = satisfaction(org, Scope::of(u.id), {}, o);
          CHECK(counted.n[u.id.value] == single.n);
          CHECK(counted.respondents[u.id.value] == single.respondents);
        }
      }
      for (Role role : {Role::provider, Role::recipient})
        for (auto [first, last] : {std::pair{2021, 2025}, std::pair{2023, 2023}, std::pair{2018, 2025}}) {
          INFO("seed " << seed << ", runs up to " << runs << ", role " << int(role) << ", years " << first << "-" << last);
          BatchOptions bo;
          bo.role = role;
          bo.privacy.min_group = 3;
          const YearColumns counted = unit_years(org, index, first, last, {}, bo);
          PortablePasses off;
          const YearPartial p = year_partial(org, index, first, last, {}, bo);
          CHECK(counted == finish_years(p, org, index, bo.privacy));
          CHECK(counted == unit_years(org, index, first, last, {}, bo));
          if (role != Role::provider) continue;
          Options o;
          o.privacy = bo.privacy;
          for (const Unit& u : org.units()) {
            const auto single = satisfaction_by_year(org, Scope::of(u.id), first, last, {}, o);
            for (int y = 0; y <= last - first; ++y) {
              const std::size_t i = u.id.value * std::size_t(last - first + 1) + std::size_t(y);
              CHECK(counted.n[i] == single[std::size_t(y)].n);
              CHECK(counted.respondents[i] == single[std::size_t(y)].respondents);
            }
          }
        }
    }
  }
}

namespace {

/// Every relationship's latest score under filter f against a scan of all its rows.
void check_latest(const Organisation& org, const BatchIndex& index, Filter f) {
  LatestColumns c = latest_scores(org, index, f);
  const ConversationTable& t = org.conversations();
  REQUIRE(c.relationship.size() == index.relationship_bound());
  for (std::size_t r = 0; r < c.relationship.size(); ++r) {  // every column of a row is written
    CHECK(c.relationship[r] == r);
    if (c.status[r] == std::uint8_t(Status::ok)) continue;
    CHECK(c.status[r] == std::uint8_t(Status::no_data));
    CHECK(c.conversation[r] == 0xFFFFFFFFu);
    CHECK(c.date[r] == 0);
    CHECK(c.score[r] == 0);
    CHECK(c.score_normalised[r] == 0);
  }
  for (const Relationship& r : org.relationships()) {
    std::optional<ConversationFacts> best;
    for (std::size_t row = 0; row < t.rows(); ++row) {
      if (!t.live(row) || t.relationships()[row] != r.id.value) continue;
      ConversationFacts x = t.facts(row);
      if (!x.score || (f.period && !f.period->contains(x.date)) || (f.guide && x.guide != *f.guide) ||
          !(f.kinds & kind_bit(x.kind)) || !(f.bonds & bond_bit(r.bond)))
        continue;
      if (!best || std::pair(x.date, x.id) > std::pair(best->date, best->id)) best = x;
    }
    INFO("relationship " << r.id.value);
    REQUIRE(c.status[r.id.value] == std::uint8_t(best ? Status::ok : Status::no_data));
    if (!best) continue;
    CHECK(c.conversation[r.id.value] == best->id.value);
    CHECK(c.date[r.id.value] == best->date.days);
    CHECK(int(c.score[r.id.value]) == *best->score);
    CHECK(c.score_normalised[r.id.value] == Approx(org.guide(best->guide).scale.normalise(*best->score)));
  }
}

/// check_latest for each filter, by the vector pass (where the CPU has one) and by the portable one.
void check_latest(const Organisation& org, const BatchIndex& index, std::initializer_list<Filter> filters) {
  // The clustered part is read 64 rows at a time: several blocks, and rows left over after them.
  REQUIRE(org.conversations().sorted_rows() > 4 * 64);
  REQUIRE(org.conversations().sorted_rows() % 64 != 0);
  for (bool portable : {false, true}) {
    std::optional<PortablePasses> mode;
    if (portable) mode.emplace();
    INFO((portable ? "portable pass" : "default pass"));
    for (Filter f : filters) check_latest(org, index, f);
  }
}

}  // namespace

TEST_CASE("batch latest score per relationship", "[score][batch]") {
  const std::uint8_t reviews = kind_bit(ConversationKind::customer_review) | kind_bit(ConversationKind::cooperation_review);
  SECTION("guides on two scales") {
    RandomOrg ro = mixed_table(6);
    BatchIndex index(ro.org);
    check_latest(ro.org, index, {Filter{}, Filter{Period::year(2023), all_kinds, all_bonds, {}},
                                 Filter{{}, all_kinds, all_bonds, ro.five_point}, Filter{{}, reviews, all_bonds, {}},
                                 Filter{{}, all_kinds, bond_bit(Bond::service), {}}});
  }
  SECTION("one scale, so the guide column is not read") {
    RandomShape s = batch_shape();
    s.five_point = 0;
    RandomOrg ro = mixed_table(7, s);
    BatchIndex index(ro.org);
    check_latest(ro.org, index, {Filter{}, Filter{Period::year(2023), all_kinds, all_bonds, {}},
                                 Filter{{}, all_kinds, bond_bit(Bond::service), {}}});
  }
}

TEST_CASE("batch per-unit year-over-year change equals the single trends", "[score][batch]") {
  RandomOrg ro = mixed_table(8);
  const Organisation& org = ro.org;
  BatchIndex index(org);
  Options o;
  o.privacy.min_group = 3;
  BatchOptions bo;
  bo.privacy = o.privacy;
  // The data lie in 2021-2025. The wider ranges put them in the second and the last byte of the
  // per-relationship year bits, which the respondent count adds a byte at a time, and take the pass's
  // wider lane sets (8 and 16 vectors); the narrower one leaves rows outside the years before and
  // after them. The filters drop rows by kind, and whole relationships by bond.
  const Filter by_kind{{}, kind_bit(ConversationKind::customer_review) | kind_bit(ConversationKind::employee_review), all_bonds, {}};
  const Filter by_bond{{}, all_kinds, bond_bit(Bond::service) | bond_bit(Bond::cooperation), {}};
  for (auto [first, last, f] : {std::tuple(2021, 2025, Filter{}), std::tuple(2012, 2025, Filter{}),
                                std::tuple(1994, 2025, Filter{}), std::tuple(2022, 2024, Filter{}),
                                std::tuple(2021, 2025, by_kind), std::tuple(2016, 2025, by_bond)}) {
    const bool filtered = f != Filter{};
    Filter fg = f;
    fg.guide = customer_review_guide;
    const int years = last - first + 1;
    YearColumns c = unit_years(org, index, first, last, f, bo);
    REQUIRE(c.unit.size() == org.units().id_bound() * std::size_t(years));
    int changes = 0, with_data = 0;
    for (const Unit& u : org.units()) {
      auto single = satisfaction_by_year(org, Scope::of(u.id), first, last, fg, o);
      for (int y = 0; y < years; ++y) {
        std::size_t i = u.id.value * std::size_t(years) + std::size_t(y);
        INFO("years from " << first << ", unit " << u.id.value << ", year " << first + y << ", filtered " << filtered);
        CHECK(c.year[i] == first + y);
        CHECK(c.status[i] == std::uint8_t(single[std::size_t(y)].status));
        CHECK(c.n[i] == single[std::size_t(y)].n);
        CHECK(c.respondents[i] == single[std::size_t(y)].respondents);
        with_data += c.respondents[i] > 1;
        if (c.status[i] == std::uint8_t(Status::ok)) CHECK(c.mean[i] == Approx(single[std::size_t(y)].mean));
        if (y == 0) {
          CHECK(c.change_status[i] == std::uint8_t(Status::no_data));
          continue;
        }
        TrendResult t = year_over_year(org, Scope::of(u.id), first + y, fg, o);
        CHECK(c.change_status[i] == std::uint8_t(t.status));
        if (t.status != Status::ok) continue;
        ++changes;
        CHECK(c.delta[i] == Approx(*t.delta_scale));
        CHECK(bool(c.has_se[i]) == bool(t.se));
        if (t.se) CHECK(c.delta_se[i] * 10.0 == Approx(*t.se));  // the trend's SE is in normalised points
      }
    }
    CHECK(changes > (years >= 5 && !filtered ? 3 : 1));  // the three-year range and the filters have fewer
    CHECK(with_data > 10);
  }
}

TEST_CASE("batch years for the recipient role, and with a removed relationship's tombstones", "[score][batch]") {
  RandomOrg ro = mixed_table(9);
  Organisation& org = ro.org;
  remove_relationship_at(org, org.conversations().sorted_rows() / 2);
  BatchIndex index(org);
  Filter fg;
  fg.guide = customer_review_guide;
  BatchOptions bo;
  bo.privacy.min_group = 3;
  for (Role role : {Role::provider, Role::recipient}) {
    bo.role = role;
    YearColumns c = unit_years(org, index, 2021, 2025, {}, bo);
    ScoreColumns whole = unit_scores(org, index, {}, bo);
    std::int64_t total = 0;
    for (const Unit& u : org.units()) {
      std::int64_t n = 0;
      for (int y = 0; y < 5; ++y) {
        const std::size_t i = u.id.value * 5 + std::size_t(y);
        n += c.n[i];
        if (role == Role::recipient) {  // the unit itself is the one respondent
          CHECK(c.respondents[i] == (c.n[i] ? 1 : 0));
          CHECK(c.status[i] == std::uint8_t(c.n[i] ? Status::suppressed : Status::no_data));
        }
      }
      INFO("unit " << u.id.value << ", role " << int(role));
      CHECK(n == whole.n[u.id.value]);  // the data lie in 2021-2025
      total += n;
    }
    CHECK(total == satisfaction_state(org, Scope::organisation(), fg).n());
  }
}

TEST_CASE("partials of a random split merge into exactly the whole", "[score][batch][merge]") {
  const unsigned seed = 11;
  RandomShape shape = batch_shape();
  RandomOrg whole(seed, shape);
  Organisation part_a = whole.empty_copy(seed, shape), part_b = whole.empty_copy(seed, shape);
  std::mt19937 rng(99);
  auto rows = whole.rows;
  std::shuffle(rows.begin(), rows.end(), rng);
  for (const auto& row : rows) {
    RandomOrg::add(whole.org, row);
    RandomOrg::add(std::bernoulli_distribution(0.4)(rng) ? part_a : part_b, row);
  }
  whole.org.compact();
  BatchIndex iw(whole.org), ia(part_a), ib(part_b);
  BatchOptions bo;
  bo.privacy.min_group = 3;

  // Per-unit satisfaction and NPS.
  UnitPartial pa = unit_partial(part_a, ia, {}, bo), pb = unit_partial(part_b, ib, {}, bo);
  pa.merge(pb);
  UnitPartial pw = unit_partial(whole.org, iw, {}, bo);
  CHECK(pa == pw);
  ScoreColumns merged = finish_units(pa, whole.org, iw, bo.privacy);
  ScoreColumns direct = unit_scores(whole.org, iw, {}, bo);
  CHECK(merged.status == direct.status);
  CHECK(merged.mean == direct.mean);
  CHECK(merged.sd == direct.sd);
  CHECK(merged.nps == direct.nps);
  CHECK(merged.nps_se == direct.nps_se);
  CHECK(merged.respondents == direct.respondents);
  CHECK(finish_subtrees(pa, whole.org, iw, bo.privacy).mean == subtree_scores(whole.org, iw, {}, bo).mean);

  // Per unit and year.
  YearPartial ya = year_partial(part_a, ia, 2021, 2025, {}, bo), yb = year_partial(part_b, ib, 2021, 2025, {}, bo);
  ya.merge(yb);
  CHECK(ya == year_partial(whole.org, iw, 2021, 2025, {}, bo));
  CHECK(finish_years(ya, whole.org, iw, bo.privacy).delta == unit_years(whole.org, iw, 2021, 2025, {}, bo).delta);

  // Latest score per relationship (conversation ids differ between organisations; dates and scores not).
  LatestColumns la = latest_scores(part_a, ia), lb = latest_scores(part_b, ib), lw = latest_scores(whole.org, iw);
  la.merge(lb);
  CHECK(la.status == lw.status);
  CHECK(la.date == lw.date);
  CHECK(la.score == lw.score);

  // The single-level states: satisfaction, gap, coverage's latest dates.
  for (const Scope& s : {Scope::organisation(), Scope::of(whole.internal[0]), Scope::subtree_of(whole.internal[0])}) {
    SatisfactionState sa = satisfaction_state(part_a, s), sb = satisfaction_state(part_b, s);
    sa.merge(sb);
    CHECK(sa == satisfaction_state(whole.org, s));
    SatisfactionStats x = stats_of(sa, true), y = stats_of(satisfaction_state(whole.org, s), true);
    CHECK(x.mean_normalised == y.mean_normalised);
    CHECK(x.sd_normalised == y.sd_normalised);
    GapState ga = gap_state(part_a, s), gb = gap_state(part_b, s);
    ga.merge(gb);
    CHECK(ga == gap_state(whole.org, s));
  }
  Date as_of = Date::from_ymd(2025, 6, 30);
  LatestDates da = latest_dates(part_a, as_of), db = latest_dates(part_b, as_of);
  da.merge(db);
  CHECK(da == latest_dates(whole.org, as_of));
}

TEST_CASE("batch index: stale after relationships change, or another organisation in its place", "[score][batch]") {
  Served s(5);
  BatchIndex index(s.org);
  CHECK(index.valid_for(s.org));
  UnitId x = s.org.add_unit({"x", "", UnitKind::customer, {}, {}});
  CHECK(index.valid_for(s.org));  // a new unit without relationships changes nothing
  s.org.add_relationship({s.provider, x, Bond::service, "y"});
  CHECK_FALSE(index.valid_for(s.org));
  CHECK(code_of([&] { unit_scores(s.org, index); }) == ErrorCode::invalid_argument);
  Organisation other;
  CHECK_FALSE(index.valid_for(other));
  // Another organisation assigned into the indexed one, with as many relationships but other ones.
  auto one_relationship = [](const char* provider) {
    Organisation o;
    for (const char* k : {"a", "b", "c"}) o.add_unit({k, "", UnitKind::team, {}, {}});
    o.add_relationship({*o.find_unit(provider), *o.find_unit("b"), Bond::service, "x"});
    return o;
  };
  Organisation target = one_relationship("a");
  BatchIndex of_target(target);
  const auto version = target.relationships_version();
  Organisation copy = target;
  CHECK(copy.relationships_version() == version);  // same relationships
  target = one_relationship("c");
  CHECK(target.relationships_version() != version);
  CHECK_FALSE(of_target.valid_for(target));
  CHECK(BatchIndex(target).providers()[0] == target.find_unit("c")->value);
  Organisation moved = std::move(copy);
  CHECK(moved.relationships_version() == version);
  CHECK(copy.relationships_version() != version);  // NOLINT(bugprone-use-after-move): emptied
  BatchOptions bad;
  bad.scale = Scale{5, 5};
  CHECK(code_of([&] { unit_scores(s.org, BatchIndex(s.org), {}, bad); }) == ErrorCode::invalid_argument);
  CHECK(code_of([&] { unit_years(s.org, BatchIndex(s.org), 2020, 2060); }) == ErrorCode::invalid_argument);
}

TEST_CASE("batch on a 1-5 scale: no NPS columns", "[score][batch]") {
  Served s(5);
  GuideId five = s.org.add_guide({"five", "Five", ConversationKind::customer_review, Scale{1, 5}, {}});
  for (int i = 0; i < 5; ++i) s.talk(i, "2025-01-01", 1 + i, std::nullopt, five);
  s.talk(0, "2025-01-01", 9);
  BatchIndex index(s.org);
  BatchOptions bo;
  bo.scale = Scale{1, 5};
  ScoreColumns c = unit_scores(s.org, index, {}, bo);
  CHECK(c.nps.empty());
  CHECK(c.promoters.empty());
  CHECK(c.status[s.provider.value] == std::uint8_t(Status::ok));
  CHECK(c.mean[s.provider.value] == Approx(3.0));
  CHECK(c.mean_normalised[s.provider.value] == Approx(50.0));
  CHECK(c.skipped_other_scale == 1);
}

TEST_CASE("batch results: large columns keep their mappings for reuse, within a bound", "[score][batch][memory]") {
  namespace d = rapport::detail;
  const std::size_t big = std::size_t(3) << 20, mapped = std::size_t(4) << 20;  // mappings are whole 2 MiB pages
  const double* first = nullptr;
  {
    ResultColumn<double> a(big / sizeof(double), 1.5);
    first = a.data();
  }
  ResultColumn<double> b(big / sizeof(double));  // value-initialised, whatever the memory held
  CHECK(std::all_of(b.begin(), b.end(), [](double x) { return x == 0.0; }));
  if (!d::columns_are_mapped()) return;  // ASan and TSan builds: plain heap blocks, nothing kept
  CHECK(b.data() == first);  // the same mapping, already faulted in
  const std::size_t before = d::kept_result_bytes();
  b = ResultColumn<double>();
  CHECK(d::kept_result_bytes() == before + mapped);
  std::vector<void*> blocks;
  for (std::size_t i = 0; i < 2 * d::kept_results_limit / mapped; ++i) blocks.push_back(d::allocate_result(big));
  for (void* p : blocks) d::release_result(p, big);
  CHECK(d::kept_result_bytes() <= d::kept_results_limit);  // the oldest were unmapped
  CHECK(d::kept_result_bytes() > d::kept_results_limit - mapped);
  void* again = d::allocate_result(big);
  CHECK(again == blocks.back());  // the most recent first
  d::release_result(again, big);
}
