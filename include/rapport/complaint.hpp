#pragma once
/// \file Complaints raised by a recipient, with the ISO 10002 lifecycle.
#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "rapport/date.hpp"
#include "rapport/ids.hpp"

namespace rapport {

/// Lifecycle steps in their order. Values are stable.
enum class ComplaintStage : std::uint8_t { received = 0, acknowledged = 1, in_progress = 2, resolved = 3, closed = 4 };
inline constexpr int complaint_stage_count = 5;

/// How a closed complaint ended. Values are stable.
enum class ComplaintOutcome : std::uint8_t { none = 0, accepted = 1, rejected = 2, no_basis = 3 };

enum class Severity : std::uint8_t { low = 0, medium = 1, high = 2, critical = 3 };

struct ComplaintSpec {
  RelationshipId relationship;  ///< the recipient of this relationship complains about the provider
  Date received;
  Severity severity = Severity::medium;
  std::string text;
};

struct Complaint : ComplaintSpec {
  ComplaintId id;
  /// The date each step was reached; `steps[0]` is `received`. Steps are reached in order.
  std::array<std::optional<Date>, complaint_stage_count> steps;
  ComplaintOutcome outcome = ComplaintOutcome::none;  ///< set when closed

  ComplaintStage stage() const {
    int s = 0;
    for (int i = 0; i < complaint_stage_count; ++i)
      if (steps[i]) s = i;
    return ComplaintStage(s);
  }
  bool is_open() const { return !steps[int(ComplaintStage::closed)]; }
};

std::string_view to_string(ComplaintStage);
ComplaintStage parse_complaint_stage(std::string_view);
std::string_view to_string(ComplaintOutcome);
ComplaintOutcome parse_complaint_outcome(std::string_view);
std::string_view to_string(Severity);
Severity parse_severity(std::string_view);

}  // namespace rapport
