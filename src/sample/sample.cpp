// The bundled sample organisation: Stadtwerke Rheinfeld GmbH, a fictional municipal energy supplier
// (the source articles' workshop was held with the HR department of an energy supplier).
//
// About 270 people in HR (payroll, training, recruiting), IT, finance, sales and service, grid
// operations and a works council; business and household customers, suppliers and candidates; yearly
// customer, cooperation and employee reviews from 2023 to November 2026, with agreements, complaints,
// referrals and answers. The data carries a story the report must surface:
//   * a blind spot: the HR department rates itself far above what its internal customers say;
//   * a hidden strength: IT infrastructure rates itself below what its customers say;
//   * a local optimiser: key account sales, praised up its payer chain, poorly rated by the colleagues it
//     co-produces with (billing, customer service, grid planning) and the teams it hands work to;
//   * a retention risk: the customer service centre, whose leadership ratings fall year by year, whose
//     team lead breaks agreements, and whose employee reviews are overdue;
//   * overdue yearly conversations: controlling's customer reviews and some IT service-desk ones;
//   * a team too small to show aggregates over its people (controlling, four employees).
// Everything is drawn from one seeded generator, so the same seed gives the same organisation.
#include "rapport/sample.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

namespace rapport {
namespace {

/// splitmix64: small, fast and the same on every platform (std distributions are not).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int below(int n) { return int(next() % std::uint64_t(n)); }
  int between(int lo, int hi) { return lo + below(hi - lo + 1); }
  double unit() { return double(next() >> 11) / double(1ull << 53); }
  bool chance(double p) { return unit() < p; }
  /// Roughly normal (Irwin-Hall of four uniforms).
  double normal(double mean, double sd) {
    double s = unit() + unit() + unit() + unit() - 2.0;
    return mean + sd * s * 1.732;
  }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[std::size_t(below(int(v.size())))]; }

 private:
  std::uint64_t s_;
};

const std::vector<std::string> first_names{
    "Anna", "Ben", "Clara", "David", "Elena", "Felix", "Greta", "Hannes", "Ida", "Jonas", "Katrin", "Lukas",
    "Marie", "Niklas", "Olga", "Paul", "Rita", "Stefan", "Tanja", "Uwe", "Vera", "Walter", "Yvonne", "Zoe",
    "Ahmet", "Birgit", "Carsten", "Dilara", "Emil", "Frieda", "Georg", "Heike", "Ilias", "Jana", "Kai", "Lea",
    "Mehmet", "Nina", "Oliver", "Petra", "Ralf", "Sabine", "Timo", "Ute", "Volker", "Wiebke", "Sven", "Leonie"};
const std::vector<std::string> last_names{
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
    "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Braun", "Zimmermann", "Krüger",
    "Hartmann", "Lange", "Werner", "Krause", "Lehmann", "Köhler", "Yilmaz", "Kaya", "Nowak", "Jung", "Hahn",
    "Vogel", "Friedrich", "Keller", "Günther", "Frank", "Berger", "Winkler", "Roth", "Beck", "Lorenz", "Baumann"};

struct TeamDef {
  const char* key;
  const char* name;
  int members;
};
struct DeptDef {
  const char* key;
  const char* name;
  std::vector<TeamDef> teams;
};

const std::vector<DeptDef> departments{
    {"hr", "Human Resources", {{"hr-payroll", "Payroll", 8}, {"hr-training", "Training and development", 5},
                               {"hr-recruiting", "Recruiting and HR services", 6}}},
    {"it", "IT", {{"it-servicedesk", "IT service desk", 12}, {"it-apps", "Business applications", 14},
                  {"it-infra", "IT infrastructure", 10}}},
    {"fin", "Finance", {{"fin-accounting", "Accounting", 9}, {"fin-controlling", "Controlling", 4}}},
    {"sales", "Sales and service", {{"sales-keyaccount", "Key account sales", 8},
                                    {"sales-service", "Customer service centre", 46},
                                    {"sales-billing", "Billing", 22}}},
    {"grid", "Grid operations", {{"grid-field", "Field service", 58}, {"grid-planning", "Grid planning", 12}}},
};

/// How the recipients of one provider rate it, and how the provider thinks they do.
struct Quality {
  double mean = 7.6;       ///< the recipient's satisfaction, 0-10
  double drift = 0.0;      ///< change per year
  double self_bias = 0.6;  ///< provider's self-assessment minus the real mean (internal teams overrate a little)
  double sd = 1.1;
};

