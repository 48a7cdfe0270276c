"""Section 1 of the Operations Report as Markdown, HTML and Word: the same blocks in the same order in each.

Names and notes come from the register (someone typed them): Markdown escapes what it would read as markup, HTML
escapes entities, and Word takes only characters XML can carry.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator

from domain.markdown import md
from domain.operations.chart import COLOURS, bar_chart, legend
from domain.operations.model import Block, OperationsReport, Table
from domain.operations.sections import CLASSIFICATION_TEXT, INTRODUCTION, appendices, introduction

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _framing(r: OperationsReport) -> Iterator[tuple[str, str | tuple[str, ...]]]:
    """The paper's front matter as (kind, text) pairs: 'title', 'meta', 'h', 'p', 'bullets'."""
    yield "title", r.title
    if r.reference:
        yield "meta", f"Paper Reference: {r.reference}"
    yield "meta", f"Action: {r.action}"
    yield "p", CLASSIFICATION_TEXT
    yield "h", "1. Purpose"
    for text in r.purpose:
        yield "p", text
    yield "h", "2. Recommendation"
    yield "p", "The Panel are requested to:"
    yield "bullets", r.recommendations
    yield "p", "Attachments:"
    yield "bullets", r.attachments
    yield "title", "1. Market Entry and Exit"
    yield "p", INTRODUCTION
    yield "bullets", introduction(r)


def _md_table(t: Table) -> list[str]:
    out = ["| " + " | ".join(md(h) or " " for h in t.header) + " |", "|" + "---|" * len(t.header)]
    out += ["| " + " | ".join(md(c) for c in row) + " |" for row in t.rows]
    return [*out, "", f"*{md(t.caption)}*", ""]


def _md_block(b: Block) -> list[str]:
    if b.kind == "h":
        return [f"#### {md(b.text, line_start=False)}", ""]
    if b.kind == "bullets":
        return [*(f"- {md(i, line_start=False)}" for i in b.items), ""]
    if b.kind == "footnotes":
        return [*(f"<sup>{n}</sup> {md(text)}  " for n, text in enumerate(b.items, start=1)), ""]
    if b.kind == "table" and b.table is not None:
        return _md_table(b.table)
    if b.kind == "figure":
        rows = tuple((bar.label, f"{bar.value:,}") for bar in b.bars)
        return _md_table(Table(b.text, ("Party Category", "Voting Groups"), rows))
    return [md(b.text), ""]


def markdown(r: OperationsReport) -> str:
    out: list[str] = []
    for kind, text in _framing(r):
        if kind == "title":
            out += [f"# {md(str(text), line_start=False)}", ""]
        elif kind == "h":
            out += [f"## {md(str(text), line_start=False)}", ""]
        elif kind == "bullets":
            out += [*(f"- {md(i, line_start=False)}" for i in text), ""]
        elif kind == "meta":
            out += [md(str(text)) + "  "]
        else:
            out += ["", md(str(text)), ""]
    for s in r.sections:
        out += [f"### {s.number} {md(s.title)}", ""]
        for b in s.blocks:
            out += _md_block(b)
    for t in appendices(r):
        out += [f"## {md(t.caption, line_start=False)}", "", *_md_table(t)[:-3], ""]
    return "\n".join(out).replace("\n\n\n", "\n\n").rstrip() + "\n"


def svg_chart(bars: tuple[tuple[str, int], ...]) -> str:
    """Figure 1 as an SVG bar chart with its labels (the HTML download)."""
    width, height, base, slot = 640, 300, 250, 120
    tallest = max((v for _, v in bars), default=0) or 1
    parts = [f'<svg role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{html.escape(legend_text(bars))}</title>']  # fmt: skip
    for i, (label, value) in enumerate(bars):
        h = round(200 * value / tallest)
        x = 20 + i * slot
        colour = "#" + "".join(f"{c:02x}" for c in COLOURS[i % len(COLOURS)])
        parts.append(f'<rect x="{x}" y="{base - h}" width="80" height="{h}" fill="{colour}"/>')
        parts.append(f'<text x="{x + 40}" y="{base - h - 6}" text-anchor="middle">{value:,}</text>')
        parts.append(
            f'<text x="{x + 40}" y="{base + 20}" text-anchor="middle" font-size="12">{html.escape(label)}</text>'
        )
    return "".join(parts) + "</svg>"


def legend_text(bars: tuple[tuple[str, int], ...]) -> str:
    return "; ".join(f"{label} {value:,}" for label, value in bars)


