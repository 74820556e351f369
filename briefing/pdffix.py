"""Make copied PDF text read as the characters that were typeset.

Noto Sans CJK draws a Kangxi radical (U+2F00–U+2FDF) or CJK radical supplement character
(U+2E80–U+2EFF) with the same glyph as the ideograph it resembles: ⾏ and 行, ⻓ and 长. Chromium
writes one Unicode value per glyph into the PDF's ``ToUnicode`` maps and picks the radical, so
copied or extracted text reads 经济运⾏, 同⽐增⻓ — wrong for search, screen readers and anyone
pasting a sentence into a report. :func:`fix_to_unicode` rewrites those entries to the ideograph
sharing the glyph in the font itself (from its ``cmap``; NFKC where the font cannot be read).
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata

FONT_FILE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FONT_NAME = "Noto Sans CJK SC"
_RADICALS = (0x2E80, 0x2FDF)
# Punctuation sharing a glyph: the cockpit writes the em dash (1—10月), Chromium maps it to ―.
PUNCTUATION = {0x2015: 0x2014}
_BFCHAR = re.compile(rb"(<[0-9A-Fa-f]+>\s*)<([0-9A-Fa-f]{4})>")


def _is_radical(cp: int) -> bool:
    return _RADICALS[0] <= cp <= _RADICALS[1]


def _is_ideograph(cp: int) -> bool:
    return 0x3400 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x3FFFF


@functools.lru_cache(maxsize=1)
def radical_map() -> dict[int, int]:
    """Radical code point → the ideograph drawn with the same glyph in the cockpit's CJK font."""
    mapping = dict(PUNCTUATION)
    mapping |= {
        cp: ord(unicodedata.normalize("NFKC", chr(cp)))
        for cp in range(_RADICALS[0], _RADICALS[1] + 1)
        if len(unicodedata.normalize("NFKC", chr(cp))) == 1
        and unicodedata.normalize("NFKC", chr(cp)) != chr(cp)
    }
    try:
        from fontTools.ttLib import TTCollection

        collection = TTCollection(FONT_FILE, lazy=True)
        try:
            font = next(f for f in collection.fonts if f["name"].getDebugName(1) == FONT_NAME)
            cmap = dict(font.getBestCmap())
        finally:
            collection.close()
    except Exception:  # noqa: BLE001 - no font or no fontTools: NFKC covers the Kangxi radicals
        return mapping
    by_glyph: dict[str, list[int]] = {}
    for cp, glyph in cmap.items():
        by_glyph.setdefault(glyph, []).append(cp)
    for cp, glyph in cmap.items():
        if _is_radical(cp):
            twins = [c for c in by_glyph[glyph] if _is_ideograph(c)]
            if twins:
                mapping[cp] = min(twins)
    return mapping


def _fix_cmap(data: bytes, mapping: dict[int, int]) -> bytes:
    def swap(match: re.Match) -> bytes:
        cp = int(match.group(2), 16)
        if cp in mapping:
            return match.group(1) + b"<%04X>" % mapping[cp]
        return match.group(0)

    return _BFCHAR.sub(swap, data)


def fix_to_unicode(pdf: bytes) -> bytes:
    """The PDF with every radical in its ``ToUnicode`` maps replaced by its ideograph."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    mapping = radical_map()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    seen: set[int] = set()
    for page in writer.pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            stream_ref = font.get(NameObject("/ToUnicode"))
            if stream_ref is None or id(stream_ref.get_object()) in seen:
                continue
            stream = stream_ref.get_object()
            seen.add(id(stream))
            data = stream.get_data()
            fixed = _fix_cmap(data, mapping)
            if fixed != data:
                stream.set_data(fixed)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