class Builder {
 public:
  explicit Builder(std::uint64_t seed) : rng_(seed) {}
  Organisation build();

 private:
  UnitId unit(const std::string& key, const std::string& name, UnitKind kind, std::optional<UnitId> parent,
              std::optional<UnitId> payer = std::nullopt) {
    return org_.add_unit(UnitSpec{key, name, kind, parent, payer});
  }
  UnitId person(UnitId parent, const std::string& role = "") {
    char key[16];
    std::snprintf(key, sizeof key, "P%05d", ++person_no_);
    std::string name = rng_.pick(first_names) + " " + rng_.pick(last_names);
    if (!role.empty()) name += " (" + role + ")";
    return unit(key, name, UnitKind::person, parent);
  }
  struct Rel {
    RelationshipId id;
    Quality q;
    int month = 1, day = 1;
    int last_year = 2026;        ///< no yearly conversation after this year (overdue story)
    int first_year = 2023;
    double keep = 0.8;           ///< probability that an agreement owned by the provider is kept
  };
  Rel& rel(UnitId provider, UnitId recipient, Bond bond, const std::string& label, Quality q = {}) {
    Rel r;
    r.id = org_.add_relationship(RelationshipSpec{provider, recipient, bond, label});
    r.q = q;
    r.month = rng_.between(1, 10);
    r.day = rng_.between(1, 28);
    rels_.push_back(r);
    return rels_.back();
  }
  int score(double mean, double sd) { return std::clamp(int(std::lround(rng_.normal(mean, sd))), 0, 10); }
  void conversations();
  void agreements_for(const Rel& r, ConversationId c, Date when, ConversationKind kind);
  void complaints();
  void referrals();

  Rng rng_;
  Organisation org_;
  int person_no_ = 10000;
  std::vector<Rel> rels_;
  const Date as_of_ = Date::from_ymd(2026, 11, 13);  ///< the day the sample's data ends

  // Units the story and the relationships refer to.
  UnitId market_, company_, ceo_;
  std::vector<UnitId> depts_;
  std::vector<UnitId> heads_;
  std::vector<std::pair<UnitId, UnitId>> teams_;  ///< (team, its lead)
  std::vector<std::vector<UnitId>> members_;      ///< by team
  UnitId wc_;
  std::vector<UnitId> business_customers_, prospects_, candidates_;
  UnitId households_;
  UnitId team(const char* key) const { return *org_.find_unit(key); }
  std::optional<UnitId> lead_of(UnitId t) const {
    for (auto& [tm, lead] : teams_)
      if (tm == t) return lead;
    return std::nullopt;
  }
  UnitId service_lead_;
  UnitId keyaccount_lead_;
};

