#pragma once
// The reports of `rapport report`: a terminal summary and a self-contained HTML file.
#include <filesystem>
#include <optional>
#include <ostream>

#include "rapport/organisation.hpp"

namespace rapport::cli {

struct ReportOptions {
  std::optional<Date> as_of;    ///< default: the latest date in the data
  int min_group = 5;            ///< privacy: smallest group whose aggregates over people are shown
  int width = 80;               ///< terminal columns
  std::optional<UnitId> unit;   ///< terminal report: only this unit
  double salary = 55000;        ///< annual salary assumed for the expected cost of loss (EUR)
  int cost_preset = 0;          ///< score::ReplacementCost: 0 = 21 %, 1 = 6-9 months, 2 = 0.5-2x
};

/// The latest date of any record (conversation, agreement closure, complaint step, referral), or today.
Date latest_date(const Organisation& org);

void print_text_report(const Organisation& org, const ReportOptions& options, std::ostream& out);

/// Writes the HTML report atomically; throws IoError.
void write_html_report(const Organisation& org, const ReportOptions& options, const std::filesystem::path& file);

}  // namespace rapport::cli
