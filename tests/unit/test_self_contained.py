"""The repository documents itself: no tracked file points to a document kept outside it, and the README and docs/
link only to files in the repository."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Spelled in pieces so that this file does not match itself.
OUTSIDE = [name + ".md" for name in ("CONTRACT", "DESIGN", "DOMAIN")] + ["seeds" + "/", "/work/" + "shared"]


def tracked() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [ROOT / name for name in out.decode().split("\0") if name]


def text_of(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
        return None  # binary files (images, fonts) and files deleted in the working tree


def test_no_tracked_file_points_outside_the_repository() -> None:
    found = []
    for path in tracked():
        text = text_of(path)
        if text is None:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            found += [f"{path.relative_to(ROOT)}:{number}: {name}" for name in OUTSIDE if name in line]
    assert not found, "pointers to documents outside the repository:\n" + "\n".join(found)


LINK = re.compile(r"\]\(([^)#\s]+)(?:#([^)]*))?\)")


def anchors(page: Path) -> set[str]:
    """The anchors of a Markdown page's headings, as GitHub makes them."""
    found = set()
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            found.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return found


def test_readme_and_docs_link_only_to_files_in_the_repository() -> None:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    assert {p.name for p in pages} >= {"architecture.md", "domain.md", "api.md", "operations.md"}
    broken = []
    for page in pages:
        for target, anchor in LINK.findall(page.read_text(encoding="utf-8")):
            if "://" in target or target.startswith("mailto:"):
                continue
            linked = page.parent / target
            if not linked.exists():
                broken.append(f"{page.relative_to(ROOT)}: {target}")
            elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
                broken.append(f"{page.relative_to(ROOT)}: {target}#{anchor} (no such heading)")
    assert not broken, "links to files that are not in the repository:\n" + "\n".join(broken)


def test_every_setting_is_in_the_operations_guide() -> None:
    import dataclasses

    from domain.settings import Settings

    guide = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    names = [f.metadata["env"] for f in dataclasses.fields(Settings) if "env" in f.metadata]
    assert len(names) > 10
    assert [n for n in names if f"| `{n}` |" not in guide] == [], "settings missing from docs/operations.md"
