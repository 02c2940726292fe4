#pragma once
// Shared by the test_score_*.cpp files: small known organisations and a random one.
#include <catch2/catch.hpp>

#include "test_errors.hpp"

#include <random>
#include <vector>

#include "rapport/error.hpp"
#include "rapport/organisation.hpp"
#include "rapport/score.hpp"

namespace score_test {

using namespace rapport;

inline Date d(const char* s) { return Date::parse(s); }

/// A provider unit with `customers` external customers, each on its own service relationship.
struct Served {
  Organisation org;
  UnitId provider;
  std::vector<UnitId> customers;
  std::vector<RelationshipId> rels;
  explicit Served(int customers_count, UnitKind customer_kind = UnitKind::customer) {
    provider = org.add_unit({"provider", "Provider", UnitKind::team, {}, {}});
    for (int i = 0; i < customers_count; ++i) {
      customers.push_back(org.add_unit({"c" + std::to_string(i), "", customer_kind, {}, {}}));
      rels.push_back(org.add_relationship({provider, customers.back(), Bond::service, "service"}));
    }
  }
  ConversationId talk(int i, const char* date, std::optional<int> score, std::optional<int> self = std::nullopt,
                      GuideId guide = customer_review_guide) {
    return org.add_conversation({rels[std::size_t(i)], d(date), ConversationKind::customer_review, guide, score, self, {}});
  }
};

/// The parameters of a random organisation.
struct RandomShape {
  int internal_units = 30;
  int customers = 12;
  int max_conversations = 3;
  int first_year = 2021, last_year = 2025;
  double scored = 0.9, self_assessed = 0.5;
  double five_point = 0.15;  ///< share of conversations on a 1-5 guide; 0: no such guide, one scale
  double far_dates = 0;      ///< share dated outside the years: the days next to them, or centuries away
};

/// A random hierarchy of internal units with customers, cooperations, leadership and internal service.
/// Deterministic in `seed`. Conversations are returned as rows rather than added, so that tests can
/// add them to one or several organisations built with the same units and relationships.
struct RandomOrg {
  struct Row {
    RelationshipId rel;
    Date date;
    ConversationKind kind;
    GuideId guide;
    std::optional<int> score, self;
  };
  Organisation org;
  std::vector<UnitId> internal, customers;
  std::vector<Row> rows;
  GuideId five_point;

  /// Builds units and relationships into `o` (same ids every time for the same seed).
  static void build(Organisation& o, std::mt19937& rng, const RandomShape& s, std::vector<UnitId>& internal,
                    std::vector<UnitId>& customers, GuideId& five) {
    five = s.five_point > 0 ? o.add_guide({"five", "Five point", ConversationKind::customer_review, Scale{1, 5}, {}})
                            : customer_review_guide;
    auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
    auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
    for (int i = 0; i < s.internal_units; ++i) {
      std::optional<UnitId> parent;
      if (i > 0 && chance(0.9)) parent = internal[std::size_t(pick(i))];
      UnitKind kind = i % 3 == 2 ? UnitKind::person : UnitKind::team;
      internal.push_back(o.add_unit({"u" + std::to_string(i), "", kind, parent, {}}));
    }
    for (int i = 0; i < s.customers; ++i)
      customers.push_back(o.add_unit({"c" + std::to_string(i), "", UnitKind::customer, {}, {}}));
    auto relate = [&](UnitId p, UnitId r, Bond b) {
      if (p == r || o.find_relationship(p, r, b)) return;
      o.add_relationship({p, r, b, "x"});
    };
    for (std::size_t i = 0; i < internal.size(); ++i) {
      UnitId u = internal[i];
      int n = pick(5);
      for (int j = 0; j < n; ++j) relate(u, customers[std::size_t(pick(s.customers))], Bond::service);
      if (chance(0.4)) relate(u, internal[std::size_t(pick(int(internal.size())))], Bond::cooperation);
      if (chance(0.4)) relate(u, internal[std::size_t(pick(int(internal.size())))], Bond::service);
      if (auto p = o.unit(u).parent; p && chance(0.5)) {
        relate(*p, u, Bond::leadership);
        if (chance(0.3)) relate(*p, u, Bond::service);  // a pair with two bonds: one respondent
        relate(u, *p, Bond::service);                    // the payer is a customer
      }
    }
  }

  explicit RandomOrg(unsigned seed, RandomShape s = {}) {
    std::mt19937 rng(seed);
    build(org, rng, s, internal, customers, five_point);
    auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
    auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
    int days = Date::from_ymd(s.last_year, 12, 31).days - Date::from_ymd(s.first_year, 1, 1).days;
    for (const Relationship& r : org.relationships()) {
      int n = pick(s.max_conversations + 1);
      for (int j = 0; j < n; ++j) {
        Row row;
        row.rel = r.id;
        row.date = Date{Date::from_ymd(s.first_year, 1, 1).days + pick(days + 1)};
        if (s.far_dates > 0 && chance(s.far_dates)) {  // not drawn otherwise: the same data as before
          // 2^16 days on either side: in the years again if 16-bit day offsets wrapped.
          const int start = Date::from_ymd(s.first_year, 1, 1).days;
          const Date far[] = {Date::from_ymd(s.first_year - 1, 12, 31), Date::from_ymd(s.last_year + 1, 1, 1),
                              Date{start - 65536 + 400}, Date{start + 65536 + 400}};
          row.date = far[pick(4)];
        }
        row.kind = r.bond == Bond::cooperation ? ConversationKind::cooperation_review
                   : r.bond == Bond::leadership ? ConversationKind::employee_review
                                                 : ConversationKind::customer_review;
        bool five = s.five_point > 0 && chance(s.five_point);
        row.guide = five ? five_point : customer_review_guide;
        int lo = five ? 1 : 0, hi = five ? 5 : 10;
        auto score = [&] { return lo + pick(hi - lo + 1); };
        if (chance(s.scored)) row.score = score();
        if (chance(s.self_assessed)) row.self = score();
        rows.push_back(row);
      }
    }
  }

  /// A fresh organisation with the same units and relationships (and so the same ids).
  Organisation empty_copy(unsigned seed, RandomShape s = {}) const {
    Organisation o;
    std::mt19937 rng(seed);
    std::vector<UnitId> a, b;
    GuideId g;
    build(o, rng, s, a, b, g);
    return o;
  }

  static ConversationId add(Organisation& o, const Row& r) {
    return o.add_conversation({r.rel, r.date, r.kind, r.guide, r.score, r.self, {}});
  }
};

}  // namespace score_test
