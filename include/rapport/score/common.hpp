#pragma once
/// \file What every score shares: the status of a value, the level it is asked at (scope), which
/// conversations count (filter), the privacy policy, and the records that explain it.
///
/// Conventions (docs/scores.md has the full text):
/// - A score never returns NaN or a guessed number. Its `status` says whether the value fields mean
///   anything; when it is not `ok` they are 0 and must not be shown.
/// - Aggregates (every level but one relationship) carry the number of distinct respondents and are
///   suppressed below the minimum group size; one relationship's score is a named one-to-one score and
///   stays visible.
/// - The respondent of a conversation is its relationship's recipient: the customer, the employee (of a
///   leadership relationship), the colleague who rates a cooperation.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "rapport/date.hpp"
#include "rapport/fishbone.hpp"
#include "rapport/guide.hpp"
#include "rapport/ids.hpp"
#include "rapport/relationship.hpp"

namespace rapport::score {

/// Whether a score's value may be used. Values are stable (C ABI, Python).
enum class Status : std::uint8_t {
  ok = 0,
  no_data = 1,                   ///< nothing to score: an empty set
  suppressed = 2,                ///< fewer distinct respondents than the minimum group size
  suppressed_complementary = 3,  ///< enough respondents, but another report would reveal a small group
};
std::string_view to_string(Status);

/// The level a score is asked at. Values are stable.
enum class Level : std::uint8_t {
  relationship = 0,  ///< one relationship: a named one-to-one score, never suppressed
  unit = 1,          ///< what a unit's customers, employees and colleagues say about it (it is the provider)
  side = 2,          ///< one side of a unit's fishbone (see Scope::side_of)
  subtree = 3,       ///< every unit of an organisation subtree, as providers
  organisation = 4,  ///< every relationship
};
std::string_view to_string(Level);

/// Where a score is asked. Build one with the named constructors.
struct Scope {
  Level level = Level::organisation;
  RelationshipId relationship;  ///< for Level::relationship
  UnitId unit;                  ///< for unit, side and subtree
  Side side = Side::output;     ///< for Level::side

  static Scope of(RelationshipId r) { return {Level::relationship, r, {}, Side::output}; }
  static Scope of(UnitId u) { return {Level::unit, {}, u, Side::output}; }
  /// For satisfaction-type scores the sides are: `output` what the unit's customers and employees say
  /// about it (service and leadership relationships it provides); `throughput` what its cooperation
  /// partners say about it (cooperations it is the provider of, where the partner is the respondent);
  /// `input` what the unit itself says about its suppliers and its leader (one respondent, so as an
  /// aggregate it is always suppressed). Coverage and reliability use the fishbone's sides as listed.
  static Scope side_of(UnitId u, Side s) { return {Level::side, {}, u, s}; }
  static Scope subtree_of(UnitId u) { return {Level::subtree, {}, u, Side::output}; }
  static Scope organisation() { return {}; }
  bool is_aggregate() const { return level != Level::relationship; }
  friend bool operator==(const Scope&, const Scope&) = default;
};

/// Bit of a conversation kind in Filter::kinds.
constexpr std::uint8_t kind_bit(ConversationKind k) { return std::uint8_t(1u << unsigned(k)); }
/// Bit of a bond in Filter::bonds.
constexpr std::uint8_t bond_bit(Bond b) { return std::uint8_t(1u << unsigned(b)); }
inline constexpr std::uint8_t all_kinds = 0x7F;
inline constexpr std::uint8_t all_bonds = 0x07;
/// The yearly conversations the articles ask for: customer, cooperation, employee and retention reviews.
inline constexpr std::uint8_t review_kinds =
    kind_bit(ConversationKind::customer_review) | kind_bit(ConversationKind::cooperation_review) |
    kind_bit(ConversationKind::employee_review) | kind_bit(ConversationKind::retention);

/// Which conversations a score counts. The default counts every live conversation.
struct Filter {
  std::optional<Period> period;   ///< only conversations dated inside it
  std::uint8_t kinds = all_kinds; ///< bit set of ConversationKind (kind_bit)
  std::uint8_t bonds = all_bonds; ///< bit set of the relationship's Bond (bond_bit)
  std::optional<GuideId> guide;   ///< only conversations that followed this guide
  friend bool operator==(const Filter&, const Filter&) = default;
};

/// Minimum group sizes for aggregates over people's answers.
struct Privacy {
  int min_group = 5;        ///< k for scores; never below 3
  int min_group_text = 10;  ///< k for free-text answers; never below 3
  bool complementary = true;///< also suppress groups recoverable by subtracting two reports
  /// Throws ValidationError when a minimum is below 3.
  void validate() const;
  friend bool operator==(const Privacy&, const Privacy&) = default;
};

/// The kind of record a contribution names.
enum class RecordKind : std::uint8_t { conversation = 0, agreement = 1, complaint = 2, relationship = 3 };
std::string_view to_string(RecordKind);

/// One record behind a score and what it added. For each score the contributions of its records add up
/// to its headline value (docs/scores.md says which value that is).
struct Contribution {
  RecordKind kind = RecordKind::conversation;
  std::uint32_t id = 0;       ///< conversation, agreement, complaint or relationship id
  double value = 0;           ///< the record's own value (a score on its scale, 1/0 for kept/broken, ...)
  double contribution = 0;    ///< its share of the headline value
  friend bool operator==(const Contribution&, const Contribution&) = default;
};

class SuppressionPlan;

/// Options every score accepts.
struct Options {
  Privacy privacy;
  bool explain = false;  ///< fill `records` with the records behind the value (not for suppressed ones)
  /// A plan made by plan_suppression() for the same filter and measure, to skip building one per call.
  /// Without it, an aggregate score builds the plan itself (one pass over the conversations).
  const SuppressionPlan* plan = nullptr;
};

}  // namespace rapport::score
