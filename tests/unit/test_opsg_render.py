"""The OPSG table's Markdown for the Panel pack: whatever someone typed (a User ID in a finding's message, an
observation, a review comment) stays text: no link, emphasis, heading, HTML or broken table."""

from __future__ import annotations

from datetime import UTC, datetime

from markdown_it import MarkdownIt

from domain.opsg.model import ExceptionNote, MonthInput, Observation, ReportRow
from domain.opsg.render import markdown, md
from domain.opsg.table import build

HOSTILE = "[x](https://example.invalid) **b** _i_ <img src=x onerror=alert(1)> | cell | # h www.example.invalid a@b.c"
AT = datetime(2018, 6, 30, 22, 59, tzinfo=UTC)


def row(**changes: object) -> ReportRow:
    base: dict[str, object] = dict(
        report_type_id=1,
        report_type="SR_VARIANCE",
        report_name="Service Request variance report",
        sec_clause="H3.24",
        cadence="MONTHLY",
        due_working_days=10,
        tbc=(),
        delivery_wording=None,
        content_lead_in=None,
        table_order=6,
        period="2018-05",
        as_at=AT,
        delivery="ON_TIME",
        due_at=AT,
        first_received_at=AT,
    )
    return ReportRow(**(base | changes))  # type: ignore[arg-type]


def rendered(*rows: ReportRow) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown(build(MonthInput("2018-06", AT, rows))))


def test_a_hostile_user_id_in_an_open_exception_stays_text() -> None:
    note = ExceptionNote(
        id=1,
        rule_code="VARIANCE_ABOVE_TOLERANCE",
        subject=HOSTILE,
        severity="WARNING",
        status="OPEN",
        message=f"{HOSTILE} sent 200 against a forecast of 100",
    )
    html = rendered(row(exceptions=(note,), exception_count=1))
    for markup in ("<a ", "<strong>", "<em>", "<img", "<h1", "<h3"):
        assert markup not in html, markup
    assert html.count("<td>") == 4 and html.count("<th>") == 4  # one row: the pipes typed broke nothing
    assert "https://example.invalid" not in html  # a word joiner keeps it from being linked as a bare address
    assert "[x](https:\u2060//example.invalid)" in html  # shown as typed, apart from the invisible joiner


def test_a_hostile_observation_stays_text() -> None:
    observation = Observation(
        id=1,
        report_type="SR_VARIANCE",
        period="2018-05",
        text=f"{HOSTILE}\n# second line",
        recorded_by="[me](https://example.invalid)",
        recorded_at=AT,
    )
    html = rendered(row(observation=observation))
    assert "<a " not in html and "<h1" not in html and "<img" not in html
    assert "# second line" in html  # kept on its own line, not a heading


def test_plain_words_are_unchanged_once_rendered() -> None:
    text = "Per SEC L8.9(a), 873,383 requests were sent. This equates to 157.7% of the total forecast volume."
    assert MarkdownIt("commonmark").render(md(text)) == f"<p>{text}</p>\n"


def test_the_markdown_source_reads_as_text() -> None:
    """Only what Markdown would read as markup is escaped: figures and sentences read as written in the file."""
    text = "Per SEC L8.9(a), 873,383 requests were sent. This equates to 157.7% of the total forecast volume."
    assert md(text) == text
    assert md("April & May 2018") == "April \\& May 2018"
    assert md("- not a list") == "\\- not a list" and md("1. not a list") == "1\\. not a list"
    assert md("_a_ *c* [d] <e> #f |g| !h ~i `j`") == "\\_a\\_ \\*c\\* \\[d\\] \\<e\\> \\#f \\|g\\| \\!h \\~i \\`j\\`"
    for text in ("- not a list", "1. not a list", "+ x", "= x", "April & May", "&amp; stays", "2) x"):
        assert MarkdownIt("commonmark").render(md(text)) == f"<p>{text.replace('&', '&amp;')}</p>\n", text


def test_an_underscore_inside_a_reference_is_no_markup() -> None:
    assert md("SECP_59_1008_21") == "SECP_59_1008_21"
    assert MarkdownIt("commonmark").render(md("SECP_59_1008_21 and _this_")) == "<p>SECP_59_1008_21 and _this_</p>\n"
