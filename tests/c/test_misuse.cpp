// Misuse of every exported function, table-driven: for each function a set of valid arguments, and
// then every pointer argument replaced by NULL, and every handle argument replaced by a destroyed
// handle, a handle of the wrong type and values that are no handle at all. Each must give
// RAPPORT_MISUSE (or, for an optional pointer, anything but a crash), record the error for the
// thread, and change nothing. Free functions get NULL, double free, foreign and wrong-kind pointers.
#include <rapport.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

template <class F>
struct fn_args;
template <class R, class... A>
struct fn_args<R (*)(A...)> {
  using type = std::tuple<A...>;
};

template <class T>
constexpr bool is_org_handle = std::is_same_v<std::remove_cv_t<std::remove_pointer_t<T>>, rapport_org>;
template <class T>
constexpr bool is_scores_handle = std::is_same_v<std::remove_cv_t<std::remove_pointer_t<T>>, rapport_scores>;

/// A live organisation with one of everything, plus handles that must be refused.
struct Fixture {
  rapport_org* org = nullptr;
  rapport_org* dead = nullptr;  ///< created and destroyed
  rapport_scores* scores = nullptr;       ///< a live batch result
  rapport_scores* dead_scores = nullptr;  ///< destroyed
  rapport_scope unit_scope{RAPPORT_LEVEL_UNIT, 0, RAPPORT_SIDE_OUTPUT};
  rapport_filter filter = RAPPORT_FILTER_INIT;
  rapport_privacy privacy = RAPPORT_PRIVACY_INIT;
  rapport_batch_options options = RAPPORT_BATCH_OPTIONS_INIT;
  rapport_period y2024{0, 0}, y2025{0, 0};
  rapport_unit_id company = 0, team = 0, person = 0, customer = 0;
  rapport_relationship_id service = 0, leadership = 0;
  rapport_conversation_id conversation = 0;
  rapport_agreement_id agreement = 0;
  rapport_complaint_id complaint = 0;
  rapport_referral_id referral = 0;
  int32_t day = 0;

  Fixture() {
    REQUIRE(rapport_org_create(&org) == RAPPORT_OK);
    REQUIRE(rapport_org_create(&dead) == RAPPORT_OK);
    REQUIRE(rapport_org_destroy(dead) == RAPPORT_OK);
    REQUIRE(rapport_date_from_ymd(2025, 6, 1, &day) == RAPPORT_OK);
    REQUIRE(rapport_unit_add(org, "co", "Co", RAPPORT_UNIT_COMPANY, RAPPORT_NO_ID, RAPPORT_NO_ID, &company) == RAPPORT_OK);
    REQUIRE(rapport_unit_add(org, "team", "Team", RAPPORT_UNIT_TEAM, company, RAPPORT_NO_ID, &team) == RAPPORT_OK);
    REQUIRE(rapport_unit_add(org, "p", "P", RAPPORT_UNIT_PERSON, team, RAPPORT_NO_ID, &person) == RAPPORT_OK);
    REQUIRE(rapport_unit_add(org, "cu", "Cu", RAPPORT_UNIT_CUSTOMER, RAPPORT_NO_ID, RAPPORT_NO_ID, &customer) ==
            RAPPORT_OK);
    REQUIRE(rapport_relationship_add(org, team, customer, RAPPORT_BOND_SERVICE, "s", &service) == RAPPORT_OK);
    REQUIRE(rapport_relationship_add(org, team, person, RAPPORT_BOND_LEADERSHIP, "l", &leadership) == RAPPORT_OK);
    rapport_answer a{"better", "faster"};
    REQUIRE(rapport_conversation_add(org, service, day, RAPPORT_CONVERSATION_CUSTOMER_REVIEW,
                                     RAPPORT_GUIDE_CUSTOMER_REVIEW, 9, 8, &a, 1, &conversation) == RAPPORT_OK);
    REQUIRE(rapport_agreement_add(org, conversation, team, "t", day + 10, &agreement) == RAPPORT_OK);
    REQUIRE(rapport_complaint_add(org, service, day, RAPPORT_SEVERITY_LOW, "c", &complaint) == RAPPORT_OK);
    REQUIRE(rapport_referral_add(org, service, day, RAPPORT_REFERRAL_CUSTOMER, RAPPORT_NO_ID, &referral) == RAPPORT_OK);
    unit_scope.id = team;
    REQUIRE(rapport_date_from_ymd(2024, 1, 1, &y2024.begin) == RAPPORT_OK);
    y2024.end = y2025.begin = y2024.begin + 366;
    y2025.end = y2025.begin + 365;
    REQUIRE(rapport_score_units(org, nullptr, nullptr, &scores) == RAPPORT_OK);
    REQUIRE(rapport_score_relationships(org, nullptr, nullptr, &dead_scores) == RAPPORT_OK);
    REQUIRE(rapport_scores_destroy(dead_scores) == RAPPORT_OK);
  }
  ~Fixture() {
    rapport_scores_destroy(scores);
    rapport_org_destroy(org);
  }

