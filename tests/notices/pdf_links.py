"""Reading the links out of a PDF WeasyPrint wrote (for tests; no PDF library needed): the link
annotations (/URI) sit in compressed object streams, so every Flate stream is inflated and
searched, as well as the file itself."""

from __future__ import annotations

import re
import zlib

_STREAM = re.compile(rb"stream\r?\n")
_URI = re.compile(rb"/URI\s*\(((?:\\.|[^\\)])*)\)")


def pdf_uris(document: bytes) -> list[str]:
    chunks = [document]
    for match in _STREAM.finditer(document):
        start = match.end()
        end = document.find(b"endstream", start)
        try:
            chunks.append(zlib.decompress(document[start:end]))
        except zlib.error:
            continue  # images and fonts that are not Flate, or not compressed
    return [
        re.sub(rb"\\(.)", rb"\1", uri).decode("latin-1")
        for chunk in chunks
        for uri in _URI.findall(chunk)
    ]
