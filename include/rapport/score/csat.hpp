#pragma once
/// \file Customer satisfaction (CSAT): top-two-box share or mean, canonically on a 1-5 scale.
#include <cstdint>
#include <string_view>
#include <vector>

#include "rapport/score/common.hpp"
#include "rapport/score/stats.hpp"

namespace rapport::score {

/// Values are stable.
enum class CsatPreset : std::uint8_t {
  top_two_box = 0,  ///< percentage of answers in the two highest values of the scale (4 and 5 on 1-5)
  mean = 1,         ///< the mean answer, on the scale
};
std::string_view to_string(CsatPreset);

struct CsatResult {
  Status status = Status::no_data;
  std::int64_t n = 0, respondents = 0;
  Scale scale;                 ///< the one scale the answers lie on
  double value = 0;            ///< top_two_box: percent 0-100; mean: on `scale`
  double value_normalised = 0; ///< top_two_box: the same percent; mean: normalised 0-100
  /// With Options::explain: each conversation, its score and its share of `value`.
  std::vector<Contribution> records;
};

/// CSAT of a partial state; throws ValidationError when its answers lie on more than one scale.
CsatResult csat_of(const SatisfactionState& state, CsatPreset preset, bool aggregate, const Privacy& privacy = {});
/// CSAT at `scope`. The answers must lie on one scale (filter by guide when several are in use);
/// otherwise ValidationError.
CsatResult csat(const Organisation& org, const Scope& scope, const Filter& filter = {},
                CsatPreset preset = CsatPreset::top_two_box, const Options& options = {});

}  // namespace rapport::score
