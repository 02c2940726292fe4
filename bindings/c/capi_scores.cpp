// C module: scores, single (satisfaction, NPS, CSAT, trend, ..., SERVQUAL, free text) and batch (every
// unit, subtree or relationship at once; latest scores, unit years, local optimisers), the batches as a
// rapport_scores handle of columns.
#include <cmath>
#include <cstring>
#include <variant>

#include "capi_internal.hpp"
#include "rapport/score/batch.hpp"
#include "rapport/score/coverage.hpp"
#include "rapport/score/csat.hpp"
#include "rapport/score/health.hpp"
#include "rapport/score/local_optimiser.hpp"
#include "rapport/score/nps.hpp"
#include "rapport/score/perception.hpp"
#include "rapport/score/privacy.hpp"
#include "rapport/score/reliability.hpp"
#include "rapport/score/retention.hpp"
#include "rapport/score/servqual.hpp"
#include "rapport/score/stats.hpp"
#include "rapport/score/trend.hpp"

namespace score = rapport::score;
using namespace rapport::capi;

static_assert(RAPPORT_SCORE_SUPPRESSED_COMPLEMENTARY == int(score::Status::suppressed_complementary));
static_assert(RAPPORT_LEVEL_ORGANISATION == int(score::Level::organisation));
static_assert(RAPPORT_SIDE_OUTPUT == int(rapport::Side::output));
static_assert(RAPPORT_RECORD_RELATIONSHIP == int(score::RecordKind::relationship));
static_assert(RAPPORT_NPS_CULTUREIQ == int(score::NpsPreset::cultureiq));
static_assert(RAPPORT_CSAT_MEAN == int(score::CsatPreset::mean));
static_assert(RAPPORT_ROLE_RECIPIENT == int(score::Role::recipient));
static_assert(RAPPORT_BAND_GREEN == int(score::Band::green));
static_assert(RAPPORT_HEALTH_COMPLAINTS == int(score::HealthComponent::complaints) && score::health_component_count == 5);
static_assert(RAPPORT_GAP_HIDDEN_STRENGTH == int(score::GapKind::hidden_strength));
static_assert(RAPPORT_RETENTION_BROKEN_AGREEMENTS == int(score::RetentionFactor::broken_agreements) &&
              score::retention_factor_count == 4);
static_assert(RAPPORT_REPLACEMENT_HALF_TO_DOUBLE == int(score::ReplacementCost::half_to_double));
static_assert(RAPPORT_SERVQUAL_EMPATHY == int(score::ServqualDimension::empathy) &&
              RAPPORT_SERVQUAL_DIMENSIONS == score::servqual_dimension_count);
static_assert(RAPPORT_SERVQUAL_PERCEPTIONS_ONLY == int(score::ServqualMode::perceptions_only));
static_assert(RAPPORT_NO_ID == 0xFFFFFFFFu);  // the latest-score batch's "no conversation"
static_assert(RAPPORT_ALL_KINDS == score::all_kinds && RAPPORT_ALL_BONDS == score::all_bonds &&
              RAPPORT_REVIEW_KINDS == score::review_kinds);

