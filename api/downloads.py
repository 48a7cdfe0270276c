"""GET /api/v1/opsg-report/{month}.{md,csv,html,docx}: the OPSG table for the Panel pack.

The same table as `opsgReport` (schema.reports.opsg writes it); here it is only laid out. Cells that a spreadsheet
would read as a formula (= + - @, tab, carriage return) get a leading apostrophe in the CSV and the Word file.
"""

from __future__ import annotations

import asyncio
import csv
import html
import io
import re

from starlette.requests import Request
from starlette.responses import Response

from api.edge import error_response
from api.resources import Resources
from schema.reports.opsg import HEADER, OpsgLine, OpsgTable, build, empty_cell, month_name, refusal
from sql.errors import StoreError

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MEDIA = {"md": "text/markdown; charset=utf-8", "csv": "text/csv; charset=utf-8", "html": "text/html; charset=utf-8",
         "docx": DOCX}
CSV_HEADER = ("Report", "Period", "Delivery", "Delivery per SEC", "Content", "Observations")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 cannot carry (Word would refuse the file).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe: '=HYPERLINK(...) stays text."""
    return "'" + cell if cell.startswith(_FORMULA) else cell


def _observations(line: OpsgLine) -> list[str]:
    return list(line.observations) or [empty_cell(line)]


def to_csv(table: OpsgTable) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for ln in table.lines:
        cells = (ln.report_name, ln.period or "", ln.delivery, ln.delivery_text, ln.content,
                 "\n".join(_observations(ln)))
        writer.writerow([neutralise(c) for c in cells])
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


def to_html(table: OpsgTable) -> bytes:
    e = html.escape
    rows = []
    for ln in table.lines:
        notes = "".join(f"<li>{e(o)}</li>" for o in ln.observations)
        cell = f"<ul>{notes}</ul>" if notes else e(empty_cell(ln))
        rows.append(f'<tr><th scope="row">{e(ln.report)}</th><td>{e(ln.delivery_text)}</td>'
                    f"<td>{e(ln.content)}</td><td>{cell}</td></tr>")
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in HEADER)
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
<p>{e(table.as_at_text)}</p>
<table>
<caption>DCC reports considered by the Operations Group, {e(month_name(table.month))}</caption>
<thead><tr>{head}</tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
</main>
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
    for ln in table.lines:
        cells = grid.add_row().cells
        cells[0].text = _docx_text(ln.report)
        cells[1].text = _docx_text(ln.delivery_text)
        cells[2].text = _docx_text(ln.content)
        notes = _observations(ln)
        cells[3].text = _docx_text(notes[0])
        for note in notes[1:]:
            cells[3].add_paragraph(_docx_text(note))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def make_route(resources: Resources) -> object:
    async def opsg_download(request: Request) -> Response:
        viewer = request.state.viewer
        refused = refusal(viewer.role)
        if refused is not None:
            code = (refused.extensions or {}).get("code", "FORBIDDEN")
            return error_response(401 if code == "UNAUTHENTICATED" else 403, str(code), refused.message)
        month, fmt = request.path_params["month"], request.path_params["fmt"].lower()
        if fmt not in MEDIA:
            return error_response(400, "INVALID_INPUT", f"format {fmt!r} is not one of md, csv, html, docx")
        try:
            async with resources.pool.acquire() as conn:
                table = await build(conn, month)
        except StoreError as e:
            return error_response(400, e.code, e.message)
        if fmt == "md":
            body = table.markdown.encode("utf-8")
        elif fmt == "csv":
            body = to_csv(table)
        elif fmt == "html":
            body = to_html(table)
        else:
            body = await asyncio.to_thread(to_docx, table)
        disposition = "inline" if fmt == "html" else "attachment"
        headers = {"Content-Disposition": f'{disposition}; filename="opsg-report-{table.month}.{fmt}"',
                   "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}
        if fmt == "html":
            headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
        return Response(body, media_type=MEDIA[fmt], headers=headers)

    return opsg_download
