// C module: conversations, their answers, and the bulk insert.
#include <cstring>

#include "capi_internal.hpp"

using namespace rapport::capi;
using rapport::ConversationId;

namespace {

rapport::ConversationSpec conversation_spec(rapport_relationship_id relationship, int32_t date,
                                            const rapport_conversation_kind& kind, rapport_guide_id guide, int32_t score,
                                            int32_t self_assessment, const rapport_answer* answers, size_t n_answers) {
  rapport::ConversationSpec spec;
  spec.relationship = rapport::RelationshipId{relationship};
  spec.date = date_arg(date, "date");
  spec.kind = enum_arg<rapport::ConversationKind>(kind, rapport::conversation_kind_count, "conversation kind");
  spec.guide = rapport::GuideId{guide};
  spec.score = score_arg(score, "score");
  spec.self_assessment = score_arg(self_assessment, "self_assessment");
  if (n_answers > 0 && !answers) fail(RAPPORT_MISUSE, "answers is NULL but n_answers is " + std::to_string(n_answers));
  spec.answers.reserve(n_answers);
  for (size_t i = 0; i < n_answers; ++i) {
    std::string at = "answers[" + std::to_string(i) + "]";
    spec.answers.push_back(rapport::Answer{std::string(text(answers[i].question, (at + ".question").c_str())),
                                           std::string(text(answers[i].text, (at + ".text").c_str()))});
  }
  return spec;
}

}  // namespace

