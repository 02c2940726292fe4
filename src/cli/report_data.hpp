#pragma once
// What both reports show, computed once through the scores API (rapport/score.hpp). Nothing here is a
// score of its own: values come from the library, the report only selects, sorts and counts records.
#include <optional>
#include <string>
#include <vector>

#include "rapport/organisation.hpp"
#include "rapport/score.hpp"
#include "report.hpp"

namespace rapport::cli {

struct YearStats {
  int year = 0;
  score::SatisfactionStats satisfaction;
  score::NpsResult nps;
};

/// One relationship on a unit's fishbone.
struct Bone {
  RelationshipId relationship;
  UnitId other;
  Side side{};
  score::HealthResult health;
  std::optional<Date> last;  ///< its latest review up to the as-of date
  bool overdue = false;
};

/// Retention risk of a team's employees (customers of its leaders), as an aggregate.
struct TeamRetention {
  score::Status status = score::Status::no_data;  ///< suppressed below the minimum group size
  int employees = 0, high_risk = 0;               ///< high: risk >= 0.5
  double mean_risk = 0;
  double expected_low = 0, expected_high = 0;     ///< summed expected cost of loss
};

struct UnitReport {
  UnitId id;
  int depth = 0;  ///< 0 for the company
  score::HealthResult health;
  score::SatisfactionStats satisfaction;  ///< last twelve months
  score::NpsResult nps;                   ///< last twelve months
  std::vector<YearStats> years;
  score::CoverageResult coverage;
  score::ReliabilityResult reliability;   ///< agreements due in the last twelve months
  score::GapResult gap;                   ///< all years
  score::LocalOptimiserResult optimiser;  ///< all years
  TeamRetention retention;
  std::vector<Bone> bones;
  int complaints_open = 0, complaints = 0;
  int referrals_won = 0, referrals_lost = 0, referrals_pending = 0;
  int agreements_open_overdue = 0, agreements_broken = 0;
};

struct ReportData {
  Date as_of;
  Period last_year;  ///< the twelve months up to as_of
  int first_year = 0, last_year_number = 0;
  std::string organisation_name;
  score::Privacy privacy;
  double salary = 0;
  score::ReplacementCost cost_preset{};
  // the organisation as a whole
  std::vector<YearStats> years;
  score::SatisfactionStats satisfaction;
  score::NpsResult nps;
  score::CoverageResult coverage;
  score::ReliabilityResult reliability;
  score::HealthResult health;
  score::BlindSpots gaps;
  std::vector<UnitReport> units;  ///< the company, its departments and teams, in hierarchy order
  std::vector<AgreementId> broken_recent, open_overdue;
  std::vector<ComplaintId> open_complaints;
  std::size_t suppressed_reports = 0;  ///< reports withheld for privacy, counted over the units
  const UnitReport* find(UnitId u) const {
    for (auto& r : units)
      if (r.id == u) return &r;
    return nullptr;
  }
};

ReportData compute_report(const Organisation& org, const ReportOptions& options);

/// "4.6", or the reason a value is not shown ("n/a", "<5").
std::string show_mean(const score::SatisfactionStats& s, const score::Privacy& p);
std::string show_nps(const score::NpsResult& n, const score::Privacy& p);
std::string status_text(score::Status s, const score::Privacy& p);

}  // namespace rapport::cli
