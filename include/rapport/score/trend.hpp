#pragma once
/// \file Trend: the change of mean satisfaction between two periods, with its standard error.
#include <optional>
#include <vector>

#include "rapport/score/common.hpp"
#include "rapport/score/stats.hpp"

namespace rapport::score {

struct TrendResult {
  Status status = Status::no_data;  ///< ok only when both periods are ok
  SatisfactionStats before, after;
  double delta = 0;  ///< after.mean_normalised - before.mean_normalised, in 0-100 points
  /// after.mean - before.mean in scale units, when both periods lie on the same single scale.
  std::optional<double> delta_scale;
  /// Welch standard error of `delta`: sqrt(s1^2/n1 + s2^2/n2) with sample variances of the normalised
  /// values; absent unless each period has at least two answers.
  std::optional<double> se;
  /// With Options::explain: conversations of `after` (+x/n_after) and `before` (-x/n_before), which add
  /// up to `delta` (normalised values).
  std::vector<Contribution> records;
};

/// The trend of two partial states (aggregate: privacy applies to each period).
TrendResult trend_of(const SatisfactionState& before, const SatisfactionState& after, bool aggregate,
                     const Privacy& privacy = {});
/// The trend at `scope` from `before` to `after` (filter.period must be unset).
TrendResult trend(const Organisation& org, const Scope& scope, Period before, Period after,
                  const Filter& filter = {}, const Options& options = {});
/// The year-over-year trend: year - 1 to year.
TrendResult year_over_year(const Organisation& org, const Scope& scope, int year, const Filter& filter = {},
                           const Options& options = {});

}  // namespace rapport::score
