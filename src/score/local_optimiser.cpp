// Local optimiser: rating from the payer chain minus the mean rating from the throughput and output sides.
#include "rapport/score/local_optimiser.hpp"

#include "internal.hpp"
#include "stats_internal.hpp"

namespace rapport::score {

namespace {

/// The unit's provided relationships (ascending), split into payer-chain ones and fabric ones.
struct Groups {
  std::vector<std::uint32_t> payer, fabric;
};

Groups groups_of(const Organisation& org, UnitId unit, const Filter& filter, bool exclude_payer) {
  auto chain = org.payer_chain(unit);
  Groups g;
  for (RelationshipId rid : org.relationships_of(unit)) {
    const Relationship& r = org.relationship(rid);
    if (r.provider != unit || !((filter.bonds >> unsigned(r.bond)) & 1u)) continue;
    bool from_payer = std::find(chain.begin(), chain.end(), r.recipient) != chain.end();
    if (from_payer) g.payer.push_back(rid.value);
    if (!from_payer || !exclude_payer) g.fabric.push_back(rid.value);
  }
  detail::normalise_ids(g.payer);
  detail::normalise_ids(g.fabric);
  return g;
}

/// The index, its standard error and the flag from the two groups' statistics (both ok).
void finish(LocalOptimiserResult& r, const SatisfactionStats& payer, const SatisfactionStats& fabric,
            const LocalOptimiserOptions& lo) {
  r.payer_mean = payer.mean_normalised;
  r.fabric_mean = fabric.mean_normalised;
  r.index = r.payer_mean - r.fabric_mean;
  const std::int64_t n1 = payer.n, n2 = fabric.n;
  if (n1 + n2 >= 3) {
    // Pooled sample variance from the groups' population variances.
    double ss = double(n1) * payer.sd_normalised * payer.sd_normalised + double(n2) * fabric.sd_normalised * fabric.sd_normalised;
    double pooled = ss / double(n1 + n2 - 2);
    r.se = std::sqrt(pooled * (1.0 / double(n1) + 1.0 / double(n2)));
  }
  bool large = r.index >= lo.min_index;
  bool significant = r.se && (*r.se == 0 ? r.index > 0 : r.index / *r.se >= lo.min_z);
  r.flagged = large && significant;
}

}  // namespace

LocalOptimiserResult local_optimiser(const Organisation& org, UnitId unit, const Filter& filter,
                                     const LocalOptimiserOptions& lo, const Options& options) {
  options.privacy.validate();
  Groups g = groups_of(org, unit, filter, lo.exclude_payer_from_fabric);
  auto cp = detail::collect(org, g.payer, filter, Measure::score, options.explain);
  auto cf = detail::collect(org, g.fabric, filter, Measure::score, options.explain);
  SatisfactionStats payer = stats_of(cp.state, false, options.privacy);     // a named score
  SatisfactionStats fabric = stats_of(cf.state, true, options.privacy);     // an aggregate
  LocalOptimiserResult r;
  r.n_payer = payer.n, r.n_fabric = fabric.n, r.respondents_fabric = fabric.respondents;
  if (payer.status == Status::no_data || fabric.status == Status::no_data) return r;
  // The fabric is the unit's own report (less the payer's named score when excluded), which is never
  // withheld to protect another group: primary suppression only.
  r.status = fabric.status;
  if (r.status != Status::ok) return r;
  finish(r, payer, fabric, lo);
  if (options.explain) {
    detail::explain_difference(org, cp.rows, payer.n, cf.rows, fabric.n, r.records);
  }
  return r;
}

LocalOptimiserColumns local_optimisers(const Organisation& org, const Filter& filter, const LocalOptimiserOptions& lo,
                                       const Options& options) {
  options.privacy.validate();
  BatchIndex index(org);
  const std::size_t rels = index.relationship_bound(), units = org.units().id_bound();
  // One pass: every relationship's exact satisfaction state.
  std::vector<SatisfactionState> per_rel(rels);
  auto rf = detail::row_filter(org, filter, Measure::score);
  auto scales = detail::guide_scales(org);
  const ConversationTable& t = org.conversations();
  std::vector<std::uint8_t> had(rels, 0);
  for (std::size_t row = 0; row < t.rows(); ++row) {
    if (!rf.accepts(t, row)) continue;
    auto r = t.relationships()[row];
    if (!((filter.bonds >> index.bonds()[r]) & 1u)) continue;
    if (!had[r]) per_rel[r].add_respondent(UnitId{index.recipients()[r]});
    per_rel[r].add_score(scales[t.guides()[row]], t.scores()[row]);
    had[r] = 1;
  }
  LocalOptimiserColumns c;
  c.unit.resize(units);
  c.status.assign(units, std::uint8_t(Status::no_data));
  c.n_payer.assign(units, 0), c.n_fabric.assign(units, 0), c.respondents_fabric.assign(units, 0);
  c.payer_mean.assign(units, 0), c.fabric_mean.assign(units, 0), c.index.assign(units, 0), c.se.assign(units, 0);
  c.has_se.assign(units, 0), c.flagged.assign(units, 0);
  for (std::uint32_t u = 0; u < units; ++u) {
    c.unit[u] = u;
    if (!org.units().contains(UnitId{u})) continue;
    Groups g = groups_of(org, UnitId{u}, filter, lo.exclude_payer_from_fabric);
    SatisfactionState sp, sf;
    for (auto r : g.payer) sp.merge(per_rel[r]);
    for (auto r : g.fabric) sf.merge(per_rel[r]);
    SatisfactionStats payer = stats_of(sp, false, options.privacy), fabric = stats_of(sf, true, options.privacy);
    c.n_payer[u] = payer.n, c.n_fabric[u] = fabric.n, c.respondents_fabric[u] = fabric.respondents;
    if (payer.status == Status::no_data || fabric.status == Status::no_data) continue;
    Status s = fabric.status;  // the unit's own report: primary suppression only
    c.status[u] = std::uint8_t(s);
    if (s != Status::ok) continue;
    LocalOptimiserResult r;
    finish(r, payer, fabric, lo);
    c.payer_mean[u] = r.payer_mean, c.fabric_mean[u] = r.fabric_mean, c.index[u] = r.index;
    if (r.se) c.se[u] = *r.se, c.has_se[u] = 1;
    c.flagged[u] = r.flagged;
  }
  return c;
}

}  // namespace rapport::score
