#pragma once
/// \file Referrals: a recipient recommends its provider to a third party.
#include <cstdint>
#include <optional>
#include <string>

#include "rapport/date.hpp"
#include "rapport/ids.hpp"

namespace rapport {

enum class ReferralOutcome : std::uint8_t { pending = 0, won = 1, lost = 2 };
/// Whether the referral brings a customer or a (candidate) employee.
enum class ReferralTarget : std::uint8_t { customer = 0, employee = 1 };

struct ReferralSpec {
  RelationshipId relationship;   ///< the recipient of this relationship recommends the provider
  Date date;
  ReferralTarget target = ReferralTarget::customer;
  std::optional<UnitId> referred;  ///< the referred party, when it is known as a unit
};

struct Referral : ReferralSpec {
  ReferralId id;
  ReferralOutcome outcome = ReferralOutcome::pending;
  std::optional<Date> closed;  ///< set exactly when the outcome is not pending
};

std::string_view to_string(ReferralOutcome);
ReferralOutcome parse_referral_outcome(std::string_view);
std::string_view to_string(ReferralTarget);
ReferralTarget parse_referral_target(std::string_view);

}  // namespace rapport