  /// Handle values that are not a live rapport_org: destroyed, of another type, forged, garbage.
  /// The same for rapport_scores.
  std::vector<std::pair<const char*, rapport_scores*>> bad_scores() const {
    auto v = reinterpret_cast<std::uintptr_t>(scores);
    return {{"destroyed handle", dead_scores},
            {"wrong-type handle", reinterpret_cast<rapport_scores*>(org)},
            {"handle from the future", reinterpret_cast<rapport_scores*>(v + (std::uintptr_t(3) << 32))},
            {"aligned garbage pointer", reinterpret_cast<rapport_scores*>(std::uintptr_t(0x7fff12345670))}};
  }
  std::vector<std::pair<const char*, rapport_org*>> bad_orgs() const {
    auto v = reinterpret_cast<std::uintptr_t>(org);
    auto scores_tagged = (v & ~std::uintptr_t(0xFF)) | 0xA2;  // a rapport_scores tag on a live slot
    auto no_slot = (v & ~std::uintptr_t(0xFFFFFF00)) | (std::uintptr_t(0xFFFFF0) << 8);
    auto future = v + (std::uintptr_t(7) << 32);  // a generation the slot has not reached
    return {{"destroyed handle", dead},
            {"wrong-type handle", reinterpret_cast<rapport_org*>(scores)},
            {"wrong-type tag on a live org's slot", reinterpret_cast<rapport_org*>(scores_tagged)},
            {"handle of a slot never used", reinterpret_cast<rapport_org*>(no_slot)},
            {"handle from the future", reinterpret_cast<rapport_org*>(future)},
            {"aligned garbage pointer", reinterpret_cast<rapport_org*>(std::uintptr_t(0x7fff12345670))},
            {"odd garbage pointer", reinterpret_cast<rapport_org*>(std::uintptr_t(0x13))}};
  }
};

std::string counts_of(rapport_org* org) {
  rapport_org_counts c{};
  if (rapport_org_counts_get(org, &c) != RAPPORT_OK) return "?";
  return std::to_string(c.units) + "/" + std::to_string(c.relationships) + "/" + std::to_string(c.guides) + "/" +
         std::to_string(c.conversations) + "/" + std::to_string(c.answers) + "/" + std::to_string(c.agreements) +
         "/" + std::to_string(c.complaints) + "/" + std::to_string(c.referrals);
}

/// The call must be refused as misuse, say so for this thread under the function's name, and leave
/// the fixture's organisation unchanged.
template <class Call>
void expect_misuse(const Fixture& f, const char* name, const std::string& what, Call&& call) {
  INFO(name << " with " << what);
  auto before = counts_of(f.org);
  rapport_status s = call();
  CHECK(s == RAPPORT_MISUSE);
  CHECK(rapport_last_error_code() == RAPPORT_MISUSE);
  CHECK(std::strncmp(rapport_last_error_message(), name, std::strlen(name)) == 0);
  CHECK(counts_of(f.org) == before);
}

/// Every pointer argument of `Fn` in turn set to NULL; every handle argument replaced by bad handles;
/// all pointer arguments NULL at once. `optional` lists the argument positions where NULL is allowed.
template <auto Fn, class... V>
void check_misuse(const Fixture& f, const char* name, std::set<std::size_t> optional, V&&... values) {
  using Args = typename fn_args<decltype(Fn)>::type;
  const Args valid{std::forward<V>(values)...};
  constexpr std::size_t n = std::tuple_size_v<Args>;
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (
        [&] {
          using T = std::tuple_element_t<I, Args>;
          if constexpr (std::is_pointer_v<T>) {
            Args args = valid;
            std::get<I>(args) = nullptr;
            std::string what = "argument " + std::to_string(I + 1) + " NULL";
            if (optional.count(I)) {
              INFO(name << " with " << what << " (optional)");
              CHECK(std::apply(Fn, args) != RAPPORT_MISUSE);
            } else {
              expect_misuse(f, name, what, [&] { return std::apply(Fn, args); });
            }
            auto bad_handles = [&] {
              if constexpr (is_org_handle<T>) return f.bad_orgs();
              else if constexpr (is_scores_handle<T>) return f.bad_scores();
              else return std::vector<std::pair<const char*, T>>{};
            };
            if constexpr (is_org_handle<T> || is_scores_handle<T>) {
              for (auto [label, bad] : bad_handles()) {
                Args b = valid;
                std::get<I>(b) = bad;
                expect_misuse(f, name, std::string(label) + " as argument " + std::to_string(I + 1),
                              [&] { return std::apply(Fn, b); });
              }
            }
          }
        }(),
        ...);
    // Every pointer NULL at once.
    Args all = valid;
    bool any = false;
    (
        [&] {
          if constexpr (std::is_pointer_v<std::tuple_element_t<I, Args>>) {
            std::get<I>(all) = nullptr;
            any = true;
          }
        }(),
        ...);
    if (any && optional.size() < n) expect_misuse(f, name, "every pointer NULL", [&] { return std::apply(Fn, all); });
  }(std::make_index_sequence<n>{});
}

