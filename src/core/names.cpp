// The stable names of every enum: used in CSV, JSON, the CLI and error messages.
#include <array>
#include <string>

#include "rapport/agreement.hpp"
#include "rapport/complaint.hpp"
#include "rapport/error.hpp"
#include "rapport/guide.hpp"
#include "rapport/referral.hpp"
#include "rapport/relationship.hpp"
#include "rapport/unit.hpp"

namespace rapport {
namespace {

template <class E, std::size_t N>
std::string_view name_of(const std::array<std::string_view, N>& names, E e) {
  auto i = std::size_t(e);
  return i < N ? names[i] : std::string_view("?");
}

template <class E, std::size_t N>
E parse_name(const std::array<std::string_view, N>& names, std::string_view s, const char* what) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == s) return E(i);
  std::string known;
  for (auto n : names) known += (known.empty() ? "" : ", ") + std::string(n);
  throw ValidationError("unknown " + std::string(what) + " '" + std::string(s) + "' (expected one of: " + known + ")");
}

constexpr std::array<std::string_view, 8> unit_kinds{"person",   "team",     "department", "company",
                                                     "customer", "supplier", "candidate",  "market"};
constexpr std::array<std::string_view, 3> bonds{"service", "cooperation", "leadership"};
constexpr std::array<std::string_view, 7> conversation_kinds{
    "customer_review", "cooperation_review", "employee_review", "retention", "complaint", "referral_request", "ad_hoc"};
constexpr std::array<std::string_view, 4> agreement_statuses{"open", "kept", "broken", "dropped"};
constexpr std::array<std::string_view, 5> complaint_stages{"received", "acknowledged", "in_progress", "resolved",
                                                           "closed"};
constexpr std::array<std::string_view, 4> complaint_outcomes{"none", "accepted", "rejected", "no_basis"};
constexpr std::array<std::string_view, 4> severities{"low", "medium", "high", "critical"};
constexpr std::array<std::string_view, 3> referral_outcomes{"pending", "won", "lost"};
constexpr std::array<std::string_view, 2> referral_targets{"customer", "employee"};

}  // namespace

std::string_view to_string(UnitKind e) { return name_of(unit_kinds, e); }
UnitKind parse_unit_kind(std::string_view s) { return parse_name<UnitKind>(unit_kinds, s, "unit kind"); }
std::string_view to_string(Bond e) { return name_of(bonds, e); }
Bond parse_bond(std::string_view s) { return parse_name<Bond>(bonds, s, "bond"); }
std::string_view to_string(ConversationKind e) { return name_of(conversation_kinds, e); }
ConversationKind parse_conversation_kind(std::string_view s) {
  return parse_name<ConversationKind>(conversation_kinds, s, "conversation kind");
}
std::string_view to_string(AgreementStatus e) { return name_of(agreement_statuses, e); }
AgreementStatus parse_agreement_status(std::string_view s) {
  return parse_name<AgreementStatus>(agreement_statuses, s, "agreement status");
}
std::string_view to_string(ComplaintStage e) { return name_of(complaint_stages, e); }
ComplaintStage parse_complaint_stage(std::string_view s) {
  return parse_name<ComplaintStage>(complaint_stages, s, "complaint stage");
}
std::string_view to_string(ComplaintOutcome e) { return name_of(complaint_outcomes, e); }
ComplaintOutcome parse_complaint_outcome(std::string_view s) {
  return parse_name<ComplaintOutcome>(complaint_outcomes, s, "complaint outcome");
}
std::string_view to_string(Severity e) { return name_of(severities, e); }
Severity parse_severity(std::string_view s) { return parse_name<Severity>(severities, s, "severity"); }
std::string_view to_string(ReferralOutcome e) { return name_of(referral_outcomes, e); }
ReferralOutcome parse_referral_outcome(std::string_view s) {
  return parse_name<ReferralOutcome>(referral_outcomes, s, "referral outcome");
}
std::string_view to_string(ReferralTarget e) { return name_of(referral_targets, e); }
ReferralTarget parse_referral_target(std::string_view s) {
  return parse_name<ReferralTarget>(referral_targets, s, "referral target");
}

}  // namespace rapport
