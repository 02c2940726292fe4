// A program outside the project that uses the installed rapport.
#include <rapport/rapport.hpp>
#include <rapport/query.hpp>

#include <cstdio>

int main() {
  rapport::Organisation org;
  auto a = org.add_unit({"a", "A", rapport::UnitKind::team, {}, {}});
  auto b = org.add_unit({"b", "B", rapport::UnitKind::team, {}, {}});
  auto r = org.add_relationship({a, b, rapport::Bond::service, "x"});
  org.add_conversation({r, rapport::Date::parse("2025-01-01"), rapport::ConversationKind::customer_review,
                        rapport::customer_review_guide, 9, {}, {}});
  auto bytes = rapport::save_to_bytes(org);
  auto back = rapport::load_from_bytes(bytes);
  long n = ranges::distance(rapport::query::of_unit(back, b));
  std::printf("consumer: %ld conversation(s) after a round trip\n", n);
  return n == 1 ? 0 : 1;
}