#define MISUSE_CASE(fn, optional, ...)                 \
  TEST_CASE(#fn ": misuse", "[misuse]") {              \
    Fixture f;                                         \
    check_misuse<fn>(f, #fn, optional, __VA_ARGS__);   \
  }
#define NONE std::set<std::size_t>{}
#define OPT(...) std::set<std::size_t>{__VA_ARGS__}

// Scratch out parameters, one per type (their values do not matter here).
rapport_org* out_org;
uint32_t out_id;
int32_t out_i1, out_i2, out_i3;
char* out_str;
uint8_t* out_bytes;
size_t out_len;
rapport_id_array out_ids;
rapport_org_counts out_counts;
rapport_unit_info out_unit;
rapport_relationship_info out_rel;
rapport_guide_info out_guide;
rapport_conversation_info out_conv;
rapport_agreement_info out_agr;
rapport_complaint_info out_cmp;
rapport_referral_info out_ref;
rapport_fishbone out_fishbone;
rapport_erasure_report out_report;
rapport_answer_list out_answers;
rapport_satisfaction out_sat;
rapport_nps out_nps;
rapport_csat out_csat;
rapport_trend out_trend;
rapport_contribution_list out_records;
rapport_scores* out_scores;
rapport_coverage out_coverage;
rapport_reliability out_reliability;
rapport_health out_health;
rapport_gap out_gap;
rapport_reciprocity out_reciprocity;
rapport_local_optimiser out_lo;
rapport_retention out_retention;
rapport_cost_of_loss out_cost;
rapport_servqual out_servqual;
rapport_contribution_list servqual_records[RAPPORT_SERVQUAL_DIMENSIONS];
rapport_free_text out_free_text;
rapport_text_answer_list out_text_answers;
const rapport_health_weights health_weights = RAPPORT_HEALTH_WEIGHTS_INIT;
const rapport_retention_weights retention_weights = RAPPORT_RETENTION_WEIGHTS_INIT;
const rapport_local_optimiser_options lo_options = RAPPORT_LOCAL_OPTIMISER_OPTIONS_INIT;
rapport_scores_info out_scores_info;
const void* out_values;
rapport_column_type out_type;
int64_t out_distribution[255];
double column_buffer[64];

const rapport_question_text question_texts[] = {{"q", "en", "Q?"}};
const rapport_answer answers[] = {{"better", "more"}};
const uint32_t bulk_rel[1] = {0};
const int32_t bulk_date[1] = {20000};
const uint8_t bulk_kind[1] = {0};
const uint32_t bulk_guide[1] = {0};
const uint8_t bulk_score[1] = {7};
const uint8_t bulk_self[1] = {6};
const char archive_bytes[48] = "not an archive";

}  // namespace

// --- dates ----------------------------------------------------------------------------------------
MISUSE_CASE(rapport_date_from_ymd, NONE, 2025, 1, 2, &out_i1)
MISUSE_CASE(rapport_date_to_ymd, NONE, 20000, &out_i1, &out_i2, &out_i3)

// --- organisation ---------------------------------------------------------------------------------
MISUSE_CASE(rapport_org_create, NONE, &out_org)
MISUSE_CASE(rapport_org_clone, NONE, f.org, &out_org)
MISUSE_CASE(rapport_org_counts_get, NONE, f.org, &out_counts)
MISUSE_CASE(rapport_org_compact, NONE, f.org)
MISUSE_CASE(rapport_org_save, NONE, f.org, "/nonexistent-dir/x.rapport")
MISUSE_CASE(rapport_org_load, NONE, "/nonexistent-dir/x.rapport", &out_org)
MISUSE_CASE(rapport_org_save_to_bytes, NONE, f.org, &out_bytes, &out_len)
MISUSE_CASE(rapport_org_load_from_bytes, NONE, archive_bytes, sizeof archive_bytes, &out_org)

// --- units ----------------------------------------------------------------------------------------
MISUSE_CASE(rapport_unit_add, OPT(2), f.org, "new", "New", RAPPORT_UNIT_TEAM, f.company, RAPPORT_NO_ID, &out_id)
MISUSE_CASE(rapport_unit_update, OPT(3), f.org, f.team, "team", "Team", RAPPORT_UNIT_TEAM, f.company, RAPPORT_NO_ID)
MISUSE_CASE(rapport_unit_remove, NONE, f.org, f.customer)
MISUSE_CASE(rapport_unit_find, NONE, f.org, "team", &out_id)
MISUSE_CASE(rapport_unit_get, NONE, f.org, f.team, &out_unit)
MISUSE_CASE(rapport_unit_key, NONE, f.org, f.team, &out_str)
MISUSE_CASE(rapport_unit_name, NONE, f.org, f.team, &out_str)
MISUSE_CASE(rapport_units_list, NONE, f.org, &out_ids)
MISUSE_CASE(rapport_unit_children, NONE, f.org, f.company, &out_ids)
MISUSE_CASE(rapport_unit_payer_chain, NONE, f.org, f.person, &out_ids)
MISUSE_CASE(rapport_unit_relationships, NONE, f.org, f.team, &out_ids)
MISUSE_CASE(rapport_unit_fishbone, NONE, f.org, f.team, &out_fishbone)
MISUSE_CASE(rapport_person_erase, NONE, f.org, f.person, &out_report)

// --- relationships --------------------------------------------------------------------------------
MISUSE_CASE(rapport_relationship_add, OPT(4), f.org, f.company, f.customer, RAPPORT_BOND_SERVICE, "x", &out_id)
MISUSE_CASE(rapport_relationship_update, OPT(2), f.org, f.service, "y")
MISUSE_CASE(rapport_relationship_remove, NONE, f.org, f.leadership)
MISUSE_CASE(rapport_relationship_find, NONE, f.org, f.team, f.customer, RAPPORT_BOND_SERVICE, &out_id)
MISUSE_CASE(rapport_relationship_get, NONE, f.org, f.service, &out_rel)
MISUSE_CASE(rapport_relationship_label, NONE, f.org, f.service, &out_str)
MISUSE_CASE(rapport_relationships_list, NONE, f.org, &out_ids)
MISUSE_CASE(rapport_relationship_conversations, NONE, f.org, f.service, &out_ids)

