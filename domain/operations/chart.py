"""Figure 1 (Voting Groups by category) as a small PNG bar chart for the Word file, written with zlib alone.

Each bar carries its count above it in a 3x5 pixel digit font; the category names go in the caption beneath the
picture (and in its alternative text), which Word sets as text and screen readers read.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence

from domain.operations.model import Bar

COLOURS = ((0x1F, 0x4E, 0x79), (0x2E, 0x86, 0xC1), (0xF3, 0x9C, 0x12), (0x27, 0xAE, 0x60), (0x8E, 0x44, 0xAD))
_DIGITS = {
    "0": ("111", "101", "101", "101", "111"),
    "1": ("010", "110", "010", "010", "111"),
    "2": ("111", "001", "111", "100", "111"),
    "3": ("111", "001", "111", "001", "111"),
    "4": ("101", "101", "111", "001", "001"),
    "5": ("111", "100", "111", "001", "111"),
    "6": ("111", "100", "111", "101", "111"),
    "7": ("111", "001", "010", "010", "010"),
    "8": ("111", "101", "111", "101", "111"),
    "9": ("111", "101", "111", "001", "111"),
}
WIDTH, HEIGHT, MARGIN, SCALE = 640, 320, 30, 4


def _png(pixels: list[bytearray]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + bytes(row) for row in pixels)  # filter type 0 on every scanline
    header = struct.pack(">IIBBBBB", len(pixels[0]) // 3, len(pixels), 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def _fill(pixels: list[bytearray], x0: int, y0: int, x1: int, y1: int, colour: tuple[int, int, int]) -> None:
    for y in range(max(y0, 0), min(y1, len(pixels))):
        row = pixels[y]
        for x in range(max(x0, 0), min(x1, len(row) // 3)):
            row[3 * x : 3 * x + 3] = bytes(colour)


def _number(pixels: list[bytearray], text: str, centre: int, bottom: int) -> None:
    width = len(text) * 4 * SCALE - SCALE
    left, top = centre - width // 2, bottom - 5 * SCALE
    for i, ch in enumerate(text):
        for dy, line in enumerate(_DIGITS[ch]):
            for dx, on in enumerate(line):
                if on == "1":
                    x, y = left + (i * 4 + dx) * SCALE, top + dy * SCALE
                    _fill(pixels, x, y, x + SCALE, y + SCALE, (0x22, 0x22, 0x22))


def bar_chart(bars: Sequence[Bar]) -> bytes:
    """A PNG: one coloured bar per category, its count above it, on a white ground with a base line."""
    pixels = [bytearray(b"\xff" * (WIDTH * 3)) for _ in range(HEIGHT)]
    base = HEIGHT - MARGIN
    top_room = MARGIN + 6 * SCALE
    tallest = max((b.value for b in bars), default=0) or 1
    slot = (WIDTH - 2 * MARGIN) // max(len(bars), 1)
    for i, bar in enumerate(bars):
        height = round((base - top_room) * bar.value / tallest)
        left = MARGIN + i * slot + slot // 6
        right = MARGIN + (i + 1) * slot - slot // 6
        _fill(pixels, left, base - height, right, base, COLOURS[i % len(COLOURS)])
        _number(pixels, str(bar.value), (left + right) // 2, base - height - 2 * SCALE)
    _fill(pixels, MARGIN // 2, base, WIDTH - MARGIN // 2, base + 2, (0x44, 0x44, 0x44))
    return _png(pixels)


def legend(bars: Sequence[Bar]) -> str:
    """The bars' names and counts, left to right: the caption and alternative text of the picture."""
    return "Left to right: " + "; ".join(f"{b.label} {b.value:,}" for b in bars) + "."
