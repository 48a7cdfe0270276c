"""How the Operations Report writes dates, counts, categories and User Roles (the papers' wording)."""

from __future__ import annotations

from datetime import date

CATEGORY = {
    "LARGE_SUPPLIER": "Large Supplier",
    "SMALL_SUPPLIER": "Small Supplier",
    "ELECTRICITY_NETWORK": "Electricity Network",
    "GAS_NETWORK": "Gas Network",
    "OTHER_SEC_PARTY": "Other SEC Party",
    "DCC": "DCC",
}
# Figure 1's labels, in the order the report counts categories.
CATEGORY_PLURAL = {
    "LARGE_SUPPLIER": "Large Suppliers",
    "SMALL_SUPPLIER": "Small Suppliers",
    "ELECTRICITY_NETWORK": "Electricity Networks",
    "GAS_NETWORK": "Gas Networks",
    "OTHER_SEC_PARTY": "Other SEC Parties",
}
ROLE = {
    "IMPORT_SUPPLIER": "Import Supplier",
    "EXPORT_SUPPLIER": "Export Supplier",
    "GAS_SUPPLIER": "Gas Supplier",
    "ELECTRICITY_DISTRIBUTOR": "Electricity Distributor",
    "GAS_TRANSPORTER": "Gas Transporter",
    "REGISTERED_SUPPLIER_AGENT": "Registered Supplier Agent",
    "OTHER_USER": "Other User",
}
_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def number(n: int) -> str:
    """A count as the papers write it: in words up to twelve, in figures above."""
    return _WORDS[n] if 0 <= n < len(_WORDS) else f"{n:,}"


def plural(n: int, one: str, many: str) -> str:
    return f"{number(n)} {one if n == 1 else many}"


def ordinal_day(day: date) -> str:
    """27th July 2018."""
    d = day.day
    suffix = "th" if 11 <= d % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th")
    return f"{d}{suffix} {MONTHS[day.month - 1]} {day.year}"


def short_day(day: date) -> str:
    """31/07/2018, as the tables print a date."""
    return day.strftime("%d/%m/%Y")


def month_name(month: str) -> str:
    """2018-07 -> July 2018."""
    year, m = month.split("-")
    return f"{MONTHS[int(m) - 1]} {year}"


def month_column(month: str) -> str:
    """2018-07 -> Jul-18, Table 3's column heading."""
    year, m = month.split("-")
    return f"{MONTHS[int(m) - 1][:3]}-{year[2:]}"


def sentence(note: str | None) -> str:
    """A note from the register as a sentence of its own (capitalised, with a full stop); empty without one."""
    text = " ".join((note or "").split())
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