// --- guides ---------------------------------------------------------------------------------------
MISUSE_CASE(rapport_guide_add, OPT(2), f.org, "g", "G", RAPPORT_CONVERSATION_AD_HOC, 1, 5, question_texts, 1, &out_id)
MISUSE_CASE(rapport_guide_find, NONE, f.org, "customer_review", &out_id)
MISUSE_CASE(rapport_guide_get, NONE, f.org, 0u, &out_guide)
MISUSE_CASE(rapport_guide_key, NONE, f.org, 0u, &out_str)
MISUSE_CASE(rapport_guide_title, NONE, f.org, 0u, &out_str)
MISUSE_CASE(rapport_guide_question_key, NONE, f.org, 0u, 0u, &out_str)
MISUSE_CASE(rapport_guide_question_text, OPT(3), f.org, 0u, 0u, "de", &out_str)
MISUSE_CASE(rapport_guides_list, NONE, f.org, &out_ids)

// --- conversations --------------------------------------------------------------------------------
MISUSE_CASE(rapport_conversation_add, NONE, f.org, f.service, f.day, RAPPORT_CONVERSATION_CUSTOMER_REVIEW,
            RAPPORT_GUIDE_CUSTOMER_REVIEW, 7, RAPPORT_NO_SCORE, answers, 1, &out_id)
MISUSE_CASE(rapport_conversation_update, NONE, f.org, f.conversation, f.service, f.day,
            RAPPORT_CONVERSATION_CUSTOMER_REVIEW, RAPPORT_GUIDE_CUSTOMER_REVIEW, 7, RAPPORT_NO_SCORE, answers, 1)
MISUSE_CASE(rapport_conversation_remove, NONE, f.org, f.conversation)
MISUSE_CASE(rapport_conversations_add_bulk, OPT(7), f.org, 1, bulk_rel, bulk_date, bulk_kind, bulk_guide, bulk_score,
            bulk_self, &out_id)
MISUSE_CASE(rapport_conversation_get, NONE, f.org, f.conversation, &out_conv)
MISUSE_CASE(rapport_conversations_list, NONE, f.org, &out_ids)
MISUSE_CASE(rapport_conversation_answers, NONE, f.org, f.conversation, &out_answers)
MISUSE_CASE(rapport_conversation_agreements, NONE, f.org, f.conversation, &out_ids)

// --- agreements, complaints, referrals ------------------------------------------------------------
MISUSE_CASE(rapport_agreement_add, OPT(3), f.org, f.conversation, f.team, "a", f.day + 1, &out_id)
MISUSE_CASE(rapport_agreement_close, NONE, f.org, f.agreement, RAPPORT_AGREEMENT_KEPT, f.day + 1)
MISUSE_CASE(rapport_agreement_remove, NONE, f.org, f.agreement)
MISUSE_CASE(rapport_agreement_get, NONE, f.org, f.agreement, &out_agr)
MISUSE_CASE(rapport_agreement_text, NONE, f.org, f.agreement, &out_str)
MISUSE_CASE(rapport_agreements_list, NONE, f.org, &out_ids)
MISUSE_CASE(rapport_complaint_add, OPT(4), f.org, f.service, f.day, RAPPORT_SEVERITY_HIGH, "c", &out_id)
MISUSE_CASE(rapport_complaint_advance, NONE, f.org, f.complaint, RAPPORT_COMPLAINT_ACKNOWLEDGED, f.day + 1,
            RAPPORT_COMPLAINT_OUTCOME_NONE)
MISUSE_CASE(rapport_complaint_remove, NONE, f.org, f.complaint)
MISUSE_CASE(rapport_complaint_get, NONE, f.org, f.complaint, &out_cmp)
MISUSE_CASE(rapport_complaint_text, NONE, f.org, f.complaint, &out_str)
MISUSE_CASE(rapport_complaints_list, NONE, f.org, &out_ids)
MISUSE_CASE(rapport_referral_add, NONE, f.org, f.service, f.day, RAPPORT_REFERRAL_CUSTOMER, RAPPORT_NO_ID, &out_id)
MISUSE_CASE(rapport_referral_set_outcome, NONE, f.org, f.referral, RAPPORT_REFERRAL_WON, f.day + 1)
MISUSE_CASE(rapport_referral_remove, NONE, f.org, f.referral)
MISUSE_CASE(rapport_referral_get, NONE, f.org, f.referral, &out_ref)
MISUSE_CASE(rapport_referrals_list, NONE, f.org, &out_ids)

// --- scores -----------------------------------------------------------------------------------------
MISUSE_CASE(rapport_score_satisfaction, OPT(2, 3, 5, 7), f.org, &f.unit_scope, &f.filter, &f.privacy, &out_sat,
            out_distribution, 255, &out_records)
MISUSE_CASE(rapport_score_nps, OPT(2, 3, 6), f.org, &f.unit_scope, &f.filter, &f.privacy, RAPPORT_NPS_STANDARD,
            &out_nps, &out_records)
MISUSE_CASE(rapport_score_csat, OPT(2, 3, 6), f.org, &f.unit_scope, &f.filter, &f.privacy, RAPPORT_CSAT_MEAN,
            &out_csat, &out_records)
