"""Images a note shows from files beside it (``![图1](images/lora.png)``,
``<img src="./lora.png">``): find them and point them elsewhere. Pure: no ORM, no storage.

An editor uploads the images with the note; the browser sends bare file names, so a reference
is matched by its file name, whatever folder it names (``images/lora.png``, ``./lora.png``,
``../assets/lora.png``, ``C:\\notes\\lora.png``, ``lora%20v2.png``), exactly first and then
ignoring case, as the file systems editors write notes on do.
"""

import html
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from urllib.parse import unquote

#: The image suffixes an upload may hold beside its notes (SVG is recognised to refuse it).
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg")

# ![alt](src "title") and ![alt](<src with spaces>): group 2 is the source as written.
_MARKDOWN_IMAGE = re.compile(
    r"(!\[[^\]\n]*\]\([ \t]*)(<[^<>\n]+>|[^\s()<>]+(?:\([^\s()<>]*\)[^\s()<>]*)*)"
)
# <img ... src="..."> in raw HTML: group 2 is the quoted or bare value.
_HTML_IMAGE = re.compile(r"""(<img\b[^>]*?\ssrc[ \t]*=[ \t]*)("[^"]*"|'[^']*'|[^\s"'>]+)""", re.I)
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


def _value(written: str, *, markup: bool) -> str:
    """The source a reference names: quotes, angle brackets and entities removed."""
    if markup:
        return html.unescape(written.strip("\"'"))
    return written[1:-1] if written.startswith("<") else written


def is_local(src: str, *, site_prefix: str = "") -> bool:
    """Whether ``src`` names a file beside the note (relative, or a path on the author's
    disk) rather than a web address, an anchor, a data: URL or one of the site's own files
    (``site_prefix``)."""
    src = src.strip().replace("\\", "/")
    if not src or src.startswith(("#", "//")) or (site_prefix and src.startswith(site_prefix)):
        return False
    scheme = _SCHEME.match(src)
    # A one-letter "scheme" is a Windows drive (C:/notes/a.png); file: is the author's disk.
    return scheme is None or len(scheme[1]) == 1 or scheme[1].lower() == "file"


def file_name(src: str) -> str:
    """The file name a reference names: ``images/LoRA%20v2.png?raw=1`` -> ``LoRA v2.png``."""
    path = re.split(r"[?#]", src.replace("\\", "/"), maxsplit=1)[0]
    return unquote(posixpath.basename(path)).strip()


def local_images(markdown_text: str, *, site_prefix: str = "") -> list[str]:
    """The sources of the images ``markdown_text`` shows from local files: Markdown images,
    then HTML ``<img>`` tags, each in order."""
    found = [_value(m[2], markup=False) for m in _MARKDOWN_IMAGE.finditer(markdown_text)]
    found += [_value(m[2], markup=True) for m in _HTML_IMAGE.finditer(markdown_text)]
    return [src for src in found if is_local(src, site_prefix=site_prefix)]


def matcher(names: Iterable[str]) -> Callable[[str], str | None]:
    """A function from a reference's source to the uploaded file name it means (exactly,
    else ignoring case when only one name fits), or None."""
    exact = set(names)
    folded: dict[str, list[str]] = {}
    for name in exact:
        folded.setdefault(name.casefold(), []).append(name)

    def match(src: str) -> str | None:
        name = file_name(src)
        if name in exact:
            return name
        candidates = folded.get(name.casefold(), [])
        return candidates[0] if len(candidates) == 1 else None

    return match


def link_images(markdown_text: str, targets: Mapping[str, str], *, site_prefix: str = "") -> str:
    """``markdown_text`` with each local image whose file name :func:`matcher` finds in
    ``targets`` (uploaded file name -> new source) pointing to its new source; every other
    character unchanged."""
    match = matcher(targets)

    def replace(m: re.Match[str], *, markup: bool) -> str:
        src = _value(m[2], markup=markup)
        name = match(src) if is_local(src, site_prefix=site_prefix) else None
        if name is None:
            return m[0]
        new = targets[name]
        return m[1] + (f'"{html.escape(new)}"' if markup else new)

    text = _MARKDOWN_IMAGE.sub(lambda m: replace(m, markup=False), markdown_text)
    return _HTML_IMAGE.sub(lambda m: replace(m, markup=True), text)
