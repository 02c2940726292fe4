// The HTML report: one self-contained file (inline CSS and SVG, no network), readable and printable.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <sstream>

#include "rapport/archive.hpp"
#include "rapport/error.hpp"
#include "rapport/version.hpp"
#include "report.hpp"
#include "report_data.hpp"

namespace rapport::cli {
namespace {

std::string esc(std::string_view s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string money(double v) {
  std::string s = std::to_string(std::llround(v));
  for (int i = int(s.size()) - 3; i > 0; i -= 3) s.insert(std::size_t(i), ",");
  return s + "&nbsp;EUR";
}

/// Cuts a display name to `n` code points.
std::string shorten(std::string_view s, std::size_t n) {
  std::string out;
  std::size_t cps = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80) {
      if (cps == n) return out + "…";
      ++cps;
    }
    out += s[i];
  }
  return out;
}

const char* band_class(const score::HealthResult& h) {
  if (h.status != score::Status::ok) return "none";
  return h.band == score::Band::red ? "red" : h.band == score::Band::yellow ? "yellow" : "green";
}
const char* band_colour(const score::HealthResult& h) {
  if (h.status != score::Status::ok) return "#9e9e9e";
  return h.band == score::Band::red ? "#c62828" : h.band == score::Band::yellow ? "#f9a825" : "#2e7d32";
}

/// A value, or a marked explanation of why it is withheld.
std::string cell(score::Status s, const std::string& value, const score::Privacy& p) {
  if (s == score::Status::ok) return value;
  if (s == score::Status::no_data) return "<span class=\"na\" title=\"no data\">n/a</span>";
  if (s == score::Status::suppressed)
    return "<span class=\"suppressed\" title=\"withheld: fewer than " + std::to_string(p.min_group) +
           " respondents\">suppressed (&lt;" + std::to_string(p.min_group) + ")</span>";
  return "<span class=\"suppressed\" title=\"withheld: another report would reveal a small group\">suppressed</span>";
}

std::string health_badge(const score::HealthResult& h, const score::Privacy& p) {
  if (h.status != score::Status::ok) return cell(h.status, "", p);
  return "<span class=\"badge " + std::string(band_class(h)) + "\">" + fmt("%.0f", h.health) + " " +
         std::string(to_string(h.band)) + "</span>";
}

/// Satisfaction (line, 0-10) and NPS (bars, -100..100) by year, as one SVG.
std::string trend_chart(const std::vector<YearStats>& years, const score::Privacy& p, const std::string& title) {
  const int W = 440, H = 170, left = 34, right = 12, top = 22, bottom = 26;
  const int n = int(years.size());
  if (n == 0) return "";
  auto x = [&](int i) { return left + (W - left - right) * (2 * i + 1) / (2 * n); };
  auto ys = [&](double v) { return top + (H - top - bottom) * (10 - v) / 10.0; };      // satisfaction 0-10
  auto yn = [&](double v) { return top + (H - top - bottom) * (100 - v) / 200.0; };    // NPS -100..100
  std::ostringstream s;
  s << "<svg class=\"chart\" viewBox=\"0 0 " << W << " " << H << "\" role=\"img\" aria-label=\"" << esc(title) << "\">";
  s << "<title>" << esc(title) << "</title>";
  for (int v = 0; v <= 10; v += 5)
    s << "<line x1=\"" << left << "\" x2=\"" << W - right << "\" y1=\"" << ys(v) << "\" y2=\"" << ys(v)
      << "\" class=\"grid\"/><text x=\"" << left - 4 << "\" y=\"" << ys(v) + 4 << "\" class=\"axis\" text-anchor=\"end\">" << v
      << "</text>";
  const int bw = std::max(8, (W - left - right) / (3 * n));
  for (int i = 0; i < n; ++i) {
    const auto& y = years[std::size_t(i)];
    s << "<text x=\"" << x(i) << "\" y=\"" << H - 8 << "\" class=\"axis\" text-anchor=\"middle\">" << y.year << "</text>";
    if (y.nps.status == score::Status::ok) {
      double y0 = yn(0), y1 = yn(y.nps.nps);
      s << "<rect class=\"nps " << (y.nps.nps >= 0 ? "pos" : "neg") << "\" x=\"" << x(i) - bw / 2 << "\" width=\"" << bw
        << "\" y=\"" << std::min(y0, y1) << "\" height=\"" << std::max(1.0, std::abs(y1 - y0)) << "\"><title>NPS " << y.year
        << ": " << fmt("%+.0f", y.nps.nps) << " (n=" << y.nps.n << ")</title></rect>";
    }
  }
  std::string points;
  for (int i = 0; i < n; ++i) {
    const auto& y = years[std::size_t(i)];
    if (y.satisfaction.status == score::Status::ok && y.satisfaction.scale) {
      points += std::to_string(x(i)) + "," + fmt("%.1f", ys(y.satisfaction.mean)) + " ";
    } else if (y.satisfaction.status == score::Status::suppressed || y.satisfaction.status == score::Status::suppressed_complementary) {
      s << "<text x=\"" << x(i) << "\" y=\"" << ys(5) << "\" class=\"suppressed-mark\" text-anchor=\"middle\">suppressed</text>";
    }
  }
  if (!points.empty()) s << "<polyline class=\"sat\" points=\"" << points << "\"/>";
  for (int i = 0; i < n; ++i) {
    const auto& y = years[std::size_t(i)];
    if (y.satisfaction.status != score::Status::ok || !y.satisfaction.scale) continue;
    s << "<circle class=\"sat\" cx=\"" << x(i) << "\" cy=\"" << fmt("%.1f", ys(y.satisfaction.mean)) << "\" r=\"4\"><title>"
      << y.year << ": mean " << fmt("%.2f", y.satisfaction.mean) << " (n=" << y.satisfaction.n << ", "
      << y.satisfaction.respondents << " respondents)</title></circle>";
    s << "<text x=\"" << x(i) << "\" y=\"" << fmt("%.1f", ys(y.satisfaction.mean) - 8) << "\" class=\"val\" text-anchor=\"middle\">"
      << fmt("%.1f", y.satisfaction.mean) << "</text>";
  }
  s << "<text x=\"" << left << "\" y=\"13\" class=\"legend\"><tspan class=\"l-sat\">&#9679; satisfaction 0-10</tspan>"
    << "<tspan dx=\"12\" class=\"l-nps\">&#9632; NPS (bars, -100..+100)</tspan></text>";
  s << "</svg>";
  (void)p;
  return s.str();
}

/// The unit's fishbone: input, throughput and output bones along a spine, coloured by health.
std::string fishbone_svg(const Organisation& org, const UnitReport& r) {
  const int W = 960, spine_x0 = 20, head_x = W - 130, seg = (head_x - spine_x0) / 3;
  const std::size_t max_bones = 14;
  int rows = 1;
  for (Side side : {Side::input, Side::throughput, Side::output}) {
    std::size_t k = std::count_if(r.bones.begin(), r.bones.end(), [&](const Bone& b) { return b.side == side; });
    rows = std::max<int>(rows, int(std::min(k, max_bones) + 1) / 2);
  }
  const int level = 26, depth = std::min(rows, 3);
  const int half = 40 + depth * level + 10;
  const int H = 2 * half + 20, spine_y = half + 10;
  const Unit& u = org.unit(r.id);
  std::ostringstream s;
  s << "<svg class=\"fishbone\" viewBox=\"0 0 " << W << " " << H << "\" role=\"img\" aria-label=\"fishbone of "
    << esc(u.name) << "\" data-unit=\"" << esc(u.key) << "\">";
  s << "<title>Fishbone of " << esc(u.name) << ": input, throughput and output relationships coloured by health</title>";
  s << "<line x1=\"" << spine_x0 << "\" y1=\"" << spine_y << "\" x2=\"" << head_x << "\" y2=\"" << spine_y << "\" class=\"spine\"/>";
  s << "<polygon points=\"" << head_x << "," << spine_y - 22 << " " << W - 10 << "," << spine_y << " " << head_x << ","
    << spine_y + 22 << "\" class=\"head\"/>";
  s << "<text x=\"" << head_x + 8 << "\" y=\"" << spine_y + 4 << "\" class=\"head-label\">" << esc(shorten(u.name, 12)) << "</text>";
  int si = 0;
  for (Side side : {Side::input, Side::throughput, Side::output}) {
    int x0 = spine_x0 + si * seg;
    const char* name = side == Side::input ? "INPUT" : side == Side::throughput ? "THROUGHPUT" : "OUTPUT";
    s << "<text x=\"" << x0 + seg / 2 << "\" y=\"" << H - 4 << "\" class=\"side-label\" text-anchor=\"middle\">" << name << "</text>";
    if (si > 0) s << "<line x1=\"" << x0 << "\" x2=\"" << x0 << "\" y1=\"" << spine_y - 8 << "\" y2=\"" << spine_y + 8 << "\" class=\"tick\"/>";
    std::vector<const Bone*> bones;
    for (const Bone& b : r.bones)
      if (b.side == side) bones.push_back(&b);
    std::size_t shown = std::min(bones.size(), max_bones);
    std::size_t per_row = (shown + 1) / 2;
    for (std::size_t i = 0; i < shown; ++i) {
      const Bone& b = *bones[i];
      bool above = i % 2 == 0;
      std::size_t slot = i / 2;
      // Labels hang to the left of their tip: keep the first bone of a side clear of the edge.
      int bx = x0 + 95 + int((slot + 1) * std::size_t(seg - 95) / (per_row + 1));
      int lift = 40 + int(slot % std::size_t(depth)) * level;
      int tip_x = bx - 22, tip_y = above ? spine_y - lift : spine_y + lift;
      const Relationship& rel = org.relationship(b.relationship);
      std::string tip = org.unit(b.other).name + " - " + rel.label + " (" + std::string(to_string(rel.bond)) + "): health " +
                        (b.health.status == score::Status::ok ? fmt("%.0f", b.health.health) + " " + std::string(to_string(b.health.band))
                                                              : std::string("no data")) +
                        (b.last ? ", last conversation " + b.last->iso() : std::string(", no conversation yet")) +
                        (b.overdue ? ", OVERDUE" : "");
      s << "<g class=\"bone " << band_class(b.health) << (b.overdue ? " overdue" : "") << "\" data-relationship=\""
        << b.relationship.value << "\"><title>" << esc(tip) << "</title>";
      s << "<line x1=\"" << bx << "\" y1=\"" << spine_y << "\" x2=\"" << tip_x << "\" y2=\"" << tip_y << "\" stroke=\""
        << band_colour(b.health) << "\"" << (b.overdue ? " stroke-dasharray=\"5 3\"" : "") << "/>";
      s << "<circle cx=\"" << tip_x << "\" cy=\"" << tip_y << "\" r=\"4\" fill=\"" << band_colour(b.health) << "\"/>";
      s << "<text x=\"" << tip_x - 6 << "\" y=\"" << tip_y + (above ? -5 : 13) << "\" class=\"bone-label\">"
        << esc(shorten(org.unit(b.other).name, 20)) << "</text></g>";
    }
    if (bones.size() > shown)
      s << "<text x=\"" << x0 + seg - 4 << "\" y=\"" << spine_y - 6 << "\" class=\"more\" text-anchor=\"end\">+"
        << bones.size() - shown << " more</text>";
    if (bones.empty())
      s << "<text x=\"" << x0 + seg / 2 << "\" y=\"" << spine_y - 8 << "\" class=\"more\" text-anchor=\"middle\">none</text>";
    ++si;
  }
  s << "</svg>";
  return s.str();
}

const char* css = R"CSS(
:root { --red:#c62828; --yellow:#f9a825; --green:#2e7d32; --grey:#9e9e9e; --ink:#1d2327; --muted:#5f6b73; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink);
       margin: 0 auto; max-width: 1040px; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 19px; margin: 28px 0 8px; border-bottom: 2px solid #e0e4e7; }
h3 { font-size: 16px; margin: 18px 0 6px; }
.meta, .note { color: var(--muted); font-size: 12.5px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 13px; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid #e6e9eb; vertical-align: top; }
th { background: #f4f6f7; font-weight: 600; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { white-space: nowrap; display: inline-block; padding: 0 7px; border-radius: 9px; color: #fff; font-size: 12px; font-weight: 600; }
.badge.red { background: var(--red); } .badge.yellow { background: var(--yellow); color: #222; } .badge.green { background: var(--green); }
.suppressed { color: #6a4f9c; font-style: italic; white-space: nowrap; } .na { color: var(--grey); }
.findings { border: 1px solid #d8dde0; border-left: 5px solid var(--red); background: #fdf6f5; padding: 8px 14px; border-radius: 4px; }
.findings li { margin: 4px 0; } .findings .kind { font-weight: 700; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 8px 0; }
.card { border: 1px solid #e0e4e7; border-radius: 6px; padding: 8px 12px; min-width: 150px; }
.card .big { font-size: 22px; font-weight: 700; } .card .label { color: var(--muted); font-size: 12px; }
svg.chart { width: 100%; max-width: 440px; height: auto; }
svg.fishbone { width: 100%; height: auto; background: #fbfcfc; border: 1px solid #eef0f1; border-radius: 6px; }
.grid { stroke: #e3e7ea; stroke-width: 1; } .axis { font-size: 10px; fill: var(--muted); }
.val { font-size: 10px; fill: #1f4e79; } .legend { font-size: 10px; } .l-sat { fill: #1f4e79; } .l-nps { fill: #7a8a96; }
polyline.sat { fill: none; stroke: #1f4e79; stroke-width: 2.5; } circle.sat { fill: #1f4e79; }
rect.nps.pos { fill: #b7c7d3; } rect.nps.neg { fill: #e7b9b5; } .suppressed-mark { font-size: 10px; fill: #6a4f9c; font-style: italic; }
.spine { stroke: #37474f; stroke-width: 3; } .head { fill: #37474f; } .head-label { fill: #fff; font-size: 11px; font-weight: 600; }
.side-label { font-size: 11px; fill: var(--muted); letter-spacing: 2px; } .tick { stroke: #90a4ae; stroke-width: 2; }
.bone line { stroke-width: 3; } .bone-label { font-size: 10px; fill: var(--ink); text-anchor: end; } .more { font-size: 10px; fill: var(--muted); }
.unit { page-break-inside: avoid; border-top: 1px solid #e0e4e7; margin-top: 18px; }
.twocol { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; } .twocol > * { flex: 1 1 420px; }
nav ul { columns: 3; padding-left: 18px; font-size: 13px; }
.flag { color: var(--red); font-weight: 700; }
@media print { body { max-width: none; padding: 0; font-size: 11px; } nav { display: none; } h2 { page-break-after: avoid; }
  .unit { page-break-before: auto; } a { color: inherit; text-decoration: none; } }
)CSS";


}  // namespace

void write_html_report(const Organisation& org, const ReportOptions& opt, const std::filesystem::path& file) {
  ReportData d = compute_report(org, opt);
  const auto& P = d.privacy;
  auto uname = [&](UnitId u) { return esc(org.unit(u).name); };
  auto ulink = [&](UnitId u) {
    if (d.find(u)) return "<a href=\"#unit-" + esc(org.unit(u).key) + "\">" + uname(u) + "</a>";
    return uname(u);
  };
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\" data-rendered=\"no\"><head><meta charset=\"utf-8\">"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    << "<meta name=\"generator\" content=\"rapport " << RAPPORT_VERSION_STRING << "\">"
    << "<title>" << esc(d.organisation_name) << " - rapport report " << d.as_of.iso() << "</title>"
    << "<style>" << css << "</style>"
    // Records script errors in the DOM so that a headless browser test can see them.
    << "<script>window.addEventListener('error',function(e){var r=document.documentElement;"
       "r.setAttribute('data-errors',String(Number(r.getAttribute('data-errors')||0)+1));"
       "r.setAttribute('data-last-error',String(e.message));});</script>"
    << "</head><body>\n";
  h << "<header><h1>" << esc(d.organisation_name) << "</h1><div class=\"meta\">rapport report as of <b>" << d.as_of.iso()
    << "</b> &middot; " << org.units().size() << " units &middot; " << org.relationships().size() << " relationships &middot; "
    << org.conversations().size() << " conversations " << d.first_year << "&ndash;" << d.last_year_number << " &middot; "
    << org.agreements().size() << " agreements &middot; " << org.complaints().size() << " complaints &middot; "
    << org.referrals().size() << " referrals</div>"
    << "<p class=\"note\" id=\"privacy\">Privacy: aggregates over people's answers are shown only for groups of at least "
    << P.min_group << " respondents, and withheld when another report would reveal a smaller group "
    << "(marked <span class=\"suppressed\">suppressed</span>; " << d.suppressed_reports
    << " unit reports withheld here). Scores are explained in docs/scores.md; every value comes from the rapport "
       "scores library.</p></header>\n";

  // --- findings ------------------------------------------------------------------------------
  h << "<section id=\"findings\"><h2>Findings</h2><ul class=\"findings\">";
  bool any = false;
  for (std::size_t i = 0; i < d.gaps.units.size(); ++i) {
    const UnitReport* r = d.find(d.gaps.units[i]);
    if (!r || r->gap.status != score::Status::ok) continue;
    bool blind = d.gaps.unit_kinds[i] == score::GapKind::blind_spot;
    h << "<li class=\"" << (blind ? "blind-spot" : "hidden-strength") << "\" data-unit=\"" << esc(org.unit(r->id).key)
      << "\"><span class=\"kind\">" << (blind ? "Blind spot" : "Hidden strength") << ":</span> " << ulink(r->id)
      << " rates itself <b>" << fmt("%.0f", r->gap.self_mean) << "</b>/100; its customers and colleagues say <b>"
      << fmt("%.0f", r->gap.others_mean) << "</b> (gap " << fmt("%+.0f", r->gap.gap) << " points, " << r->gap.respondents
      << " respondents, " << r->gap.n << " conversations).</li>";
    any = true;
  }
  for (const UnitReport& r : d.units)
    if (r.optimiser.status == score::Status::ok && r.optimiser.flagged) {
      h << "<li class=\"local-optimiser\" data-unit=\"" << esc(org.unit(r.id).key) << "\"><span class=\"kind\">Local optimiser:</span> "
        << ulink(r.id) << " is rated <b>" << fmt("%.0f", r.optimiser.payer_mean) << "</b>/100 by its payer chain but <b>"
        << fmt("%.0f", r.optimiser.fabric_mean) << "</b> by the colleagues and customers around it (index "
        << fmt("%+.0f", r.optimiser.index) << " points" << (r.optimiser.se ? ", z = " + fmt("%.1f", r.optimiser.index / std::max(1e-9, *r.optimiser.se)) : "")
        << ").</li>";
      any = true;
    }
  for (const UnitReport& r : d.units)
    if (r.retention.status == score::Status::ok && r.retention.mean_risk >= 0.4) {
      h << "<li class=\"retention-risk\" data-unit=\"" << esc(org.unit(r.id).key) << "\"><span class=\"kind\">Retention risk:</span> "
        << ulink(r.id) << ": " << r.retention.high_risk << " of " << r.retention.employees
        << " employees at high risk (mean risk " << fmt("%.2f", r.retention.mean_risk) << "); expected cost of loss "
        << money(r.retention.expected_low)
        << (r.retention.expected_high != r.retention.expected_low ? " to " + money(r.retention.expected_high) : "") << ".</li>";
      any = true;
    }
  if (!d.coverage.overdue.empty()) {
    h << "<li class=\"overdue\"><span class=\"kind\">Overdue:</span> " << d.coverage.overdue.size() << " of "
      << d.coverage.relationships << " relationships had no conversation in the last twelve months (<a href=\"#overdue\">list</a>).</li>";
    any = true;
  }
  if (!any) h << "<li>No findings.</li>";
  h << "</ul></section>\n";

  // --- organisation ------------------------------------------------------------------------------
  h << "<section id=\"organisation\"><h2>The organisation</h2><div class=\"cards\">"
    << "<div class=\"card\"><div class=\"label\">health</div><div class=\"big\">" << health_badge(d.health, P) << "</div></div>"
    << "<div class=\"card\"><div class=\"label\">satisfaction, last 12 months</div><div class=\"big\">" << esc(show_mean(d.satisfaction, P))
    << "</div></div><div class=\"card\"><div class=\"label\">NPS, last 12 months</div><div class=\"big\">" << esc(show_nps(d.nps, P))
    << "</div></div><div class=\"card\"><div class=\"label\">coverage</div><div class=\"big\">"
    << cell(d.coverage.status, fmt("%.0f%%", 100 * d.coverage.share), P) << "</div><div class=\"label\">"
    << d.coverage.overdue.size() << " overdue</div></div><div class=\"card\"><div class=\"label\">agreements kept</div><div class=\"big\">"
    << cell(d.reliability.status, fmt("%.0f%%", 100 * d.reliability.reliability), P) << "</div><div class=\"label\">"
    << d.reliability.counts.kept << " kept, " << d.reliability.counts.broken << " broken, " << d.open_overdue.size()
    << " open overdue</div></div></div>";
  h << trend_chart(d.years, P, "Organisation: satisfaction and NPS by year");
  h << "</section>\n";

  // --- units overview ------------------------------------------------------------------------------
  h << "<section id=\"units\"><h2>Units</h2><table><tr><th>unit</th><th>health</th><th class=\"num\">satisfaction</th>"
       "<th class=\"num\">NPS</th><th class=\"num\">coverage</th><th class=\"num\">kept</th><th class=\"num\">gap</th>"
       "<th class=\"num\">local optimiser</th><th class=\"num\">retention risk</th><th class=\"num\">open complaints</th></tr>";
  for (const UnitReport& r : d.units) {
    h << "<tr><td style=\"padding-left:" << 8 + 14 * r.depth << "px\">" << ulink(r.id) << "</td><td>" << health_badge(r.health, P)
      << "</td><td class=\"num\">" << cell(r.satisfaction.status, fmt("%.1f", r.satisfaction.mean), P) << "</td><td class=\"num\">"
      << cell(r.nps.status, fmt("%+.0f", r.nps.nps), P) << "</td><td class=\"num\">"
      << cell(r.coverage.status, fmt("%.0f%%", 100 * r.coverage.share), P) << "</td><td class=\"num\">"
      << cell(r.reliability.status, fmt("%.0f%%", 100 * r.reliability.reliability), P) << "</td><td class=\"num\">"
      << cell(r.gap.status, fmt("%+.0f", r.gap.gap), P) << "</td><td class=\"num\">"
      << cell(r.optimiser.status, fmt("%+.0f", r.optimiser.index) + (r.optimiser.flagged ? " <span class=\"flag\">!</span>" : ""), P)
      << "</td><td class=\"num\">"
      << (r.retention.status == score::Status::no_data ? "" : cell(r.retention.status, fmt("%.2f", r.retention.mean_risk), P))
      << "</td><td class=\"num\">" << r.complaints_open << "</td></tr>";
  }
  h << "</table></section>\n";

  // --- perception gaps ------------------------------------------------------------------------------
  h << "<section id=\"perception\"><h2>Perception gaps</h2><p class=\"note\">Self-assessment (how the provider thinks it is "
       "rated) minus the recipient's score, in points of 100. Significant beyond a third of the scale: a blind spot when the "
       "self-image is higher, a hidden strength when it is lower.</p><table><tr><th>unit</th><th class=\"num\">self</th>"
       "<th class=\"num\">others</th><th class=\"num\">gap</th><th>kind</th><th class=\"num\">respondents</th></tr>";
  for (const UnitReport& r : d.units) {
    if (r.gap.status == score::Status::no_data) continue;
    h << "<tr" << (r.gap.kind == score::GapKind::blind_spot ? " class=\"blind-spot\"" : "") << "><td>" << ulink(r.id) << "</td>";
    if (r.gap.status == score::Status::ok)
      h << "<td class=\"num\">" << fmt("%.0f", r.gap.self_mean) << "</td><td class=\"num\">" << fmt("%.0f", r.gap.others_mean)
        << "</td><td class=\"num\">" << fmt("%+.0f", r.gap.gap) << "</td><td>"
        << (r.gap.kind == score::GapKind::blind_spot ? "<b>blind spot</b>" : r.gap.kind == score::GapKind::hidden_strength ? "hidden strength" : "")
        << "</td><td class=\"num\">" << r.gap.respondents << "</td>";
    else
      h << "<td colspan=\"5\">" << cell(r.gap.status, "", P) << "</td>";
    h << "</tr>";
  }
  h << "</table><p class=\"note\">" << d.gaps.relationships.size() << " single relationships have a significant gap.</p></section>\n";

  // --- local optimisers ------------------------------------------------------------------------------
  h << "<section id=\"local-optimisers\"><h2>Local optimisers</h2><p class=\"note\">Rating from the payer chain minus the mean "
       "rating from the unit's throughput and output sides; flagged when large (20 points or more) and significant.</p>"
       "<table><tr><th>unit</th><th class=\"num\">payer chain</th><th class=\"num\">fabric</th><th class=\"num\">index</th>"
       "<th class=\"num\">n (payer / fabric)</th><th>flagged</th></tr>";
  for (const UnitReport& r : d.units) {
    if (r.optimiser.status == score::Status::no_data) continue;
    h << "<tr" << (r.optimiser.flagged ? " class=\"local-optimiser\"" : "") << "><td>" << ulink(r.id) << "</td>";
    if (r.optimiser.status == score::Status::ok)
      h << "<td class=\"num\">" << fmt("%.0f", r.optimiser.payer_mean) << "</td><td class=\"num\">" << fmt("%.0f", r.optimiser.fabric_mean)
        << "</td><td class=\"num\">" << fmt("%+.0f", r.optimiser.index) << "</td><td class=\"num\">" << r.optimiser.n_payer << " / "
        << r.optimiser.n_fabric << "</td><td>" << (r.optimiser.flagged ? "<span class=\"flag\">local optimiser</span>" : "") << "</td>";
    else
      h << "<td colspan=\"5\">" << cell(r.optimiser.status, "", P) << "</td>";
    h << "</tr>";
  }
  h << "</table></section>\n";

  // --- retention ------------------------------------------------------------------------------
  auto preset = score::replacement_range(d.cost_preset);
  h << "<section id=\"retention\"><h2>Retention risk</h2><p class=\"note\">Per team, over its employees (the customers of "
       "their leaders' leadership service): mean risk, employees at high risk (0.5 or more), and the expected cost of loss = "
       "risk &times; replacement cost, assuming an annual salary of "
    << money(d.salary) << " and " << esc(std::string(preset.citation)) << ".</p><table><tr><th>team</th>"
       "<th class=\"num\">employees</th><th class=\"num\">mean risk</th><th class=\"num\">high risk</th>"
       "<th class=\"num\">expected cost of loss</th></tr>";
  for (const UnitReport& r : d.units) {
    if (r.retention.status == score::Status::no_data) continue;
    h << "<tr" << (r.retention.status == score::Status::ok && r.retention.mean_risk >= 0.4 ? " class=\"retention-risk\"" : "")
      << "><td>" << ulink(r.id) << "</td><td class=\"num\">" << r.retention.employees << "</td>";
    if (r.retention.status == score::Status::ok)
      h << "<td class=\"num\">" << fmt("%.2f", r.retention.mean_risk) << "</td><td class=\"num\">" << r.retention.high_risk
        << "</td><td class=\"num\">" << money(r.retention.expected_low)
        << (r.retention.expected_high != r.retention.expected_low ? " &ndash; " + money(r.retention.expected_high) : "") << "</td>";
    else
      h << "<td colspan=\"3\">" << cell(r.retention.status, "", P) << "</td>";
    h << "</tr>";
  }
  h << "</table></section>\n";

  // --- overdue ------------------------------------------------------------------------------
  h << "<section id=\"overdue\"><h2>Overdue conversations</h2><p class=\"note\">Relationships without a review in the twelve "
       "months up to "
    << d.as_of.iso() << " (the articles ask for one a year). Reviews of individual employees are counted per leader, not named.</p>"
       "<table><tr><th>provider</th><th>recipient</th><th>what</th><th>last conversation</th><th class=\"num\">days</th></tr>";
  {
    std::vector<score::Overdue> list = d.coverage.overdue;
    std::sort(list.begin(), list.end(), [](auto& a, auto& b) { return a.days_since_last > b.days_since_last; });
    std::map<UnitId, int> people;
    for (auto& o : list) {
      const Relationship& rel = org.relationship(o.relationship);
      if (org.unit(rel.recipient).kind == UnitKind::person && rel.bond == Bond::leadership) {
        ++people[rel.provider];
        continue;
      }
      h << "<tr><td>" << ulink(rel.provider) << "</td><td>" << ulink(rel.recipient) << "</td><td>" << esc(rel.label)
        << "</td><td>" << (o.last ? o.last->iso() : "never") << "</td><td class=\"num\">"
        << (o.days_since_last >= 0 ? std::to_string(o.days_since_last) : "") << "</td></tr>";
    }
    for (auto& [leader, n] : people)
      h << "<tr><td>" << uname(leader) << "</td><td colspan=\"2\">employee reviews of " << n << " employee" << (n == 1 ? "" : "s")
        << "</td><td colspan=\"2\"></td></tr>";
  }
  h << "</table></section>\n";

  // --- agreements ------------------------------------------------------------------------------
  auto agreement_rows = [&](const std::vector<AgreementId>& ids, std::size_t limit) {
    std::vector<AgreementId> v = ids;
    std::sort(v.begin(), v.end(), [&](AgreementId a, AgreementId b) { return org.agreement(a).due > org.agreement(b).due; });
    h << "<table><tr><th>owner</th><th>agreement</th><th>made</th><th>due</th><th>status</th></tr>";
    std::size_t n = 0;
    for (AgreementId id : v) {
      if (n++ == limit) break;
      const Agreement& a = org.agreement(id);
      bool person = org.unit(a.owner).kind == UnitKind::person;
      h << "<tr><td>" << (person ? "a leader (" + esc(org.unit(*org.unit(a.owner).parent).name) + ")" : ulink(a.owner)) << "</td><td>"
        << esc(a.text) << "</td><td>" << a.made.iso() << "</td><td>" << a.due.iso() << "</td><td>" << to_string(a.status)
        << (a.closed ? " " + a.closed->iso() : "") << "</td></tr>";
    }
    h << "</table>";
    if (v.size() > limit) h << "<p class=\"note\">&hellip; and " << v.size() - limit << " more.</p>";
  };
  h << "<section id=\"agreements\"><h2>Agreements</h2><h3>Open and overdue (" << d.open_overdue.size() << ")</h3>";
  agreement_rows(d.open_overdue, 25);
  h << "<h3>Broken in the last twelve months (" << d.broken_recent.size() << ")</h3>";
  agreement_rows(d.broken_recent, 25);
  h << "</section>\n";

  // --- complaints and referrals ------------------------------------------------------------------------------
  h << "<section id=\"complaints\"><h2>Complaints and referrals</h2><table><tr><th>unit</th><th class=\"num\">complaints</th>"
       "<th class=\"num\">open</th><th class=\"num\">referrals won</th><th class=\"num\">lost</th><th class=\"num\">pending</th></tr>";
  for (const UnitReport& r : d.units) {
    if (!r.complaints && !r.referrals_won && !r.referrals_lost && !r.referrals_pending) continue;
    h << "<tr><td>" << ulink(r.id) << "</td><td class=\"num\">" << r.complaints << "</td><td class=\"num\">" << r.complaints_open
      << "</td><td class=\"num\">" << r.referrals_won << "</td><td class=\"num\">" << r.referrals_lost << "</td><td class=\"num\">"
      << r.referrals_pending << "</td></tr>";
  }
  h << "</table><h3>Open complaints (" << d.open_complaints.size() << ")</h3><table><tr><th>about</th><th>from</th>"
       "<th>received</th><th>stage</th><th>severity</th><th>complaint</th></tr>";
  for (ComplaintId id : d.open_complaints) {
    const Complaint& c = org.complaint(id);
    const Relationship& rel = org.relationship(c.relationship);
    h << "<tr><td>" << ulink(rel.provider) << "</td><td>" << ulink(rel.recipient) << "</td><td>" << c.received.iso() << "</td><td>"
      << to_string(c.stage()) << "</td><td>" << to_string(c.severity) << "</td><td>" << esc(c.text) << "</td></tr>";
  }
  h << "</table></section>\n";

  // --- each unit ------------------------------------------------------------------------------
  h << "<section id=\"unit-details\"><h2>Each unit</h2><nav><ul>";
  for (const UnitReport& r : d.units) h << "<li>" << ulink(r.id) << "</li>";
  h << "</ul></nav>";
  for (const UnitReport& r : d.units) {
    const Unit& u = org.unit(r.id);
    h << "<div class=\"unit\" id=\"unit-" << esc(u.key) << "\"><h3>" << esc(u.name) << " <span class=\"meta\">("
      << to_string(u.kind) << ", " << esc(u.key) << ")</span> " << health_badge(r.health, P) << "</h3>";
    h << fishbone_svg(org, r);
    h << "<div class=\"twocol\"><div>" << trend_chart(r.years, P, u.name + ": satisfaction and NPS by year") << "</div><div><table>";
    h << "<tr><th>satisfaction, last 12 months</th><td>" << cell(r.satisfaction.status, fmt("%.1f", r.satisfaction.mean) + " (n=" + std::to_string(r.satisfaction.n) + ")", P) << "</td></tr>";
    h << "<tr><th>NPS, last 12 months</th><td>" << cell(r.nps.status, fmt("%+.0f", r.nps.nps), P) << "</td></tr>";
    h << "<tr><th>coverage</th><td>" << cell(r.coverage.status, fmt("%.0f%%", 100 * r.coverage.share) + " of " + std::to_string(r.coverage.relationships) + ", " + std::to_string(r.coverage.overdue.size()) + " overdue", P) << "</td></tr>";
    h << "<tr><th>agreements kept</th><td>" << cell(r.reliability.status, fmt("%.0f%%", 100 * r.reliability.reliability), P) << "; "
      << r.agreements_broken << " broken, " << r.agreements_open_overdue << " open overdue</td></tr>";
    h << "<tr><th>perception gap</th><td>" << cell(r.gap.status, fmt("%+.0f points", r.gap.gap) + (r.gap.kind == score::GapKind::blind_spot ? " (blind spot)" : r.gap.kind == score::GapKind::hidden_strength ? " (hidden strength)" : ""), P) << "</td></tr>";
    h << "<tr><th>local optimiser index</th><td>" << cell(r.optimiser.status, fmt("%+.0f", r.optimiser.index) + (r.optimiser.flagged ? " (flagged)" : ""), P) << "</td></tr>";
    if (r.retention.status != score::Status::no_data)
      h << "<tr><th>retention risk</th><td>" << cell(r.retention.status, fmt("%.2f", r.retention.mean_risk) + ", " + std::to_string(r.retention.high_risk) + " high, expected cost " + money(r.retention.expected_low), P) << "</td></tr>";
    h << "<tr><th>complaints</th><td>" << r.complaints << " (" << r.complaints_open << " open)</td></tr>";
    h << "<tr><th>referrals</th><td>" << r.referrals_won << " won, " << r.referrals_lost << " lost, " << r.referrals_pending << " pending</td></tr>";
    h << "</table></div></div></div>\n";
  }
  h << "</section>\n";
  h << "<footer class=\"note\">Generated by rapport " << RAPPORT_VERSION_STRING << ". Health bands: red &le; 50, yellow &le; 75, "
       "green above 75; dashed bones are overdue.</footer>\n";
  h << "<script>document.documentElement.setAttribute('data-rendered','yes');</script>\n</body></html>\n";
  write_file_atomically(file, h.str());
}

}  // namespace rapport::cli