MISUSE_CASE(rapport_score_trend, OPT(4, 5, 7), f.org, &f.unit_scope, f.y2024, f.y2025, &f.filter, &f.privacy,
            &out_trend, &out_records)
MISUSE_CASE(rapport_score_coverage, OPT(5, 6), f.org, &f.unit_scope, f.day, RAPPORT_REVIEW_KINDS, &out_coverage,
            &out_ids, &out_records)
MISUSE_CASE(rapport_score_reliability, OPT(5), f.org, &f.unit_scope, f.y2025, f.day, &out_reliability, &out_records)
MISUSE_CASE(rapport_score_health, OPT(3, 4), f.org, &f.unit_scope, f.day, &health_weights, &f.privacy, &out_health)
MISUSE_CASE(rapport_score_gap, OPT(2, 3, 5), f.org, &f.unit_scope, &f.filter, &f.privacy, &out_gap, &out_records)
MISUSE_CASE(rapport_score_reciprocity, OPT(3, 5), f.org, f.team, f.customer, &f.filter, &out_reciprocity, &out_records)
MISUSE_CASE(rapport_score_local_optimiser, OPT(2, 3, 4, 6), f.org, f.team, &f.filter, &lo_options, &f.privacy, &out_lo,
            &out_records)
MISUSE_CASE(rapport_score_retention, OPT(3), f.org, f.person, f.day, &retention_weights, &out_retention)
MISUSE_CASE(rapport_cost_of_loss_estimate, NONE, 0.5, 50000.0, RAPPORT_REPLACEMENT_PERCENT_21, &out_cost)
MISUSE_CASE(rapport_guide_add_servqual, NONE, f.org, "servqual", 1, 7, &out_id)
MISUSE_CASE(rapport_score_servqual, OPT(2, 3, 6), f.org, &f.unit_scope, &f.filter, &f.privacy, RAPPORT_SERVQUAL_GAP,
            &out_servqual, servqual_records)
MISUSE_CASE(rapport_score_free_text, OPT(3, 4), f.org, &f.unit_scope, "better", &f.filter, &f.privacy, &out_free_text,
            &out_text_answers)
MISUSE_CASE(rapport_score_units, OPT(1, 2), f.org, &f.filter, &f.options, &out_scores)
MISUSE_CASE(rapport_score_subtrees, OPT(1, 2), f.org, &f.filter, &f.options, &out_scores)
MISUSE_CASE(rapport_score_relationships, OPT(1, 2), f.org, &f.filter, &f.options, &out_scores)
MISUSE_CASE(rapport_score_latest, OPT(1), f.org, &f.filter, &out_scores)
MISUSE_CASE(rapport_score_unit_years, OPT(3, 4), f.org, 2024, 2025, &f.filter, &f.options, &out_scores)
MISUSE_CASE(rapport_score_local_optimisers, OPT(1, 2, 3), f.org, &f.filter, &lo_options, &f.privacy, &out_scores)
MISUSE_CASE(rapport_scores_get_info, NONE, f.scores, &out_scores_info)
MISUSE_CASE(rapport_scores_column, NONE, f.scores, RAPPORT_COLUMN_MEAN, &out_values, &out_len, &out_type)
MISUSE_CASE(rapport_scores_copy_column, NONE, f.scores, RAPPORT_COLUMN_MEAN, column_buffer, sizeof column_buffer,
            &out_len)

// --- functions without pointer arguments: nothing to misuse, but they must answer -------------------
TEST_CASE("functions without pointer arguments answer", "[misuse]") {
  CHECK(std::string(rapport_version()) == RAPPORT_VERSION_STRING);
  CHECK(rapport_version_number() == RAPPORT_VERSION_NUMBER);
  CHECK((rapport_features() & RAPPORT_FEATURE_THREADSAFE) != 0);
  CHECK(std::string(rapport_status_name(rapport_status(-1))) == "RAPPORT_UNKNOWN_STATUS");
  rapport_org* o = nullptr;
  CHECK(rapport_org_destroy(reinterpret_cast<rapport_org*>(std::uintptr_t(0x13))) == RAPPORT_MISUSE);
  CHECK(rapport_last_error_code() == RAPPORT_MISUSE);
  CHECK(rapport_last_error_message()[0] != '\0');
  CHECK(rapport_org_create(&o) == RAPPORT_OK);
  CHECK(rapport_last_error_code() == RAPPORT_OK);
  CHECK(std::string(rapport_last_error_message()).empty());
  CHECK(rapport_org_destroy(o) == RAPPORT_OK);
}

// --- destroy and free functions -------------------------------------------------------------------
TEST_CASE("rapport_org_destroy: NULL, double destroy, wrong type, garbage", "[misuse]") {
  Fixture f;
  CHECK(rapport_org_destroy(nullptr) == RAPPORT_OK);
  for (auto [label, bad] : f.bad_orgs()) {
    INFO(label);
    CHECK(rapport_org_destroy(bad) == RAPPORT_MISUSE);
  }
  rapport_org* o = nullptr;
  REQUIRE(rapport_org_create(&o) == RAPPORT_OK);
  CHECK(rapport_org_destroy(o) == RAPPORT_OK);
  CHECK(rapport_org_destroy(o) == RAPPORT_MISUSE);
  CHECK(std::string(rapport_last_error_message()).find("already destroyed") != std::string::npos);
  // A new org may reuse the slot, never the handle value.
  rapport_org* again = nullptr;
  REQUIRE(rapport_org_create(&again) == RAPPORT_OK);
  CHECK(again != o);
  CHECK(rapport_org_compact(o) == RAPPORT_MISUSE);
  CHECK(rapport_org_destroy(again) == RAPPORT_OK);
}

