// Helpers shared by the terminal and the HTML report.
#include <chrono>

#include "report.hpp"

namespace rapport::cli {

Date latest_date(const Organisation& org) {
  std::optional<Date> last;
  auto see = [&](Date d) {
    if (!last || d > *last) last = d;
  };
  for (auto d : org.conversations().dates()) see(Date{d});
  for (const Agreement& a : org.agreements())
    if (a.closed) see(*a.closed);
  for (const Complaint& c : org.complaints())
    for (auto& s : c.steps)
      if (s) see(*s);
  for (const Referral& r : org.referrals()) {
    see(r.date);
    if (r.closed) see(*r.closed);
  }
  if (last) return *last;
  auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return Date{std::int32_t(today.time_since_epoch().count())};
}

}  // namespace rapport::cli