Organisation Builder::build() {
  market_ = unit("market", "Energy market", UnitKind::market, std::nullopt);
  company_ = unit("swr", "Stadtwerke Rheinfeld GmbH", UnitKind::company, std::nullopt, market_);
  ceo_ = person(company_, "managing director");
  for (const auto& d : departments) {
    UnitId dept = unit(d.key, d.name, UnitKind::department, company_);
    depts_.push_back(dept);
    UnitId head = person(dept, "head of " + std::string(d.name));
    heads_.push_back(head);
    for (const auto& t : d.teams) {
      UnitId team = unit(t.key, t.name, UnitKind::team, dept);
      UnitId lead = person(team, "team lead");
      teams_.emplace_back(team, lead);
      std::vector<UnitId> m;
      for (int i = 0; i < t.members; ++i) m.push_back(person(team));
      members_.push_back(std::move(m));
    }
  }
  wc_ = unit("wc", "Works council", UnitKind::department, company_);
  UnitId wc_chair = person(wc_, "works council chair");
  std::vector<UnitId> wc_members;
  for (int i = 0; i < 6; ++i) wc_members.push_back(person(wc_));

  households_ = unit("cust-households", "Household customers (segment)", UnitKind::customer, std::nullopt, market_);
  const std::vector<std::pair<const char*, const char*>> business{
      {"cust-hospital", "Klinikum Rheinfeld"},        {"cust-city", "City of Rheinfeld"},
      {"cust-housing", "Wohnbau Rheinfeld eG"},        {"cust-chem", "Rheinchemie AG"},
      {"cust-bakery", "Bäckerei Sommer KG"},           {"cust-industrial", "Industriepark Nord GmbH"},
      {"cust-hotel", "Hotel am Rhein"},                {"cust-logistics", "Logistikzentrum West GmbH"},
      {"cust-university", "Hochschule Rheinfeld"},     {"cust-baths", "Bäderbetriebe Rheinfeld"}};
  for (auto [k, n] : business) business_customers_.push_back(unit(k, n, UnitKind::customer, std::nullopt, market_));
  const std::vector<std::pair<const char*, const char*>> prospects{
      {"prospect-brewery", "Brauerei Kranz"}, {"prospect-clinic", "Praxisklinik Süd"},
      {"prospect-retail", "Einkaufszentrum Rheinauen"}, {"prospect-school", "Berufskolleg Rheinfeld"},
      {"prospect-dairy", "Molkerei Hofmann"}};
  for (auto [k, n] : prospects) prospects_.push_back(unit(k, n, UnitKind::customer, std::nullopt, market_));
  auto supplier = [&](const char* k, const char* n) { return unit(k, n, UnitKind::supplier, std::nullopt, market_); };
  UnitId meters = supplier("sup-meters", "Zählertechnik Nord GmbH");
  UnitId sap = supplier("sup-erp", "ERP partner Datenwerk AG");
  UnitId tso = supplier("sup-tso", "Transmission system operator");
  UnitId temp = supplier("sup-temp", "Zeitarbeit Flex GmbH");
  UnitId academy = supplier("sup-academy", "Energy academy");
  UnitId payroll_sw = supplier("sup-payroll-sw", "Payroll software vendor");
  for (int i = 1; i <= 8; ++i) {
    char key[16];
    std::snprintf(key, sizeof key, "C%03d", i);
    candidates_.push_back(unit(key, rng_.pick(first_names) + " " + rng_.pick(last_names) + " (candidate)",
                               UnitKind::candidate, std::nullopt));
  }

  // --- leadership: leadership is a service whose customer is the employee --------------------------
  for (UnitId h : heads_) rel(ceo_, h, Bond::leadership, "leadership", Quality{8.0, 0.0, 0.4, 0.9});
  std::size_t ti = 0;
  for (std::size_t d = 0; d < departments.size(); ++d)
    for (std::size_t t = 0; t < departments[d].teams.size(); ++t, ++ti) {
      rel(heads_[d], teams_[ti].second, Bond::leadership, "leadership", Quality{7.8, 0.0, 0.5, 1.0});
      bool service_centre = std::string(departments[d].teams[t].key) == "sales-service";
      for (UnitId m : members_[ti]) {
        Quality q{rng_.normal(7.9, 0.5), 0.0, 0.4, 1.0};
        Rel& r = rel(teams_[ti].second, m, Bond::leadership, "leadership", q);
        if (service_centre) {
          // The retention risk: leadership ratings fall year by year, reviews stop in early 2025.
          r.q = Quality{8.2, -1.6, 2.0, 0.9};
          r.month = rng_.between(1, 3);
          r.last_year = rng_.chance(0.75) ? 2025 : 2026;
          r.keep = 0.3;
        }
      }
    }
  service_lead_ = *lead_of(team("sales-service"));
  keyaccount_lead_ = *lead_of(team("sales-keyaccount"));
  for (UnitId m : wc_members) rel(wc_chair, m, Bond::leadership, "leadership", Quality{8.3, 0.0, 0.3, 0.8});

  // --- who pays is the customer: each team serves its department, each department the company ------
  for (auto& [t, lead] : teams_) {
    UnitId dept = *org_.unit(t).parent;
    Rel& r = rel(t, dept, Bond::service, "team results", Quality{7.6, 0.05, 0.5, 0.9});
    if (t == team("sales-keyaccount")) r.q = Quality{9.3, 0.0, 0.2, 0.5};  // praised upward
  }
  for (UnitId d : depts_) {
    Rel& r = rel(d, company_, Bond::service, "department results", Quality{7.5, 0.05, 0.6, 0.9});
    if (d == team("sales")) r.q = Quality{8.9, 0.1, 0.3, 0.6};
    if (d == team("hr")) r.q = Quality{5.4, 0.0, 3.4, 0.8};  // the managing director sees it too
  }

  // --- internal services -------------------------------------------------------------------------
  auto other_depts = [&](UnitId self) {
    std::vector<UnitId> v;
    for (UnitId d : depts_)
      if (d != self) v.push_back(d);
    return v;
  };
  UnitId hr = team("hr"), fin = team("fin"), sales = team("sales"), grid = team("grid");
  // The blind spot: HR thinks its customers rate it 9; they say 4 to 5.
  for (UnitId d : other_depts(hr)) rel(hr, d, Bond::service, "HR business partnering", Quality{4.6, 0.0, 5.0, 1.0});
  for (UnitId d : other_depts(hr)) rel(team("hr-payroll"), d, Bond::service, "payroll and salary statements", Quality{8.1, 0.0, 0.4, 0.9});
  for (UnitId d : other_depts(hr)) rel(team("hr-training"), d, Bond::service, "training programmes", Quality{7.4, 0.1, 0.6, 1.0});
  for (UnitId d : other_depts(hr)) rel(team("hr-recruiting"), d, Bond::service, "recruiting", Quality{6.2, 0.2, 1.0, 1.1});
  for (UnitId d : other_depts(team("it"))) {
    Rel& r = rel(team("it-servicedesk"), d, Bond::service, "IT support", Quality{7.2, 0.1, 0.5, 1.1});
    if (d == grid || d == fin) r.last_year = 2024;  // overdue
  }
  // The hidden strength: infrastructure underrates itself.
  rel(team("it-infra"), team("it-apps"), Bond::service, "hosting and operations", Quality{8.9, 0.0, -3.8, 0.7});
  rel(team("it-infra"), team("grid-planning"), Bond::service, "GIS platform", Quality{8.7, 0.0, -3.6, 0.7});
  for (UnitId d : other_depts(team("it")))
    rel(team("it-infra"), d, Bond::service, "workplace infrastructure", Quality{8.8, 0.0, -3.7, 0.7});
  rel(team("it-apps"), team("sales-billing"), Bond::service, "billing system", Quality{6.8, 0.2, 0.7, 1.0});
  rel(team("it-apps"), team("hr-payroll"), Bond::service, "payroll system", Quality{7.3, 0.1, 0.6, 1.0});
  rel(team("it-apps"), team("fin-accounting"), Bond::service, "ERP", Quality{7.5, 0.0, 0.5, 1.0});
  for (UnitId d : other_depts(fin)) {
    Rel& r = rel(team("fin-controlling"), d, Bond::service, "monthly reporting", Quality{6.9, 0.0, 0.8, 1.0});
    r.month = rng_.between(1, 4);
    r.last_year = 2025;  // the yearly customer reviews stopped: overdue
  }
  rel(team("fin-accounting"), sales, Bond::service, "receivables management", Quality{7.7, 0.0, 0.4, 0.9});
  rel(team("grid-planning"), team("grid-field"), Bond::service, "work orders", Quality{7.1, 0.0, 0.6, 1.0});
  rel(team("grid-field"), team("sales-billing"), Bond::service, "meter readings", Quality{7.4, 0.1, 0.5, 1.0});

  // --- the local optimiser: key account sales ----------------------------------------------------
  UnitId ka = team("sales-keyaccount");
  rel(ka, team("sales-billing"), Bond::cooperation, "contract data for billing", Quality{3.1, -0.1, 3.0, 0.9}).keep = 0.35;
  rel(ka, team("sales-service"), Bond::cooperation, "customer promises and handover", Quality{3.4, -0.1, 2.8, 0.9}).keep = 0.35;
  rel(ka, team("grid-planning"), Bond::cooperation, "grid connection offers", Quality{3.8, 0.0, 2.5, 0.9}).keep = 0.35;
  rel(ka, team("fin-accounting"), Bond::service, "signed contracts", Quality{4.2, 0.0, 2.2, 1.0}).keep = 0.4;
  for (UnitId c : business_customers_) rel(ka, c, Bond::service, "energy supply contracts", Quality{6.4, -0.1, 1.6, 1.1}).keep = 0.5;

  // --- cooperations: colleague units co-producing one package for a shared customer --------------
  rel(team("sales-billing"), team("sales-service"), Bond::cooperation, "customer account handling", Quality{7.6, 0.0, 0.4, 0.9});
  rel(team("sales-billing"), team("it-apps"), Bond::cooperation, "billing runs", Quality{7.0, 0.1, 0.5, 1.0});
  rel(team("hr-payroll"), team("fin-accounting"), Bond::cooperation, "payroll accounting", Quality{8.2, 0.0, 0.3, 0.8});
  rel(hr, wc_, Bond::cooperation, "co-determination", Quality{6.6, 0.2, 0.8, 1.0});
  rel(team("grid-field"), team("grid-planning"), Bond::cooperation, "construction projects", Quality{7.5, 0.0, 0.4, 0.9});

  // --- external customers and suppliers ---------------------------------------------------------
  {
    Rel& r = rel(team("sales-service"), households_, Bond::service, "customer service", Quality{7.6, -0.7, 0.5, 1.2});
    r.month = 6;
  }
  rel(team("sales-billing"), households_, Bond::service, "energy bills", Quality{7.0, 0.0, 0.6, 1.2});
  rel(team("grid-field"), households_, Bond::service, "grid connection and meter service", Quality{7.8, 0.0, 0.4, 1.0});
  for (UnitId c : business_customers_) rel(team("sales-billing"), c, Bond::service, "energy bills", Quality{7.2, 0.0, 0.5, 1.0});
  rel(team("grid-planning"), team("cust-industrial"), Bond::service, "grid connection", Quality{7.3, 0.0, 0.5, 1.0});
  rel(meters, team("grid-field"), Bond::service, "smart meters", Quality{6.9, 0.0, 0.8, 1.0});
  rel(sap, team("it-apps"), Bond::service, "ERP support", Quality{6.5, 0.1, 1.0, 1.0});
  rel(tso, team("grid-planning"), Bond::service, "transmission capacity", Quality{7.2, 0.0, 0.5, 0.9});
  rel(temp, team("hr-recruiting"), Bond::service, "temporary staff", Quality{6.0, 0.0, 1.2, 1.2});
  rel(academy, team("hr-training"), Bond::service, "technical courses", Quality{8.0, 0.0, 0.4, 0.8});
  rel(payroll_sw, team("hr-payroll"), Bond::service, "payroll software", Quality{7.1, 0.0, 0.6, 0.9});

  conversations();
  complaints();
  referrals();
  org_.compact();
  return std::move(org_);
}

