// C module: guides, the question sets conversations follow.
#include <algorithm>

#include "capi_internal.hpp"


using namespace rapport::capi;
using rapport::GuideId;

namespace {

const rapport::Question& question_at(const rapport::Guide& g, std::uint32_t index) {
  if (index >= g.questions.size())
    fail(RAPPORT_NOT_FOUND, "guide '" + g.key + "' has " + std::to_string(g.questions.size()) +
                                " questions; there is no question " + std::to_string(index));
  return g.questions[index];
}

}  // namespace

extern "C" {

RAPPORT_API rapport_status rapport_guide_add(rapport_org* org, const char* key, const char* title,
                                             rapport_conversation_kind kind, int32_t scale_min, int32_t scale_max,
                                             const rapport_question_text* texts, size_t n_texts,
                                             rapport_guide_id* out_id) {
  return guarded(__func__, [&] {
    reset(out_id, RAPPORT_NO_ID);
    auto& out = need(out_id, "out_id");
    rapport::GuideSpec spec;
    spec.key = std::string(text(key, "key"));
    spec.title = std::string(opt_text(title, "title"));
    spec.kind = enum_arg<rapport::ConversationKind>(kind, rapport::conversation_kind_count, "conversation kind");
    if (scale_min < 0 || scale_max > 254 || scale_min >= scale_max)
      fail(RAPPORT_INVALID_ARGUMENT, "a scale needs 0 <= min < max <= 254, not " + std::to_string(scale_min) + "-" +
                                         std::to_string(scale_max));
    spec.scale = rapport::Scale{std::uint8_t(scale_min), std::uint8_t(scale_max)};
    if (n_texts > 0 && !texts) fail(RAPPORT_MISUSE, "texts is NULL but n_texts is " + std::to_string(n_texts));
    for (size_t i = 0; i < n_texts; ++i) {
      const rapport_question_text& t = texts[i];
      std::string at = "texts[" + std::to_string(i) + "]";
      std::string k(text(t.key, (at + ".key").c_str()));
      if (!t.language != !t.text) fail(RAPPORT_MISUSE, at + ": language and text must both be set or both be NULL");
      auto q = std::find_if(spec.questions.begin(), spec.questions.end(),
                            [&](const rapport::Question& x) { return x.key == k; });
      if (q == spec.questions.end()) q = spec.questions.insert(spec.questions.end(), rapport::Question{k, {}});
      if (t.language) {
        std::string lang(text(t.language, (at + ".language").c_str()));
        if (!q->text.emplace(lang, std::string(text(t.text, (at + ".text").c_str()))).second)
          fail(RAPPORT_DUPLICATE, at + ": question '" + k + "' already has a '" + lang + "' wording");
      }
    }
    out = write_org(org).org().add_guide(std::move(spec)).value;
  });
}

RAPPORT_API rapport_status rapport_guide_find(const rapport_org* org, const char* key, rapport_guide_id* out_id) {
  return guarded(__func__, [&] {
    reset(out_id, RAPPORT_NO_ID);
    auto& out = need(out_id, "out_id");
    auto k = text(key, "key");
    auto r = read_org(org);
    auto found = r.org().find_guide(k);
    if (!found) fail(RAPPORT_NOT_FOUND, "no guide has the key '" + std::string(k) + "'");
    out = found->value;
  });
}

RAPPORT_API rapport_status rapport_guide_get(const rapport_org* org, rapport_guide_id id, rapport_guide_info* out_info) {
  return guarded(__func__, [&] {
    reset(out_info, rapport_guide_info{RAPPORT_NO_ID, RAPPORT_CONVERSATION_CUSTOMER_REVIEW, 0, 0, 0, 0});
    auto& out = need(out_info, "out_info");
    auto r = read_org(org);
    const rapport::Guide& g = r.org().guide(GuideId{id});
    out = rapport_guide_info{g.id.value, rapport_conversation_kind(g.kind), g.scale.min, g.scale.max,
                             std::uint32_t(g.questions.size()), g.builtin ? 1 : 0};
  });
}

RAPPORT_API rapport_status rapport_guide_key(const rapport_org* org, rapport_guide_id id, char** out_key) {
  return guarded(__func__, [&] {
    reset(out_key, nullptr);
    auto& out = need(out_key, "out_key");
    auto r = read_org(org);
    out = owned_string(r.org().guide(GuideId{id}).key);
  });
}

RAPPORT_API rapport_status rapport_guide_title(const rapport_org* org, rapport_guide_id id, char** out_title) {
  return guarded(__func__, [&] {
    reset(out_title, nullptr);
    auto& out = need(out_title, "out_title");
    auto r = read_org(org);
    out = owned_string(r.org().guide(GuideId{id}).title);
  });
}

RAPPORT_API rapport_status rapport_guide_question_key(const rapport_org* org, rapport_guide_id id, uint32_t index,
                                                      char** out_key) {
  return guarded(__func__, [&] {
    reset(out_key, nullptr);
    auto& out = need(out_key, "out_key");
    auto r = read_org(org);
    out = owned_string(question_at(r.org().guide(GuideId{id}), index).key);
  });
}

RAPPORT_API rapport_status rapport_guide_question_text(const rapport_org* org, rapport_guide_id id, uint32_t index,
                                                       const char* language, char** out_text) {
  return guarded(__func__, [&] {
    reset(out_text, nullptr);
    auto& out = need(out_text, "out_text");
    auto lang = language ? text(language, "language") : std::string_view("en");
    auto r = read_org(org);
    out = owned_string(question_at(r.org().guide(GuideId{id}), index).text_in(lang));
  });
}

RAPPORT_API rapport_status rapport_guides_list(const rapport_org* org, rapport_id_array* out_ids) {
  return guarded(__func__, [&] {
    reset(out_ids, rapport_id_array{nullptr, 0});
    auto& out = need(out_ids, "out_ids");
    auto r = read_org(org);
    std::vector<std::uint32_t> ids;
    for (const rapport::Guide& g : r.org().guides()) ids.push_back(g.id.value);
    fill_ids(out, ids);
  });
}

}  // extern "C"
