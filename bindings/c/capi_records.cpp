// C module: the records made on relationships and conversations: agreements, complaints, referrals.
#include "capi_internal.hpp"

using namespace rapport::capi;
using rapport::AgreementId;
using rapport::ComplaintId;
using rapport::ReferralId;

namespace {
template <class Table>
std::vector<std::uint32_t> ids_of(const Table& table) {
  std::vector<std::uint32_t> ids;
  ids.reserve(table.size());
  for (const auto& record : table) ids.push_back(record.id.value);
  return ids;
}
}  // namespace

extern "C" {

// ------------------------------------------------------------------------------------ agreements

RAPPORT_API rapport_status rapport_agreement_add(rapport_org* org, rapport_conversation_id conversation,
                                                 rapport_unit_id owner, const char* text, int32_t due,
                                                 rapport_agreement_id* out_id) {
  return guarded(__func__, [&] {
    reset(out_id, RAPPORT_NO_ID);
    auto& out = need(out_id, "out_id");
    rapport::AgreementSpec spec{rapport::ConversationId{conversation}, rapport::UnitId{owner},
                                std::string(opt_text(text, "text")), date_arg(due, "due")};
    out = write_org(org).org().add_agreement(std::move(spec)).value;
  });
}

RAPPORT_API rapport_status rapport_agreement_close(rapport_org* org, rapport_agreement_id id,
                                                   rapport_agreement_status status, int32_t date) {
  return guarded(__func__, [&] {
    auto s = enum_arg<rapport::AgreementStatus>(status, rapport::agreement_status_count, "agreement status");
    auto d = date_arg(date, "date");
    write_org(org).org().close_agreement(AgreementId{id}, s, d);
  });
}

RAPPORT_API rapport_status rapport_agreement_remove(rapport_org* org, rapport_agreement_id id) {
  return guarded(__func__, [&] { write_org(org).org().remove_agreement(AgreementId{id}); });
}

RAPPORT_API rapport_status rapport_agreement_get(const rapport_org* org, rapport_agreement_id id,
                                                 rapport_agreement_info* out_info) {
  return guarded(__func__, [&] {
    reset(out_info, rapport_agreement_info{RAPPORT_NO_ID, RAPPORT_NO_ID, RAPPORT_NO_ID, RAPPORT_NO_DATE,
                                           RAPPORT_NO_DATE, RAPPORT_AGREEMENT_OPEN, RAPPORT_NO_DATE});
    auto& out = need(out_info, "out_info");
    auto r = read_org(org);
    const rapport::Agreement& a = r.org().agreement(AgreementId{id});
    out = rapport_agreement_info{a.id.value, a.conversation.value, a.owner.value, a.made.days,
                                 a.due.days, rapport_agreement_status(a.status), date_out(a.closed)};
  });
}

RAPPORT_API rapport_status rapport_agreement_text(const rapport_org* org, rapport_agreement_id id, char** out_text) {
  return guarded(__func__, [&] {
    reset(out_text, nullptr);
    auto& out = need(out_text, "out_text");
    auto r = read_org(org);
    out = owned_string(r.org().agreement(AgreementId{id}).text);
  });
}

RAPPORT_API rapport_status rapport_agreements_list(const rapport_org* org, rapport_id_array* out_ids) {
  return guarded(__func__, [&] {
    reset(out_ids, rapport_id_array{nullptr, 0});
    auto& out = need(out_ids, "out_ids");
    auto r = read_org(org);
    fill_ids(out, ids_of(r.org().agreements()));
  });
}

// ------------------------------------------------------------------------------------ complaints

RAPPORT_API rapport_status rapport_complaint_add(rapport_org* org, rapport_relationship_id relationship,
                                                 int32_t received, rapport_severity severity, const char* text,
                                                 rapport_complaint_id* out_id) {
  return guarded(__func__, [&] {
    reset(out_id, RAPPORT_NO_ID);
    auto& out = need(out_id, "out_id");
    rapport::ComplaintSpec spec{rapport::RelationshipId{relationship}, date_arg(received, "received"),
                                enum_arg<rapport::Severity>(severity, 4, "severity"), std::string(opt_text(text, "text"))};
    out = write_org(org).org().add_complaint(std::move(spec)).value;
  });
}

RAPPORT_API rapport_status rapport_complaint_advance(rapport_org* org, rapport_complaint_id id,
                                                     rapport_complaint_stage stage, int32_t date,
                                                     rapport_complaint_outcome outcome) {
  return guarded(__func__, [&] {
    auto s = enum_arg<rapport::ComplaintStage>(stage, rapport::complaint_stage_count, "complaint stage");
    auto o = enum_arg<rapport::ComplaintOutcome>(outcome, 4, "complaint outcome");
    auto d = date_arg(date, "date");
    write_org(org).org().advance_complaint(ComplaintId{id}, s, d, o);
  });
}

RAPPORT_API rapport_status rapport_complaint_remove(rapport_org* org, rapport_complaint_id id) {
  return guarded(__func__, [&] { write_org(org).org().remove_complaint(ComplaintId{id}); });
}

RAPPORT_API rapport_status rapport_complaint_get(const rapport_org* org, rapport_complaint_id id,
                                                 rapport_complaint_info* out_info) {
  static_assert(rapport::complaint_stage_count == 5, "rapport_complaint_info.steps has five entries");
  return guarded(__func__, [&] {
    reset(out_info, rapport_complaint_info{RAPPORT_NO_ID, RAPPORT_NO_ID, RAPPORT_SEVERITY_LOW, RAPPORT_COMPLAINT_RECEIVED,
                                           RAPPORT_COMPLAINT_OUTCOME_NONE,
                                           {RAPPORT_NO_DATE, RAPPORT_NO_DATE, RAPPORT_NO_DATE, RAPPORT_NO_DATE,
                                            RAPPORT_NO_DATE}});
    auto& out = need(out_info, "out_info");
    auto r = read_org(org);
    const rapport::Complaint& c = r.org().complaint(ComplaintId{id});
    rapport_complaint_info info{c.id.value,
                                c.relationship.value,
                                rapport_severity(c.severity),
                                rapport_complaint_stage(c.stage()),
                                rapport_complaint_outcome(c.outcome),
                                {}};
    for (int i = 0; i < rapport::complaint_stage_count; ++i) info.steps[i] = date_out(c.steps[i]);
    out = info;
  });
}

RAPPORT_API rapport_status rapport_complaint_text(const rapport_org* org, rapport_complaint_id id, char** out_text) {
  return guarded(__func__, [&] {
    reset(out_text, nullptr);
    auto& out = need(out_text, "out_text");
    auto r = read_org(org);
    out = owned_string(r.org().complaint(ComplaintId{id}).text);
  });
}

RAPPORT_API rapport_status rapport_complaints_list(const rapport_org* org, rapport_id_array* out_ids) {
  return guarded(__func__, [&] {
    reset(out_ids, rapport_id_array{nullptr, 0});
    auto& out = need(out_ids, "out_ids");
    auto r = read_org(org);
    fill_ids(out, ids_of(r.org().complaints()));
  });
}

// ------------------------------------------------------------------------------------- referrals

RAPPORT_API rapport_status rapport_referral_add(rapport_org* org, rapport_relationship_id relationship, int32_t date,
                                                rapport_referral_target target, rapport_unit_id referred,
                                                rapport_referral_id* out_id) {
  return guarded(__func__, [&] {
    reset(out_id, RAPPORT_NO_ID);
    auto& out = need(out_id, "out_id");
    rapport::ReferralSpec spec{rapport::RelationshipId{relationship}, date_arg(date, "date"),
                               enum_arg<rapport::ReferralTarget>(target, 2, "referral target"),
                               opt_id<rapport::UnitId>(referred)};
    out = write_org(org).org().add_referral(std::move(spec)).value;
  });
}

RAPPORT_API rapport_status rapport_referral_set_outcome(rapport_org* org, rapport_referral_id id,
                                                        rapport_referral_outcome outcome, int32_t date) {
  return guarded(__func__, [&] {
    auto o = enum_arg<rapport::ReferralOutcome>(outcome, 3, "referral outcome");
    auto d = date_arg(date, "date");
    write_org(org).org().set_referral_outcome(ReferralId{id}, o, d);
  });
}

RAPPORT_API rapport_status rapport_referral_remove(rapport_org* org, rapport_referral_id id) {
  return guarded(__func__, [&] { write_org(org).org().remove_referral(ReferralId{id}); });
}

RAPPORT_API rapport_status rapport_referral_get(const rapport_org* org, rapport_referral_id id,
                                                rapport_referral_info* out_info) {
  return guarded(__func__, [&] {
    reset(out_info, rapport_referral_info{RAPPORT_NO_ID, RAPPORT_NO_ID, RAPPORT_NO_DATE, RAPPORT_REFERRAL_CUSTOMER,
                                          RAPPORT_NO_ID, RAPPORT_REFERRAL_PENDING, RAPPORT_NO_DATE});
    auto& out = need(out_info, "out_info");
    auto r = read_org(org);
    const rapport::Referral& x = r.org().referral(ReferralId{id});
    out = rapport_referral_info{x.id.value,         x.relationship.value,     x.date.days,
                                rapport_referral_target(x.target), id_out(x.referred),
                                rapport_referral_outcome(x.outcome), date_out(x.closed)};
  });
}

RAPPORT_API rapport_status rapport_referrals_list(const rapport_org* org, rapport_id_array* out_ids) {
  return guarded(__func__, [&] {
    reset(out_ids, rapport_id_array{nullptr, 0});
    auto& out = need(out_ids, "out_ids");
    auto r = read_org(org);
    fill_ids(out, ids_of(r.org().referrals()));
  });
}

}  // extern "C"