const std::vector<std::string> better_answers{
    "Answer our tickets faster; two days is too long in the billing season.",
    "Tell us earlier when a deadline slips.",
    "One contact person instead of a shared mailbox would help.",
    "The monthly figures are fine, but the explanations come too late.",
    "Involve us before changes go live, not after.",
    "More flexibility when we need someone at short notice.",
    "Honestly, we are happy; keep the weekly call.",
    "Write offers only after checking with the teams who have to deliver them.",
    "Fewer forms, more conversations."};
const std::vector<std::string> goal_answers{
    "We migrate to smart meters next year and need support with the data.",
    "Our goal is a 10% shorter closing; reliable inputs from you are key.",
    "We want to hire six apprentices.",
    "Lower complaint numbers in the billing season.",
    "The new tariff portal goes live in spring.",
    "Energy efficiency consulting for our largest customers."};
const std::vector<std::string> coop_answers{
    "We need complete contract data before the first bill, not after.",
    "Promises to customers must be agreed with us first.",
    "A shared weekly list of open cases.",
    "Conflicts go to both team leads within a week, not to the board."};
const std::vector<std::string> employee_answers{
    "I would like more say in how the shift plan is made.",
    "I want to grow into a team lead role within two years.",
    "The workload in winter is too high; we are permanently understaffed.",
    "Agreements from the last review were not kept; I have stopped expecting them to be.",
    "I feel supported and would recommend working here.",
    "More training on the new billing system, please."};
