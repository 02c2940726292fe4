#pragma once
/// \file SERVQUAL: per dimension, perception minus expectation, or perceptions only (SERVPERF).
///
/// Data model: a SERVQUAL questionnaire is a guide whose question keys name a dimension and a measure,
/// `<dimension>.expectation` and `<dimension>.perception`, optionally with an item between them
/// (`reliability.on_time.perception`). servqual_guide() makes one with one item per dimension. The
/// answer to each such question is an integer on the guide's scale, written as text ("6"). A
/// conversation following such a guide is one respondent's questionnaire on that relationship. Other
/// guides are ignored; answers that are not an integer on the scale are counted as invalid and skipped.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/score/common.hpp"

namespace rapport {
class Organisation;
}

namespace rapport::score {

/// Values are stable.
enum class ServqualDimension : std::uint8_t { tangibles = 0, reliability = 1, responsiveness = 2, assurance = 3, empathy = 4 };
inline constexpr int servqual_dimension_count = 5;
std::string_view to_string(ServqualDimension);

/// Values are stable.
enum class ServqualMode : std::uint8_t {
  gap = 0,               ///< perception - expectation, over items answered with both
  perceptions_only = 1,  ///< the mean perception (SERVPERF)
};

/// A guide (key `key`, kind ad_hoc, scale `scale`) with the questions `<dimension>.expectation` and
/// `<dimension>.perception` for the five dimensions, in English and German.
GuideSpec servqual_guide(std::string key = "servqual", Scale scale = Scale{1, 7});

/// What a question key means for SERVQUAL, if anything.
struct ServqualItem {
  ServqualDimension dimension{};
  std::string item;       ///< "" for the dimension's single item
  bool perception = false;///< else expectation
};
std::optional<ServqualItem> parse_servqual_key(std::string_view question_key);

/// Mergeable integer sums per dimension, on one scale.
struct ServqualState {
  struct Dimension {
    std::int64_t n_pairs = 0, sum_gap = 0;                  ///< items with both answers
    std::int64_t n_perception = 0, sum_perception = 0;
    std::int64_t n_expectation = 0, sum_expectation = 0;
    std::vector<std::uint32_t> respondents;                 ///< distinct, ascending
    friend bool operator==(const Dimension&, const Dimension&) = default;
  };
  std::optional<Scale> scale;  ///< set by the first answer; a second scale is an error
  std::array<Dimension, servqual_dimension_count> dimensions;
  std::int64_t invalid_answers = 0;
  /// Throws ValidationError when the scales differ.
  void merge(const ServqualState& o);
  friend bool operator==(const ServqualState&, const ServqualState&) = default;
};

struct ServqualDimensionResult {
  ServqualDimension dimension{};
  Status status = Status::no_data;
  std::int64_t n = 0, respondents = 0;  ///< n: items counted in the mode's value
  double perception = 0, expectation = 0;  ///< means on the scale (expectation 0 in perceptions-only mode)
  double value = 0;  ///< gap mode: mean(perception - expectation) over pairs; else mean perception
  /// With Options::explain: per conversation, its item values and share of `value`.
  std::vector<Contribution> records;
};

struct ServqualResult {
  Status status = Status::no_data;  ///< ok when at least one dimension is ok
  ServqualMode mode = ServqualMode::gap;
  std::optional<Scale> scale;
  std::int64_t invalid_answers = 0;
  std::array<ServqualDimensionResult, servqual_dimension_count> dimensions;
  /// Unweighted mean of the `ok` dimensions' values.
  double overall = 0;
};

ServqualResult servqual_of(const ServqualState& state, ServqualMode mode, bool aggregate, const Privacy& privacy = {});
ServqualState servqual_state(const Organisation& org, const Scope& scope, const Filter& filter = {});
/// SERVQUAL at `scope`. The questionnaires selected must share one scale (ValidationError otherwise).
ServqualResult servqual(const Organisation& org, const Scope& scope, const Filter& filter = {},
                        ServqualMode mode = ServqualMode::gap, const Options& options = {});

}  // namespace rapport::score
