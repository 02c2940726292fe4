#pragma once
/// \file Agreements made in conversations; trust is won by keeping them.
#include <cstdint>
#include <optional>
#include <string>

#include "rapport/date.hpp"
#include "rapport/ids.hpp"

namespace rapport {

/// Values are stable.
enum class AgreementStatus : std::uint8_t { open = 0, kept = 1, broken = 2, dropped = 3 };
inline constexpr int agreement_status_count = 4;

struct AgreementSpec {
  ConversationId conversation;  ///< where it was made; its date is the agreement's date
  UnitId owner;                 ///< who committed to it
  std::string text;
  Date due;
};

struct Agreement : AgreementSpec {
  AgreementId id;
  Date made;  ///< the conversation's date
  AgreementStatus status = AgreementStatus::open;
  std::optional<Date> closed;  ///< set exactly when status is not open
};

std::string_view to_string(AgreementStatus);
AgreementStatus parse_agreement_status(std::string_view);

}  // namespace rapport