const std::vector<std::string> agreement_texts{
    "Send a written summary of open tickets every month",  "Name one fixed contact person",
    "Agree offers with the delivering teams before signing", "Deliver the monthly report by the fifth working day",
    "Hold a joint review of the handover process",          "Offer a training on the new system",
    "Agree the shift plan four weeks ahead",                 "Fix the recurring errors in the interface",
    "Join the team meeting once a quarter",                  "Provide contract data within two days of signing"};

void Builder::conversations() {
  for (const Rel& r : rels_) {
    const Relationship& rel = org_.relationship(r.id);
    ConversationKind kind = rel.bond == Bond::leadership ? ConversationKind::employee_review
                            : rel.bond == Bond::cooperation ? ConversationKind::cooperation_review
                                                            : ConversationKind::customer_review;
    GuideId guide = rel.bond == Bond::leadership ? employee_review_guide
                    : rel.bond == Bond::cooperation ? cooperation_review_guide
                                                    : customer_review_guide;
    for (int y = r.first_year; y <= std::min(r.last_year, 2026); ++y) {
      Date when = Date::from_ymd(y, unsigned(r.month), unsigned(r.day));
      if (when > as_of_) continue;
      if (rng_.chance(0.04) && y < 2026) continue;  // a year missed now and then
      double mean = r.q.mean + r.q.drift * (y - 2023);
      int s = score(mean, r.q.sd);
      std::optional<int> self;
      if (rng_.chance(rel.bond == Bond::leadership ? 0.5 : 0.8)) self = score(mean + r.q.self_bias, 0.6);
      ConversationSpec spec{r.id, when, kind, guide, s, self, {}};
      if (kind == ConversationKind::customer_review && rng_.chance(0.45)) {
        spec.answers.push_back({"better", rng_.pick(better_answers)});
        if (rng_.chance(0.6)) spec.answers.push_back({"goals", rng_.pick(goal_answers)});
      } else if (kind == ConversationKind::cooperation_review && rng_.chance(0.6)) {
        spec.answers.push_back({"needs", rng_.pick(coop_answers)});
      } else if (kind == ConversationKind::employee_review && rng_.chance(0.3)) {
        const std::string& a = rel.provider == service_lead_ && y >= 2024 ? employee_answers[std::size_t(rng_.chance(0.5) ? 2 : 3)]
                                                                          : rng_.pick(employee_answers);
        spec.answers.push_back({"motives", a});
      }
      ConversationId c = org_.add_conversation(spec);
      agreements_for(r, c, when, kind);
      // A top performer's retention conversation, now and then.
      if (kind == ConversationKind::employee_review && s >= 9 && rng_.chance(0.15)) {
        Date later = when.plus_days(rng_.between(20, 90));
        if (later <= as_of_)
          org_.add_conversation(ConversationSpec{r.id, later, ConversationKind::retention, employee_review_guide,
                                                 std::clamp(s - rng_.between(0, 2), 0, 10), std::nullopt, {}});
      }
    }
  }
}

