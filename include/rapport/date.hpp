#pragma once
/// \file Calendar dates as days since 1970-01-01, and half-open periods of them.
#include <chrono>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace rapport {

/// A calendar date (no time of day). Four bytes, so it fits the column store.
struct Date {
  std::int32_t days = 0;  ///< days since 1970-01-01

  /// The dates rapport stores: 0001-01-01 to 9999-12-31, so that any difference of two dates, and
  /// any year or ISO string made from one, is well defined.
  static constexpr std::int32_t min_days = -719162, max_days = 2932896;

  constexpr Date() = default;
  constexpr explicit Date(std::int32_t d) : days(d) {}
  /// From year, month (1-12) and day (1-31); throws ValidationError on an impossible date.
  static Date from_ymd(int year, unsigned month, unsigned day);
  /// Parses ISO 8601 `YYYY-MM-DD`; throws ValidationError otherwise.
  static Date parse(std::string_view iso);

  std::chrono::year_month_day ymd() const { return std::chrono::year_month_day{std::chrono::sys_days{std::chrono::days{days}}}; }
  int year() const { return int(ymd().year()); }
  std::string iso() const;  ///< `YYYY-MM-DD`
  Date plus_days(std::int32_t n) const { return Date{days + n}; }
  constexpr bool in_range() const { return min_days <= days && days <= max_days; }

  friend constexpr auto operator<=>(Date, Date) = default;
};

/// The dates `begin <= d < end`.
struct Period {
  Date begin;
  Date end;

  static Period year(int y) { return {Date::from_ymd(y, 1, 1), Date::from_ymd(y + 1, 1, 1)}; }
  /// The twelve months that end on `as_of`: from the same day a year earlier up to and including `as_of`.
  static Period last_twelve_months(Date as_of);
  constexpr bool contains(Date d) const { return begin <= d && d < end; }
  friend constexpr bool operator==(Period, Period) = default;
};

}  // namespace rapport
