"""Rendered pages compared with reviewed reference images, with a tolerance, in plain Python.

Pages come from LibreOffice (DOCX → PDF) and poppler (PDF → greyscale PGM at 60 dpi); the
references are small greyscale PNGs under ``tests/reference/``, written and read here
(zlib only: no imaging library). Under UPDATE_GOLDEN=1 a reference that differs is
rewritten and the test fails, to be reviewed like any golden file.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import struct
import subprocess
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import TESTS, UPDATE_GOLDEN

REFERENCE = TESTS / "reference"
DPI = 60


@dataclass(frozen=True)
class Grey:
    """A greyscale image: one byte per pixel, row by row."""

    width: int
    height: int
    pixels: bytes


def read_pgm(path: Path) -> Grey:
    """A binary PGM (P5, max 255) as poppler writes it."""
    data = path.read_bytes()
    fields: list[bytes] = []
    at = 0
    while len(fields) < 4:
        while data[at:at + 1].isspace():
            at += 1
        end = at
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[at:end])
        at = end
    assert fields[0] == b"P5" and fields[3] == b"255", f"{path}: not an 8-bit binary PGM"
    width, height = int(fields[1]), int(fields[2])
    return Grey(width, height, data[at + 1:at + 1 + width * height])


def write_png(path: Path, image: Grey) -> None:
    """A greyscale 8-bit PNG, every row unfiltered."""
    raw = b"".join(b"\x00" + image.pixels[y * image.width:(y + 1) * image.width] for y in range(image.height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", image.width, image.height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9))
                     + chunk(b"IEND", b""))


def read_png(path: Path) -> Grey:
    """A greyscale 8-bit PNG as ``write_png`` writes it (any of the five row filters is undone)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path}: not a PNG"
    at, idat, width, height = 8, b"", 0, 0
    while at < len(data):
        size = struct.unpack(">I", data[at:at + 4])[0]
        kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + size]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (8, 0), f"{path}: not 8-bit greyscale"
        elif kind == b"IDAT":
            idat += body
        at += 12 + size
    raw = zlib.decompress(idat)
    rows: list[bytearray] = []
    previous = bytearray(width)
    for y in range(height):
        row_filter = raw[y * (width + 1)]
        line = bytearray(raw[y * (width + 1) + 1:(y + 1) * (width + 1)])
        for x in range(width if row_filter else 0):
            left = line[x - 1] if x else 0
            up, corner = previous[x], previous[x - 1] if x else 0
            if row_filter == 1:
                line[x] = (line[x] + left) & 0xFF
            elif row_filter == 2:
                line[x] = (line[x] + up) & 0xFF
            elif row_filter == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif row_filter == 4:
                p = left + up - corner
                guess = min((abs(p - left), left), (abs(p - up), up), (abs(p - corner), corner))[1]
                line[x] = (line[x] + guess) & 0xFF
        rows.append(line)
        previous = line
    return Grey(width, height, b"".join(rows))


@functools.cache
def _profile() -> Path:
    """This process's LibreOffice profile, removed when it exits."""
    profile = Path(tempfile.mkdtemp(prefix="ducha-tests-libreoffice-"))
    atexit.register(shutil.rmtree, profile, ignore_errors=True)
    return profile


def to_pdf(docx: Path, folder: Path) -> Path:
    """``docx`` as LibreOffice prints it, written into ``folder``.

    Each test process has a LibreOffice profile of its own: two soffice processes sharing one (the
    user's, by default) refuse to start together, as the test workers and other suites on the machine do.
    """
    done = subprocess.run(["soffice", f"-env:UserInstallation={_profile().as_uri()}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(folder), str(docx)], capture_output=True, text=True, timeout=180)
    pdf = folder / f"{docx.stem}.pdf"
    assert done.returncode == 0 and pdf.is_file(), done.stdout + done.stderr
    return pdf


def render(docx: Path, folder: Path) -> list[Grey]:
    """Every page of ``docx`` as LibreOffice lays it out, in grey at 60 dpi."""
    pdf = to_pdf(docx, folder)
    subprocess.run(["pdftoppm", "-gray", "-r", str(DPI), str(pdf), str(folder / docx.stem)], check=True)
    return [read_pgm(p) for p in sorted(folder.glob(f"{docx.stem}-*.pgm"))]


def difference(actual: Grey, expected: Grey) -> float:
    """The share of pixels that differ visibly (by more than a quarter of the grey scale)."""
    if (actual.width, actual.height) != (expected.width, expected.height):
        return 1.0
    visible = sum(1 for a, b in zip(actual.pixels, expected.pixels, strict=True) if abs(a - b) > 64)
    return visible / len(actual.pixels)


def matches_reference(page: Grey, name: str, tolerance: float = 0.004) -> None:
    """Assert that ``page`` looks like ``tests/reference/<name>.png`` (at most ``tolerance`` of its pixels differ)."""
    path = REFERENCE / f"{name}.png"
    if path.exists():
        share = difference(page, read_png(path))
        if share <= tolerance:
            return
    else:
        share = 1.0
    if UPDATE_GOLDEN:
        REFERENCE.mkdir(exist_ok=True)
        write_png(path, page)
        pytest.fail(f"reference {path.name} rewritten: look at it, then run the tests again")
    assert path.exists(), f"missing reference {path}; run with UPDATE_GOLDEN=1 and look at it"
    artifacts = TESTS / "artifacts"
    artifacts.mkdir(exist_ok=True)
    write_png(artifacts / f"{name}.actual.png", page)
    assert share <= tolerance, f"{name}: {share:.2%} of the pixels differ from the reference (see tests/artifacts/{name}.actual.png)"
