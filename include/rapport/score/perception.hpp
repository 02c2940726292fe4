#pragma once
/// \file Perception: self-assessment versus the recipient's score (gap, blind spots, hidden strengths),
/// and reciprocity of pairs that rate each other.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "rapport/score/common.hpp"

namespace rapport {
class Organisation;
}

namespace rapport::score {

/// Values are stable.
enum class GapKind : std::uint8_t {
  none = 0,             ///< |gap| <= span / 3
  blind_spot = 1,       ///< self > others by more than a third of the scale's span
  hidden_strength = 2,  ///< self < others by more than a third of the scale's span
};
std::string_view to_string(GapKind);
/// The kind of a gap in normalised points (a third of any span is 100/3 points).
GapKind classify_gap(double gap_normalised);

/// Mergeable sums over conversations that hold both a score and a self-assessment, in normalised
/// units kept exact: per scale, integer sums of (self - score), self and score.
struct GapState {
  struct Part {
    Scale scale;
    std::int64_t n = 0, sum_gap = 0, sum_self = 0, sum_score = 0;
    friend bool operator==(const Part&, const Part&) = default;
  };
  std::vector<Part> parts;  ///< ordered by (min, max)
  std::vector<std::uint32_t> respondents;  ///< distinct, ascending
  void add(Scale s, int self, int score, UnitId respondent);
  void merge(const GapState& o);
  friend bool operator==(const GapState&, const GapState&) = default;
};

struct GapResult {
  Status status = Status::no_data;
  std::int64_t n = 0, respondents = 0;
  double self_mean = 0, others_mean = 0;  ///< normalised 0-100
  double gap = 0;                         ///< self_mean - others_mean, normalised points
  std::optional<double> gap_scale;        ///< the gap in scale units when all lie on one scale
  GapKind kind = GapKind::none;
  bool significant = false;               ///< |gap| > span / 3
  /// With Options::explain: each conversation, its gap (normalised) and its share of `gap`.
  std::vector<Contribution> records;
};

GapResult gap_of(const GapState& state, bool aggregate, const Privacy& privacy = {});
GapState gap_state(const Organisation& org, const Scope& scope, const Filter& filter = {});
/// Perception gap at `scope` (the provider's self-assessment minus the recipient's score, averaged
/// over conversations that hold both).
GapResult perception_gap(const Organisation& org, const Scope& scope, const Filter& filter = {},
                         const Options& options = {});

/// Every relationship and every unit (as provider) whose gap is significant, in id order.
struct BlindSpots {
  std::vector<RelationshipId> relationships;
  std::vector<GapKind> relationship_kinds;
  std::vector<double> relationship_gaps;  ///< normalised
  std::vector<UnitId> units;              ///< only units whose aggregate gap is not suppressed
  std::vector<GapKind> unit_kinds;
  std::vector<double> unit_gaps;
};
BlindSpots significant_gaps(const Organisation& org, const Filter& filter = {}, const Options& options = {});

/// Two units that rate each other: `a` rates `b` on relationships where b is the provider and a the
/// recipient, and the other way round. Means are normalised 0-100. One-to-one: never suppressed.
struct Reciprocity {
  Status status = Status::no_data;  ///< ok when both directions have scores
  UnitId a, b;
  std::int64_t n_a_of_b = 0, n_b_of_a = 0;
  double a_of_b = 0, b_of_a = 0;
  double difference = 0;  ///< a_of_b - b_of_a
  /// With Options::explain: a's scores of b contribute +x/n_a_of_b, b's of a -x/n_b_of_a.
  std::vector<Contribution> records;
};
Reciprocity reciprocity(const Organisation& org, UnitId a, UnitId b, const Filter& filter = {},
                        const Options& options = {});
/// Every pair (a < b by id) with scores in both directions, ordered by (a, b).
std::vector<Reciprocity> reciprocal_pairs(const Organisation& org, const Filter& filter = {});

}  // namespace rapport::score