def _html_table(t: Table) -> str:
    e = html.escape
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in t.header)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{e(c)}</td>" if i else f'<th scope="row">{e(c)}</th>' for i, c in enumerate(row))
        + "</tr>"
        for row in t.rows
    )
    return f"<table><caption>{e(t.caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _html_block(b: Block) -> str:
    e = html.escape
    if b.kind == "h":
        return f"<h4>{e(b.text)}</h4>"
    if b.kind == "bullets":
        return "<ul>" + "".join(f"<li>{e(i)}</li>" for i in b.items) + "</ul>"
    if b.kind == "footnotes":
        return '<ol class="footnotes">' + "".join(f"<li>{e(i)}</li>" for i in b.items) + "</ol>"
    if b.kind == "table" and b.table is not None:
        return _html_table(b.table)
    if b.kind == "figure":
        chart = svg_chart(tuple((x.label, x.value) for x in b.bars))
        return f"<figure>{chart}<figcaption>{e(b.text)}</figcaption></figure>"
    return f"<p>{e(b.text)}</p>"


def to_html(r: OperationsReport) -> bytes:
    e = html.escape
    parts: list[str] = []
    for kind, text in _framing(r):
        if kind == "title":
            parts.append(f"<h{1 if text == r.title else 2}>{e(str(text))}</h{1 if text == r.title else 2}>")
        elif kind == "h":
            parts.append(f"<h3>{e(str(text))}</h3>")
        elif kind == "bullets":
            parts.append("<ul>" + "".join(f"<li>{e(i)}</li>" for i in text) + "</ul>")
        else:
            parts.append(f"<p>{e(str(text))}</p>")
    for s in r.sections:
        parts.append(f"<section><h3>{e(s.number)} {e(s.title)}</h3>" + "".join(_html_block(b) for b in s.blocks))
        parts.append("</section>")
    for t in appendices(r):
        parts.append(f"<section><h2>{e(t.caption)}</h2>{_html_table(t)}</section>")
    style = (
        "body{font-family:system-ui,sans-serif;margin:2rem;line-height:1.4;color:#111}"
        "table{border-collapse:collapse;margin:.5rem 0}caption{caption-side:bottom;font-style:italic;text-align:left}"
        "th,td{border:1px solid #666;padding:.3rem .5rem;text-align:left;vertical-align:top}"
        "thead th{background:#e8e8e8}"
        ".footnotes{font-size:.9em}"
    )
    page = (
        f'<!doctype html>\n<html lang="en-GB"><head><meta charset="utf-8"><title>{e(r.title)}</title>'
        f"<style>{style}</style></head><body><main>{''.join(parts)}</main></body></html>\n"
    )
    return page.encode("utf-8")


def _x(text: str) -> str:
    return _NOT_XML.sub("", text)


def _docx_table(doc: object, t: Table) -> None:
    grid = doc.add_table(rows=1, cols=len(t.header))  # type: ignore[attr-defined]
    grid.style = "Table Grid"
    for cell, name in zip(grid.rows[0].cells, t.header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(_x(name)).bold = True
    for row in t.rows:
        for cell, text in zip(grid.add_row().cells, row, strict=True):
            cell.text = _x(text)
    doc.add_paragraph(_x(t.caption)).runs[0].italic = True  # type: ignore[attr-defined]


def to_docx(r: OperationsReport) -> bytes:
    from docx import Document
    from docx.shared import Cm, Pt

    doc = Document()
    for kind, text in _framing(r):
        if kind == "title":
            doc.add_heading(_x(str(text)), level=1)
        elif kind == "h":
            doc.add_heading(_x(str(text)), level=2)
        elif kind == "bullets":
            for item in text:
                doc.add_paragraph(_x(item), style="List Bullet")
        else:
            doc.add_paragraph(_x(str(text)))
    for s in r.sections:
        doc.add_heading(_x(f"{s.number} {s.title}"), level=2)
        for b in s.blocks:
            if b.kind == "h":
                doc.add_heading(_x(b.text), level=3)
            elif b.kind == "bullets":
                for item in b.items:
                    doc.add_paragraph(_x(item), style="List Bullet")
            elif b.kind == "footnotes":
                for n, note in enumerate(b.items, start=1):
                    doc.add_paragraph().add_run(_x(f"{n} {note}")).font.size = Pt(8)
            elif b.kind == "table" and b.table is not None:
                _docx_table(doc, b.table)
            elif b.kind == "figure":
                doc.add_picture(io.BytesIO(bar_chart(b.bars)), width=Cm(15))
                doc.add_paragraph(_x(b.text)).runs[0].italic = True
                doc.add_paragraph(_x(legend(b.bars)))
            else:
                doc.add_paragraph(_x(b.text))
    for t in appendices(r):
        doc.add_heading(_x(t.caption), level=1)
        _docx_table(doc, t)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


RENDERERS = {"html": to_html, "docx": to_docx}
