#pragma once
/// \file Net Promoter Score, for 0-10 scores only, with its standard error and bucket presets.
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "rapport/score/common.hpp"
#include "rapport/score/stats.hpp"

namespace rapport::score {

/// Bucket edges. Values are stable.
enum class NpsPreset : std::uint8_t {
  standard = 0,   ///< promoter 9-10, passive 7-8, detractor 0-6
  cultureiq = 1,  ///< for eNPS: promoter 9-10, passive 6-8, detractor 0-5
};
std::string_view to_string(NpsPreset);

/// The lowest promoter and the lowest passive score of a preset.
struct NpsBuckets {
  int promoter_min = 9;
  int passive_min = 7;
  bool promoter(int x) const { return x >= promoter_min; }
  bool detractor(int x) const { return x < passive_min; }
};
NpsBuckets buckets(NpsPreset preset);

struct NpsResult {
  Status status = Status::no_data;
  std::int64_t n = 0, respondents = 0;
  std::int64_t promoters = 0, passives = 0, detractors = 0;
  double nps = 0;  ///< 100 * (promoters - detractors) / n, in -100..100
  double se = 0;   ///< 100 * sqrt(var / n), each answer counting +1 / 0 / -1 (population variance)
  /// With Options::explain: each conversation, its score and its share of `nps` (+-100/n or 0).
  std::vector<Contribution> records;
};

/// NPS of bucket counts (no privacy: the caller's own numbers). No data when all are 0.
NpsResult nps_of_counts(std::int64_t promoters, std::int64_t passives, std::int64_t detractors);
/// NPS of raw 0-10 scores; throws ValidationError for a score outside 0..10.
NpsResult nps_of_scores(std::span<const int> scores, NpsPreset preset = NpsPreset::standard);
/// NPS of a partial state: only its 0-10 histogram counts. Throws ValidationError (invalid_argument)
/// when the state holds scores but none on a 0-10 scale.
NpsResult nps_of(const SatisfactionState& state, NpsPreset preset, bool aggregate, const Privacy& privacy = {});

/// NPS at `scope` over conversations on 0-10 guides. Answers on other scales are never fed into NPS:
/// asking with `filter.guide` on another scale, or at a scope whose scored answers are all on other
/// scales, throws ValidationError (invalid_argument).
NpsResult nps(const Organisation& org, const Scope& scope, const Filter& filter = {},
              NpsPreset preset = NpsPreset::standard, const Options& options = {});

}  // namespace rapport::score
