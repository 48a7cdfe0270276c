"""The register file (`secgov register import`, `importRegister`): a Party per row, the events it stands for, and
the checks that need the whole file or the register as it is (one Party per name, one category per Voting Group,
a Party already recorded with the same facts)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

COUNTED = ("LARGE_SUPPLIER", "SMALL_SUPPLIER", "ELECTRICITY_NETWORK", "GAS_NETWORK", "OTHER_SEC_PARTY")
CATEGORIES = (*COUNTED, "DCC")
USER_ROLES = (
    "IMPORT_SUPPLIER",
    "EXPORT_SUPPLIER",
    "GAS_SUPPLIER",
    "ELECTRICITY_DISTRIBUTOR",
    "GAS_TRANSPORTER",
    "REGISTERED_SUPPLIER_AGENT",
    "OTHER_USER",
)
REGISTER_COLUMNS = (
    "name",
    "category",
    "accession_date",
    "voting_group",
    "user_roles",
    "uep_date",
    "default_date",
    "cured_date",
    "withdrawal_date",
    "expulsion_date",
    "note",
)
BALANCE_COLUMNS = ("as_of", "category", "parties", "voting_groups", "source")


@dataclass(frozen=True, slots=True)
class RowError:
    """A refused row: its 1-based data row (0: the file as a whole), the column and why."""

    row: int
    column: str | None
    message: str


@dataclass(frozen=True, slots=True)
class EventFact:
    kind: str
    occurred_on: date
    user_role: str | None = None
    user_id: str | None = None


@dataclass(frozen=True, slots=True)
class RegisterParty:
    row: int
    name: str
    category: str
    accession_date: date
    voting_group: str | None = None
    user_roles: tuple[tuple[str, str | None], ...] = ()
    uep_date: date | None = None
    default_date: date | None = None
    cured_date: date | None = None
    withdrawal_date: date | None = None
    expulsion_date: date | None = None
    note: str | None = None

    @property
    def group_name(self) -> str:
        """The Voting Group it belongs to: the one named, else a group of its own under its name."""
        return self.voting_group or self.name

    def events(self) -> tuple[EventFact, ...]:
        """The dated events the row stands for, in the register's order (by day, then as listed)."""
        found = [EventFact("ACCESSION", self.accession_date)]
        if self.uep_date is not None:
            found += [EventFact("UEP_COMPLETED", self.uep_date, role, uid) for role, uid in self.user_roles]
        for kind, day in (
            ("DEFAULT_ENTERED", self.default_date),
            ("DEFAULT_CURED", self.cured_date),
            ("WITHDRAWAL", self.withdrawal_date),
            ("EXPULSION", self.expulsion_date),
        ):
            if day is not None:
                found.append(EventFact(kind, day))
        return tuple(sorted(found, key=lambda e: e.occurred_on))


@dataclass(frozen=True, slots=True)
class BalanceRow:
    row: int
    as_of: date
    category: str
    parties: int
    voting_groups: int
    source: str


@dataclass(frozen=True, slots=True)
class RecordedParty:
    """A Party as the register already holds it: what a row is compared with."""

    name: str
    category: str
    group_name: str
    events: tuple[EventFact, ...]


