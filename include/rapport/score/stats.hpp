#pragma once
/// \file Satisfaction statistics (n, mean, sd, distribution) and the 0-100 normalisation of scales.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "rapport/score/common.hpp"

namespace rapport {
class Organisation;
}

namespace rapport::score {

/// `(x - min) / (max - min) * 100`: any scale's score as a comparable 0-100 value.
inline double normalise(Scale s, double x) { return s.normalise(x); }

/// The mergeable partial state of satisfaction statistics: exact counts of each score value per scale
/// (the distribution) and the set of distinct respondents. States computed over any partition of the
/// conversations merge into exactly the state of the whole.
class SatisfactionState {
 public:
  struct Histogram {
    Scale scale;
    std::vector<std::int64_t> counts;  ///< counts[x - scale.min] for x in scale.min..scale.max
    friend bool operator==(const Histogram&, const Histogram&) = default;
  };

  /// Counts one score (which must lie on `scale`) given by `respondent`.
  void add(Scale scale, int score, UnitId respondent);
  /// The two halves of add(), for callers that track respondents themselves.
  void add_score(Scale scale, int score);
  void add_respondent(UnitId respondent);
  void merge(const SatisfactionState& other);

  std::int64_t n() const;
  std::size_t respondent_count() const { return respondents().size(); }
  /// Distinct respondents, ascending.
  std::span<const std::uint32_t> respondents() const;
  /// One histogram per scale met, ordered by (min, max).
  const std::vector<Histogram>& histograms() const { return hist_; }

  friend bool operator==(const SatisfactionState& a, const SatisfactionState& b) {
    return a.hist_ == b.hist_ && std::ranges::equal(a.respondents(), b.respondents());
  }

 private:
  Histogram& histogram(Scale scale);
  std::vector<Histogram> hist_;
  mutable std::vector<std::uint32_t> respondents_;
  mutable bool dirty_ = false;  ///< respondents_ not yet sorted and unique
};

/// Satisfaction statistics of a set of scored conversations.
struct SatisfactionStats {
  Status status = Status::no_data;
  std::int64_t n = 0;            ///< scored conversations
  std::int64_t respondents = 0;  ///< distinct respondents
  /// Set when every answer lies on one scale; then `mean`, `sd` and `distribution` are in its units.
  std::optional<Scale> scale;
  double mean = 0;               ///< on `scale` (0 when there are several scales)
  double sd = 0;                 ///< population standard deviation, on `scale`
  double mean_normalised = 0;    ///< 0-100, comparable across scales
  double sd_normalised = 0;      ///< population standard deviation of the normalised values
  std::vector<std::int64_t> distribution;  ///< counts of scale.min..scale.max (one scale only)
  /// With Options::explain: each conversation, its score and its share of `mean_normalised`.
  std::vector<Contribution> records;
};

/// The statistics of a partial state. `aggregate` applies the privacy minimum (primary suppression only).
SatisfactionStats stats_of(const SatisfactionState& state, bool aggregate, const Privacy& privacy = {});

/// The partial state of the scored conversations at `scope` that pass `filter`.
SatisfactionState satisfaction_state(const Organisation& org, const Scope& scope, const Filter& filter = {});

/// Satisfaction statistics at `scope`, with privacy (and complementary suppression) applied.
SatisfactionStats satisfaction(const Organisation& org, const Scope& scope, const Filter& filter = {},
                               const Options& options = {});

/// One SatisfactionStats per calendar year `first_year..last_year` (filter.period must be unset).
std::vector<SatisfactionStats> satisfaction_by_year(const Organisation& org, const Scope& scope, int first_year,
                                                    int last_year, const Filter& filter = {},
                                                    const Options& options = {});

}  // namespace rapport::score
