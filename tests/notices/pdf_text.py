"""Reading the text out of a PDF WeasyPrint wrote (for tests; no PDF library needed).

WeasyPrint draws text with Type0 fonts in two-byte glyph codes (`<25d07130> Tj` and `[...] TJ`)
and gives each font a ToUnicode CMap (`bfchar` / `bfrange`) saying which character each code
is. This reads the objects (direct, and packed in object streams), maps each font's resource
name to its CMap, and decodes every text-showing operator in the page contents with the font
in use. Each text block (BT … ET) becomes one line, so a test can look for a phrase laid out
on one line of the document."""

from __future__ import annotations

import re
import zlib

_OBJ = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
_STREAM = re.compile(rb"^(.*?)stream\r?\n(.*)endstream\s*$", re.S)
_REF = re.compile(rb"/([A-Za-z0-9_.+-]+) (\d+) 0 R")
_TOKENS = re.compile(
    rb"/([A-Za-z0-9_.+-]+)\s+[\d.]+\s+Tf|\[((?:<[0-9a-fA-F]*>|[^\]])*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj|\b(BT|ET)\b"
)


def _inflate(header: bytes, data: bytes) -> bytes:
    if b"/FlateDecode" in header:
        try:
            return zlib.decompress(data)
        except zlib.error:
            return b""
    return data


def _objects(document: bytes) -> tuple[dict[int, bytes], dict[int, bytes]]:
    """({number: dictionary text}, {number: inflated stream}) of every object."""
    dicts: dict[int, bytes] = {}
    streams: dict[int, bytes] = {}
    for match in _OBJ.finditer(document):
        number, body = int(match.group(1)), match.group(2)
        found = _STREAM.match(body)
        if found is None:
            dicts[number] = body
            continue
        header, data = found.group(1), found.group(2).rstrip(b"\r\n")
        dicts[number] = header
        streams[number] = _inflate(header, data)
        if b"/ObjStm" in header:
            first = int(re.search(rb"/First (\d+)", header).group(1))
            count = int(re.search(rb"/N (\d+)", header).group(1))
            content = streams[number]
            pairs = [int(n) for n in content[:first].split()][: 2 * count]
            offsets = list(zip(pairs[::2], pairs[1::2], strict=True))
            for i, (packed, offset) in enumerate(offsets):
                end = offsets[i + 1][1] if i + 1 < len(offsets) else len(content) - first
                dicts[packed] = content[first + offset : first + end]
    return dicts, streams


def _cmap(text: bytes) -> dict[int, str]:
    table: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for code, uni in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            table[int(code, 16)] = bytes.fromhex(uni.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for low, high, start in re.findall(
            rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block
        ):
            first = int.from_bytes(bytes.fromhex(start.decode()), "big")
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                table[code] = chr(first + offset)
    return table


def pdf_text(document: bytes) -> str:
    """The text of the document, one line per text block."""
    dicts, streams = _objects(document)
    cmaps = {
        number: _cmap(streams[int(ref.group(1))])
        for number, text in dicts.items()
        if (ref := re.search(rb"/ToUnicode (\d+) 0 R", text)) and int(ref.group(1)) in streams
    }
    fonts: dict[bytes, dict[int, str]] = {}
    for text in dicts.values():
        for name, number in _REF.findall(text):
            if int(number) in cmaps:
                fonts[name] = cmaps[int(number)]
    lines: list[str] = []
    current: list[str] = []
    table: dict[int, str] = {}
    for number, data in streams.items():
        if number in cmaps or b"Tf" not in data:
            continue
        for font, array, single, mark in _TOKENS.findall(data):
            if font:
                table = fonts.get(font, {})
            elif mark == b"BT":
                current = []
            elif mark == b"ET":
                lines.append("".join(current))
            else:
                for hexes in re.findall(rb"<([0-9a-fA-F]*)>", array) if array else [single]:
                    codes = [int(hexes[i : i + 4], 16) for i in range(0, len(hexes), 4)]
                    current.append("".join(table.get(code, "") for code in codes))
    return "\n".join(lines)
