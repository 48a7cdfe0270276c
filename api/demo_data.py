"""Loads the demo data set (api/demo/seed.json, drawn from the seed papers) through the store's functions."""

from __future__ import annotations

import json
import sys
from datetime import date
from importlib import resources
from typing import Any

from sql import governance, modifications, parties
from sql.db import Conn
from sql.errors import Conflict


def seed() -> dict[str, Any]:
    text = resources.files("api.demo").joinpath("seed.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _d(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


class Progress:
    """One line that updates on a terminal; silent otherwise."""

    def __init__(self, total: int, label: str) -> None:
        self.total, self.label, self.done = total, label, 0
        self.tty = sys.stderr.isatty()

    def step(self, what: str) -> None:
        self.done += 1
        if self.tty:
            sys.stderr.write(f"\r{self.label}: {self.done}/{self.total} {what[:40]:<40}")
            if self.done == self.total:
                sys.stderr.write("\n")
            sys.stderr.flush()


async def load(conn: Conn, data: dict[str, Any] | None = None) -> dict[str, int]:
    """Insert the demo set in one transaction; returns counts per kind."""
    data = data or seed()
    counts = {
        k: 0
        for k in ("bodies", "voting_groups", "parties", "events", "meetings", "highlights", "actions", "modifications")
    }
    total = sum(
        len(data.get(k, []))
        for k in ("bodies", "voting_groups", "parties", "meetings", "highlights", "actions", "modifications")
    )
    progress = Progress(total, "demo data")
    async with conn.transaction():
        body_ids: dict[str, int] = {}
        for b in data.get("bodies", []):
            try:
                body_ids[b["code"]] = (await governance.create_body(conn, code=b["code"], name=b["name"])).id
                counts["bodies"] += 1
            except Conflict:
                body_ids[b["code"]] = (await governance.body_by_code(conn, code=b["code"])).id
            progress.step(b["code"])
        group_ids: dict[str, int] = {}
        for g in data.get("voting_groups", []):
            group_ids[g["key"]] = (await parties.create_voting_group(conn, name=g["name"], category=g["category"])).id
            counts["voting_groups"] += 1
            progress.step(g["name"])
        for p in data.get("parties", []):
            pk = await parties.create_party(
                conn,
                name=p["name"],
                category=p["category"],
                voting_group_id=group_ids.get(p.get("voting_group") or ""),
                note=p.get("note"),
            )
            counts["parties"] += 1
            for e in sorted(p.get("events", []), key=lambda e: e["occurred_on"]):
                await parties.record_event(
                    conn,
                    party_id=pk,
                    kind=e["kind"],
                    occurred_on=date.fromisoformat(e["occurred_on"]),
                    user_role=e.get("user_role"),
                    user_id=e.get("user_id"),
                    category=e.get("category"),
                    voting_group_id=group_ids.get(e.get("voting_group") or ""),
                    note=e.get("note"),
                )
                counts["events"] += 1
            progress.step(p["name"])
        meeting_ids: dict[str, int] = {}
        for m in data.get("meetings", []):
            meeting_ids[m["reference"]] = await governance.create_meeting(
                conn,
                body_id=body_ids[m["body"]],
                reference=m["reference"],
                held_on=date.fromisoformat(m["held_on"]),
                title=m.get("title"),
                classification=m.get("classification", "WHITE"),
                note=m.get("note"),
            )
            counts["meetings"] += 1
            progress.step(m["reference"])
        for h in data.get("highlights", []):
            await governance.create_highlight(
                conn,
                body_id=body_ids[h["body"]],
                meeting_id=meeting_ids.get(h.get("meeting") or ""),
                title=h["title"],
                body=h.get("body_text") or "",
                classification=h.get("classification", "WHITE"),
                published_on=date.fromisoformat(h["published_on"]),
            )
            counts["highlights"] += 1
            progress.step(h["title"])
        for a in data.get("actions", []):
            await governance.create_action(
                conn,
                reference=a["reference"],
                meeting_id=meeting_ids[a["meeting"]],
                kind=a.get("kind", "ACTION"),
                text=a["text"],
                owner=a.get("owner"),
                status=a.get("status", "OPEN"),
                outcome=a.get("outcome"),
                due_on=_d(a.get("due_on")),
                classification=a.get("classification", "WHITE"),
            )
            counts["actions"] += 1
            progress.step(a["reference"])
        for mod in data.get("modifications", []):
            pk = await modifications.create(
                conn,
                reference=mod["reference"],
                title=mod["title"],
                path=mod.get("path"),
                stage=mod.get("stage"),
                proposer=mod.get("proposer"),
                raised_on=_d(mod.get("raised_on")),
                working_group=mod.get("working_group"),
                release=mod.get("release"),
                implemented_on=_d(mod.get("implemented_on")),
                former_references=mod.get("former_references"),
                parties_impacted=mod.get("parties_impacted"),
                sec_sections=mod.get("sec_sections"),
            )
            for e in mod.get("events", []):
                await modifications.record_event(
                    conn,
                    modification_id=pk,
                    kind=e["kind"],
                    occurred_on=date.fromisoformat(e["occurred_on"]),
                    note=e.get("note"),
                    stage=e.get("stage"),
                    body_id=body_ids.get(e.get("body") or ""),
                    outcome=e.get("outcome"),
                )
            counts["modifications"] += 1
            progress.step(mod["reference"])
    return counts
