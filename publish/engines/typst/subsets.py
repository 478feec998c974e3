"""The Noto CJK faces cut to their region's common characters, made once per machine.

Typst reads a font file whole into memory the first time it draws from it (WeasyPrint maps it), and
each Noto CJK `.ttc` holds every region's glyphs: a Chinese article drawing from the serif's
regular and bold and the sans' bold makes Typst read several whole collections, which raises a
worker's memory well above a WeasyPrint one's and costs reading and parsing time in each new
process. Cut to the characters of the region's national standard (GB 2312 for SC, Big5 for TC and
HK, JIS X 0208 for JP, KS X 1001 and every Hangul syllable for KR) and the punctuation and symbols
around them, a face is a small fraction of the collection. It is named "<family> Common" and
stands before the full face in each font stack (`inputs.font_stack`), so a rarer character is
still drawn from the full face, which Typst reads only then. The glyphs are the same, so the
pages are the same (a test compares them).

HarfBuzz's subsetter (uharfbuzz) cuts a face quickly (fontTools is far too slow on a CJK font),
keeping every layout feature and name. The files go to the user's cache folder, each beside the
identity of the face it was cut from, and are written whole or not at all (`atomic`): another
process may be reading them. A folder that cannot be written just means the full faces are used.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from publish.runtime.atomic import write_atomic

#: What the family name of a cut face adds to its source's.
SUFFIX = " Common"
#: Bumped when the cut changes: faces cut by an older version are cut again.
VERSION = 1
#: Each region's national standard, as the Python codec that encodes exactly its characters.
_STANDARD = {"SC": "gb2312", "TC": "big5", "HK": "big5hkscs", "JP": "shift_jis", "KR": "euc_kr"}
#: Kept in every region: Latin, punctuation, symbols, kana, bopomofo, CJK symbols and forms.
_AROUND = [(0x20, 0x24F), (0x2000, 0x2BFF), (0x3000, 0x33FF), (0xFE10, 0xFE4F), (0xFF00, 0xFFEF)]
_HANGUL = (0xAC00, 0xD7A3)
#: The Noto CJK families cut: body and strong, headings, code (Chinese comments).
_STYLES = ("Serif", "Sans", "Sans Mono")


class Face(Protocol):
    """A face as Typst's font scan describes it (`typst.FontInfo`)."""

    @property
    def family(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def index(self) -> int: ...
    @property
    def weight(self) -> int: ...
    @property
    def style(self) -> str: ...


def common(family: str) -> str:
    """The family name of `family` cut to its region's common characters."""
    return family + SUFFIX


def folder() -> Path | None:
    """Where the cut faces live: `$XDG_CACHE_HOME/publish/fonts` (~/.cache/publish/fonts); None
    for a user without a home folder."""
    try:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    except RuntimeError:
        return None
    return Path(base) / "publish" / "fonts"


def cut(faces: Iterable[Face], regions: Iterable[str], into: Path | None = None) -> bool:
    """Cut the Noto CJK faces of `regions` among `faces` that are not cut yet (or were cut from
    another file); True when a file was written. A face that cannot be cut stays whole.

    One process cuts at a time (a lock file): batch workers starting together on a new machine
    would otherwise each spend the time cutting the same faces."""
    into = into or folder()
    if into is None:
        return False
    wanted = {f"Noto {style} CJK {region}": region for region in regions if region in _STANDARD
              for style in _STYLES}
    sources = [f for f in faces if f.family in wanted and Path(f.path).parent != into]
    if not sources:
        return False
    try:
        into.mkdir(parents=True, exist_ok=True)
        lock = open(into / ".lock", "a")  # noqa: SIM115 - held for the whole loop below
    except OSError:
        return False
    made = False
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for face in sources:
            target = into / f"{face.family.replace(' ', '')}-{face.weight}-{face.style}.otf"
            stamp = target.with_suffix(".source")
            try:
                identity = _identity(face)
                if target.is_file() and stamp.is_file() and stamp.read_text(encoding="utf-8") == identity:
                    continue
                data = _cut(face, _characters(wanted[face.family]))
                write_atomic({target: data, stamp: identity.encode("utf-8")})
            except Exception:  # noqa: BLE001, S112 - an odd font, a full disk: the full face serves
                continue
            made = True
    return made


def _identity(face: Face) -> str:
    """The source face as it is on disk now: a changed file is cut again."""
    st = os.stat(face.path)
    key = f"{face.path}\n{face.index}\n{st.st_size}\n{st.st_mtime_ns}\n{VERSION}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _characters(region: str) -> set[int]:
    codec = _STANDARD[region]
    chars = {cp for low, high in _AROUND for cp in range(low, high + 1)}
    for cp in range(0x2E80, 0xA000):  # the CJK blocks: kept where the standard has them
        try:
            chr(cp).encode(codec)
        except UnicodeEncodeError:
            continue
        chars.add(cp)
    if region == "KR":
        chars.update(range(_HANGUL[0], _HANGUL[1] + 1))
    return chars


def _cut(face: Face, characters: set[int]) -> bytes:
    """The face with only `characters` (and the glyphs its layout features reach from them),
    every feature and name kept, its family renamed (`common`)."""
    import uharfbuzz as hb
    from fontTools.ttLib import TTFont

    source = hb.Face(hb.Blob.from_file_path(face.path), face.index)
    request = hb.SubsetInput()
    request.unicode_set.update(characters)
    for kept in (request.layout_feature_tag_set, request.name_id_set, request.name_lang_id_set):
        kept.clear()
        kept.invert()
    subset = hb.subset(source, request)
    if subset is None:
        raise ValueError(f"HarfBuzz could not cut {face.path}#{face.index}")
    font = TTFont(io.BytesIO(bytes(subset.blob.data)), lazy=True)
    for record in font["name"].names:
        if record.nameID in (1, 16) and not record.toUnicode().endswith(SUFFIX):
            record.string = common(record.toUnicode())
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
