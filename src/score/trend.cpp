// Trend between two periods, with the Welch standard error.
#include "rapport/score/trend.hpp"

#include "internal.hpp"
#include "stats_internal.hpp"

namespace rapport::score {

namespace {

Status combined(Status a, Status b) {
  if (a == Status::no_data || b == Status::no_data) return Status::no_data;
  if (a != Status::ok) return a;
  return b;
}

void finish(TrendResult& r) {
  r.status = combined(r.before.status, r.after.status);
  if (r.status != Status::ok) return;
  r.delta = r.after.mean_normalised - r.before.mean_normalised;
  if (r.before.scale && r.after.scale && *r.before.scale == *r.after.scale) r.delta_scale = r.after.mean - r.before.mean;
  if (r.before.n >= 2 && r.after.n >= 2) {
    auto sample_var = [](const SatisfactionStats& s) {
      return s.sd_normalised * s.sd_normalised * double(s.n) / double(s.n - 1);
    };
    r.se = std::sqrt(sample_var(r.before) / double(r.before.n) + sample_var(r.after) / double(r.after.n));
  }
}

}  // namespace

TrendResult trend_of(const SatisfactionState& before, const SatisfactionState& after, bool aggregate,
                     const Privacy& privacy) {
  TrendResult r;
  r.before = stats_of(before, aggregate, privacy);
  r.after = stats_of(after, aggregate, privacy);
  finish(r);
  return r;
}

TrendResult trend(const Organisation& org, const Scope& scope, Period before, Period after, const Filter& filter,
                  const Options& options) {
  if (filter.period) throw ValidationError("trend: the two periods are given; leave filter.period unset");
  options.privacy.validate();
  TrendResult r;
  Options per_period = options;
  per_period.explain = false;
  per_period.plan = nullptr;  // a plan is made for one filter; each period is another
  Filter fb = filter, fa = filter;
  fb.period = before;
  fa.period = after;
  r.before = satisfaction(org, scope, fb, per_period);
  r.after = satisfaction(org, scope, fa, per_period);
  finish(r);
  if (options.explain && r.status == Status::ok) {
    auto cb = detail::collect(org, scope, fb, Measure::score, true);
    auto ca = detail::collect(org, scope, fa, Measure::score, true);
    detail::explain_difference(org, ca.rows, r.after.n, cb.rows, r.before.n, r.records);
  }
  return r;
}

TrendResult year_over_year(const Organisation& org, const Scope& scope, int year, const Filter& filter,
                           const Options& options) {
  detail::check_years(year - 1, year, 2);
  return trend(org, scope, Period::year(year - 1), Period::year(year), filter, options);
}

}  // namespace rapport::score
