"""The OPSG table as Markdown, CSV, HTML and Word, for the Panel pack.

Every cell may hold what someone typed (an observation, a review comment, a User ID in a message): in Markdown what
Markdown would read as markup is backslash-escaped (domain.markdown), so nothing typed can become a link, emphasis, a
heading, HTML or a table break; in HTML it is entity-escaped; cells a spreadsheet would run as a formula get a
leading apostrophe in the CSV and the Word file.
"""

from __future__ import annotations

import csv
import html
import io
import re

from domain.markdown import md, md_cell
from domain.opsg.table import FOLLOW_UP_HEADER, HEADER, OpsgTable

FOLLOW_UPS_TITLE = "Follow-ups"

__all__ = ["RENDERERS", "markdown", "md", "md_cell", "neutralise", "to_csv", "to_docx", "to_html"]

CSV_HEADER = ("Report", "Periods", "Delivery per SEC", "Content", "Observations")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 cannot carry (Word would refuse the file).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def markdown(table: OpsgTable) -> str:
    out = [
        f"## {md(table.title)}",
        "",
        md(table.heading),
        "",
        md(table.as_at_text),
        "",
        "| " + " | ".join(HEADER) + " |",
        "|---|---|---|---|",
    ]
    for r in table.table_rows:
        cells = (r.report, r.delivery_text, r.content, r.observation_text)
        out.append("| " + " | ".join(md_cell(c) for c in cells) + " |")
    if table.follow_ups:
        out += ["", f"### {FOLLOW_UPS_TITLE}", "", "| " + " | ".join(FOLLOW_UP_HEADER) + " |", "|---|---|---|---|---|"]
        out += ["| " + " | ".join(md_cell(c) for c in f.cells) + " |" for f in table.follow_ups]
    return "\n".join(out) + "\n"


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe: '=HYPERLINK(...) stays text."""
    return "'" + cell if cell.startswith(_FORMULA) else cell


def to_csv(table: OpsgTable) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for r in table.table_rows:
        cells = (r.report, " ".join(r.periods), r.delivery_text, r.content, r.observation_text)
        writer.writerow([neutralise(c) for c in cells])
    if table.follow_ups:
        # A second table below a blank line, as a spreadsheet user would lay it out.
        writer.writerow([])
        writer.writerow(FOLLOW_UP_HEADER)
        for f in table.follow_ups:
            writer.writerow([neutralise(c) for c in f.cells])
    # A BOM, so that Excel reads the en dashes and pound signs as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; line-height: 1.4; color: #111; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; font-weight: 600; padding-bottom: .5rem; }
th, td { border: 1px solid #666; padding: .4rem .6rem; vertical-align: top; text-align: left; }
thead th { background: #e8e8e8; }
ul { margin: 0; padding-left: 1.1rem; }
"""


def _html_cell(text: str) -> str:
    lines = [html.escape(part) for part in text.splitlines() if part.strip()]
    return "<ul>" + "".join(f"<li>{ln}</li>" for ln in lines) + "</ul>" if len(lines) > 1 else html.escape(text)


def to_html(table: OpsgTable) -> bytes:
    e = html.escape
    rows = [
        f'<tr><th scope="row">{e(r.report)}</th><td>{e(r.delivery_text)}</td><td>{_html_cell(r.content)}</td>'
        f"<td>{_html_cell(r.observation_text)}</td></tr>"
        for r in table.table_rows
    ]
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in HEADER)
    follow_ups = ""
    if table.follow_ups:
        cells = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in f.cells) + "</tr>\n" for f in table.follow_ups)
        names = "".join(f'<th scope="col">{e(h)}</th>' for h in FOLLOW_UP_HEADER)
        follow_ups = (
            f"<table>\n<caption>{e(FOLLOW_UPS_TITLE)}</caption>\n<thead><tr>{names}</tr></thead>\n"
            f"<tbody>\n{cells}</tbody>\n</table>\n"
        )
    page = f"""<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(table.title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<main>
<h1>{e(table.title)}</h1>
<p>{e(table.heading)}</p>
<p>{e(table.as_at_text)}</p>
<table>
<caption>DCC reports considered by the Operations Group</caption>
<thead><tr>{head}</tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
{follow_ups}</main>
</body>
</html>
"""
    return page.encode("utf-8")


def _docx_text(text: str) -> str:
    return neutralise(_NOT_XML.sub("", text))


def to_docx(table: OpsgTable) -> bytes:
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    doc = Document()
    doc.add_heading(_docx_text(table.title), level=1)
    doc.add_paragraph(_docx_text(table.heading))
    doc.add_paragraph(_docx_text(table.as_at_text))
    grid = doc.add_table(rows=1, cols=len(HEADER))
    grid.style = "Table Grid"
    header = grid.rows[0]
    # The header row repeats on every page, and screen readers know it for what it is.
    properties = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    properties.append(repeat)
    for cell, name in zip(header.cells, HEADER, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(name).bold = True
    for r in table.table_rows:
        cells = grid.add_row().cells
        for cell, text in zip(cells, (r.report, r.delivery_text, r.content, r.observation_text), strict=True):
            parts = [p for p in text.splitlines() if p.strip()] or [text]
            cell.text = _docx_text(parts[0])
            for part in parts[1:]:
                cell.add_paragraph(_docx_text(part))
    if table.follow_ups:
        doc.add_heading(FOLLOW_UPS_TITLE, level=2)
        asked = doc.add_table(rows=1, cols=len(FOLLOW_UP_HEADER))
        asked.style = "Table Grid"
        for cell, name in zip(asked.rows[0].cells, FOLLOW_UP_HEADER, strict=True):
            cell.text = name
        for f in table.follow_ups:
            for cell, text in zip(asked.add_row().cells, f.cells, strict=True):
                cell.text = _docx_text(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


RENDERERS = {"csv": to_csv, "html": to_html, "docx": to_docx}
