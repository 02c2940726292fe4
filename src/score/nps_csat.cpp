// NPS (0-10 only) and CSAT.
#include "internal.hpp"
#include "rapport/score/csat.hpp"
#include "rapport/score/nps.hpp"
#include "stats_internal.hpp"

namespace rapport::score {

std::string_view to_string(NpsPreset p) {
  switch (p) {
    case NpsPreset::standard: return "standard";
    case NpsPreset::cultureiq: return "cultureiq";
  }
  return "invalid";
}

std::string_view to_string(CsatPreset p) {
  switch (p) {
    case CsatPreset::top_two_box: return "top_two_box";
    case CsatPreset::mean: return "mean";
  }
  return "invalid";
}

NpsBuckets buckets(NpsPreset preset) {
  switch (preset) {
    case NpsPreset::standard: return {9, 7};
    case NpsPreset::cultureiq: return {9, 6};
  }
  throw ValidationError("invalid NPS preset " + std::to_string(int(preset)));
}

NpsResult nps_of_counts(std::int64_t promoters, std::int64_t passives, std::int64_t detractors) {
  if (promoters < 0 || passives < 0 || detractors < 0) throw ValidationError("NPS bucket counts cannot be negative");
  NpsResult r;
  r.promoters = promoters, r.passives = passives, r.detractors = detractors;
  r.n = promoters + passives + detractors;
  if (r.n == 0) return r;
  r.status = Status::ok;
  double n = double(r.n);
  double mean = double(promoters - detractors) / n;  // answers count +1 / 0 / -1
  double var = std::max(0.0, double(promoters + detractors) / n - mean * mean);
  r.nps = 100.0 * mean;
  r.se = 100.0 * std::sqrt(var / n);
  return r;
}

NpsResult nps_of_scores(std::span<const int> scores, NpsPreset preset) {
  NpsBuckets b = buckets(preset);
  std::int64_t p = 0, pa = 0, d = 0;
  for (int x : scores) {
    if (x < 0 || x > 10) throw ValidationError("NPS needs scores on 0-10, got " + std::to_string(x));
    b.promoter(x) ? ++p : b.detractor(x) ? ++d : ++pa;
  }
  return nps_of_counts(p, pa, d);
}

NpsResult nps_of(const SatisfactionState& state, NpsPreset preset, bool aggregate, const Privacy& privacy) {
  privacy.validate();
  NpsBuckets b = buckets(preset);
  const SatisfactionState::Histogram* h = nullptr;
  for (const auto& x : state.histograms())
    if (x.scale.is_nps()) h = &x;
  if (!h && state.n() > 0)
    throw ValidationError("NPS is defined only for scores on a 0-10 scale; these answers are on other scales");
  std::int64_t p = 0, pa = 0, d = 0;
  if (h)
    for (int x = 0; x <= 10; ++x) (b.promoter(x) ? p : b.detractor(x) ? d : pa) += h->counts[std::size_t(x)];
  NpsResult r = nps_of_counts(p, pa, d);
  r.respondents = std::int64_t(state.respondent_count());
  Status st = detail::primary_status(r.n, r.respondents, aggregate, privacy);
  if (st != Status::ok) {
    NpsResult w;
    w.status = st, w.n = r.n, w.respondents = r.respondents;
    return w;
  }
  return r;
}

NpsResult nps(const Organisation& org, const Scope& scope, const Filter& filter, NpsPreset preset,
              const Options& options) {
  options.privacy.validate();
  if (filter.guide && !org.guide(*filter.guide).scale.is_nps())
    throw ValidationError("NPS is defined only for 0-10 scores; guide '" + org.guide(*filter.guide).key +
                          "' uses the scale " + std::to_string(org.guide(*filter.guide).scale.min) + "-" +
                          std::to_string(org.guide(*filter.guide).scale.max));
  auto c = detail::collect(org, scope, filter, Measure::nps, options.explain);
  if (c.state.n() == 0 && detail::collect(org, scope, filter, Measure::score, false).state.n() > 0)
    throw ValidationError("NPS is defined only for 0-10 scores; the scores at this scope are on other scales");
  NpsResult r = nps_of(c.state, preset, scope.is_aggregate(), options.privacy);
  Status st = detail::with_complementary(r.status, org, scope, filter, Measure::nps, options);
  if (st != r.status) {
    NpsResult w;
    w.status = st, w.n = r.n, w.respondents = r.respondents;
    return w;
  }
  if (options.explain && r.status == Status::ok) {
    NpsBuckets b = buckets(preset);
    const ConversationTable& t = org.conversations();
    for (auto row : c.rows) {
      int x = t.scores()[row];
      double share = b.promoter(x) ? 100.0 : b.detractor(x) ? -100.0 : 0.0;
      r.records.push_back({RecordKind::conversation, t.ids()[row], double(x), share / double(r.n)});
    }
  }
  return r;
}

CsatResult csat_of(const SatisfactionState& state, CsatPreset preset, bool aggregate, const Privacy& privacy) {
  privacy.validate();
  if (preset != CsatPreset::top_two_box && preset != CsatPreset::mean)
    throw ValidationError("invalid CSAT preset " + std::to_string(int(preset)));
  const auto& hist = state.histograms();
  if (hist.size() > 1)
    throw ValidationError("CSAT needs answers on one scale; these are on " + std::to_string(hist.size()) +
                          " (filter by guide)");
  CsatResult r;
  r.n = state.n();
  r.respondents = std::int64_t(state.respondent_count());
  r.status = detail::primary_status(r.n, r.respondents, aggregate, privacy);
  if (hist.empty()) return r;
  r.scale = hist.front().scale;
  if (r.status != Status::ok) return r;
  const auto& c = hist.front().counts;
  if (preset == CsatPreset::top_two_box) {
    std::int64_t top = c[c.size() - 1] + c[c.size() - 2];
    r.value = r.value_normalised = 100.0 * double(top) / double(r.n);
  } else {
    std::int64_t sum = 0;
    for (std::size_t i = 0; i < c.size(); ++i) sum += (r.scale.min + std::int64_t(i)) * c[i];
    r.value = double(sum) / double(r.n);
    r.value_normalised = r.scale.normalise(r.value);
  }
  return r;
}

CsatResult csat(const Organisation& org, const Scope& scope, const Filter& filter, CsatPreset preset,
                const Options& options) {
  options.privacy.validate();
  auto c = detail::collect(org, scope, filter, Measure::score, options.explain);
  CsatResult r = csat_of(c.state, preset, scope.is_aggregate(), options.privacy);
  Status st = detail::with_complementary(r.status, org, scope, filter, Measure::score, options);
  if (st != r.status) {
    r.status = st;
    r.value = r.value_normalised = 0;
  }
  if (options.explain && r.status == Status::ok) {
    const ConversationTable& t = org.conversations();
    for (auto row : c.rows) {
      int x = t.scores()[row];
      double share = preset == CsatPreset::top_two_box ? (x >= r.scale.max - 1 ? 100.0 : 0.0) : double(x);
      r.records.push_back({RecordKind::conversation, t.ids()[row], double(x), share / double(r.n)});
    }
  }
  return r;
}

}  // namespace rapport::score
