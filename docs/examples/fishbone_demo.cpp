// Builds a small organisation through the public API and prints each unit's fishbone and payer chain.
#include <iostream>

#include "rapport/rapport.hpp"

int main() {
  using namespace rapport;
  Organisation org;
  auto market = org.add_unit({"market", "Energy market", UnitKind::market, {}, {}});
  auto company = org.add_unit({"co", "Stadtwerke Beispiel", UnitKind::company, {}, market});
  auto hr = org.add_unit({"hr", "Human Resources", UnitKind::department, company, {}});
  auto payroll = org.add_unit({"payroll", "Payroll", UnitKind::team, hr, {}});
  auto it = org.add_unit({"it", "IT", UnitKind::department, company, {}});
  auto sales = org.add_unit({"sales", "Sales and service", UnitKind::department, company, {}});
  auto anna = org.add_unit({"anna", "Anna (head of payroll)", UnitKind::person, payroll, {}});
  auto ben = org.add_unit({"ben", "Ben (payroll clerk)", UnitKind::person, payroll, {}});
  auto client = org.add_unit({"client", "Municipal utility client", UnitKind::customer, {}, market});

  org.add_relationship({ben, anna, Bond::service, "payroll runs"});
  org.add_relationship({anna, ben, Bond::leadership, "leadership"});
  org.add_relationship({payroll, sales, Bond::service, "salary statements"});
  org.add_relationship({it, payroll, Bond::service, "payroll system"});
  org.add_relationship({payroll, it, Bond::cooperation, "payroll interface"});
  org.add_relationship({sales, client, Bond::service, "energy supply"});
  auto rel = org.add_relationship({hr, sales, Bond::service, "recruiting"});
  org.add_conversation({rel, Date::parse("2026-03-01"), ConversationKind::customer_review, customer_review_guide, 7, 9,
                        {{"better", "Faster hiring, please."}}});

  auto name = [&](UnitId u) { return org.unit(u).name; };
  for (const Unit& u : org.units()) {
    Fishbone f = org.fishbone(u.id);
    std::cout << u.name << " (" << to_string(u.kind) << ")\n";
    for (auto [side, title] : {std::pair{Side::input, "input"}, {Side::throughput, "throughput"}, {Side::output, "output"}})
      for (RelationshipId r : f.side(side)) {
        const Relationship& x = org.relationship(r);
        std::cout << "  " << title << ": " << name(x.other(u.id)) << " — " << x.label << " (" << to_string(x.bond) << ")\n";
      }
    std::cout << "  payer chain:";
    for (UnitId p : org.payer_chain(u.id)) std::cout << " → " << name(p);
    std::cout << (org.payer_chain(u.id).empty() ? " (none: external)" : "") << "\n";
  }
}
