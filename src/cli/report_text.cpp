// The terminal report: a summary that fits 80 columns and is useful on its own.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <sstream>

#include "report.hpp"
#include "report_data.hpp"

namespace rapport::cli {
namespace {

/// Display width of UTF-8 text (code points; the names here hold no wide characters).
std::size_t width_of(std::string_view s) {
  std::size_t w = 0;
  for (unsigned char c : s) w += (c & 0xC0) != 0x80;
  return w;
}

/// `s` cut or padded to `w` columns.
std::string fit(std::string_view s, std::size_t w, bool right = false) {
  std::string out;
  std::size_t cols = 0;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t len = 1;
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0xF0) len = 4;
    else if (c >= 0xE0) len = 3;
    else if (c >= 0xC0) len = 2;
    if (cols + 1 > w || (cols + 1 == w && width_of(s.substr(i)) > 1)) {
      if (w > 0) out += "…", ++cols;
      break;
    }
    out.append(s.substr(i, len));
    ++cols;
    i += len;
  }
  std::string pad(w > cols ? w - cols : 0, ' ');
  return right ? pad + out : out + pad;
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string money(double v) {
  long long x = std::llround(v);
  std::string s = std::to_string(x);
  for (int i = int(s.size()) - 3; i > 0; i -= 3) s.insert(std::size_t(i), ",");
  return s + " EUR";
}

/// Word-wraps `text` to `width` columns, the first line after `lead`, later ones indented by `indent`.
void wrap(std::ostream& out, const std::string& lead, const std::string& text, std::size_t width, std::size_t indent) {
  std::istringstream words(text);
  std::string word, line = lead;
  std::size_t w = width_of(line);
  bool first = true;
  while (words >> word) {
    std::size_t ww = width_of(word);
    if (!first && w + 1 + ww > width) {
      out << line << "\n";
      line = std::string(indent, ' ');
      w = indent;
      first = true;
    }
    if (!first) line += " ", ++w;
    line += word;
    w += ww;
    first = false;
  }
  out << line << "\n";
}

std::string band_letter(const score::HealthResult& h) {
  if (h.status != score::Status::ok) return "";
  return h.band == score::Band::red ? "red" : h.band == score::Band::yellow ? "yel" : "grn";
}

std::string health_cell(const score::HealthResult& h, const score::Privacy& p) {
  if (h.status != score::Status::ok) return status_text(h.status, p);
  return fmt("%.0f ", h.health) + band_letter(h);
}

std::string share(const score::CoverageResult& c) {
  return c.status == score::Status::ok ? fmt("%.0f%%", 100 * c.share) : "n/a";
}
std::string share(const score::ReliabilityResult& r) {
  return r.status == score::Status::ok ? fmt("%.0f%%", 100 * r.reliability) : "n/a";
}
std::string gap_cell(const score::GapResult& g, const score::Privacy& p) {
  if (g.status != score::Status::ok) return status_text(g.status, p);
  return fmt("%+.0f", g.gap) + (g.kind == score::GapKind::blind_spot ? "!" : g.kind == score::GapKind::hidden_strength ? "*" : "");
}

void rule(std::ostream& out, std::size_t w, char c = '-') { out << std::string(w, c) << "\n"; }

void years_table(std::ostream& out, const std::vector<YearStats>& all, const score::Privacy& p, std::size_t indent,
                 std::size_t width) {
  // As many of the latest years as fit the width.
  std::size_t fit_years = width > indent + 22 ? (width - indent - 22) / 7 : 1;
  std::vector<YearStats> years(all.end() - std::ptrdiff_t(std::min(all.size(), fit_years)), all.end());
  std::string head(indent, ' '), sat(indent, ' '), nps(indent, ' ');
  head += fit("", 22);
  sat += fit("satisfaction (0-10)", 22);
  nps += fit("NPS", 22);
  for (auto& y : years) {
    head += fit(std::to_string(y.year), 7, true);
    sat += fit(show_mean(y.satisfaction, p), 7, true);
    nps += fit(show_nps(y.nps, p), 7, true);
  }
  out << head << "\n" << sat << "\n" << nps << "\n";
}

void unit_detail(std::ostream& out, const Organisation& org, const ReportData& d, const UnitReport& r, std::size_t W) {
  const Unit& u = org.unit(r.id);
  rule(out, W, '=');
  out << fit(u.name + " (" + std::string(to_string(u.kind)) + ", " + u.key + ")", W) << "\n";
  rule(out, W, '=');
  years_table(out, r.years, d.privacy, 2, W);
  out << "  health " << health_cell(r.health, d.privacy) << "   coverage " << share(r.coverage) << " ("
      << r.coverage.overdue.size() << " overdue)   reliability " << share(r.reliability) << "\n";
  if (r.gap.status == score::Status::ok)
    wrap(out, "  perception: ",
         fmt("self %.0f", r.gap.self_mean) + fmt(", others %.0f", r.gap.others_mean) + fmt(" (gap %+.0f points", r.gap.gap) +
             (r.gap.kind == score::GapKind::blind_spot ? ", a blind spot)" : r.gap.kind == score::GapKind::hidden_strength ? ", a hidden strength)" : ")"),
         W, 4);
  if (r.optimiser.status == score::Status::ok)
    wrap(out, "  local optimiser index: ",
         fmt("%+.0f", r.optimiser.index) + fmt(" (payer chain %.0f", r.optimiser.payer_mean) +
             fmt(", fabric %.0f)", r.optimiser.fabric_mean) + (r.optimiser.flagged ? " FLAGGED" : ""),
         W, 4);
  if (r.retention.status == score::Status::ok)
    wrap(out, "  retention: ",
         std::to_string(r.retention.employees) + " employees, mean risk " + fmt("%.2f", r.retention.mean_risk) + ", " +
             std::to_string(r.retention.high_risk) + " at high risk; expected cost of loss " + money(r.retention.expected_low) +
             (r.retention.expected_high != r.retention.expected_low ? " to " + money(r.retention.expected_high) : ""),
         W, 4);
  else if (r.retention.status != score::Status::no_data)
    out << "  retention: suppressed (fewer than " << d.privacy.min_group << " employees)\n";
  out << "  complaints " << r.complaints << " (" << r.complaints_open << " open)   referrals won " << r.referrals_won
      << ", lost " << r.referrals_lost << ", pending " << r.referrals_pending << "\n";
  out << "  agreements owned: " << r.agreements_broken << " broken in the last 12 months, " << r.agreements_open_overdue
      << " open and overdue\n";
  for (Side side : {Side::input, Side::throughput, Side::output}) {
    const char* title = side == Side::input ? "input (suppliers, leader)" : side == Side::throughput ? "throughput (colleagues)" : "output (customers, employees)";
    std::size_t count = std::count_if(r.bones.begin(), r.bones.end(), [&](const Bone& b) { return b.side == side; });
    out << "  " << title << ": " << count << "\n";
    std::size_t shown = 0;
    for (const Bone& b : r.bones) {
      if (b.side != side) continue;
      if (++shown > 12) {
        out << "    ... and " << (count - 12) << " more\n";
        break;
      }
      const Relationship& rel = org.relationship(b.relationship);
      std::string line = "    " + fit(org.unit(b.other).name, 30) + " " + fit(rel.label, 20) + " " +
                         fit(health_cell(b.health, d.privacy), 7, true) + " " +
                         (b.last ? b.last->iso() : std::string("never     ")) + (b.overdue ? " overdue" : "");
      out << fit(line, W) << "\n";
    }
  }
}

}  // namespace

