"""Pictures for Jupyter: a unit's fishbone as SVG, and score tables as HTML with health bands coloured."""
from __future__ import annotations

import html
import math
from typing import Any

BAND_COLOURS = {"red": "#d64541", "yellow": "#e8a317", "green": "#3a9d5d", None: "#a0a0a0"}
_BAND_BACKGROUNDS = {"red": "#f8d7d6", "yellow": "#fcefc9", "green": "#d5eedd"}
_SIDES = ("input", "throughput", "output")
_SIDE_TITLES = {
    "input": "input: who serves it",
    "throughput": "throughput: co-producers",
    "output": "output: whom it serves",
}


def _esc(s: Any) -> str:
    return html.escape(str(s), quote=True)


def _clip(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def fishbone_frame(fb: Any) -> Any:
    """One row per bone of a Fishbone."""
    from ._frames import pandas

    pd = pandas()
    rows = [
        {
            "side": b.side.value,
            "relationship": b.relationship.id,
            "other": b.other.id,
            "other_key": b.other.key,
            "other_name": b.other.name,
            "bond": b.relationship.bond.value,
            "label": b.relationship.label,
            "health": b.health,
            "band": b.band,
        }
        for b in fb.bones
    ]
    cols = ["side", "relationship", "other", "other_key", "other_name", "bond", "label", "health", "band"]
    return pd.DataFrame(rows, columns=cols)


def fishbone_svg(fb: Any) -> str:
    """The fishbone as an inline SVG: the spine runs left to right into the unit (the head), with the
    input bones (who serves the unit) on the left, throughput bones (peers it co-produces with) in the
    middle and output bones (whom it serves) on the right. Each bone is coloured by its relationship's
    health band, grey when not scored; hovering shows the relationship and its health."""
    col_w, row_h, left, head_w = 260, 24, 16, 160
    by_side: dict[str, list] = {s: [b for b in fb.bones if b.side.value == s] for s in _SIDES}
    above = {s: math.ceil(len(v) / 2) for s, v in by_side.items()}
    below = {s: len(v) // 2 for s, v in by_side.items()}
    n_above = max(1, max(above.values()))
    n_below = max(1, max(below.values()))
    top = 44
    mid = top + (n_above + 1) * row_h
    height = mid + (n_below + 1) * row_h + 40
    spine_end = left + 3 * col_w
    width = spine_end + head_w + 16
    unit = fb.unit
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11" role="img" '
        f'aria-label="Fishbone of {_esc(unit.name)}">',
        "<defs>"
        '<marker id="rp-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="10" markerHeight="10" '
        'markerUnits="userSpaceOnUse" orient="auto"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker>'
        "</defs>",
        f"<title>Fishbone of {_esc(unit.name)} ({_esc(unit.kind.value)})</title>",
    ]
    for i, side in enumerate(_SIDES):
        x0 = left + i * col_w
        out.append(f'<text x="{x0 + 6}" y="18" fill="#333" font-weight="bold">{_esc(_SIDE_TITLES[side])}</text>')
        if i:
            out.append(f'<line x1="{x0}" y1="26" x2="{x0}" y2="{height - 34}" stroke="#e4e4e4" stroke-dasharray="3 3"/>')
        if not by_side[side]:
            out.append(f'<text x="{x0 + 6}" y="{mid - 8}" fill="#aaa" font-style="italic">none</text>')
    out.append(f'<line x1="{left}" y1="{mid}" x2="{spine_end}" y2="{mid}" stroke="#555" stroke-width="3" '
               f'marker-end="url(#rp-arrow)"/>')
    out.append(f'<rect x="{spine_end + 4}" y="{mid - 20}" width="{head_w - 8}" height="40" rx="18" '
               f'fill="#f3f3f3" stroke="#555" stroke-width="2"/>')
    out.append(f'<text x="{spine_end + head_w / 2}" y="{mid + 4}" text-anchor="middle" font-weight="bold" '
               f'font-size="12">{_esc(_clip(unit.name, 20))}</text>')
    for i, side in enumerate(_SIDES):
        x0 = left + i * col_w
        text_end = x0 + int(col_w * 0.58)
        for j, bone in enumerate(by_side[side]):
            level = j // 2 + 1
            up = j % 2 == 0
            y = mid - level * row_h if up else mid + level * row_h
            dx = min(0.7 * level * row_h, col_w - (text_end - x0) - 14)
            x_attach = text_end + 4 + dx
            colour = BAND_COLOURS.get(bone.band, BAND_COLOURS[None])
            rel = bone.relationship
            other = bone.other
            health = "not scored" if bone.health is None else f"health {bone.health:.0f} ({bone.band})"
            x1, y1, x2, y2 = text_end + 4, y, x_attach, mid
            tip = (f"{other.name} ({other.kind.value}) — {rel.bond.value}"
                   f"{': ' + rel.label if rel.label else ''}; {health}")
            out.append(f"<g><title>{_esc(tip)}</title>")
            out.append(f'<line x1="{x1:.0f}" y1="{y1}" x2="{x2:.0f}" y2="{y2}" stroke="{colour}" '
                       f'stroke-width="3" stroke-linecap="round"/>')
            out.append(f'<circle cx="{text_end + 4}" cy="{y}" r="4" fill="{colour}"/>')
            label = _clip(other.name, 24)
            out.append(f'<text x="{text_end - 4}" y="{y + 4}" text-anchor="end" fill="#222">{_esc(label)}</text>')
            out.append("</g>")
    lx = left
    ly = height - 12
    for band, text in (("red", "red ≤ 50"), ("yellow", "yellow ≤ 75"), ("green", "green > 75"),
                       (None, "grey: not scored")):
        out.append(f'<rect x="{lx}" y="{ly - 9}" width="12" height="10" fill="{BAND_COLOURS[band]}"/>')
        out.append(f'<text x="{lx + 16}" y="{ly}" fill="#555">{_esc(text)}</text>')
        lx += 120
    out.append("</svg>")
    return "".join(out)


def frame_html(df: Any, max_rows: int = 60) -> str:
    """A DataFrame as a compact HTML table: `band` cells coloured, rows whose `status` is not ok greyed,
    `flagged` rows marked, booleans as ✓."""
    shown = df.head(max_rows)
    head = "".join(f"<th>{_esc(c)}</th>" for c in [shown.index.name or ""] + list(shown.columns))
    rows = []
    cols = list(shown.columns)
    for idx, row in zip(shown.index, shown.itertuples(index=False)):
        values = dict(zip(cols, row))
        row_style = ""
        if "status" in values and values["status"] is not None and str(values["status"]) not in ("ok", "nan"):
            row_style = ' style="color:#999"'
        if values.get("flagged") is True or type(values.get("flagged")).__name__ == "bool_" and values["flagged"]:
            row_style = ' style="font-weight:bold"'
        cells = [f"<th>{_esc(idx)}</th>"]
        for col, v in values.items():
            style = ""
            if col == "band" and v in _BAND_BACKGROUNDS:
                style = f' style="background:{_BAND_BACKGROUNDS[v]}"'
            cells.append(f"<td{style}>{_esc(_fmt(v))}</td>")
        rows.append(f"<tr{row_style}>" + "".join(cells) + "</tr>")
    more = "" if len(df) <= max_rows else f"<p>… {len(df) - max_rows} more rows ({len(df)} in all)</p>"
    return (f'<table class="dataframe rapport"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>{more}')


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool) or type(v).__name__ == "bool_":
        return "✓" if v else ""
    if isinstance(v, float):
        return "" if v != v else f"{v:.4g}" if abs(v) < 1e6 else f"{v:.3e}"
    if hasattr(v, "date") and hasattr(v, "isoformat") and str(v) == "NaT":
        return ""
    if hasattr(v, "strftime"):
        try:
            return v.strftime("%Y-%m-%d")
        except ValueError:
            return ""
    return str(v)


def health_html(result: Any) -> str:
    """A health result: the value in its band's colour and each component's contribution."""
    if not result.ok:
        return f"<p>health: <i>{_esc(result.status.value)}</i></p>"
    band = result.band.value
    head = (f'<p><span style="background:{_BAND_BACKGROUNDS[band]};padding:2px 8px;border-radius:8px">'
            f"health <b>{result.health:.0f}</b> ({_esc(band)})</span></p>")
    return head + frame_html(result.to_frame().set_index("component"))