extern "C" {

RAPPORT_API rapport_status rapport_conversation_add(rapport_org* org, rapport_relationship_id relationship, int32_t date,
                                                    rapport_conversation_kind kind, rapport_guide_id guide,
                                                    int32_t score, int32_t self_assessment,
                                                    const rapport_answer* answers, size_t n_answers,
                                                    rapport_conversation_id* out_id) {
  return guarded(__func__, [&] {
    reset(out_id, RAPPORT_NO_ID);
    auto& out = need(out_id, "out_id");
    auto spec = conversation_spec(relationship, date, kind, guide, score, self_assessment, answers, n_answers);
    out = write_org(org).org().add_conversation(spec).value;
  });
}

RAPPORT_API rapport_status rapport_conversation_update(rapport_org* org, rapport_conversation_id id,
                                                       rapport_relationship_id relationship, int32_t date,
                                                       rapport_conversation_kind kind, rapport_guide_id guide,
                                                       int32_t score, int32_t self_assessment,
                                                       const rapport_answer* answers, size_t n_answers) {
  return guarded(__func__, [&] {
    auto spec = conversation_spec(relationship, date, kind, guide, score, self_assessment, answers, n_answers);
    write_org(org).org().update_conversation(ConversationId{id}, spec);
  });
}

RAPPORT_API rapport_status rapport_conversation_remove(rapport_org* org, rapport_conversation_id id) {
  return guarded(__func__, [&] { write_org(org).org().remove_conversation(ConversationId{id}); });
}

RAPPORT_API rapport_status rapport_conversations_add_bulk(rapport_org* org, size_t n, const uint32_t* relationships,
                                                          const int32_t* dates, const uint8_t* kinds,
                                                          const uint32_t* guides, const uint8_t* scores,
                                                          const uint8_t* self_assessments,
                                                          rapport_conversation_id* out_first_id) {
  return guarded(__func__, [&] {
    reset(out_first_id, RAPPORT_NO_ID);
    auto& out = need(out_first_id, "out_first_id");
    if (n > 0) {
      need(relationships, "relationships"), need(dates, "dates"), need(kinds, "kinds"), need(guides, "guides"),
          need(scores, "scores");
    }
    // The core checks ids, kinds and scales; dates are the shim's promise (years 1-9999). One
    // branch-free min/max pass first, and a search for the culprit only when it fails.
    std::int32_t lo = 0, hi = 0;
    if (n > 0) {
      lo = hi = dates[0];
      for (size_t i = 1; i < n; ++i) lo = std::min(lo, dates[i]), hi = std::max(hi, dates[i]);
    }
    if (n > 0 && (!date_in_range(lo) || !date_in_range(hi)))
      for (size_t i = 0; i < n; ++i)
        if (!date_in_range(dates[i])) date_arg(dates[i], ("conversation row " + std::to_string(i) + ": date").c_str());
    rapport::ConversationColumns columns{
        {relationships, n}, {dates, n}, {kinds, n}, {guides, n}, {scores, n},
        self_assessments ? std::span<const std::uint8_t>(self_assessments, n) : std::span<const std::uint8_t>()};
    if (n == 0) columns = rapport::ConversationColumns{};
    out = write_org(org).org().add_conversations(columns).value;
  });
}

RAPPORT_API rapport_status rapport_conversation_get(const rapport_org* org, rapport_conversation_id id,
                                                    rapport_conversation_info* out_info) {
  return guarded(__func__, [&] {
    reset(out_info, rapport_conversation_info{RAPPORT_NO_ID, RAPPORT_NO_ID, RAPPORT_NO_DATE,
                                              RAPPORT_CONVERSATION_CUSTOMER_REVIEW, RAPPORT_NO_ID, RAPPORT_NO_SCORE,
                                              RAPPORT_NO_SCORE});
    auto& out = need(out_info, "out_info");
    auto r = read_org(org);
    rapport::ConversationFacts f = r.org().conversation(ConversationId{id});
    out = rapport_conversation_info{f.id.value,    f.relationship.value,     f.date.days,
                                    rapport_conversation_kind(f.kind), f.guide.value, score_out(f.score),
                                    score_out(f.self_assessment)};
  });
}

RAPPORT_API rapport_status rapport_conversations_list(const rapport_org* org, rapport_id_array* out_ids) {
  return guarded(__func__, [&] {
    reset(out_ids, rapport_id_array{nullptr, 0});
    auto& out = need(out_ids, "out_ids");
    auto r = read_org(org);
    const rapport::ConversationTable& t = r.org().conversations();
    auto* p = static_cast<std::uint32_t*>(owned_alloc(t.size() * sizeof(std::uint32_t), AllocKind::ids));
    std::size_t n = 0;
    for (std::uint32_t id = 0, bound = t.id_bound(); id < bound; ++id)
      if (t.row_of(ConversationId{id})) p[n++] = id;
    out = rapport_id_array{p, n};
  });
}

RAPPORT_API rapport_status rapport_conversation_answers(const rapport_org* org, rapport_conversation_id id,
                                                        rapport_answer_list* out_answers) {
  return guarded(__func__, [&] {
    reset(out_answers, rapport_answer_list{nullptr, 0});
    auto& out = need(out_answers, "out_answers");
    auto r = read_org(org);
    std::vector<rapport::Answer> answers = r.org().answers(ConversationId{id});
    r.lock.unlock();
    // One allocation: the items, then every string they point to.
    std::size_t bytes = answers.size() * sizeof(rapport_answer);
    for (const auto& a : answers) bytes += a.question.size() + 1 + a.text.size() + 1;
    auto* block = static_cast<char*>(owned_alloc(bytes, AllocKind::answers));
    auto* items = reinterpret_cast<rapport_answer*>(block);
    char* strings = block + answers.size() * sizeof(rapport_answer);
    auto copy = [&](const std::string& s) {
      std::memcpy(strings, s.c_str(), s.size() + 1);
      const char* at = strings;
      strings += s.size() + 1;
      return at;
    };
    for (std::size_t i = 0; i < answers.size(); ++i) {
      items[i].question = copy(answers[i].question);
      items[i].text = copy(answers[i].text);
    }
    out = rapport_answer_list{items, answers.size()};
  });
}

RAPPORT_API rapport_status rapport_answer_list_free(rapport_answer_list* answers) {
  return guarded(__func__, [&] {
    if (!answers) return;
    owned_free(answers->items, AllocKind::answers, "answers->items");
    *answers = rapport_answer_list{nullptr, 0};
  });
}

RAPPORT_API rapport_status rapport_conversation_agreements(const rapport_org* org, rapport_conversation_id id,
                                                           rapport_id_array* out_ids) {
  return guarded(__func__, [&] {
    reset(out_ids, rapport_id_array{nullptr, 0});
    auto& out = need(out_ids, "out_ids");
    auto r = read_org(org);
    r.org().conversation(ConversationId{id});  // NOT_FOUND for an unknown one
    std::vector<std::uint32_t> ids;
    for (const rapport::Agreement& a : r.org().agreements())
      if (a.conversation.value == id) ids.push_back(a.id.value);
    fill_ids(out, ids);
  });
}

}  // extern "C"
