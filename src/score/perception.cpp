// Perception gap (self-assessment minus the recipient's score), blind spots, and reciprocity.
#include "rapport/score/perception.hpp"

#include <map>

#include "internal.hpp"
#include "stats_internal.hpp"

namespace rapport::score {

std::string_view to_string(GapKind k) {
  switch (k) {
    case GapKind::none: return "none";
    case GapKind::blind_spot: return "blind_spot";
    case GapKind::hidden_strength: return "hidden_strength";
  }
  return "invalid";
}

GapKind classify_gap(double gap_normalised) {
  if (gap_normalised > 100.0 / 3.0) return GapKind::blind_spot;
  if (gap_normalised < -100.0 / 3.0) return GapKind::hidden_strength;
  return GapKind::none;
}

namespace {

GapState::Part& part_of(GapState& s, Scale scale) {
  auto less = [](const GapState::Part& p, Scale x) { return std::pair(p.scale.min, p.scale.max) < std::pair(x.min, x.max); };
  auto it = std::lower_bound(s.parts.begin(), s.parts.end(), scale, less);
  if (it == s.parts.end() || it->scale != scale) it = s.parts.insert(it, GapState::Part{scale});
  return *it;
}

void add_pair(GapState& s, Scale scale, int self, int score) {
  if (!scale.contains(self) || !scale.contains(score) || scale.min >= scale.max)
    throw ValidationError("self-assessment or score off the scale");
  GapState::Part& p = part_of(s, scale);
  ++p.n;
  p.sum_gap += self - score;
  p.sum_self += self;
  p.sum_score += score;
}

}  // namespace

void GapState::add(Scale s, int self, int score, UnitId respondent) {
  add_pair(*this, s, self, score);
  auto it = std::lower_bound(respondents.begin(), respondents.end(), respondent.value);
  if (it == respondents.end() || *it != respondent.value) respondents.insert(it, respondent.value);
}

void GapState::merge(const GapState& o) {
  for (const Part& q : o.parts) {
    Part& p = part_of(*this, q.scale);
    p.n += q.n, p.sum_gap += q.sum_gap, p.sum_self += q.sum_self, p.sum_score += q.sum_score;
  }
  detail::merge_ids(respondents, o.respondents);
}

GapResult gap_of(const GapState& s, bool aggregate, const Privacy& privacy) {
  privacy.validate();
  GapResult r;
  double self = 0, others = 0;
  for (const auto& p : s.parts) {
    r.n += p.n;
    double f = 100.0 / p.scale.span();
    self += f * double(p.sum_self - p.n * p.scale.min);
    others += f * double(p.sum_score - p.n * p.scale.min);
  }
  r.respondents = std::int64_t(s.respondents.size());
  r.status = detail::primary_status(r.n, r.respondents, aggregate, privacy);
  if (r.status != Status::ok) return r;
  r.self_mean = self / double(r.n);
  r.others_mean = others / double(r.n);
  r.gap = r.self_mean - r.others_mean;
  if (s.parts.size() == 1) {
    const auto& p = s.parts.front();
    r.gap_scale = double(p.sum_gap) / double(p.n);
    // Exactly |mean gap| > span / 3, in integers.
    std::int64_t lhs = 3 * p.sum_gap, rhs = std::int64_t(p.scale.span()) * p.n;
    r.kind = lhs > rhs ? GapKind::blind_spot : lhs < -rhs ? GapKind::hidden_strength : GapKind::none;
  } else {
    r.kind = classify_gap(r.gap);
  }
  r.significant = r.kind != GapKind::none;
  return r;
}

namespace {

struct GapCollected {
  GapState state;
  std::vector<std::size_t> rows;
};

GapCollected collect_gap(const Organisation& org, std::span<const std::uint32_t> rels, const Filter& filter, bool keep_rows) {
  GapCollected c;
  auto rf = detail::row_filter(org, filter, Measure::gap);
  auto scales = detail::guide_scales(org);
  const ConversationTable& t = org.conversations();
  std::vector<std::uint8_t> seen(org.units().id_bound(), 0);
  detail::for_each_row(org, rels, [&](std::size_t row) {
    if (!rf.accepts(t, row)) return;
    add_pair(c.state, scales[t.guides()[row]], t.self_assessments()[row], t.scores()[row]);
    auto who = org.relationship(RelationshipId{t.relationships()[row]}).recipient.value;
    if (!seen[who]) seen[who] = 1, c.state.respondents.push_back(who);
    if (keep_rows) c.rows.push_back(row);
  });
  detail::normalise_ids(c.state.respondents);
  return c;
}

}  // namespace

GapState gap_state(const Organisation& org, const Scope& scope, const Filter& filter) {
  return collect_gap(org, detail::rated_relationships(org, scope, filter.bonds), filter, false).state;
}

GapResult perception_gap(const Organisation& org, const Scope& scope, const Filter& filter, const Options& options) {
  options.privacy.validate();
  auto c = collect_gap(org, detail::rated_relationships(org, scope, filter.bonds), filter, options.explain);
  GapResult r = gap_of(c.state, scope.is_aggregate(), options.privacy);
  Status st = detail::with_complementary(r.status, org, scope, filter, Measure::gap, options);
  if (st != r.status) {
    GapResult w;
    w.status = st, w.n = r.n, w.respondents = r.respondents;
    return w;
  }
  if (options.explain && r.status == Status::ok) {
    auto scales = detail::guide_scales(org);
    const ConversationTable& t = org.conversations();
    for (auto row : c.rows) {
      Scale s = scales[t.guides()[row]];
      double g = (double(t.self_assessments()[row]) - double(t.scores()[row])) * 100.0 / s.span();
      r.records.push_back({RecordKind::conversation, t.ids()[row], g, g / double(r.n)});
    }
  }
  return r;
}

BlindSpots significant_gaps(const Organisation& org, const Filter& filter, const Options& options) {
  options.privacy.validate();
  BatchIndex index(org);
  const std::size_t rels = index.relationship_bound(), units = org.units().id_bound();
  // Per relationship and per providing unit, exact integer states (one scale per guide).
  std::vector<GapState> per_rel(rels), per_unit(units);
  auto rf = detail::row_filter(org, filter, Measure::gap);
  auto scales = detail::guide_scales(org);
  const ConversationTable& t = org.conversations();
  std::vector<std::uint8_t> had(rels, 0);
  for (std::size_t row = 0; row < t.rows(); ++row) {
    if (!rf.accepts(t, row)) continue;
    auto r = t.relationships()[row];
    if (!((filter.bonds >> index.bonds()[r]) & 1u)) continue;
    Scale s = scales[t.guides()[row]];
    add_pair(per_rel[r], s, t.self_assessments()[row], t.scores()[row]);
    add_pair(per_unit[index.providers()[r]], s, t.self_assessments()[row], t.scores()[row]);
    had[r] = 1;
  }
  BlindSpots out;
  for (std::uint32_t r = 0; r < rels; ++r) {
    if (!had[r]) continue;
    per_rel[r].respondents = {index.recipients()[r]};
    per_unit[index.providers()[r]].respondents.push_back(index.recipients()[r]);
    GapResult g = gap_of(per_rel[r], false, options.privacy);
    if (g.significant) {
      out.relationships.push_back(RelationshipId{r});
      out.relationship_kinds.push_back(g.kind);
      out.relationship_gaps.push_back(g.gap);
    }
  }
  for (std::uint32_t u = 0; u < units; ++u) {
    if (per_unit[u].parts.empty()) continue;
    detail::normalise_ids(per_unit[u].respondents);
    GapResult g = gap_of(per_unit[u], true, options.privacy);
    if (g.status != Status::ok || !g.significant) continue;  // unit reports: primary suppression only
    out.units.push_back(UnitId{u});
    out.unit_kinds.push_back(g.kind);
    out.unit_gaps.push_back(g.gap);
  }
  return out;
}

// ------------------------------------------------------------------------------------- reciprocity

Reciprocity reciprocity(const Organisation& org, UnitId a, UnitId b, const Filter& filter, const Options& options) {
  Reciprocity x;
  x.a = a, x.b = b;
  std::vector<std::uint32_t> a_of_b, b_of_a;  // relationships on which a rates b, and b rates a
  for (RelationshipId rid : org.relationships_of(a)) {
    const Relationship& r = org.relationship(rid);
    if (!((filter.bonds >> unsigned(r.bond)) & 1u)) continue;
    if (r.provider == b && r.recipient == a) a_of_b.push_back(rid.value);
    if (r.provider == a && r.recipient == b) b_of_a.push_back(rid.value);
  }
  org.unit(b);
  detail::normalise_ids(a_of_b);
  detail::normalise_ids(b_of_a);
  auto ca = detail::collect(org, a_of_b, filter, Measure::score, options.explain);
  auto cb = detail::collect(org, b_of_a, filter, Measure::score, options.explain);
  SatisfactionStats sa = stats_of(ca.state, false), sb = stats_of(cb.state, false);
  x.n_a_of_b = sa.n, x.n_b_of_a = sb.n;
  if (sa.status != Status::ok || sb.status != Status::ok) return x;
  x.status = Status::ok;
  x.a_of_b = sa.mean_normalised, x.b_of_a = sb.mean_normalised;
  x.difference = x.a_of_b - x.b_of_a;
  if (options.explain) {
    detail::explain_difference(org, ca.rows, sa.n, cb.rows, sb.n, x.records);
  }
  return x;
}

std::vector<Reciprocity> reciprocal_pairs(const Organisation& org, const Filter& filter) {
  // Pairs of units joined by relationships in both directions; then each pair is scored exactly.
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint8_t> directions;  // bit 0: low rates high
  for (const Relationship& r : org.relationships()) {
    if (!((filter.bonds >> unsigned(r.bond)) & 1u)) continue;
    auto lo = std::min(r.provider.value, r.recipient.value), hi = std::max(r.provider.value, r.recipient.value);
    directions[{lo, hi}] |= r.recipient.value == lo ? 1 : 2;
  }
  std::vector<Reciprocity> out;
  for (auto [pair, bits] : directions) {
    if (bits != 3) continue;
    Reciprocity x = reciprocity(org, UnitId{pair.first}, UnitId{pair.second}, filter);
    if (x.status == Status::ok) out.push_back(std::move(x));
  }
  return out;
}

}  // namespace rapport::score