TEST_CASE("rapport_scores_destroy: NULL, double destroy, wrong type, garbage", "[misuse]") {
  Fixture f;
  CHECK(rapport_scores_destroy(nullptr) == RAPPORT_OK);
  for (auto [label, bad] : f.bad_scores()) {
    INFO(label);
    CHECK(rapport_scores_destroy(bad) == RAPPORT_MISUSE);
  }
  rapport_scores* s = nullptr;
  REQUIRE(rapport_score_subtrees(f.org, nullptr, nullptr, &s) == RAPPORT_OK);
  CHECK(rapport_scores_destroy(s) == RAPPORT_OK);
  CHECK(rapport_scores_destroy(s) == RAPPORT_MISUSE);
  CHECK(rapport_org_destroy(reinterpret_cast<rapport_org*>(f.scores)) == RAPPORT_MISUSE);
  CHECK(std::string(rapport_last_error_message()).find("rapport_scores handle, not a rapport_org") != std::string::npos);
  rapport_scores_info info{};
  CHECK(rapport_scores_get_info(f.scores, &info) == RAPPORT_OK);  // the refused destroy left it alive
}

TEST_CASE("every batch kind: freed handle, double destroy, wrong-type handle, columns it lacks", "[misuse]") {
  Fixture f;
  rapport_scores* made[4] = {};
  REQUIRE(rapport_score_latest(f.org, nullptr, &made[0]) == RAPPORT_OK);
  REQUIRE(rapport_score_unit_years(f.org, 2025, 2025, nullptr, nullptr, &made[1]) == RAPPORT_OK);
  REQUIRE(rapport_score_local_optimisers(f.org, nullptr, nullptr, nullptr, &made[2]) == RAPPORT_OK);
  REQUIRE(rapport_score_units(f.org, nullptr, nullptr, &made[3]) == RAPPORT_OK);
  // A column each kind lacks: refused as an argument error, the out parameters reset.
  const rapport_score_column lacks[4] = {RAPPORT_COLUMN_MEAN, RAPPORT_COLUMN_NPS, RAPPORT_COLUMN_DATE, RAPPORT_COLUMN_YEAR};
  for (int i = 0; i < 4; ++i) {
    INFO("batch " << i);
    rapport_scores_info info{};
    CHECK(rapport_scores_get_info(made[i], &info) == RAPPORT_OK);
    const void* values = &info;
    size_t len = 7;
    rapport_column_type type = RAPPORT_TYPE_DOUBLE;
    CHECK(rapport_scores_column(made[i], lacks[i], &values, &len, &type) == RAPPORT_INVALID_ARGUMENT);
    CHECK((values == nullptr && len == 0 && type == RAPPORT_TYPE_UINT8));
    CHECK(rapport_scores_copy_column(made[i], lacks[i], column_buffer, sizeof column_buffer, &len) ==
          RAPPORT_INVALID_ARGUMENT);
    CHECK(rapport_scores_column(made[i], rapport_score_column(999), &values, &len, &type) == RAPPORT_INVALID_ARGUMENT);
    CHECK(rapport_scores_column(made[i], RAPPORT_COLUMN_STATUS, &values, &len, &type) == RAPPORT_OK);
    CHECK(len == info.rows);
    CHECK(rapport_org_destroy(reinterpret_cast<rapport_org*>(made[i])) == RAPPORT_MISUSE);  // wrong type
    CHECK(rapport_scores_destroy(made[i]) == RAPPORT_OK);
    CHECK(rapport_scores_get_info(made[i], &info) == RAPPORT_MISUSE);  // freed handle
    CHECK(rapport_scores_column(made[i], RAPPORT_COLUMN_STATUS, &values, &len, &type) == RAPPORT_MISUSE);
    CHECK(rapport_scores_destroy(made[i]) == RAPPORT_MISUSE);  // double destroy
  }
  // A failing batch leaves no handle behind.
  rapport_scores* none = f.scores;
  CHECK(rapport_score_unit_years(f.org, 2025, 2024, nullptr, nullptr, &none) == RAPPORT_INVALID_ARGUMENT);
  CHECK(none == nullptr);
  rapport_filter period = RAPPORT_FILTER_INIT;
  period.period = f.y2025;
  CHECK(rapport_score_unit_years(f.org, 2024, 2025, &period, nullptr, &none) == RAPPORT_INVALID_ARGUMENT);
  CHECK(none == nullptr);
}

TEST_CASE("rapport_score_servqual: a failed call leaves no records and a neutral result", "[misuse]") {
  Fixture f;
  rapport_contribution_list lists[RAPPORT_SERVQUAL_DIMENSIONS];
  for (auto& l : lists) l = rapport_contribution_list{reinterpret_cast<rapport_contribution*>(&f), 9};
  rapport_servqual res{};
  res.overall = 3;
  CHECK(rapport_score_servqual(f.dead, &f.unit_scope, nullptr, nullptr, RAPPORT_SERVQUAL_GAP, &res, lists) ==
        RAPPORT_MISUSE);
  for (auto& l : lists) CHECK((l.items == nullptr && l.len == 0));
  CHECK((res.status == RAPPORT_SCORE_NO_DATA && res.overall == 0 && res.scale_min == -1));
  for (int d = 0; d < RAPPORT_SERVQUAL_DIMENSIONS; ++d)
    CHECK((res.dimensions[d].status == RAPPORT_SCORE_NO_DATA && res.dimensions[d].dimension == d));
}