void Builder::agreements_for(const Rel& r, ConversationId c, Date when, ConversationKind kind) {
  double p = kind == ConversationKind::employee_review ? 0.3 : 0.5;
  int n = rng_.chance(p) ? (rng_.chance(0.3) ? 2 : 1) : 0;
  const Relationship& rel = org_.relationship(r.id);
  for (int i = 0; i < n; ++i) {
    bool provider_owns = rng_.chance(0.8);
    UnitId owner = provider_owns ? rel.provider : rel.recipient;
    Date due = when.plus_days(rng_.between(45, 200));
    AgreementId a = org_.add_agreement(AgreementSpec{c, owner, rng_.pick(agreement_texts), due});
    if (due > as_of_) continue;  // still open, not yet due
    double keep = provider_owns ? r.keep : 0.85;
    double u = rng_.unit();
    if (u < 0.07) continue;  // open and overdue: nobody closed it
    if (u < 0.07 + keep * 0.93) {
      Date closed = due.plus_days(-rng_.between(0, 30));
      if (closed < when) closed = when;
      org_.close_agreement(a, AgreementStatus::kept, closed);
    } else if (rng_.chance(0.85)) {
      org_.close_agreement(a, AgreementStatus::broken, std::min(as_of_, due.plus_days(rng_.between(5, 60))));
    } else {
      org_.close_agreement(a, AgreementStatus::dropped, std::min(as_of_, due.plus_days(rng_.between(0, 20))));
    }
  }
}