void print_text_report(const Organisation& org, const ReportOptions& opt, std::ostream& out) {
  ReportData d = compute_report(org, opt);
  const std::size_t W = std::size_t(std::max(60, opt.width));
  if (opt.unit) {
    if (const UnitReport* r = d.find(*opt.unit)) {
      unit_detail(out, org, d, *r, W);
      return;
    }
    // Any other unit (a person, an external party): its own report on the fly.
    out << fit(org.unit(*opt.unit).name + ": not a department or team; see the HTML report", W) << "\n";
    return;
  }

  rule(out, W, '=');
  out << fit(d.organisation_name + " - rapport report as of " + d.as_of.iso(), W) << "\n";
  wrap(out, "",
       std::to_string(org.units().size()) + " units, " + std::to_string(org.relationships().size()) + " relationships, " +
           std::to_string(org.conversations().size()) + " conversations " + std::to_string(d.first_year) + "-" +
           std::to_string(d.last_year_number) + ", " + std::to_string(org.agreements().size()) + " agreements, " +
           std::to_string(org.complaints().size()) + " complaints, " + std::to_string(org.referrals().size()) +
           " referrals. Privacy: aggregates need " + std::to_string(d.privacy.min_group) + " respondents.",
       W, 0);
  rule(out, W, '=');

  out << "ORGANISATION\n";
  years_table(out, d.years, d.privacy, 2, W);
  wrap(out, "  ",
       "health " + health_cell(d.health, d.privacy) + "; coverage " + share(d.coverage) + " of " +
           std::to_string(d.coverage.relationships) + " relationships (" + std::to_string(d.coverage.overdue.size()) +
           " overdue); agreements due in the last 12 months kept " + share(d.reliability) + " (" +
           std::to_string(d.reliability.counts.kept) + " kept, " + std::to_string(d.reliability.counts.broken) +
           " broken), " + std::to_string(d.open_overdue.size()) + " open and overdue; " +
           std::to_string(d.open_complaints.size()) + " complaints open",
       W, 2);
  out << "\n";

  out << "FINDINGS\n";
  const std::size_t lead = 19;
  auto finding = [&](const char* what, const std::string& text) { wrap(out, "  " + fit(what, lead - 2), text, W, lead); };
  bool any = false;
  for (std::size_t i = 0; i < d.gaps.units.size(); ++i) {
    const UnitReport* r = d.find(d.gaps.units[i]);
    if (!r || r->gap.status != score::Status::ok) continue;
    bool blind = d.gaps.unit_kinds[i] == score::GapKind::blind_spot;
    finding(blind ? "Blind spot" : "Hidden strength",
            org.unit(r->id).name + " rates itself " + fmt("%.0f", r->gap.self_mean) + "/100, its customers and colleagues say " +
                fmt("%.0f", r->gap.others_mean) + fmt(" (gap %+.0f points, ", r->gap.gap) +
                std::to_string(r->gap.respondents) + " respondents)");
    any = true;
  }
  for (const UnitReport& r : d.units)
    if (r.optimiser.status == score::Status::ok && r.optimiser.flagged) {
      finding("Local optimiser", org.unit(r.id).name + ": rated " + fmt("%.0f", r.optimiser.payer_mean) +
                                     " by its payer chain but " + fmt("%.0f", r.optimiser.fabric_mean) +
                                     " by the fabric around it (index " + fmt("%+.0f", r.optimiser.index) + " points)");
      any = true;
    }
  std::vector<const UnitReport*> risky;
  for (const UnitReport& r : d.units)
    if (r.retention.status == score::Status::ok && r.retention.mean_risk >= 0.4) risky.push_back(&r);
  std::sort(risky.begin(), risky.end(), [](auto* a, auto* b) { return a->retention.mean_risk > b->retention.mean_risk; });
  for (const UnitReport* r : risky) {
    finding("Retention risk", org.unit(r->id).name + ": " + std::to_string(r->retention.high_risk) + " of " +
                                  std::to_string(r->retention.employees) + " employees at high risk (mean " +
                                  fmt("%.2f", r->retention.mean_risk) + "); expected cost of loss " +
                                  money(r->retention.expected_low) +
                                  (r->retention.expected_high != r->retention.expected_low ? " to " + money(r->retention.expected_high) : ""));
    any = true;
  }
  if (!d.coverage.overdue.empty()) {
    std::string text = std::to_string(d.coverage.overdue.size()) + " relationships without a conversation in 12 months, e.g. ";
    std::vector<score::Overdue> worst = d.coverage.overdue;
    std::sort(worst.begin(), worst.end(), [](auto& a, auto& b) { return a.days_since_last > b.days_since_last; });
    int shown = 0;
    for (auto& o : worst) {
      const Relationship& rel = org.relationship(o.relationship);
      auto pk = org.unit(rel.provider).kind;
      if (pk == UnitKind::person) continue;  // people's reviews are counted, not named
      if (shown++ == 3) break;
      text += org.unit(rel.provider).name + " -> " + org.unit(rel.recipient).name + " (" +
              (o.last ? "last " + o.last->iso() : std::string("never")) + "); ";
    }
    if (text.size() > 2 && text.substr(text.size() - 2) == "; ") text.resize(text.size() - 2);
    finding("Overdue", text);
    any = true;
  }
  if (!any) out << "  none\n";
  out << "\n";

  out << "UNITS (last 12 months)\n";
  const std::size_t name_w = W - 58;
  out << "  " << fit("unit", name_w) << fit("health", 8, true) << fit("sat", 6, true) << fit("NPS", 6, true)
      << fit("cover", 7, true) << fit("kept", 6, true) << fit("gap", 6, true) << fit("LO", 6, true)
      << fit("risk", 6, true) << fit("cmpl", 5, true) << "\n";
  for (const UnitReport& r : d.units) {
    std::string name = std::string(std::size_t(r.depth) * 2, ' ') + org.unit(r.id).name;
    std::string lo = r.optimiser.status == score::Status::ok ? fmt("%+.0f", r.optimiser.index) + (r.optimiser.flagged ? "!" : "")
                                                            : status_text(r.optimiser.status, d.privacy);
    std::string risk = r.retention.status == score::Status::ok ? fmt("%.2f", r.retention.mean_risk)
                                                               : r.retention.status == score::Status::no_data ? "" : status_text(r.retention.status, d.privacy);
    out << "  " << fit(name, name_w) << fit(health_cell(r.health, d.privacy), 8, true)
        << fit(show_mean(r.satisfaction, d.privacy), 6, true) << fit(show_nps(r.nps, d.privacy), 6, true)
        << fit(share(r.coverage), 7, true) << fit(share(r.reliability), 6, true) << fit(gap_cell(r.gap, d.privacy), 6, true)
        << fit(lo, 6, true) << fit(risk, 6, true) << fit(std::to_string(r.complaints_open), 5, true) << "\n";
  }
  rule(out, W);
  wrap(out, "",
       "sat: mean satisfaction 0-10; NPS: net promoter score; cover: share of relationships with a conversation in "
       "12 months; kept: agreements kept of kept+broken; gap: self-assessment minus others' score in points "
       "(! blind spot, * hidden strength); LO: local optimiser index (! flagged); risk: mean retention risk of the "
       "team's employees; cmpl: open complaints. n/a: no data; <" +
           std::to_string(d.privacy.min_group) + ": withheld, fewer than " + std::to_string(d.privacy.min_group) +
           " respondents; supp: withheld so that another report cannot reveal a small group. " +
           "Details: rapport report ARCHIVE --unit KEY, or --html FILE.",
       W, 0);
}

}  // namespace rapport::cli
