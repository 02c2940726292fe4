// Computes what the reports show, through the scores API only.
#include "report_data.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

namespace rapport::cli {
namespace {

template <class F>
auto guarded(F&& f) -> decltype(f()) {
  // A score that cannot be asked here (no 0-10 answers for NPS, say) is shown as "no data".
  try {
    return f();
  } catch (const Error&) {
    return {};
  }
}

score::Filter reviews(std::optional<Period> p = std::nullopt) {
  score::Filter f;
  f.kinds = score::review_kinds;
  f.period = p;
  return f;
}

std::vector<YearStats> by_year(const Organisation& org, const score::Scope& scope, int first, int last,
                               const score::Options& opt) {
  std::vector<YearStats> out;
  auto sat = guarded([&] { return score::satisfaction_by_year(org, scope, first, last, reviews(), opt); });
  for (int y = first; y <= last; ++y) {
    YearStats ys;
    ys.year = y;
    if (std::size_t(y - first) < sat.size()) ys.satisfaction = sat[std::size_t(y - first)];
    ys.nps = guarded([&] { return score::nps(org, scope, reviews(Period::year(y)), score::NpsPreset::standard, opt); });
    out.push_back(std::move(ys));
  }
  return out;
}

}  // namespace

std::string status_text(score::Status s, const score::Privacy& p) {
  switch (s) {
    case score::Status::no_data: return "n/a";
    case score::Status::suppressed: return "<" + std::to_string(p.min_group);
    case score::Status::suppressed_complementary: return "supp";
    default: return "";
  }
}

std::string show_mean(const score::SatisfactionStats& s, const score::Privacy& p) {
  if (s.status != score::Status::ok) return status_text(s.status, p);
  char buf[32];
  if (s.scale) std::snprintf(buf, sizeof buf, "%.1f", s.mean);
  else std::snprintf(buf, sizeof buf, "%.0f%%", s.mean_normalised);
  return buf;
}

std::string show_nps(const score::NpsResult& n, const score::Privacy& p) {
  if (n.status != score::Status::ok) return status_text(n.status, p);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.0f", n.nps);
  return buf;
}

ReportData compute_report(const Organisation& org, const ReportOptions& ro) {
  ReportData d;
  d.as_of = ro.as_of ? *ro.as_of : latest_date(org);
  d.last_year = Period::last_twelve_months(d.as_of);
  d.privacy.min_group = ro.min_group;
  d.salary = ro.salary;
  d.cost_preset = score::ReplacementCost(ro.cost_preset);
  score::Options opt;
  opt.privacy = d.privacy;

  d.last_year_number = d.as_of.year();
  d.first_year = d.last_year_number;
  for (auto days : org.conversations().dates()) d.first_year = std::min(d.first_year, Date{days}.year());
  d.first_year = std::max(d.first_year, d.last_year_number - 9);

  std::optional<UnitId> root;
  for (const Unit& u : org.units())
    if (u.kind == UnitKind::company && !u.parent) {
      root = u.id;
      break;
    }
  d.organisation_name = root ? org.unit(*root).name : "Organisation";

  auto org_scope = score::Scope::organisation();
  d.years = by_year(org, org_scope, d.first_year, d.last_year_number, opt);
  d.satisfaction = guarded([&] { return score::satisfaction(org, org_scope, reviews(d.last_year), opt); });
  d.nps = guarded([&] { return score::nps(org, org_scope, reviews(d.last_year), score::NpsPreset::standard, opt); });
  d.coverage = guarded([&] { return score::coverage(org, org_scope, d.as_of); });
  d.reliability = guarded([&] { return score::reliability(org, org_scope, d.last_year, d.as_of); });
  d.health = guarded([&] { return score::health(org, org_scope, d.as_of, {}, opt); });
  d.gaps = guarded([&] { return score::significant_gaps(org, reviews(), opt); });
  score::LatestDates latest = guarded([&] { return score::latest_dates(org, d.as_of); });

  // The company, its departments and teams, depth first in the order they were added.
  std::vector<std::pair<UnitId, int>> order;
  std::function<void(UnitId, int)> walk = [&](UnitId u, int depth) {
    order.emplace_back(u, depth);
    for (UnitId c : org.children(u)) {
      auto k = org.unit(c).kind;
      if (k == UnitKind::department || k == UnitKind::team || k == UnitKind::company) walk(c, depth + 1);
    }
  };
  if (root) {
    walk(*root, 0);
  } else {
    // No company at the top: every top-level department and team.
    for (const Unit& u : org.units())
      if (!u.parent && (u.kind == UnitKind::department || u.kind == UnitKind::team)) walk(u.id, 0);
  }

  for (auto [u, depth] : order) {
    UnitReport r;
    r.id = u;
    r.depth = depth;
    auto scope = score::Scope::of(u);
    r.health = guarded([&] { return score::health(org, scope, d.as_of, {}, opt); });
    r.satisfaction = guarded([&] { return score::satisfaction(org, scope, reviews(d.last_year), opt); });
    r.nps = guarded([&] { return score::nps(org, scope, reviews(d.last_year), score::NpsPreset::standard, opt); });
    r.years = by_year(org, scope, d.first_year, d.last_year_number, opt);
    r.coverage = guarded([&] { return score::coverage(org, scope, d.as_of); });
    r.reliability = guarded([&] { return score::reliability(org, scope, d.last_year, d.as_of); });
    r.gap = guarded([&] { return score::perception_gap(org, scope, reviews(), opt); });
    r.optimiser = guarded([&] { return score::local_optimiser(org, u, reviews(), {}, opt); });
    for (auto s : {r.satisfaction.status, r.nps.status, r.gap.status})
      if (s == score::Status::suppressed || s == score::Status::suppressed_complementary) ++d.suppressed_reports;

    Fishbone fb = org.fishbone(u);
    for (Side side : {Side::input, Side::throughput, Side::output})
      for (RelationshipId rid : fb.side(side)) {
        Bone b;
        b.relationship = rid;
        b.other = org.relationship(rid).other(u);
        b.side = side;
        b.health = guarded([&] { return score::health(org, score::Scope::of(rid), d.as_of, {}, opt); });
        if (rid.value < latest.days.size() && latest.days[rid.value] != INT32_MIN) b.last = Date{latest.days[rid.value]};
        b.overdue = std::any_of(r.coverage.overdue.begin(), r.coverage.overdue.end(),
                                [&](const score::Overdue& o) { return o.relationship == rid; });
        r.bones.push_back(std::move(b));
      }

    for (const Complaint& c : org.complaints())
      if (org.relationship(c.relationship).provider == u) {
        ++r.complaints;
        if (c.is_open()) ++r.complaints_open;
      }
    for (const Referral& x : org.referrals())
      if (org.relationship(x.relationship).provider == u) {
        if (x.outcome == ReferralOutcome::won) ++r.referrals_won;
        else if (x.outcome == ReferralOutcome::lost) ++r.referrals_lost;
        else ++r.referrals_pending;
      }
    for (const Agreement& a : org.agreements()) {
      if (a.owner != u) continue;
      if (a.status == AgreementStatus::open && a.due < d.as_of) ++r.agreements_open_overdue;
      if (a.status == AgreementStatus::broken && a.closed && d.last_year.contains(*a.closed)) ++r.agreements_broken;
    }

    // Retention: the employees of this team (people below it who receive leadership).
    if (org.unit(u).kind == UnitKind::team) {
      double sum = 0;
      for (UnitId p : org.children(u)) {
        if (org.unit(p).kind != UnitKind::person) continue;
        auto risk = guarded([&] { return score::retention_risk(org, p, d.as_of, {}, opt); });
        if (risk.status != score::Status::ok) continue;
        ++r.retention.employees;
        sum += risk.risk;
        if (risk.risk >= 0.5) ++r.retention.high_risk;
        auto cost = guarded([&] { return score::expected_cost_of_loss(risk.risk, d.salary, d.cost_preset); });
        r.retention.expected_low += cost.expected_low;
        r.retention.expected_high += cost.expected_high;
      }
      if (r.retention.employees > 0) {
        r.retention.mean_risk = sum / r.retention.employees;
        // An aggregate over people's answers: shown only for groups of at least min_group.
        r.retention.status = r.retention.employees >= d.privacy.min_group ? score::Status::ok : score::Status::suppressed;
        if (r.retention.status != score::Status::ok) {
          ++d.suppressed_reports;
          r.retention.mean_risk = r.retention.expected_low = r.retention.expected_high = 0;
          r.retention.high_risk = 0;
        }
      }
    }
    d.units.push_back(std::move(r));
  }

  for (const Agreement& a : org.agreements()) {
    if (a.status == AgreementStatus::broken && a.closed && d.last_year.contains(*a.closed)) d.broken_recent.push_back(a.id);
    if (a.status == AgreementStatus::open && a.due < d.as_of) d.open_overdue.push_back(a.id);
  }
  for (const Complaint& c : org.complaints())
    if (c.is_open()) d.open_complaints.push_back(c.id);
  return d;
}

}  // namespace rapport::cli
