#include "rapport/date.hpp"

#include <charconv>
#include <cstdio>

#include "rapport/error.hpp"

namespace rapport {

Date Date::from_ymd(int year, unsigned month, unsigned day) {
  using namespace std::chrono;
  year_month_day ymd{std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}};
  if (year < 1 || year > 9999 || !ymd.ok())
    throw ValidationError("impossible date " + std::to_string(year) + "-" + std::to_string(month) + "-" +
                          std::to_string(day));
  return Date{std::int32_t(sys_days{ymd}.time_since_epoch().count())};
}

Date Date::parse(std::string_view s) {
  auto fail = [&] { return ValidationError("not an ISO 8601 date (YYYY-MM-DD): '" + std::string(s) + "'"); };
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') throw fail();
  auto num = [&](std::size_t at, std::size_t len) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(s.data() + at, s.data() + at + len, v);
    if (ec != std::errc{} || p != s.data() + at + len) throw fail();
    return v;
  };
  return from_ymd(int(num(0, 4)), num(5, 2), num(8, 2));
}

std::string Date::iso() const {
  auto d = ymd();
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(d.year()), unsigned(d.month()), unsigned(d.day()));
  return buf;
}

Period Period::last_twelve_months(Date as_of) {
  using namespace std::chrono;
  auto d = as_of.ymd();
  year_month_day earlier{d.year() - years{1}, d.month(), d.day()};
  if (!earlier.ok()) earlier = year_month_day{year_month_day_last{earlier.year(), month_day_last{earlier.month()}}};  // 29 February
  return {Date{std::int32_t(sys_days{earlier}.time_since_epoch().count())}, as_of.plus_days(1)};
}

}  // namespace rapport
