"""Reading a note file's bytes as text (pure: no Django): :func:`decode_note`.

Notes come as UTF-8 (with or without a BOM), UTF-16 with a BOM, or GB18030 (the superset of
GBK/GB2312 that Chinese Windows editors save). A file with NUL bytes or many control
characters is binary (an image, a PDF, a Word file) and is refused, as is one that is valid in
none of these encodings; :class:`UnreadableNote` says which and why.
"""

import codecs
import re
from dataclasses import dataclass

#: The file name endings read as notes.
NOTE_SUFFIXES = (".md", ".markdown", ".txt")
#: Share of control characters (other than tab, line ends, form feed) above which decoded
#: text is taken for binary data.
MAX_CONTROL_SHARE = 0.01

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class UnreadableNote(ValueError):
    """A note file that is not text in a supported encoding."""


@dataclass(frozen=True)
class Decoded:
    text: str  # without a BOM
    encoding: str  # "utf-8", "utf-8-sig", "utf-16", "gb18030"
    newline: str  # "lf", "crlf", "cr", "mixed" or "none"


def _newline(text: str) -> str:
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    cr = text.count("\r") - crlf
    kinds = [name for name, count in (("crlf", crlf), ("lf", lf), ("cr", cr)) if count]
    return kinds[0] if len(kinds) == 1 else ("mixed" if kinds else "none")


def decode_note(data: bytes) -> Decoded:
    """Decode a note file; raise :class:`UnreadableNote` for binary or undecodable data."""
    if data.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    elif b"\x00" in data:
        raise UnreadableNote("binary file (it contains NUL bytes), not a text note")
    else:
        encodings = ["utf-8", "gb18030"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if len(_CONTROL.findall(text)) > MAX_CONTROL_SHARE * max(len(text), 1):
            raise UnreadableNote("binary file (control characters), not a text note")
        return Decoded(text.removeprefix("\ufeff"), encoding, _newline(text))
    raise UnreadableNote(f"not valid text in {' or '.join(e.upper() for e in encodings)}")