@dataclass
class CheckedFile:
    """A file's rows as read and the rows refused (row, column, reason)."""

    parties: list[RegisterParty] = field(default_factory=list)
    balance: list[BalanceRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0


def parse_user_roles(text: str | None) -> tuple[tuple[tuple[str, str | None], ...], str | None]:
    """`IMPORT_SUPPLIER:PNN004;GAS_SUPPLIER:PGK004` as (role, User ID) pairs, or the reason it is not."""
    if not text:
        return (), None
    pairs: list[tuple[str, str | None]] = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        role, _, user_id = (s.strip() for s in part.partition(":"))
        role = role.upper().replace(" ", "_")
        if role not in USER_ROLES:
            return (), f'"{part}" is not ROLE:USER_ID with ROLE one of {", ".join(USER_ROLES)}'
        if any(r == role for r, _ in pairs):
            return (), f"{role} is given twice"
        pairs.append((role, user_id or None))
    return tuple(pairs), None


def row_errors(p: RegisterParty) -> list[RowError]:
    """What one row's own dates and roles say against each other."""
    found: list[RowError] = []

    def before(column: str, day: date | None, what: str) -> None:
        if day is not None and day < p.accession_date:
            found.append(RowError(p.row, column, f"{column} {day} on row {p.row} is before the accession_date {what}"))

    before("uep_date", p.uep_date, "(a User Entry Process is completed by a Party)")
    before("default_date", p.default_date, "(only a Party can be in default)")
    before("withdrawal_date", p.withdrawal_date, "(only a Party can withdraw)")
    before("expulsion_date", p.expulsion_date, "(only a Party can be expelled)")
    if p.user_roles and p.uep_date is None:
        found.append(RowError(p.row, "uep_date", f"uep_date on row {p.row} is empty: user_roles need the UEP date"))
    if p.uep_date is not None and not p.user_roles:
        found.append(RowError(p.row, "user_roles", f"user_roles on row {p.row} is empty: uep_date needs the roles"))
    if p.cured_date is not None and (p.default_date is None or p.cured_date < p.default_date):
        found.append(RowError(p.row, "cured_date", f"cured_date on row {p.row} needs an earlier default_date"))
    if p.withdrawal_date is not None and p.expulsion_date is not None:
        found.append(RowError(p.row, "expulsion_date", f"row {p.row} gives both a withdrawal and an expulsion"))
    return found


def file_errors(rows: Sequence[RegisterParty]) -> list[RowError]:
    """One row per Party name, one category per Voting Group named, across the file."""
    found: list[RowError] = []
    first_row: dict[str, int] = {}
    group_category: dict[str, tuple[str, int]] = {}
    for p in rows:
        key = p.name.lower()
        if key in first_row:
            found.append(RowError(p.row, "name", f'name "{p.name}" on row {p.row} repeats row {first_row[key]}'))
        first_row.setdefault(key, p.row)
        group = p.group_name.lower()
        seen = group_category.setdefault(group, (p.category, p.row))
        if seen[0] != p.category:
            found.append(
                RowError(
                    p.row,
                    "voting_group",
                    f'Voting Group "{p.group_name}" on row {p.row} is {seen[0]} on row {seen[1]}, not {p.category}',
                )
            )
    return found


def against_register(
    rows: Iterable[RegisterParty], recorded: Mapping[str, RecordedParty], group_categories: Mapping[str, str]
) -> tuple[list[RegisterParty], list[RowError]]:
    """The rows the register does not hold yet, and the rows that contradict what it holds (same name, other
    facts; a Voting Group of another category). A row equal to what is recorded is left out: importing twice
    changes nothing."""
    new: list[RegisterParty] = []
    errors: list[RowError] = []
    for p in rows:
        held = recorded.get(p.name.lower())
        if held is None:
            category = group_categories.get(p.group_name.lower())
            if category is not None and category != p.category:
                errors.append(
                    RowError(
                        p.row,
                        "voting_group",
                        f'Voting Group "{p.group_name}" on row {p.row} is {category} in the register, not {p.category}',
                    )
                )
            else:
                new.append(p)
            continue
        differs = [
            what
            for what, same in (
                ("category", held.category == p.category),
                ("voting_group", held.group_name.lower() == p.group_name.lower()),
                ("events", set(held.events) == set(p.events())),
            )
            if not same
        ]
        if differs:
            errors.append(
                RowError(
                    p.row,
                    differs[0],
                    f'"{p.name}" on row {p.row} is already in the register with other facts ({", ".join(differs)})',
                )
            )
    return new, errors


def as_json(checked: CheckedFile) -> dict[str, Any]:
    """A checked file as JSON-ready data (what the checking process hands back)."""
    return {
        "rows": checked.rows,
        "parties": [_plain(p) for p in checked.parties],
        "balance": [_plain(b) for b in checked.balance],
        "errors": [_plain(e) for e in checked.errors],
    }


def from_json(data: Mapping[str, Any]) -> CheckedFile:
    """The inverse of as_json."""

    def day(v: Any) -> date | None:
        return date.fromisoformat(v) if v else None

    parties = [
        RegisterParty(
            **{
                **p,
                **{k: day(p[k]) for k in p if k.endswith("_date")},
                "user_roles": tuple((r, u) for r, u in p["user_roles"]),
            }
        )
        for p in data.get("parties", [])
    ]
    balance = [BalanceRow(**{**b, "as_of": date.fromisoformat(b["as_of"])}) for b in data.get("balance", [])]
    errors = [RowError(**e) for e in data.get("errors", [])]
    return CheckedFile(parties, balance, errors, int(data.get("rows", 0)))


def _plain(obj: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in obj.__slots__:
        v = getattr(obj, name)
        out[name] = v.isoformat() if isinstance(v, date) else [list(x) for x in v] if isinstance(v, tuple) else v
    return out
