// Coverage (a conversation in the last twelve months) and reliability of agreements.
#include "rapport/score/coverage.hpp"

#include "internal.hpp"
#include "rapport/score/reliability.hpp"

namespace rapport::score {

namespace {

constexpr std::int32_t never = std::numeric_limits<std::int32_t>::min();

template <class Latest>
CoverageResult finish_coverage(std::span<const std::uint32_t> rels, Latest&& latest, Date as_of, const Options& options) {
  CoverageResult c;
  Period window = Period::last_twelve_months(as_of);
  c.relationships = std::int64_t(rels.size());
  for (auto r : rels) {
    std::int32_t last = latest(r);
    bool covered = last != never && last >= window.begin.days;
    c.covered += covered;
    if (!covered) {
      Overdue o{RelationshipId{r}, std::nullopt, -1};
      if (last != never) o.last = Date{last}, o.days_since_last = as_of.days - last;
      c.overdue.push_back(o);
    }
  }
  if (c.relationships == 0) return c;
  c.status = Status::ok;
  c.share = double(c.covered) / double(c.relationships);
  if (options.explain)
    for (auto r : rels) {
      std::int32_t last = latest(r);
      double v = last != never && last >= window.begin.days ? 1.0 : 0.0;
      c.records.push_back({RecordKind::relationship, r, v, v / double(c.relationships)});
    }
  return c;
}

bool kind_in(std::uint8_t kinds, std::uint8_t k) { return k < conversation_kind_count && ((kinds >> k) & 1u); }

}  // namespace

CoverageResult coverage(const Organisation& org, const Scope& scope, Date as_of, std::uint8_t kinds, const Options& options) {
  detail::check_as_of(as_of);
  auto rels = detail::involved_relationships(org, scope);
  std::vector<std::int32_t> latest(rels.size(), never);
  const ConversationTable& t = org.conversations();
  detail::for_each_row(org, rels, [&](std::size_t row) {
    if (!kind_in(kinds, t.kinds()[row]) || t.dates()[row] > as_of.days) return;
    auto i = std::size_t(std::lower_bound(rels.begin(), rels.end(), t.relationships()[row]) - rels.begin());
    latest[i] = std::max(latest[i], t.dates()[row]);
  });
  return finish_coverage(rels, [&](std::uint32_t r) {
    return latest[std::size_t(std::lower_bound(rels.begin(), rels.end(), r) - rels.begin())];
  }, as_of, options);
}

void LatestDates::merge(const LatestDates& o) {
  if (o.days.size() != days.size() || o.as_of != as_of || o.kinds != kinds)
    throw ValidationError("latest-date states of different sizes, dates or kinds do not merge");
  for (std::size_t r = 0; r < days.size(); ++r) days[r] = std::max(days[r], o.days[r]);
}

LatestDates latest_dates(const Organisation& org, Date as_of, std::uint8_t kinds) {
  detail::check_as_of(as_of);
  LatestDates l;
  l.as_of = as_of;
  l.kinds = kinds;
  l.days.assign(org.relationships().id_bound(), never);
  const ConversationTable& t = org.conversations();
  for (std::size_t row = 0; row < t.rows(); ++row)
    if (kind_in(kinds, t.kinds()[row]) && t.dates()[row] <= as_of.days) {
      auto& d = l.days[t.relationships()[row]];
      d = std::max(d, t.dates()[row]);
    }
  return l;
}

CoverageResult coverage_of(const Organisation& org, const LatestDates& latest, const Scope& scope,
                           const Options& options) {
  if (latest.days.size() != org.relationships().id_bound())
    throw ValidationError("the latest-date state does not fit this organisation");
  auto rels = detail::involved_relationships(org, scope);
  return finish_coverage(rels, [&](std::uint32_t r) { return latest.days[r]; }, latest.as_of, options);
}

// ------------------------------------------------------------------------------------- reliability

void ReliabilityState::merge(const ReliabilityState& o) {
  due += o.due, kept += o.kept, broken += o.broken, dropped += o.dropped, open += o.open;
  kept_on_time += o.kept_on_time, open_overdue += o.open_overdue;
}

ReliabilityResult reliability_of(const ReliabilityState& s) {
  ReliabilityResult r;
  r.counts = s;
  std::int64_t decided = s.kept + s.broken;
  if (decided == 0) return r;
  r.status = Status::ok;
  r.reliability = double(s.kept) / double(decided);
  r.on_time_share = double(s.kept_on_time) / double(decided);
  return r;
}

namespace {

/// Calls f(agreement) for every agreement that belongs to `scope`.
template <class F>
void for_each_agreement(const Organisation& org, const Scope& scope, F&& f) {
  std::vector<std::uint8_t> owner_in;
  std::vector<std::uint32_t> rels;
  switch (scope.level) {
    case Level::relationship: org.relationship(scope.relationship); break;
    case Level::unit: org.unit(scope.unit); break;
    case Level::side: rels = detail::involved_relationships(org, scope); break;
    case Level::subtree:
      owner_in.assign(org.units().id_bound(), 0);
      for (UnitId u : org.subtree(scope.unit)) owner_in[u.value] = 1;
      break;
    case Level::organisation: break;
  }
  auto relationship_of = [&](const Agreement& a) {
    auto row = org.conversations().row_of(a.conversation);
    return row ? org.conversations().relationships()[*row] : detail::none32;
  };
  for (const Agreement& a : org.agreements()) {
    bool in = false;
    switch (scope.level) {
      case Level::relationship: in = relationship_of(a) == scope.relationship.value; break;
      case Level::unit: in = a.owner == scope.unit; break;
      case Level::side: in = a.owner == scope.unit && std::binary_search(rels.begin(), rels.end(), relationship_of(a)); break;
      case Level::subtree: in = owner_in[a.owner.value] != 0; break;
      case Level::organisation: in = true; break;
    }
    if (in) f(a);
  }
}

bool counts_in(const Agreement& a, Period period) { return period.contains(a.due); }

}  // namespace

ReliabilityState reliability_state(const Organisation& org, const Scope& scope, Period period, Date as_of) {
  detail::check_as_of(as_of);
  ReliabilityState s;
  for_each_agreement(org, scope, [&](const Agreement& a) {
    if (a.status == AgreementStatus::open && a.due < as_of) ++s.open_overdue;
    if (!counts_in(a, period)) return;
    ++s.due;
    switch (a.status) {
      case AgreementStatus::open: ++s.open; break;
      case AgreementStatus::kept:
        ++s.kept;
        if (a.closed && *a.closed <= a.due) ++s.kept_on_time;
        break;
      case AgreementStatus::broken: ++s.broken; break;
      case AgreementStatus::dropped: ++s.dropped; break;
    }
  });
  return s;
}

ReliabilityResult reliability(const Organisation& org, const Scope& scope, Period period, Date as_of, const Options& options) {
  ReliabilityResult r = reliability_of(reliability_state(org, scope, period, as_of));
  if (options.explain && r.status == Status::ok) {
    double decided = double(r.counts.kept + r.counts.broken);
    for_each_agreement(org, scope, [&](const Agreement& a) {
      if (!counts_in(a, period) || (a.status != AgreementStatus::kept && a.status != AgreementStatus::broken)) return;
      double v = a.status == AgreementStatus::kept ? 1.0 : 0.0;
      r.records.push_back({RecordKind::agreement, a.id.value, v, v / decided});
    });
  }
  return r;
}

}  // namespace rapport::score
