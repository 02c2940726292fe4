// Health (0-100) and retention risk (0-1): weighted means of normalised components, each explained.
#include "rapport/score/health.hpp"

#include "internal.hpp"
#include "rapport/score/coverage.hpp"
#include "rapport/score/reliability.hpp"
#include "rapport/score/retention.hpp"
#include "rapport/score/stats.hpp"
#include "rapport/score/trend.hpp"
#include "stats_internal.hpp"

namespace rapport::score {

std::string_view to_string(HealthComponent c) {
  switch (c) {
    case HealthComponent::satisfaction: return "satisfaction";
    case HealthComponent::trend: return "trend";
    case HealthComponent::reliability: return "reliability";
    case HealthComponent::recency: return "recency";
    case HealthComponent::complaints: return "complaints";
  }
  return "invalid";
}

std::string_view to_string(Band b) {
  switch (b) {
    case Band::red: return "red";
    case Band::yellow: return "yellow";
    case Band::green: return "green";
  }
  return "invalid";
}

std::string_view to_string(RetentionFactor f) {
  switch (f) {
    case RetentionFactor::satisfaction: return "satisfaction";
    case RetentionFactor::trend: return "trend";
    case RetentionFactor::recency: return "recency";
    case RetentionFactor::broken_agreements: return "broken_agreements";
  }
  return "invalid";
}

std::string_view to_string(ReplacementCost p) {
  switch (p) {
    case ReplacementCost::percent_21: return "percent_21";
    case ReplacementCost::months_6_to_9: return "months_6_to_9";
    case ReplacementCost::half_to_double: return "half_to_double";
  }
  return "invalid";
}

Band band_of(double h) { return h <= 50 ? Band::red : h <= 75 ? Band::yellow : Band::green; }

namespace {

/// The twelve months before `window`.
Period previous_year(Period window) {
  return {Period::last_twelve_months(window.begin.plus_days(-1)).begin, window.begin};
}

double clamp01(double x) { return std::clamp(x, 0.0, 1.0); }

/// Renormalises the weights over the parts that are ok and sets contributions; returns their sum.
template <class Part, std::size_t N, class Weight>
double weigh(std::array<Part, N>& parts, Weight&& weight, double Part::*value) {
  double total = 0;
  for (auto& p : parts)
    if (p.status == Status::ok) total += weight(p);
  double sum = 0;
  for (auto& p : parts) {
    p.weight = p.status == Status::ok && total > 0 ? weight(p) / total : 0;
    p.contribution = p.weight * (p.*value);
    sum += p.contribution;
  }
  return sum;
}

/// Recency of one relationship as of a date: 100 up to 365 days, falling to 0 at 730.
double recency_score(std::optional<std::int32_t> days) {
  if (!days) return 0;
  if (*days <= 365) return 100;
  return std::max(0.0, 100.0 * (730.0 - double(*days)) / 365.0);
}

double severity_weight(Severity s) {
  switch (s) {
    case Severity::low: return 0.5;
    case Severity::medium: return 1;
    case Severity::high: return 2;
    case Severity::critical: return 3;
  }
  return 1;
}

bool open_at(const Complaint& c, Date d) {
  auto closed = c.steps[int(ComplaintStage::closed)];
  return c.received <= d && (!closed || *closed > d);
}

}  // namespace

double HealthWeights::of(HealthComponent c) const {
  switch (c) {
    case HealthComponent::satisfaction: return satisfaction;
    case HealthComponent::trend: return trend;
    case HealthComponent::reliability: return reliability;
    case HealthComponent::recency: return recency;
    case HealthComponent::complaints: return complaints;
  }
  return 0;
}

void HealthWeights::validate() const {
  double total = 0;
  for (int i = 0; i < health_component_count; ++i) {
    double x = of(HealthComponent(i));
    if (!(x >= 0) || !std::isfinite(x)) throw ValidationError("health weights must be finite and not negative");
    total += x;
  }
  if (total <= 0) throw ValidationError("health weights must not all be 0");
}

double RetentionWeights::of(RetentionFactor f) const {
  switch (f) {
    case RetentionFactor::satisfaction: return satisfaction;
    case RetentionFactor::trend: return trend;
    case RetentionFactor::recency: return recency;
    case RetentionFactor::broken_agreements: return broken_agreements;
  }
  return 0;
}

void RetentionWeights::validate() const {
  double total = 0;
  for (int i = 0; i < retention_factor_count; ++i) {
    double x = of(RetentionFactor(i));
    if (!(x >= 0) || !std::isfinite(x)) throw ValidationError("retention weights must be finite and not negative");
    total += x;
  }
  if (total <= 0) throw ValidationError("retention weights must not all be 0");
}

HealthResult health(const Organisation& org, const Scope& scope, Date as_of, const HealthWeights& weights,
                    const Options& options) {
  detail::check_as_of(as_of);
  weights.validate();
  options.privacy.validate();
  HealthResult h;
  for (int i = 0; i < health_component_count; ++i) h.parts[std::size_t(i)].component = HealthComponent(i);
  Period window = Period::last_twelve_months(as_of);
  Options sub = options;
  sub.plan = nullptr;  // each component has its own filter

  auto& sat = h.parts[int(HealthComponent::satisfaction)];
  Filter fw;
  fw.period = window;
  SatisfactionStats s = satisfaction(org, scope, fw, sub);
  sat.status = s.status;
  sat.score = s.mean_normalised;
  sat.records = std::move(s.records);

  auto& tr = h.parts[int(HealthComponent::trend)];
  TrendResult t = trend(org, scope, previous_year(window), window, {}, sub);
  tr.status = t.status;
  if (t.status == Status::ok) {
    tr.score = std::clamp(50.0 + 2.0 * t.delta, 0.0, 100.0);
    for (auto& c : t.records) c.contribution *= 2.0;  // share of 50 + 2 * delta (before the clamp)
    tr.records = std::move(t.records);
  }

  auto& rel = h.parts[int(HealthComponent::reliability)];
  ReliabilityResult r = reliability(org, scope, window, as_of, sub);
  rel.status = r.status;
  rel.score = 100.0 * r.reliability;
  for (auto& c : r.records) c.contribution *= 100.0;
  rel.records = std::move(r.records);

  auto& rec = h.parts[int(HealthComponent::recency)];
  auto involved = detail::involved_relationships(org, scope);
  if (!involved.empty()) {
    std::vector<std::int32_t> last(involved.size(), std::numeric_limits<std::int32_t>::min());
    const ConversationTable& ct = org.conversations();
    detail::for_each_row(org, involved, [&](std::size_t row) {
      auto k = ct.kinds()[row];
      if (!((review_kinds >> k) & 1u) || ct.dates()[row] > as_of.days) return;
      auto i = std::size_t(std::lower_bound(involved.begin(), involved.end(), ct.relationships()[row]) - involved.begin());
      last[i] = std::max(last[i], ct.dates()[row]);
    });
    double sum = 0;
    for (std::size_t i = 0; i < involved.size(); ++i) {
      std::optional<std::int32_t> days;
      if (last[i] != std::numeric_limits<std::int32_t>::min()) days = as_of.days - last[i];
      double v = recency_score(days);
      sum += v;
      if (options.explain)
        rec.records.push_back({RecordKind::relationship, involved[i], v, v / double(involved.size())});
    }
    rec.status = Status::ok;
    rec.score = sum / double(involved.size());
  }

  auto& com = h.parts[int(HealthComponent::complaints)];
  auto provided = detail::rated_relationships(org, scope, all_bonds);
  if (!provided.empty()) {
    double w = 0;
    const double n = double(provided.size());
    for (const Complaint& c : org.complaints()) {
      if (!open_at(c, as_of) || !std::binary_search(provided.begin(), provided.end(), c.relationship.value)) continue;
      w += severity_weight(c.severity);
      if (options.explain)
        com.records.push_back({RecordKind::complaint, c.id.value, severity_weight(c.severity), -100.0 * severity_weight(c.severity) / n});
    }
    com.status = Status::ok;
    com.score = 100.0 * std::max(0.0, 1.0 - w / n);
  }

  for (auto& p : h.parts)
    if (p.status != Status::ok) p.score = 0, p.records.clear();
  double total = weigh(h.parts, [&](const HealthPart& p) { return weights.of(p.component); }, &HealthPart::score);
  bool any = std::any_of(h.parts.begin(), h.parts.end(), [](const HealthPart& p) { return p.status == Status::ok; });
  if (!any) return h;
  h.status = Status::ok;
  h.health = total;
  h.band = band_of(total);
  return h;
}

// ---------------------------------------------------------------------------------------- retention

RetentionRisk retention_risk(const Organisation& org, UnitId employee, Date as_of, const RetentionWeights& weights,
                             const Options& options) {
  detail::check_as_of(as_of);
  weights.validate();
  RetentionRisk x;
  x.employee = employee;
  for (int i = 0; i < retention_factor_count; ++i) x.parts[std::size_t(i)].factor = RetentionFactor(i);
  std::vector<std::uint32_t> lead;
  for (RelationshipId rid : org.relationships_of(employee)) {
    const Relationship& r = org.relationship(rid);
    if (r.bond == Bond::leadership && r.recipient == employee) lead.push_back(rid.value);
  }
  if (lead.empty()) return x;
  detail::normalise_ids(lead);
  Period window = Period::last_twelve_months(as_of);
  Filter fw, fp;
  fw.period = window;
  fp.period = previous_year(window);
  auto now = detail::collect(org, lead, fw, Measure::score, true);
  auto before = detail::collect(org, lead, fp, Measure::score, true);
  SatisfactionStats sn = stats_of(now.state, false), sb = stats_of(before.state, false);
  const ConversationTable& t = org.conversations();
  auto scales = detail::guide_scales(org);
  auto normalised = [&](std::size_t row) { return scales[t.guides()[row]].normalise(t.scores()[row]); };

  auto& sat = x.parts[int(RetentionFactor::satisfaction)];
  if (sn.status == Status::ok) {
    sat.status = Status::ok;
    sat.risk = clamp01(1.0 - sn.mean_normalised / 100.0);
    if (options.explain)
      for (auto row : now.rows)
        sat.records.push_back({RecordKind::conversation, t.ids()[row], double(t.scores()[row]), (1.0 - normalised(row) / 100.0) / double(sn.n)});
  }

  auto& tr = x.parts[int(RetentionFactor::trend)];
  if (sn.status == Status::ok && sb.status == Status::ok) {
    double delta = sn.mean_normalised - sb.mean_normalised;
    tr.status = Status::ok;
    tr.risk = clamp01(0.5 - delta / 50.0);
    if (options.explain) {
      for (auto row : now.rows)
        tr.records.push_back({RecordKind::conversation, t.ids()[row], double(t.scores()[row]), -normalised(row) / 50.0 / double(sn.n)});
      for (auto row : before.rows)
        tr.records.push_back({RecordKind::conversation, t.ids()[row], double(t.scores()[row]), normalised(row) / 50.0 / double(sb.n)});
    }
  }

  auto& rec = x.parts[int(RetentionFactor::recency)];
  std::optional<std::size_t> last;
  detail::for_each_row(org, lead, [&](std::size_t row) {
    if (t.dates()[row] > as_of.days) return;
    if (!last || std::pair(t.dates()[row], t.ids()[row]) > std::pair(t.dates()[*last], t.ids()[*last])) last = row;
  });
  rec.status = Status::ok;
  if (last) {
    double days = double(as_of.days - t.dates()[*last]);
    rec.risk = clamp01((days - 365.0) / 365.0);
    if (options.explain) rec.records.push_back({RecordKind::conversation, t.ids()[*last], days, rec.risk});
  } else {
    rec.risk = 1.0;  // never had a conversation
  }

  auto& ag = x.parts[int(RetentionFactor::broken_agreements)];
  std::int64_t kept = 0, broken = 0;
  std::vector<const Agreement*> counted;
  for (const Agreement& a : org.agreements()) {
    if (!window.contains(a.due) || (a.status != AgreementStatus::kept && a.status != AgreementStatus::broken)) continue;
    auto row = t.row_of(a.conversation);
    if (!row || !std::binary_search(lead.begin(), lead.end(), t.relationships()[*row])) continue;
    if (a.owner != org.relationship(RelationshipId{t.relationships()[*row]}).provider) continue;  // the leader's promises
    (a.status == AgreementStatus::kept ? kept : broken) += 1;
    counted.push_back(&a);
  }
  if (kept + broken > 0) {
    ag.status = Status::ok;
    ag.risk = double(broken) / double(kept + broken);
    if (options.explain)
      for (const Agreement* a : counted) {
        double v = a->status == AgreementStatus::broken ? 1.0 : 0.0;
        ag.records.push_back({RecordKind::agreement, a->id.value, v, v / double(kept + broken)});
      }
  }

  x.risk = weigh(x.parts, [&](const RetentionPart& p) { return weights.of(p.factor); }, &RetentionPart::risk);
  x.status = Status::ok;
  return x;
}

ReplacementRange replacement_range(ReplacementCost preset) {
  switch (preset) {
    case ReplacementCost::percent_21:
      return {0.21, 0.21, "21 % of annual salary (median of 27 case studies)"};
    case ReplacementCost::months_6_to_9:
      return {0.5, 0.75, "6-9 months' salary"};
    case ReplacementCost::half_to_double:
      return {0.5, 2.0, "0.5-2x annual salary"};
  }
  throw ValidationError("invalid replacement cost preset " + std::to_string(int(preset)));
}

CostOfLoss expected_cost_of_loss(double risk, double annual_salary, ReplacementCost preset) {
  if (!(risk >= 0 && risk <= 1)) throw ValidationError("a retention risk lies in 0..1");
  if (!(annual_salary >= 0) || !std::isfinite(annual_salary)) throw ValidationError("an annual salary is finite and not negative");
  ReplacementRange r = replacement_range(preset);
  CostOfLoss c;
  c.replacement_low = r.low * annual_salary;
  c.replacement_high = r.high * annual_salary;
  c.expected_low = risk * c.replacement_low;
  c.expected_high = risk * c.replacement_high;
  return c;
}

}  // namespace rapport::score