void Builder::complaints() {
  const std::vector<std::string> household_texts{
      "Bill twice as high as last year without explanation", "Nobody called back after three attempts",
      "Meter replacement appointment missed", "Direct debit taken twice", "Hotline queue over 40 minutes",
      "Final bill after moving out never arrived"};
  const std::vector<std::string> internal_texts{"Laptop replacement took six weeks", "Password reset ticket closed without a fix",
                                                "Billing system down during the annual run"};
  static const std::vector<std::string> contract_texts{"Contract terms differ from what sales promised"};
  auto find = [&](UnitId p, UnitId r, Bond b) { return *org_.find_relationship(p, r, b); };
  struct Source {
    RelationshipId rel;
    const std::vector<std::string>* texts;
    int per_year;
  };
  std::vector<Source> sources{
      {find(team("sales-service"), households_, Bond::service), &household_texts, 7},
      {find(team("sales-billing"), households_, Bond::service), &household_texts, 5},
      {find(team("grid-field"), households_, Bond::service), &household_texts, 2},
      {find(team("it-servicedesk"), team("sales"), Bond::service), &internal_texts, 1},
      {find(team("it-apps"), team("sales-billing"), Bond::service), &internal_texts, 1},
      {find(team("sales-keyaccount"), team("cust-chem"), Bond::service), &contract_texts, 1}};
  for (auto& s : sources) {
    for (int y = 2023; y <= 2026; ++y) {
      int n = s.per_year + (s.rel == sources[0].rel ? (y - 2023) * 2 : 0);  // service centre: rising
      for (int i = 0; i < n; ++i) {
        Date received = Date::from_ymd(y, unsigned(rng_.between(1, 12)), unsigned(rng_.between(1, 28)));
        if (received > as_of_) continue;
        auto sev = Severity(rng_.chance(0.1) ? 3 : rng_.chance(0.3) ? 2 : rng_.chance(0.5) ? 1 : 0);
        ComplaintId c = org_.add_complaint(ComplaintSpec{s.rel, received, sev, rng_.pick(*s.texts)});
        Date d = received;
        for (int stage = 1; stage <= 4; ++stage) {
          d = d.plus_days(rng_.between(1, stage == 3 ? 30 : 10));
          if (d > as_of_) break;
          auto outcome = stage == 4 ? (rng_.chance(0.7) ? ComplaintOutcome::accepted
                                                        : rng_.chance(0.5) ? ComplaintOutcome::rejected : ComplaintOutcome::no_basis)
                                    : ComplaintOutcome::none;
          org_.advance_complaint(c, ComplaintStage(stage), d, outcome);
        }
      }
    }
  }
}

void Builder::referrals() {
  // Business customers recommend key account sales and billing to prospects.
  for (std::size_t i = 0; i < prospects_.size(); ++i) {
    UnitId from = business_customers_[i * 2 % business_customers_.size()];
    auto rel = org_.find_relationship(team("sales-billing"), from, Bond::service);
    Date when = Date::from_ymd(2023 + int(i % 4), unsigned(rng_.between(1, 10)), unsigned(rng_.between(1, 28)));
    ReferralId r = org_.add_referral(ReferralSpec{*rel, when, ReferralTarget::customer, prospects_[i]});
    Date closed = when.plus_days(rng_.between(30, 120));
    if (closed <= as_of_) org_.set_referral_outcome(r, rng_.chance(0.6) ? ReferralOutcome::won : ReferralOutcome::lost, closed);
  }
  // Employees recommend candidates to their leaders; fewer from the service centre as trust erodes.
  for (std::size_t i = 0; i < candidates_.size(); ++i) {
    std::size_t ti = std::size_t(rng_.below(int(teams_.size())));
    if (members_[ti].empty()) continue;
    UnitId emp = members_[ti][std::size_t(rng_.below(int(members_[ti].size())))];
    auto rel = org_.find_relationship(teams_[ti].second, emp, Bond::leadership);
    Date when = Date::from_ymd(2024 + int(i % 3), unsigned(rng_.between(1, 10)), unsigned(rng_.between(1, 28)));
    if (when > as_of_) continue;
    ReferralId r = org_.add_referral(ReferralSpec{*rel, when, ReferralTarget::employee, candidates_[i]});
    Date closed = when.plus_days(rng_.between(20, 90));
    if (closed <= as_of_) org_.set_referral_outcome(r, rng_.chance(0.5) ? ReferralOutcome::won : ReferralOutcome::lost, closed);
  }
  // Household customers recommend the grid connection service (party not known as a unit).
  auto rel = org_.find_relationship(team("grid-field"), households_, Bond::service);
  for (int i = 0; i < 6; ++i) {
    Date when = Date::from_ymd(2023 + i % 4, unsigned(rng_.between(1, 10)), unsigned(rng_.between(1, 28)));
    org_.add_referral(ReferralSpec{*rel, when, ReferralTarget::customer, std::nullopt});
  }
}

}  // namespace

Organisation sample_organisation(std::uint64_t seed) { return Builder(seed).build(); }

}  // namespace rapport::cli
