#pragma once
/// \file Privacy of aggregates: minimum group sizes and complementary suppression.
///
/// Reports form a tree of nested groups of conversations: the organisation contains every root's
/// subtree; a subtree contains its unit's own report and its children's subtrees; a unit's own report
/// (Level::unit) is its output side plus its throughput side. A report is published when it has at
/// least `min_group` distinct respondents (primary suppression). Complementary suppression then
/// withholds more reports until, for every published report, its residual (the conversations that no
/// published report inside it covers) is empty or has at least `min_group` respondents. Any group that
/// subtracting published reports can isolate (a parent minus a child, a parent minus all its other
/// children, ...) then holds a residual or a published report, so it has `min_group` respondents or is
/// empty. On a violation the least important report is withheld: a side before a subtree before the
/// organisation total; between equals the enclosing report, else the smallest. A unit's own report is
/// never withheld to protect another group, as a side, subtree or total always can be instead: unit
/// reports (and the batch per-unit columns) need primary suppression only. See docs/scores.md.
///
/// Reports of different filters (overlapping periods, say) are not protected against each other:
/// publish one filter's reports (calendar years, for instance).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/score/common.hpp"

namespace rapport {
class Organisation;
}

namespace rapport::score {

/// Which conversations a report counts, beyond the filter. Values are stable.
enum class Measure : std::uint8_t {
  score = 0,     ///< conversations with a score (satisfaction, trend, CSAT, local optimiser, health)
  nps = 1,       ///< conversations with a score on a 0-10 guide
  gap = 2,       ///< conversations with a score and a self-assessment
  servqual = 3,  ///< conversations following a SERVQUAL guide
};
std::string_view to_string(Measure);

/// The status of every report of one filter and measure.
class SuppressionPlan {
 public:
  SuppressionPlan() = default;
  Status unit(UnitId u) const;
  /// Input sides always have one respondent: suppressed when they have data.
  Status side(UnitId u, Side s) const;
  Status subtree(UnitId u) const;
  Status organisation() const { return Status(org_); }
  /// The status of the report at `scope` (ok for a relationship).
  Status status(const Scope& scope) const;

  const Filter& filter() const { return filter_; }
  Measure measure() const { return measure_; }
  const Privacy& privacy() const { return privacy_; }
  /// How many reports complementary suppression withheld.
  std::size_t complementary_count() const { return complementary_; }

 private:
  friend struct PlanBuilder;
  Filter filter_;
  Measure measure_ = Measure::score;
  Privacy privacy_;
  std::uint8_t org_ = std::uint8_t(Status::no_data);
  /// Per unit id: own, output side, throughput side, input side, subtree.
  std::vector<std::uint8_t> own_, out_, coop_, in_, sub_;
  std::size_t complementary_ = 0;
};

/// Plans suppression for every report of `filter` and `measure` (one pass over the conversations plus
/// the hierarchy). Throws ValidationError for an invalid policy.
SuppressionPlan plan_suppression(const Organisation& org, const Filter& filter = {}, Measure measure = Measure::score,
                                 const Privacy& privacy = {});

/// Free-text answers to one question at `scope`, or none with a status. An aggregate needs
/// `privacy.min_group_text` distinct respondents among the conversations that answered, and
/// complementary suppression applies with that minimum.
struct TextAnswers {
  Status status = Status::no_data;
  std::int64_t respondents = 0;
  std::vector<ConversationId> conversations;
  std::vector<std::string> texts;
};
TextAnswers free_text(const Organisation& org, const Scope& scope, std::string_view question_key,
                      const Filter& filter = {}, const Options& options = {});

}  // namespace rapport::score