TEST_CASE("rapport_text_answer_list_free: NULL, empty, double free of a copy, wrong kind", "[misuse]") {
  Fixture f;
  CHECK(rapport_text_answer_list_free(nullptr) == RAPPORT_OK);
  rapport_text_answer_list empty{nullptr, 0};
  CHECK(rapport_text_answer_list_free(&empty) == RAPPORT_OK);
  rapport_scope scope{RAPPORT_LEVEL_RELATIONSHIP, f.service, RAPPORT_SIDE_OUTPUT};
  rapport_free_text res{};
  rapport_text_answer_list list{};
  REQUIRE(rapport_score_free_text(f.org, &scope, "better", nullptr, nullptr, &res, &list) == RAPPORT_OK);
  REQUIRE(list.len == 1);
  CHECK(std::string(list.items[0].text) == "faster");
  CHECK(list.items[0].conversation == f.conversation);
  rapport_text_answer_list copy = list;
  CHECK(rapport_text_answer_list_free(&list) == RAPPORT_OK);
  CHECK(list.items == nullptr);
  CHECK(rapport_text_answer_list_free(&copy) == RAPPORT_MISUSE);
  CHECK(copy.items != nullptr);  // a refused free leaves the struct alone
  // The answer list of a conversation is another kind: neither free function takes the other's list.
  rapport_answer_list answers{};
  REQUIRE(rapport_conversation_answers(f.org, f.conversation, &answers) == RAPPORT_OK);
  rapport_text_answer_list wrong{reinterpret_cast<rapport_text_answer*>(answers.items), answers.len};
  CHECK(rapport_text_answer_list_free(&wrong) == RAPPORT_MISUSE);
  REQUIRE(rapport_score_free_text(f.org, &scope, "better", nullptr, nullptr, &res, &list) == RAPPORT_OK);
  rapport_answer_list wrong2{reinterpret_cast<rapport_answer*>(list.items), list.len};
  CHECK(rapport_answer_list_free(&wrong2) == RAPPORT_MISUSE);
  CHECK(rapport_text_answer_list_free(&list) == RAPPORT_OK);
  CHECK(rapport_answer_list_free(&answers) == RAPPORT_OK);
  // Suppressed: the status says so and the list stays empty.
  rapport_scope unit{RAPPORT_LEVEL_UNIT, f.team, RAPPORT_SIDE_OUTPUT};
  CHECK(rapport_score_free_text(f.org, &unit, "better", nullptr, nullptr, &res, &list) == RAPPORT_SUPPRESSED);
  CHECK((res.status == RAPPORT_SCORE_SUPPRESSED && res.respondents == 1 && list.items == nullptr && list.len == 0));
}

TEST_CASE("rapport_contribution_list_free: NULL, double free of a copy, wrong kind", "[misuse]") {
  Fixture f;
  CHECK(rapport_contribution_list_free(nullptr) == RAPPORT_OK);
  rapport_scope scope{RAPPORT_LEVEL_RELATIONSHIP, f.service, RAPPORT_SIDE_OUTPUT};
  rapport_satisfaction sat{};
  rapport_contribution_list list{};
  REQUIRE(rapport_score_satisfaction(f.org, &scope, nullptr, nullptr, &sat, nullptr, 0, &list) == RAPPORT_OK);
  REQUIRE(list.len == 1);
  rapport_contribution_list copy = list;
  CHECK(rapport_contribution_list_free(&list) == RAPPORT_OK);
  CHECK(rapport_contribution_list_free(&copy) == RAPPORT_MISUSE);
  rapport_id_array ids{};
  REQUIRE(rapport_units_list(f.org, &ids) == RAPPORT_OK);
  rapport_contribution_list wrong{reinterpret_cast<rapport_contribution*>(ids.ids), 1};
  CHECK(rapport_contribution_list_free(&wrong) == RAPPORT_MISUSE);
  CHECK(rapport_id_array_free(&ids) == RAPPORT_OK);
}

TEST_CASE("rapport_string_free: NULL, double free, foreign and wrong-kind pointers", "[misuse]") {
  Fixture f;
  CHECK(rapport_string_free(nullptr) == RAPPORT_OK);
  char* s = nullptr;
  REQUIRE(rapport_unit_key(f.org, f.team, &s) == RAPPORT_OK);
  CHECK(rapport_string_free(s) == RAPPORT_OK);
  CHECK(rapport_string_free(s) == RAPPORT_MISUSE);
  char* foreign = static_cast<char*>(std::malloc(8));
  CHECK(rapport_string_free(foreign) == RAPPORT_MISUSE);
  std::free(foreign);
  uint8_t* bytes = nullptr;
  size_t len = 0;
  REQUIRE(rapport_org_save_to_bytes(f.org, &bytes, &len) == RAPPORT_OK);
  CHECK(rapport_string_free(reinterpret_cast<char*>(bytes)) == RAPPORT_MISUSE);
  CHECK(rapport_bytes_free(bytes) == RAPPORT_OK);  // still owned after the refused free
}

