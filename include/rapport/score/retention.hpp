#pragma once
/// \file Retention risk of an employee (the customer of the leadership service) and the expected cost
/// of losing them.
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "rapport/score/common.hpp"

namespace rapport {
class Organisation;
}

namespace rapport::score {

/// Values are stable.
enum class RetentionFactor : std::uint8_t { satisfaction = 0, trend = 1, recency = 2, broken_agreements = 3 };
inline constexpr int retention_factor_count = 4;
std::string_view to_string(RetentionFactor);

struct RetentionWeights {
  double satisfaction = 0.40;
  double trend = 0.20;
  double recency = 0.20;
  double broken_agreements = 0.20;
  double of(RetentionFactor f) const;
  void validate() const;
};

struct RetentionPart {
  RetentionFactor factor{};
  Status status = Status::no_data;  ///< factors without data are left out and the weights renormalised
  double risk = 0;                  ///< 0-1
  double weight = 0;                ///< effective weight
  double contribution = 0;          ///< weight * risk; the parts add up to the risk
  std::vector<Contribution> records;
};

struct RetentionRisk {
  Status status = Status::no_data;  ///< no_data when the employee has no leadership relationship
  UnitId employee;
  double risk = 0;  ///< 0-1
  std::array<RetentionPart, retention_factor_count> parts;
};

/// Retention risk as of `as_of`, from the employee's leadership relationships (where they are the
/// recipient): satisfaction risk = 1 - mean/100 over the last twelve months; trend risk = clamp(0.5 -
/// delta/50, 0, 1) against the twelve months before; recency risk = clamp((days since the last
/// conversation - 365) / 365, 0, 1), 1 when there never was one; broken-agreement risk = broken /
/// (kept + broken) of agreements due in the last twelve months that were made on those relationships.
/// A named one-to-one score: never suppressed.
RetentionRisk retention_risk(const Organisation& org, UnitId employee, Date as_of,
                             const RetentionWeights& weights = {}, const Options& options = {});

/// Replacement cost presets, as DOMAIN.md cites them. Values are stable.
enum class ReplacementCost : std::uint8_t {
  percent_21 = 0,      ///< 21 % of annual salary (median of 27 case studies)
  months_6_to_9 = 1,   ///< 6-9 months' salary: 0.5-0.75 of annual salary
  half_to_double = 2,  ///< 0.5-2x annual salary
};
std::string_view to_string(ReplacementCost);

/// A preset as a share of annual salary; a point estimate has low == high.
struct ReplacementRange {
  double low = 0, high = 0;
  std::string_view citation;
};
ReplacementRange replacement_range(ReplacementCost preset);

struct CostOfLoss {
  double replacement_low = 0, replacement_high = 0;  ///< replacement cost, in the salary's currency
  double expected_low = 0, expected_high = 0;        ///< risk x replacement cost
};
/// Expected cost of loss = risk x replacement cost. Throws ValidationError for a risk outside 0..1 or a
/// negative salary.
CostOfLoss expected_cost_of_loss(double risk, double annual_salary, ReplacementCost preset);

}  // namespace rapport::score
