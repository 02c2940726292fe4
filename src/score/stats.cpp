// Satisfaction statistics: the mergeable histogram state and what is derived from it.
#include "rapport/score/stats.hpp"

#include "internal.hpp"
#include "stats_internal.hpp"

namespace rapport::score {

SatisfactionState::Histogram& SatisfactionState::histogram(Scale scale) {
  if (scale.min >= scale.max) throw ValidationError("a scale needs min < max");
  auto less = [](const Histogram& h, Scale s) { return std::pair(h.scale.min, h.scale.max) < std::pair(s.min, s.max); };
  auto it = std::lower_bound(hist_.begin(), hist_.end(), scale, less);
  if (it == hist_.end() || it->scale != scale)
    it = hist_.insert(it, Histogram{scale, std::vector<std::int64_t>(std::size_t(scale.span()) + 1, 0)});
  return *it;
}

void SatisfactionState::add_score(Scale scale, int score) {
  if (!scale.contains(score))
    throw ValidationError("score " + std::to_string(score) + " is not on the scale " + std::to_string(scale.min) +
                          "-" + std::to_string(scale.max));
  ++histogram(scale).counts[std::size_t(score - scale.min)];
}

void SatisfactionState::add_respondent(UnitId respondent) {
  respondents_.push_back(respondent.value);
  dirty_ = true;
}

void SatisfactionState::add(Scale scale, int score, UnitId respondent) {
  add_score(scale, score);
  add_respondent(respondent);
}

void SatisfactionState::merge(const SatisfactionState& o) {
  for (const Histogram& h : o.hist_) {
    auto& mine = histogram(h.scale).counts;
    for (std::size_t i = 0; i < h.counts.size(); ++i) mine[i] += h.counts[i];
  }
  auto theirs = o.respondents();
  respondents_.insert(respondents_.end(), theirs.begin(), theirs.end());
  dirty_ = true;
}

std::int64_t SatisfactionState::n() const {
  std::int64_t n = 0;
  for (const Histogram& h : hist_)
    for (auto c : h.counts) n += c;
  return n;
}

std::span<const std::uint32_t> SatisfactionState::respondents() const {
  if (dirty_) {
    detail::normalise_ids(respondents_);
    dirty_ = false;
  }
  return respondents_;
}

namespace detail {

void withhold(SatisfactionStats& s, Status status) {
  auto n = s.n, r = s.respondents;
  s = SatisfactionStats{};
  s.status = status;
  s.n = n;
  s.respondents = r;
}

Collected collect(const Organisation& org, const Scope& scope, const Filter& filter, Measure measure, bool keep_rows) {
  return collect(org, rated_relationships(org, scope, filter.bonds), filter, measure, keep_rows);
}

Collected collect(const Organisation& org, std::span<const std::uint32_t> rels, const Filter& filter, Measure measure,
                  bool keep_rows) {
  Collected c;
  RowFilter rf = row_filter(org, filter, measure);
  auto scales = guide_scales(org);
  const ConversationTable& t = org.conversations();
  std::vector<std::uint8_t> seen(org.units().id_bound(), 0);
  auto rel_col = t.relationships();
  auto score = t.scores();
  auto guide = t.guides();
  for_each_row(org, rels, [&](std::size_t row) {
    if (!rf.accepts(t, row)) return;
    Scale s = scales[guide[row]];
    c.state.add_score(s, score[row]);
    auto who = org.relationship(RelationshipId{rel_col[row]}).recipient;
    if (!seen[who.value]) {
      seen[who.value] = 1;
      c.state.add_respondent(who);
    }
    if (keep_rows) c.rows.push_back(row);
  });
  return c;
}

void explain_mean(const Organisation& org, const std::vector<std::size_t>& rows, std::int64_t n,
                  std::vector<Contribution>& out) {
  const ConversationTable& t = org.conversations();
  auto scales = guide_scales(org);
  for (auto row : rows) {
    double x = t.scores()[row];
    out.push_back({RecordKind::conversation, t.ids()[row], x, scales[t.guides()[row]].normalise(x) / double(n)});
  }
}

void explain_difference(const Organisation& org, const std::vector<std::size_t>& rows_a, std::int64_t n_a,
                        const std::vector<std::size_t>& rows_b, std::int64_t n_b, std::vector<Contribution>& out) {
  explain_mean(org, rows_a, n_a, out);
  const std::size_t first_b = out.size();
  explain_mean(org, rows_b, n_b, out);
  for (std::size_t i = first_b; i < out.size(); ++i) out[i].contribution = -out[i].contribution;
}

}  // namespace detail

SatisfactionStats stats_of(const SatisfactionState& state, bool aggregate, const Privacy& privacy) {
  privacy.validate();
  SatisfactionStats s;
  s.n = state.n();
  s.respondents = std::int64_t(state.respondent_count());
  s.status = detail::primary_status(s.n, s.respondents, aggregate, privacy);
  if (s.status != Status::ok) return s;
  const auto& hist = state.histograms();
  if (hist.size() == 1) {
    const auto& h = hist.front();
    std::int64_t sum = 0, sumsq = 0;
    for (std::size_t i = 0; i < h.counts.size(); ++i) {
      std::int64_t x = h.scale.min + std::int64_t(i);
      sum += x * h.counts[i];
      sumsq += x * x * h.counts[i];
    }
    s.scale = h.scale;
    s.mean = double(sum) / double(s.n);
    s.sd = std::sqrt(detail::variance_of(s.n, sum, sumsq));
    s.mean_normalised = h.scale.normalise(s.mean);
    s.sd_normalised = s.sd * 100.0 / h.scale.span();
    s.distribution = h.counts;
    return s;
  }
  // Several scales: combine exactly-kept integer sums of (x - min) per scale, scaled to 0-100.
  double sum = 0, sumsq = 0;
  for (const auto& h : hist) {
    std::int64_t ps = 0, pq = 0;
    for (std::size_t i = 0; i < h.counts.size(); ++i) {
      std::int64_t x = std::int64_t(i);
      ps += x * h.counts[i];
      pq += x * x * h.counts[i];
    }
    double f = 100.0 / h.scale.span();
    sum += f * double(ps);
    sumsq += f * f * double(pq);
  }
  s.mean_normalised = sum / double(s.n);
  s.sd_normalised = std::sqrt(std::max(0.0, sumsq / double(s.n) - s.mean_normalised * s.mean_normalised));
  return s;
}

SatisfactionState satisfaction_state(const Organisation& org, const Scope& scope, const Filter& filter) {
  return detail::collect(org, scope, filter, Measure::score, false).state;
}

SatisfactionStats satisfaction(const Organisation& org, const Scope& scope, const Filter& filter,
                               const Options& options) {
  options.privacy.validate();
  auto c = detail::collect(org, scope, filter, Measure::score, options.explain);
  SatisfactionStats s = stats_of(c.state, scope.is_aggregate(), options.privacy);
  Status st = detail::with_complementary(s.status, org, scope, filter, Measure::score, options);
  if (st != s.status) detail::withhold(s, st);
  if (options.explain && s.status == Status::ok) detail::explain_mean(org, c.rows, s.n, s.records);
  return s;
}

std::vector<SatisfactionStats> satisfaction_by_year(const Organisation& org, const Scope& scope, int first_year,
                                                    int last_year, const Filter& filter, const Options& options) {
  if (filter.period) throw ValidationError("satisfaction_by_year: the years are the periods; leave filter.period unset");
  detail::check_years(first_year, last_year, 1000);
  std::vector<SatisfactionStats> out;
  for (int y = first_year; y <= last_year; ++y) {
    Filter f = filter;
    f.period = Period::year(y);
    out.push_back(satisfaction(org, scope, f, options));
  }
  return out;
}

}  // namespace rapport::score