namespace {

/// The columns of one batch, whichever function made it.
using AnyColumns =
    std::variant<score::ScoreColumns, score::LatestColumns, score::YearColumns, score::LocalOptimiserColumns>;

struct ScoresObject final : Object {
  explicit ScoresObject(AnyColumns c) : columns(std::move(c)) {}
  const AnyColumns columns;  ///< immutable: readers need no lock
};

std::shared_ptr<ScoresObject> scores_arg(const rapport_scores* s) {
  return std::static_pointer_cast<ScoresObject>(lookup_handle(handle_value(s), HandleKind::scores, "scores"));
}

score::Scope scope_arg(const rapport_scope* s) {
  const rapport_scope& scope = need(s, "scope");
  auto level = enum_arg<score::Level>(scope.level, 5, "scope level");
  switch (level) {
    case score::Level::relationship: return score::Scope::of(rapport::RelationshipId{scope.id});
    case score::Level::unit: return score::Scope::of(rapport::UnitId{scope.id});
    case score::Level::side:
      return score::Scope::side_of(rapport::UnitId{scope.id}, enum_arg<rapport::Side>(scope.side, 3, "side"));
    case score::Level::subtree: return score::Scope::subtree_of(rapport::UnitId{scope.id});
    case score::Level::organisation: return score::Scope::organisation();
  }
  return {};
}

std::optional<rapport::Period> period_arg(const rapport_period& p, const char* what, bool optional) {
  if (optional && p.begin == RAPPORT_NO_DATE && p.end == RAPPORT_NO_DATE) return std::nullopt;
  rapport::Period period{date_arg(p.begin, (std::string(what) + ".begin").c_str()),
                         date_arg(p.end, (std::string(what) + ".end").c_str())};
  if (period.end < period.begin) fail(RAPPORT_INVALID_ARGUMENT, std::string(what) + " ends before it begins");
  return period;
}

score::Filter filter_arg(const rapport_filter* f) {
  score::Filter filter;
  if (!f) return filter;
  filter.period = period_arg(f->period, "filter->period", true);
  if (f->kinds & ~RAPPORT_ALL_KINDS) fail(RAPPORT_INVALID_ARGUMENT, "filter->kinds has bits of no conversation kind");
  if (f->bonds & ~RAPPORT_ALL_BONDS) fail(RAPPORT_INVALID_ARGUMENT, "filter->bonds has bits of no bond");
  filter.kinds = std::uint8_t(f->kinds);
  filter.bonds = std::uint8_t(f->bonds);
  filter.guide = opt_id<rapport::GuideId>(f->guide);
  return filter;
}

score::Privacy privacy_arg(const rapport_privacy* p) {
  score::Privacy privacy;
  if (p) privacy = score::Privacy{p->min_group, p->min_group_text, p->complementary != 0};
  privacy.validate();
  return privacy;
}

score::Options options_for(const rapport_privacy* p, rapport_contribution_list* out_records) {
  score::Options o;
  o.privacy = privacy_arg(p);
  o.explain = out_records != nullptr;
  return o;
}

void fill_records(rapport_contribution_list* out, const std::vector<score::Contribution>& records) {
  if (!out) return;
  auto* items = static_cast<rapport_contribution*>(
      owned_alloc(records.size() * sizeof(rapport_contribution), AllocKind::records));
  for (std::size_t i = 0; i < records.size(); ++i)
    items[i] = rapport_contribution{rapport_record_kind(records[i].kind), records[i].id, records[i].value,
                                    records[i].contribution};
  *out = rapport_contribution_list{items, records.size()};
}

/// A score that is not OK: the result stays filled, the call reports why.
void report(score::Status status) {
  switch (status) {
    case score::Status::ok: return;
    case score::Status::no_data: fail(RAPPORT_NO_DATA, "no data to score");
    case score::Status::suppressed:
      fail(RAPPORT_SUPPRESSED, "suppressed: fewer distinct respondents than the minimum group size");
    case score::Status::suppressed_complementary:
      fail(RAPPORT_SUPPRESSED, "suppressed: another report would reveal a group below the minimum size");
  }
}

rapport_satisfaction satisfaction_out(const score::SatisfactionStats& s) {
  rapport_satisfaction r{};
  r.status = rapport_score_status(s.status);
  r.scale_min = s.scale ? s.scale->min : -1;
  r.scale_max = s.scale ? s.scale->max : -1;
  r.n = s.n;
  r.respondents = s.respondents;
  r.mean = s.mean, r.sd = s.sd, r.mean_normalised = s.mean_normalised, r.sd_normalised = s.sd_normalised;
  r.distribution_len = s.scale ? std::uint32_t(s.distribution.size()) : 0;
  return r;
}

constexpr rapport_contribution_list no_records{nullptr, 0};

score::BatchOptions batch_arg(const rapport_batch_options* o) {
  score::BatchOptions b;
  if (o) {
    b.role = enum_arg<score::Role>(o->role, 2, "role");
    if (o->scale_min < 0 || o->scale_max > 254 || o->scale_min >= o->scale_max)
      fail(RAPPORT_INVALID_ARGUMENT, "a scale needs 0 <= min < max <= 254");
    b.scale = rapport::Scale{std::uint8_t(o->scale_min), std::uint8_t(o->scale_max)};
    b.preset = enum_arg<score::NpsPreset>(o->preset, 2, "NPS preset");
    b.privacy = privacy_arg(&o->privacy);
  }
  b.privacy.validate();
  return b;
}

rapport_scores* new_scores_handle(AnyColumns columns) {
  return handle_pointer<rapport_scores>(
      register_handle(HandleKind::scores, std::make_shared<ScoresObject>(std::move(columns))));
}

template <class Batch>
void run_batch(const rapport_org* org, const rapport_filter* filter, const rapport_batch_options* options,
               rapport_scores** out_scores, Batch batch) {
  reset(out_scores, nullptr);
  auto& out = need(out_scores, "out_scores");
  auto f = filter_arg(filter);
  auto o = batch_arg(options);
  score::ScoreColumns columns;
  {
    auto r = read_org(org);
    auto index = r.object->batch_index.get(r.org());
    columns = batch(r.org(), *index, f, o);
  }
  out = new_scores_handle(std::move(columns));
}

struct ColumnView {
  const void* data;
  std::size_t len;
  rapport_column_type type;
  std::size_t element;
};

template <class T, class A>
ColumnView view(const std::vector<T, A>& v, rapport_column_type type) {
  return ColumnView{v.data(), v.size(), type, sizeof(T)};
}

/// Columns are switched on as the raw value the caller passed (see raw_enum).
[[noreturn]] void no_column(long long column, const char* batch) {
  fail(RAPPORT_INVALID_ARGUMENT, "invalid score column " + std::to_string(column) + " for a batch of " + batch);
}

ColumnView column_of(const score::ScoreColumns& c, long long column) {
  switch (column) {
    case RAPPORT_COLUMN_ID: return view(c.id, RAPPORT_TYPE_UINT32);
    case RAPPORT_COLUMN_STATUS: return view(c.status, RAPPORT_TYPE_UINT8);
    case RAPPORT_COLUMN_N: return view(c.n, RAPPORT_TYPE_INT64);
    case RAPPORT_COLUMN_RESPONDENTS: return view(c.respondents, RAPPORT_TYPE_INT64);
    case RAPPORT_COLUMN_MEAN: return view(c.mean, RAPPORT_TYPE_DOUBLE);
    case RAPPORT_COLUMN_SD: return view(c.sd, RAPPORT_TYPE_DOUBLE);
    case RAPPORT_COLUMN_MEAN_NORMALISED: return view(c.mean_normalised, RAPPORT_TYPE_DOUBLE);
    case RAPPORT_COLUMN_PROMOTERS: return view(c.promoters, RAPPORT_TYPE_INT64);
    case RAPPORT_COLUMN_PASSIVES: return view(c.passives, RAPPORT_TYPE_INT64);
    case RAPPORT_COLUMN_DETRACTORS: return view(c.detractors, RAPPORT_TYPE_INT64);
    case RAPPORT_COLUMN_NPS: return view(c.nps, RAPPORT_TYPE_DOUBLE);
    case RAPPORT_COLUMN_NPS_SE: return view(c.nps_se, RAPPORT_TYPE_DOUBLE);
    default: no_column(column, "unit, subtree or relationship scores");
  }
}

ColumnView column_of(const score::LatestColumns& c, long long column) {
  switch (column) {
    case RAPPORT_COLUMN_ID: return view(c.relationship, RAPPORT_TYPE_UINT32);
    case RAPPORT_COLUMN_STATUS: return view(c.status, RAPPORT_TYPE_UINT8);
    case RAPPORT_COLUMN_CONVERSATION: return view(c.conversation, RAPPORT_TYPE_UINT32);
    case RAPPORT_COLUMN_DATE: return view(c.date, RAPPORT_TYPE_INT32);
    case RAPPORT_COLUMN_SCORE: return view(c.score, RAPPORT_TYPE_UINT8);
    case RAPPORT_COLUMN_SCORE_NORMALISED: return view(c.score_normalised, RAPPORT_TYPE_DOUBLE);
    default: no_column(column, "latest scores");
  }
}

ColumnView column_of(const score::YearColumns& c, long long column) {
  switch (column) {
    case RAPPORT_COLUMN_ID: return view(c.unit, RAPPORT_TYPE_UINT32);
    case RAPPORT_COLUMN_STATUS: return view(c.status, RAPPORT_TYPE_UINT8);
    case RAPPORT_COLUMN_N: return view(c.n, RAPPORT_TYPE_INT64);
    case RAPPORT_COLUMN_RESPONDENTS: return view(c.respondents, RAPPORT_TYPE_INT64);
    case RAPPORT_COLUMN_MEAN: return view(c.mean, RAPPORT_TYPE_DOUBLE);
    case RAPPORT_COLUMN_SD: return view(c.sd, RAPPORT_TYPE_DOUBLE);
    case RAPPORT_COLUMN_YEAR: return view(c.year, RAPPORT_TYPE_INT32);
    case RAPPORT_COLUMN_CHANGE_STATUS: return view(c.change_status, RAPPORT_TYPE_UINT8);
    case RAPPORT_COLUMN_DELTA: return view(c.delta, RAPPORT_TYPE_DOUBLE);
    case RAPPORT_COLUMN_DELTA_SE: return view(c.delta_se, RAPPORT_TYPE_DOUBLE);
    case RAPPORT_COLUMN_HAS_SE: return view(c.has_se, RAPPORT_TYPE_UINT8);
    default: no_column(column, "unit years");
  }
}

ColumnView column_of(const score::LocalOptimiserColumns& c, long long column) {
  switch (column) {
    case RAPPORT_COLUMN_ID: return view(c.unit, RAPPORT_TYPE_UINT32);
    case RAPPORT_COLUMN_STATUS: return view(c.status, RAPPORT_TYPE_UINT8);
    case RAPPORT_COLUMN_N_PAYER: return view(c.n_payer, RAPPORT_TYPE_INT64);
    case RAPPORT_COLUMN_N_FABRIC: return view(c.n_fabric, RAPPORT_TYPE_INT64);
    case RAPPORT_COLUMN_RESPONDENTS_FABRIC: return view(c.respondents_fabric, RAPPORT_TYPE_INT64);
    case RAPPORT_COLUMN_PAYER_MEAN: return view(c.payer_mean, RAPPORT_TYPE_DOUBLE);
    case RAPPORT_COLUMN_FABRIC_MEAN: return view(c.fabric_mean, RAPPORT_TYPE_DOUBLE);
    case RAPPORT_COLUMN_INDEX: return view(c.index, RAPPORT_TYPE_DOUBLE);
    case RAPPORT_COLUMN_SE: return view(c.se, RAPPORT_TYPE_DOUBLE);
    case RAPPORT_COLUMN_HAS_SE: return view(c.has_se, RAPPORT_TYPE_UINT8);
    case RAPPORT_COLUMN_FLAGGED: return view(c.flagged, RAPPORT_TYPE_UINT8);
    default: no_column(column, "local optimisers");
  }
}

ColumnView column_of(const AnyColumns& c, long long column) {
  return std::visit([&](const auto& columns) { return column_of(columns, column); }, c);
}

/// Rows, skipped conversations and whether NPS columns are filled, of any batch.
rapport_scores_info info_of(const AnyColumns& c) {
  struct {
    rapport_scores_info operator()(const score::ScoreColumns& x) const {
      return {x.id.size(), x.skipped_other_scale, x.nps.empty() ? 0 : 1};
    }
    rapport_scores_info operator()(const score::LatestColumns& x) const { return {x.relationship.size(), 0, 0}; }
    rapport_scores_info operator()(const score::YearColumns& x) const {
      return {x.unit.size(), x.skipped_other_scale, 0};
    }
    rapport_scores_info operator()(const score::LocalOptimiserColumns& x) const { return {x.unit.size(), 0, 0}; }
  } visitor;
  return std::visit(visitor, c);
}

score::LocalOptimiserOptions local_optimiser_arg(const rapport_local_optimiser_options* options) {
  score::LocalOptimiserOptions lo;
  if (options) lo = score::LocalOptimiserOptions{options->min_index, options->min_z, options->exclude_payer_from_fabric != 0};
  return lo;
}

/// Frees the first `n` lists of `lists` without reporting and empties them (cleanup after a failure).
void discard_records(rapport_contribution_list* lists, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) owned_discard(lists[i].items), lists[i] = rapport_contribution_list{nullptr, 0};
}

}  // namespace

