#pragma once
/// \file Health of a relationship or a unit, 0-100: a weighted mean of five normalised components.
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
enum class HealthComponent : std::uint8_t { satisfaction = 0, trend = 1, reliability = 2, recency = 3, complaints = 4 };
inline constexpr int health_component_count = 5;
std::string_view to_string(HealthComponent);

/// Values are stable.
enum class Band : std::uint8_t { red = 0, yellow = 1, green = 2 };
std::string_view to_string(Band);
/// red <= 50 < yellow <= 75 < green.
Band band_of(double health);

/// Relative weights (need not add up to 1; they are normalised over the components that have data).
struct HealthWeights {
  double satisfaction = 0.40;
  double trend = 0.15;
  double reliability = 0.20;
  double recency = 0.15;
  double complaints = 0.10;
  double of(HealthComponent c) const;
  /// Throws ValidationError for a negative weight or when all are 0.
  void validate() const;
};

struct HealthPart {
  HealthComponent component{};
  Status status = Status::no_data;  ///< components without data or suppressed are left out of the mean
  double score = 0;                 ///< 0-100
  double weight = 0;                ///< effective weight after renormalising, 0 when left out
  double contribution = 0;          ///< weight * score; the parts add up to the health
  /// With Options::explain: the records behind this component and their share of its `score`.
  std::vector<Contribution> records;
};

struct HealthResult {
  Status status = Status::no_data;  ///< no_data when no component has data
  double health = 0;                ///< 0-100
  Band band = Band::red;
  std::array<HealthPart, health_component_count> parts;
};

/// Health at `scope` (relationship, unit, side or subtree) as of `as_of`, over the twelve months up to
/// it: satisfaction = mean normalised score; trend = clamp(50 + 2 * delta, 0, 100) with delta the change
/// against the twelve months before; reliability = 100 * kept/(kept+broken) of agreements due; recency =
/// per relationship 100 up to 365 days since its last review, falling linearly to 0 at 730 days (never:
/// 0), averaged over the scope's relationships; complaints = 100 * max(0, 1 - W / relationships) with W
/// the severity weights (low 0.5, medium 1, high 2, critical 3) of complaints open on the scope's
/// provided relationships at `as_of`.
HealthResult health(const Organisation& org, const Scope& scope, Date as_of, const HealthWeights& weights = {},
                    const Options& options = {});

}  // namespace rapport::score
