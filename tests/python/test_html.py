"""Pictures for notebooks: the fishbone SVG and HTML tables."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import rapport

SVG = "{http://www.w3.org/2000/svg}"


def test_fishbone_svg_is_well_formed(org: rapport.Organisation) -> None:
    fb = org.fishbone("payroll")
    svg = fb._repr_html_()
    assert svg == fb.to_svg()
    root = ET.fromstring(svg)  # well-formed XML
    assert root.tag == SVG + "svg"
    texts = [t.text for t in root.iter(SVG + "text")]
    for expected in ("Payroll", "IT", "Sales and service"):
        assert expected in texts
    assert any(t and t.startswith("input") for t in texts) and any(t and t.startswith("output") for t in texts)
    # One group per bone, its tooltip naming the relationship.
    groups = [g for g in root.iter(SVG + "g")]
    assert len(groups) == len(fb.bones) == 3
    tips = [g.find(SVG + "title").text for g in groups]
    assert any("payroll system" in t for t in tips)


def test_fishbone_colours(org: rapport.Organisation) -> None:
    fb = org.fishbone("sales")
    root = ET.fromstring(fb.to_svg())
    strokes = {line.get("stroke") for g in root.iter(SVG + "g") for line in g.iter(SVG + "line")}
    assert all(b.band in (None, "red", "yellow", "green") for b in fb.bones)
    colours = {None: "#a0a0a0", "red": "#d64541", "yellow": "#e8a317", "green": "#3a9d5d"}
    assert strokes == {colours[b.band] for b in fb.bones}


def test_fishbone_escapes_and_empty_sides() -> None:
    o = rapport.Organisation()
    o.add_unit("a", "R&D <Lab>")
    fb = o.fishbone("a")
    root = ET.fromstring(fb.to_svg())
    assert "R&D <Lab>" in [t.text for t in root.iter(SVG + "text")]
    assert [t.text for t in root.iter(SVG + "text")].count("none") == 3


def test_many_bones(org: rapport.Organisation) -> None:
    for i in range(12):
        org.add_unit(f"c{i}", f"Customer number {i} with a rather long name", kind="customer")
        org.add_relationship("sales", f"c{i}", label="supply")
    root = ET.fromstring(org.fishbone("sales").to_svg())
    assert len(list(root.iter(SVG + "g"))) == 12 + len(org.relationships_of("sales")) - 12
    assert float(root.get("height")) > 300


def test_tables(org: rapport.Organisation) -> None:
    html = org.units._repr_html_()
    assert html.startswith('<table class="dataframe rapport">') and "payroll" in html
    assert org.conversations._repr_html_().count("<tr>") == 2
