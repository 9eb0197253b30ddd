"""Residents' voices (社情民意): what residents say through every channel, sorted and grouped.

For now only the text engine (`laoyuan.voices.engine`) and its command `laoyuan voices`; the
models, pages and API of issue 3 come later."""