TEST_CASE("rapport_bytes_free: NULL, double free, foreign and wrong-kind pointers", "[misuse]") {
  Fixture f;
  CHECK(rapport_bytes_free(nullptr) == RAPPORT_OK);
  uint8_t* bytes = nullptr;
  size_t len = 0;
  REQUIRE(rapport_org_save_to_bytes(f.org, &bytes, &len) == RAPPORT_OK);
  CHECK(rapport_bytes_free(bytes) == RAPPORT_OK);
  CHECK(rapport_bytes_free(bytes) == RAPPORT_MISUSE);
  uint8_t local[4];
  CHECK(rapport_bytes_free(local) == RAPPORT_MISUSE);
  char* s = nullptr;
  REQUIRE(rapport_unit_key(f.org, f.team, &s) == RAPPORT_OK);
  CHECK(rapport_bytes_free(reinterpret_cast<uint8_t*>(s)) == RAPPORT_MISUSE);
  CHECK(rapport_string_free(s) == RAPPORT_OK);
}

TEST_CASE("rapport_id_array_free: NULL, empty, double free of a copy, foreign pointer", "[misuse]") {
  Fixture f;
  CHECK(rapport_id_array_free(nullptr) == RAPPORT_OK);
  rapport_id_array empty{nullptr, 0};
  CHECK(rapport_id_array_free(&empty) == RAPPORT_OK);
  rapport_id_array ids{};
  REQUIRE(rapport_units_list(f.org, &ids) == RAPPORT_OK);
  rapport_id_array copy = ids;
  CHECK(rapport_id_array_free(&ids) == RAPPORT_OK);
  CHECK(ids.ids == nullptr);
  CHECK(rapport_id_array_free(&copy) == RAPPORT_MISUSE);
  uint32_t local[2] = {1, 2};
  rapport_id_array foreign{local, 2};
  CHECK(rapport_id_array_free(&foreign) == RAPPORT_MISUSE);
  CHECK(foreign.ids == local);  // a refused free leaves the struct alone
}

TEST_CASE("rapport_fishbone_free: NULL, double free of a copy, aliased arrays", "[misuse]") {
  Fixture f;
  CHECK(rapport_fishbone_free(nullptr) == RAPPORT_OK);
  rapport_fishbone fb{};
  REQUIRE(rapport_unit_fishbone(f.org, f.team, &fb) == RAPPORT_OK);
  REQUIRE(fb.output.len == 2);
  rapport_fishbone copy = fb;
  CHECK(rapport_fishbone_free(&fb) == RAPPORT_OK);
  CHECK(rapport_fishbone_free(&copy) == RAPPORT_MISUSE);
  REQUIRE(rapport_unit_fishbone(f.org, f.team, &fb) == RAPPORT_OK);
  fb.input = fb.output;  // the same array twice: freed once, then refused
  CHECK(rapport_fishbone_free(&fb) == RAPPORT_MISUSE);
}

TEST_CASE("rapport_answer_list_free: NULL, double free of a copy, wrong kind", "[misuse]") {
  Fixture f;
  CHECK(rapport_answer_list_free(nullptr) == RAPPORT_OK);
  rapport_answer_list list{};
  REQUIRE(rapport_conversation_answers(f.org, f.conversation, &list) == RAPPORT_OK);
  REQUIRE(list.len == 1);
  rapport_answer_list copy = list;
  CHECK(rapport_answer_list_free(&list) == RAPPORT_OK);
  CHECK(rapport_answer_list_free(&copy) == RAPPORT_MISUSE);
  rapport_id_array ids{};
  REQUIRE(rapport_units_list(f.org, &ids) == RAPPORT_OK);
  rapport_answer_list wrong{reinterpret_cast<rapport_answer*>(ids.ids), 1};
  CHECK(rapport_answer_list_free(&wrong) == RAPPORT_MISUSE);
  CHECK(rapport_id_array_free(&ids) == RAPPORT_OK);
}

TEST_CASE("inner pointers of input arrays are checked", "[misuse]") {
  Fixture f;
  uint32_t id = 0;
  rapport_question_text no_key[] = {{nullptr, "en", "x"}};
  CHECK(rapport_guide_add(f.org, "g", nullptr, RAPPORT_CONVERSATION_AD_HOC, 0, 10, no_key, 1, &id) == RAPPORT_MISUSE);
  rapport_question_text half[] = {{"q", "en", nullptr}};
  CHECK(rapport_guide_add(f.org, "g", nullptr, RAPPORT_CONVERSATION_AD_HOC, 0, 10, half, 1, &id) == RAPPORT_MISUSE);
  rapport_answer no_text[] = {{"better", nullptr}};
  CHECK(rapport_conversation_add(f.org, f.service, f.day, RAPPORT_CONVERSATION_CUSTOMER_REVIEW, 0, 5, RAPPORT_NO_SCORE,
                                 no_text, 1, &id) == RAPPORT_MISUSE);
  CHECK(rapport_conversations_add_bulk(f.org, 0, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, &id) ==
        RAPPORT_OK);
  CHECK(rapport_org_load_from_bytes(nullptr, 0, &out_org) == RAPPORT_NOT_AN_ARCHIVE);
  CHECK(counts_of(f.org) == "4/2/3/1/1/1/1/1");
}
