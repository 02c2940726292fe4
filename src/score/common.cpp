// Names, the privacy policy, scope resolution and the row predicate shared by every score.
#include <string>

#include "internal.hpp"
#include "rapport/score/servqual.hpp"

namespace rapport::score {

std::string_view to_string(Status s) {
  switch (s) {
    case Status::ok: return "ok";
    case Status::no_data: return "no_data";
    case Status::suppressed: return "suppressed";
    case Status::suppressed_complementary: return "suppressed_complementary";
  }
  return "invalid";
}

std::string_view to_string(Level l) {
  switch (l) {
    case Level::relationship: return "relationship";
    case Level::unit: return "unit";
    case Level::side: return "side";
    case Level::subtree: return "subtree";
    case Level::organisation: return "organisation";
  }
  return "invalid";
}

std::string_view to_string(RecordKind k) {
  switch (k) {
    case RecordKind::conversation: return "conversation";
    case RecordKind::agreement: return "agreement";
    case RecordKind::complaint: return "complaint";
    case RecordKind::relationship: return "relationship";
  }
  return "invalid";
}

std::string_view to_string(Measure m) {
  switch (m) {
    case Measure::score: return "score";
    case Measure::nps: return "nps";
    case Measure::gap: return "gap";
    case Measure::servqual: return "servqual";
  }
  return "invalid";
}

void Privacy::validate() const {
  if (min_group < 3)
    throw ValidationError("the minimum group size is never below 3 (got " + std::to_string(min_group) + ")");
  if (min_group_text < 3)
    throw ValidationError("the minimum group size for free text is never below 3 (got " +
                          std::to_string(min_group_text) + ")");
}

namespace detail {

std::vector<Scale> guide_scales(const Organisation& org) {
  std::vector<Scale> out(org.guides().id_bound(), Scale{0, 0});
  for (const Guide& g : org.guides()) out[g.id.value] = g.scale;
  return out;
}

RowFilter row_filter(const Organisation& org, const Filter& filter, Measure measure) {
  RowFilter rf;
  for (int k = 0; k < conversation_kind_count; ++k)
    rf.kind_ok[std::size_t(k)] = (filter.kinds >> k) & 1u;
  if (filter.period) {
    rf.has_period = true;
    rf.begin = filter.period->begin.days;
    rf.end = filter.period->end.days;
  }
  auto restrict_guides = [&](auto&& keep) {
    std::vector<std::uint8_t> ok(org.guides().id_bound(), 0);
    for (const Guide& g : org.guides()) ok[g.id.value] = keep(g) ? 1 : 0;
    if (rf.guide_ok.empty()) {
      rf.guide_ok = std::move(ok);
    } else {
      for (std::size_t i = 0; i < ok.size(); ++i) rf.guide_ok[i] &= ok[i];
    }
  };
  if (filter.guide) {
    org.guide(*filter.guide);  // NotFoundError for an unknown guide
    restrict_guides([&](const Guide& g) { return g.id == *filter.guide; });
  }
  switch (measure) {
    case Measure::score: break;
    case Measure::nps: restrict_guides([](const Guide& g) { return g.scale.is_nps(); }); break;
    case Measure::gap: rf.need_self = true; break;
    case Measure::servqual:
      rf.need_score = false;
      restrict_guides([](const Guide& g) {
        return std::any_of(g.questions.begin(), g.questions.end(),
                           [](const Question& q) { return parse_servqual_key(q.key).has_value(); });
      });
      break;
  }
  return rf;
}

namespace {
bool bond_in(std::uint8_t mask, Bond b) { return (mask >> unsigned(b)) & 1u; }
}  // namespace

std::vector<std::uint32_t> rated_relationships(const Organisation& org, const Scope& scope, std::uint8_t bonds) {
  std::vector<std::uint32_t> out;
  auto provided = [&](UnitId u, auto&& keep) {
    for (RelationshipId r : org.relationships_of(u)) {
      const Relationship& rel = org.relationship(r);
      if (bond_in(bonds, rel.bond) && keep(rel)) out.push_back(r.value);
    }
  };
  switch (scope.level) {
    case Level::relationship:
      if (bond_in(bonds, org.relationship(scope.relationship).bond)) out.push_back(scope.relationship.value);
      break;
    case Level::unit:
      provided(scope.unit, [&](const Relationship& r) { return r.provider == scope.unit; });
      break;
    case Level::side:
      provided(scope.unit, [&](const Relationship& r) {
        switch (scope.side) {
          case Side::output: return r.provider == scope.unit && r.bond != Bond::cooperation;
          case Side::throughput: return r.provider == scope.unit && r.bond == Bond::cooperation;
          case Side::input: return r.recipient == scope.unit && r.bond != Bond::cooperation;
        }
        return false;
      });
      break;
    case Level::subtree:
      for (UnitId u : org.subtree(scope.unit)) provided(u, [&](const Relationship& r) { return r.provider == u; });
      break;
    case Level::organisation:
      for (const Relationship& r : org.relationships())
        if (bond_in(bonds, r.bond)) out.push_back(r.id.value);
      break;
  }
  normalise_ids(out);
  return out;
}

std::vector<std::uint32_t> involved_relationships(const Organisation& org, const Scope& scope) {
  std::vector<std::uint32_t> out;
  switch (scope.level) {
    case Level::relationship: org.relationship(scope.relationship); out.push_back(scope.relationship.value); break;
    case Level::unit:
      for (RelationshipId r : org.relationships_of(scope.unit)) out.push_back(r.value);
      break;
    case Level::side: {
      Fishbone f = org.fishbone(scope.unit);
      for (RelationshipId r : f.side(scope.side)) out.push_back(r.value);
      break;
    }
    case Level::subtree:
      for (UnitId u : org.subtree(scope.unit))
        for (RelationshipId r : org.relationships_of(u)) out.push_back(r.value);
      break;
    case Level::organisation:
      for (const Relationship& r : org.relationships()) out.push_back(r.id.value);
      break;
  }
  normalise_ids(out);
  return out;
}

std::vector<std::uint8_t> had_rows(const Organisation& org, const RowFilter& rf) {
  const ConversationTable& t = org.conversations();
  std::vector<std::uint8_t> had(org.relationships().id_bound(), 0);
  auto rel = t.relationships();
  for (std::size_t row = 0; row < t.rows(); ++row)
    if (rf.accepts(t, row)) had[rel[row]] = 1;
  return had;
}

Status with_complementary(Status primary, const Organisation& org, const Scope& scope, const Filter& filter,
                          Measure measure, const Options& options) {
  // A unit's own report is never withheld to protect another group (see privacy.hpp): no plan needed.
  if (primary != Status::ok || !scope.is_aggregate() || scope.level == Level::unit || !options.privacy.complementary)
    return primary;
  const SuppressionPlan* plan = options.plan;
  SuppressionPlan own;
  if (plan && (plan->filter() != filter || plan->measure() != measure || plan->privacy() != options.privacy))
    throw ValidationError("the suppression plan was made for another filter, measure or privacy policy");
  if (!plan) {
    own = plan_suppression(org, filter, measure, options.privacy);
    plan = &own;
  }
  Status s = plan->status(scope);
  return s == Status::suppressed_complementary ? s : primary;
}

void check_index(const BatchIndex& index, const Organisation& org) {
  if (!index.valid_for(org))
    throw ValidationError("the batch index is stale: build it again after relationships were added or removed");
}

void check_years(int first_year, int last_year, int max_years) {
  if (last_year < first_year || last_year - first_year + 1 > max_years || first_year < 1 || last_year > 9998)
    throw ValidationError("years " + std::to_string(first_year) + ".." + std::to_string(last_year) +
                          ": need first <= last, at most " + std::to_string(max_years) + " years");
}

void check_as_of(Date as_of) {
  if (!as_of.in_range())
    throw ValidationError("as-of date " + std::to_string(as_of.days) + " (days since 1970-01-01) is outside the years 1-9999");
}

}  // namespace detail
}  // namespace rapport::score