extern "C" {

RAPPORT_API rapport_status rapport_contribution_list_free(rapport_contribution_list* records) {
  return guarded(__func__, [&] {
    if (!records) return;
    owned_free(records->items, AllocKind::records, "records->items");
    *records = no_records;
  });
}

RAPPORT_API rapport_status rapport_score_satisfaction(const rapport_org* org, const rapport_scope* scope,
                                                      const rapport_filter* filter, const rapport_privacy* privacy,
                                                      rapport_satisfaction* out_result, int64_t* out_distribution,
                                                      size_t distribution_capacity,
                                                      rapport_contribution_list* out_records) {
  return guarded(__func__, [&] {
    reset(out_result, rapport_satisfaction{}), reset(out_records, no_records);
    auto& out = need(out_result, "out_result");
    out.scale_min = out.scale_max = -1;
    auto s = scope_arg(scope);
    auto f = filter_arg(filter);
    auto o = options_for(privacy, out_records);
    score::SatisfactionStats stats;
    {
      auto r = read_org(org);
      stats = score::satisfaction(r.org(), s, f, o);
    }
    out = satisfaction_out(stats);
    if (out_distribution && out.distribution_len)
      std::memcpy(out_distribution, stats.distribution.data(),
                  std::min<std::size_t>(distribution_capacity, stats.distribution.size()) * sizeof(int64_t));
    if (stats.status == score::Status::ok) fill_records(out_records, stats.records);
    report(stats.status);
  });
}

RAPPORT_API rapport_status rapport_score_nps(const rapport_org* org, const rapport_scope* scope,
                                             const rapport_filter* filter, const rapport_privacy* privacy,
                                             rapport_nps_preset preset, rapport_nps* out_result,
                                             rapport_contribution_list* out_records) {
  return guarded(__func__, [&] {
    reset(out_result, rapport_nps{}), reset(out_records, no_records);
    auto& out = need(out_result, "out_result");
    auto s = scope_arg(scope);
    auto f = filter_arg(filter);
    auto p = enum_arg<score::NpsPreset>(preset, 2, "NPS preset");
    auto o = options_for(privacy, out_records);
    score::NpsResult res;
    {
      auto r = read_org(org);
      res = score::nps(r.org(), s, f, p, o);
    }
    out = rapport_nps{rapport_score_status(res.status), res.n,          res.respondents, res.promoters,
                      res.passives,                     res.detractors, res.nps,         res.se};
    if (res.status == score::Status::ok) fill_records(out_records, res.records);
    report(res.status);
  });
}

RAPPORT_API rapport_status rapport_score_csat(const rapport_org* org, const rapport_scope* scope,
                                              const rapport_filter* filter, const rapport_privacy* privacy,
                                              rapport_csat_preset preset, rapport_csat* out_result,
                                              rapport_contribution_list* out_records) {
  return guarded(__func__, [&] {
    reset(out_result, rapport_csat{}), reset(out_records, no_records);
    auto& out = need(out_result, "out_result");
    auto s = scope_arg(scope);
    auto f = filter_arg(filter);
    auto p = enum_arg<score::CsatPreset>(preset, 2, "CSAT preset");
    auto o = options_for(privacy, out_records);
    score::CsatResult res;
    {
      auto r = read_org(org);
      res = score::csat(r.org(), s, f, p, o);
    }
    out = rapport_csat{rapport_score_status(res.status), res.scale.min, res.scale.max, res.n, res.respondents,
                       res.value, res.value_normalised};
    if (res.status == score::Status::ok) fill_records(out_records, res.records);
    report(res.status);
  });
}

RAPPORT_API rapport_status rapport_score_trend(const rapport_org* org, const rapport_scope* scope, rapport_period before,
                                               rapport_period after, const rapport_filter* filter,
                                               const rapport_privacy* privacy, rapport_trend* out_result,
                                               rapport_contribution_list* out_records) {
  return guarded(__func__, [&] {
    reset(out_result, rapport_trend{}), reset(out_records, no_records);
    auto& out = need(out_result, "out_result");
    auto s = scope_arg(scope);
    auto b = *period_arg(before, "before", false);
    auto a = *period_arg(after, "after", false);
    auto f = filter_arg(filter);
    auto o = options_for(privacy, out_records);
    score::TrendResult res;
    {
      auto r = read_org(org);
      res = score::trend(r.org(), s, b, a, f, o);
    }
    rapport_trend t{};
    t.status = rapport_score_status(res.status);
    t.before = satisfaction_out(res.before);
    t.after = satisfaction_out(res.after);
    t.delta = res.delta;
    t.has_delta_scale = res.delta_scale.has_value();
    t.delta_scale = res.delta_scale.value_or(0);
    t.has_se = res.se.has_value();
    t.se = res.se.value_or(0);
    out = t;
    if (res.status == score::Status::ok) fill_records(out_records, res.records);
    report(res.status);
  });
}

RAPPORT_API rapport_status rapport_score_coverage(const rapport_org* org, const rapport_scope* scope, int32_t as_of,
                                                  uint32_t kinds, rapport_coverage* out_result,
                                                  rapport_id_array* out_overdue, rapport_contribution_list* out_records) {
  return guarded(__func__, [&] {
    reset(out_result, rapport_coverage{}), reset(out_overdue, rapport_id_array{nullptr, 0});
    reset(out_records, no_records);
    auto& out = need(out_result, "out_result");
    auto s = scope_arg(scope);
    auto d = date_arg(as_of, "as_of");
    if (kinds & ~RAPPORT_ALL_KINDS) fail(RAPPORT_INVALID_ARGUMENT, "kinds has bits of no conversation kind");
    score::Options o;
    o.explain = out_records != nullptr;
    score::CoverageResult res;
    {
      auto r = read_org(org);
      res = score::coverage(r.org(), s, d, std::uint8_t(kinds), o);
    }
    out = rapport_coverage{rapport_score_status(res.status), res.relationships, res.covered, res.share};
    if (out_overdue) {
      std::vector<std::uint32_t> ids;
      ids.reserve(res.overdue.size());
      for (const auto& x : res.overdue) ids.push_back(x.relationship.value);
      fill_ids(*out_overdue, ids);
    }
    if (res.status == score::Status::ok) {
      try {
        fill_records(out_records, res.records);
      } catch (...) {
        if (out_overdue) owned_discard(out_overdue->ids), *out_overdue = rapport_id_array{nullptr, 0};
        throw;
      }
    }
    report(res.status);
  });
}

RAPPORT_API rapport_status rapport_score_reliability(const rapport_org* org, const rapport_scope* scope,
                                                     rapport_period period, int32_t as_of,
                                                     rapport_reliability* out_result,
                                                     rapport_contribution_list* out_records) {
  return guarded(__func__, [&] {
    reset(out_result, rapport_reliability{}), reset(out_records, no_records);
    auto& out = need(out_result, "out_result");
    auto s = scope_arg(scope);
    auto p = *period_arg(period, "period", false);
    auto d = date_arg(as_of, "as_of");
    score::Options o;
    o.explain = out_records != nullptr;
    score::ReliabilityResult res;
    {
      auto r = read_org(org);
      res = score::reliability(r.org(), s, p, d, o);
    }
    const auto& c = res.counts;
    out = rapport_reliability{rapport_score_status(res.status), c.due, c.kept, c.broken, c.dropped, c.open,
                              c.kept_on_time, c.open_overdue, res.reliability, res.on_time_share};
    if (res.status == score::Status::ok) fill_records(out_records, res.records);
    report(res.status);
  });
}

RAPPORT_API rapport_status rapport_score_health(const rapport_org* org, const rapport_scope* scope, int32_t as_of,
                                                const rapport_health_weights* weights, const rapport_privacy* privacy,
                                                rapport_health* out_result) {
  return guarded(__func__, [&] {
    reset(out_result, rapport_health{});
    auto& out = need(out_result, "out_result");
    auto s = scope_arg(scope);
    auto d = date_arg(as_of, "as_of");
    score::HealthWeights w;
    if (weights) w = score::HealthWeights{weights->satisfaction, weights->trend, weights->reliability, weights->recency,
                                          weights->complaints};
    w.validate();
    score::Options o;
    o.privacy = privacy_arg(privacy);
    score::HealthResult res;
    {
      auto r = read_org(org);
      res = score::health(r.org(), s, d, w, o);
    }
    rapport_health h{};
    h.status = rapport_score_status(res.status);
    h.health = res.health;
    h.band = rapport_band(res.band);
    for (int i = 0; i < score::health_component_count; ++i) {
      const auto& p = res.parts[std::size_t(i)];
      h.parts[i] = rapport_score_part{rapport_score_status(p.status), p.score, p.weight, p.contribution};
    }
    out = h;
    report(res.status);
  });
}

RAPPORT_API rapport_status rapport_score_gap(const rapport_org* org, const rapport_scope* scope,
                                             const rapport_filter* filter, const rapport_privacy* privacy,
                                             rapport_gap* out_result, rapport_contribution_list* out_records) {
  return guarded(__func__, [&] {
    reset(out_result, rapport_gap{}), reset(out_records, no_records);
    auto& out = need(out_result, "out_result");
    auto s = scope_arg(scope);
    auto f = filter_arg(filter);
    auto o = options_for(privacy, out_records);
    score::GapResult res;
    {
      auto r = read_org(org);
      res = score::perception_gap(r.org(), s, f, o);
    }
    out = rapport_gap{rapport_score_status(res.status), res.n,   res.respondents, res.self_mean,
                      res.others_mean,                  res.gap, res.gap_scale.has_value(),
                      res.gap_scale.value_or(0),        rapport_gap_kind(res.kind), res.significant ? 1 : 0};
    if (res.status == score::Status::ok) fill_records(out_records, res.records);
    report(res.status);
  });
}

RAPPORT_API rapport_status rapport_score_reciprocity(const rapport_org* org, rapport_unit_id a, rapport_unit_id b,
                                                     const rapport_filter* filter, rapport_reciprocity* out_result,
                                                     rapport_contribution_list* out_records) {
  return guarded(__func__, [&] {
    reset(out_result, rapport_reciprocity{RAPPORT_SCORE_NO_DATA, RAPPORT_NO_ID, RAPPORT_NO_ID, 0, 0, 0, 0, 0});
    reset(out_records, no_records);
    auto& out = need(out_result, "out_result");
    auto f = filter_arg(filter);
    score::Options o;
    o.explain = out_records != nullptr;
    score::Reciprocity res;
    {
      auto r = read_org(org);
      r.org().unit(rapport::UnitId{a}), r.org().unit(rapport::UnitId{b});  // NOT_FOUND for unknown units
      res = score::reciprocity(r.org(), rapport::UnitId{a}, rapport::UnitId{b}, f, o);
    }
    out = rapport_reciprocity{rapport_score_status(res.status), res.a.value, res.b.value, res.n_a_of_b, res.n_b_of_a,
                              res.a_of_b, res.b_of_a, res.difference};
    if (res.status == score::Status::ok) fill_records(out_records, res.records);
    report(res.status);
  });
}

RAPPORT_API rapport_status rapport_score_local_optimiser(const rapport_org* org, rapport_unit_id unit,
                                                         const rapport_filter* filter,
                                                         const rapport_local_optimiser_options* options,
                                                         const rapport_privacy* privacy,
                                                         rapport_local_optimiser* out_result,
                                                         rapport_contribution_list* out_records) {
  return guarded(__func__, [&] {
    reset(out_result, rapport_local_optimiser{}), reset(out_records, no_records);
    auto& out = need(out_result, "out_result");
    auto f = filter_arg(filter);
    auto lo = local_optimiser_arg(options);
    auto o = options_for(privacy, out_records);
    score::LocalOptimiserResult res;
    {
      auto r = read_org(org);
      r.org().unit(rapport::UnitId{unit});  // NOT_FOUND for an unknown unit
      res = score::local_optimiser(r.org(), rapport::UnitId{unit}, f, lo, o);
    }
    out = rapport_local_optimiser{rapport_score_status(res.status),
                                  res.n_payer,
                                  res.n_fabric,
                                  res.respondents_fabric,
                                  res.payer_mean,
                                  res.fabric_mean,
                                  res.index,
                                  res.se.has_value(),
                                  res.se.value_or(0),
                                  res.flagged ? 1 : 0};
    if (res.status == score::Status::ok) fill_records(out_records, res.records);
    report(res.status);
  });
}

RAPPORT_API rapport_status rapport_score_retention(const rapport_org* org, rapport_unit_id employee, int32_t as_of,
                                                   const rapport_retention_weights* weights,
                                                   rapport_retention* out_result) {
  return guarded(__func__, [&] {
    reset(out_result, rapport_retention{});
    auto& out = need(out_result, "out_result");
    auto d = date_arg(as_of, "as_of");
    score::RetentionWeights w;
    if (weights) w = score::RetentionWeights{weights->satisfaction, weights->trend, weights->recency,
                                             weights->broken_agreements};
    w.validate();
    score::RetentionRisk res;
    {
      auto r = read_org(org);
      r.org().unit(rapport::UnitId{employee});  // NOT_FOUND for an unknown unit
      res = score::retention_risk(r.org(), rapport::UnitId{employee}, d, w);
    }
    rapport_retention x{};
    x.status = rapport_score_status(res.status);
    x.employee = employee;
    x.risk = res.risk;
    for (int i = 0; i < score::retention_factor_count; ++i) {
      const auto& p = res.parts[std::size_t(i)];
      x.parts[i] = rapport_score_part{rapport_score_status(p.status), p.risk, p.weight, p.contribution};
    }
    out = x;
    report(res.status);
  });
}

RAPPORT_API rapport_status rapport_cost_of_loss_estimate(double risk, double annual_salary,
                                                         rapport_replacement_cost preset,
                                                         rapport_cost_of_loss* out_result) {
  return guarded(__func__, [&] {
    reset(out_result, rapport_cost_of_loss{});
    auto& out = need(out_result, "out_result");
    auto p = enum_arg<score::ReplacementCost>(preset, 3, "replacement cost preset");
    if (!(risk >= 0 && risk <= 1)) fail(RAPPORT_INVALID_ARGUMENT, "risk must lie in 0-1");
    if (!(annual_salary >= 0) || annual_salary == HUGE_VAL) fail(RAPPORT_INVALID_ARGUMENT, "annual salary must be finite and not negative");
    auto c = score::expected_cost_of_loss(risk, annual_salary, p);
    out = rapport_cost_of_loss{c.replacement_low, c.replacement_high, c.expected_low, c.expected_high};
  });
}

RAPPORT_API rapport_status rapport_guide_add_servqual(rapport_org* org, const char* key, int32_t scale_min,
                                                      int32_t scale_max, rapport_guide_id* out_id) {
  return guarded(__func__, [&] {
    reset(out_id, RAPPORT_NO_ID);
    auto& out = need(out_id, "out_id");
    std::string k(text(key, "key"));
    if (scale_min < 0 || scale_max > 254 || scale_min >= scale_max)
      fail(RAPPORT_INVALID_ARGUMENT, "a scale needs 0 <= min < max <= 254, not " + std::to_string(scale_min) + "-" +
                                         std::to_string(scale_max));
    auto spec = score::servqual_guide(std::move(k), rapport::Scale{std::uint8_t(scale_min), std::uint8_t(scale_max)});
    out = write_org(org).org().add_guide(std::move(spec)).value;
  });
}

RAPPORT_API rapport_status rapport_score_servqual(const rapport_org* org, const rapport_scope* scope,
                                                  const rapport_filter* filter, const rapport_privacy* privacy,
                                                  rapport_servqual_mode mode, rapport_servqual* out_result,
                                                  rapport_contribution_list* out_records) {
  return guarded(__func__, [&] {
    // The neutral result says "no data" everywhere, so that a failed call never looks like a value.
    rapport_servqual neutral{};
    neutral.status = RAPPORT_SCORE_NO_DATA;
    neutral.scale_min = neutral.scale_max = -1;
    for (int d = 0; d < RAPPORT_SERVQUAL_DIMENSIONS; ++d)
      neutral.dimensions[d].dimension = rapport_servqual_dimension(d), neutral.dimensions[d].status = RAPPORT_SCORE_NO_DATA;
    reset(out_result, neutral);
    if (out_records)
      for (int d = 0; d < RAPPORT_SERVQUAL_DIMENSIONS; ++d) out_records[d] = no_records;
    auto& out = need(out_result, "out_result");
    auto s = scope_arg(scope);
    auto f = filter_arg(filter);
    auto m = enum_arg<score::ServqualMode>(mode, 2, "SERVQUAL mode");
    auto o = options_for(privacy, out_records);
    score::ServqualResult res;
    {
      auto r = read_org(org);
      res = score::servqual(r.org(), s, f, m, o);
    }
    rapport_servqual x{};
    x.status = rapport_score_status(res.status);
    x.mode = rapport_servqual_mode(res.mode);
    x.scale_min = res.scale ? res.scale->min : -1;
    x.scale_max = res.scale ? res.scale->max : -1;
    x.invalid_answers = res.invalid_answers;
    x.overall = res.status == score::Status::ok ? res.overall : 0;
    for (int d = 0; d < RAPPORT_SERVQUAL_DIMENSIONS; ++d) {
      const auto& in = res.dimensions[std::size_t(d)];
      bool ok = in.status == score::Status::ok;  // withheld dimensions show counts only
      x.dimensions[d] = rapport_servqual_dimension_result{rapport_servqual_dimension(d), rapport_score_status(in.status),
                                                          in.n, in.respondents, ok ? in.perception : 0,
                                                          ok ? in.expectation : 0, ok ? in.value : 0};
    }
    out = x;
    if (out_records && res.status == score::Status::ok) {
      int filled = 0;
      try {
        for (; filled < RAPPORT_SERVQUAL_DIMENSIONS; ++filled) {
          const auto& in = res.dimensions[std::size_t(filled)];
          if (in.status == score::Status::ok) fill_records(&out_records[filled], in.records);
        }
      } catch (...) {
        discard_records(out_records, std::size_t(filled));
        throw;
      }
    }
    report(res.status);
  });
}

RAPPORT_API rapport_status rapport_text_answer_list_free(rapport_text_answer_list* answers) {
  return guarded(__func__, [&] {
    if (!answers) return;
    owned_free(answers->items, AllocKind::text_answers, "answers->items");
    *answers = rapport_text_answer_list{nullptr, 0};
  });
}

RAPPORT_API rapport_status rapport_score_free_text(const rapport_org* org, const rapport_scope* scope,
                                                   const char* question_key, const rapport_filter* filter,
                                                   const rapport_privacy* privacy, rapport_free_text* out_result,
                                                   rapport_text_answer_list* out_answers) {
  return guarded(__func__, [&] {
    reset(out_result, rapport_free_text{RAPPORT_SCORE_NO_DATA, 0});
    reset(out_answers, rapport_text_answer_list{nullptr, 0});
    auto& out = need(out_result, "out_result");
    auto& list = need(out_answers, "out_answers");
    auto s = scope_arg(scope);
    auto q = text(question_key, "question_key");
    auto f = filter_arg(filter);
    score::Options o;
    o.privacy = privacy_arg(privacy);
    score::TextAnswers res;
    {
      auto r = read_org(org);
      res = score::free_text(r.org(), s, q, f, o);
    }
    out = rapport_free_text{rapport_score_status(res.status), res.respondents};
    if (res.status == score::Status::ok && !res.texts.empty()) {
      // One allocation: the items, then the NUL-terminated texts.
      std::size_t bytes = res.texts.size() * sizeof(rapport_text_answer);
      for (const auto& t : res.texts) bytes += t.size() + 1;
      auto* block = static_cast<char*>(owned_alloc(bytes, AllocKind::text_answers));
      auto* items = reinterpret_cast<rapport_text_answer*>(block);
      char* strings = block + res.texts.size() * sizeof(rapport_text_answer);
      for (std::size_t i = 0; i < res.texts.size(); ++i) {
        std::memcpy(strings, res.texts[i].data(), res.texts[i].size());
        strings[res.texts[i].size()] = '\0';
        items[i] = rapport_text_answer{res.conversations[i].value, strings};
        strings += res.texts[i].size() + 1;
      }
      list = rapport_text_answer_list{items, res.texts.size()};
    }
    report(res.status);
  });
}

RAPPORT_API rapport_status rapport_score_units(const rapport_org* org, const rapport_filter* filter,
                                               const rapport_batch_options* options, rapport_scores** out_scores) {
  return guarded(__func__, [&] {
    run_batch(org, filter, options, out_scores,
              [](const auto& o, const auto& i, const auto& f, const auto& b) { return score::unit_scores(o, i, f, b); });
  });
}

RAPPORT_API rapport_status rapport_score_subtrees(const rapport_org* org, const rapport_filter* filter,
                                                  const rapport_batch_options* options, rapport_scores** out_scores) {
  return guarded(__func__, [&] {
    run_batch(org, filter, options, out_scores, [](const auto& o, const auto& i, const auto& f, const auto& b) {
      return score::subtree_scores(o, i, f, b);
    });
  });
}

RAPPORT_API rapport_status rapport_score_relationships(const rapport_org* org, const rapport_filter* filter,
                                                       const rapport_batch_options* options,
                                                       rapport_scores** out_scores) {
  return guarded(__func__, [&] {
    run_batch(org, filter, options, out_scores, [](const auto& o, const auto& i, const auto& f, const auto& b) {
      return score::relationship_scores(o, i, f, b);
    });
  });
}

RAPPORT_API rapport_status rapport_score_latest(const rapport_org* org, const rapport_filter* filter,
                                                rapport_scores** out_scores) {
  return guarded(__func__, [&] {
    reset(out_scores, nullptr);
    auto& out = need(out_scores, "out_scores");
    auto f = filter_arg(filter);
    score::LatestColumns columns;
    {
      auto r = read_org(org);
      auto index = r.object->batch_index.get(r.org());
      columns = score::latest_scores(r.org(), *index, f);
    }
    out = new_scores_handle(std::move(columns));
  });
}

RAPPORT_API rapport_status rapport_score_unit_years(const rapport_org* org, int32_t first_year, int32_t last_year,
                                                    const rapport_filter* filter,
                                                    const rapport_batch_options* options,
                                                    rapport_scores** out_scores) {
  return guarded(__func__, [&] {
    reset(out_scores, nullptr);
    auto& out = need(out_scores, "out_scores");
    auto f = filter_arg(filter);
    auto o = batch_arg(options);
    // The core's own check, before anything is sized by the years.
    if (last_year < first_year || std::int64_t(last_year) - first_year + 1 > 32 || first_year < 1 || last_year > 9998)
      fail(RAPPORT_INVALID_ARGUMENT, "years " + std::to_string(first_year) + ".." + std::to_string(last_year) +
                                         ": need 1 <= first <= last <= 9998, at most 32 years");
    if (f.period) fail(RAPPORT_INVALID_ARGUMENT, "filter->period must be unset: the years are the periods");
    score::YearColumns columns;
    {
      auto r = read_org(org);
      auto index = r.object->batch_index.get(r.org());
      columns = score::unit_years(r.org(), *index, first_year, last_year, f, o);
    }
    out = new_scores_handle(std::move(columns));
  });
}

RAPPORT_API rapport_status rapport_score_local_optimisers(const rapport_org* org, const rapport_filter* filter,
                                                          const rapport_local_optimiser_options* options,
                                                          const rapport_privacy* privacy,
                                                          rapport_scores** out_scores) {
  return guarded(__func__, [&] {
    reset(out_scores, nullptr);
    auto& out = need(out_scores, "out_scores");
    auto f = filter_arg(filter);
    auto lo = local_optimiser_arg(options);
    score::Options o;
    o.privacy = privacy_arg(privacy);
    score::LocalOptimiserColumns columns;
    {
      auto r = read_org(org);
      columns = score::local_optimisers(r.org(), f, lo, o);
    }
    out = new_scores_handle(std::move(columns));
  });
}

RAPPORT_API rapport_status rapport_scores_destroy(rapport_scores* scores) {
  return guarded(__func__, [&] {
    if (!scores) return;
    unregister_handle(handle_value(scores), HandleKind::scores, "scores");
  });
}

RAPPORT_API rapport_status rapport_scores_get_info(const rapport_scores* scores, rapport_scores_info* out_info) {
  return guarded(__func__, [&] {
    reset(out_info, rapport_scores_info{});
    auto& out = need(out_info, "out_info");
    auto s = scores_arg(scores);
    out = info_of(s->columns);
  });
}

RAPPORT_API rapport_status rapport_scores_column(const rapport_scores* scores, rapport_score_column column,
                                                 const void** out_values, size_t* out_len,
                                                 rapport_column_type* out_type) {
  return guarded(__func__, [&] {
    reset(out_values, nullptr), reset(out_len, 0), reset(out_type, RAPPORT_TYPE_UINT8);
    auto &values = need(out_values, "out_values");
    auto &len = need(out_len, "out_len");
    auto &type = need(out_type, "out_type");
    auto s = scores_arg(scores);
    ColumnView v = column_of(s->columns, raw_enum(column));
    // The object outlives this call: the registry holds it until rapport_scores_destroy.
    values = v.len ? v.data : nullptr, len = v.len, type = v.type;
  });
}

RAPPORT_API rapport_status rapport_scores_copy_column(const rapport_scores* scores, rapport_score_column column,
                                                      void* dst, size_t capacity_bytes, size_t* out_len) {
  return guarded(__func__, [&] {
    reset(out_len, 0);
    auto& len = need(out_len, "out_len");
    auto s = scores_arg(scores);
    ColumnView v = column_of(s->columns, raw_enum(column));
    if (v.len && !dst) fail(RAPPORT_MISUSE, "dst is NULL");
    len = v.len;  // also on a too-small array: the caller learns the size it needs
    if (capacity_bytes < v.len * v.element)
      fail(RAPPORT_INVALID_ARGUMENT, "dst holds " + std::to_string(capacity_bytes) + " bytes; the column needs " +
                                         std::to_string(v.len * v.element));
    if (v.len) std::memcpy(dst, v.data, v.len * v.element);
  });
}

}  // extern "C"
