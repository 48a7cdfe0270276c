"""The repository documents itself: no tracked file points to a document kept outside it."""

from __future__ import annotations

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
