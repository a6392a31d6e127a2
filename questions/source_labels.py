"""Readable names for the bank's source files (``fixtures/source-labels.json``).

The files are named by a number and a hash (``000_4890ccbf080ad571.txt``), which says nothing
to a reader choosing a source in the list's filter. Each file's label is written once in the
JSON file, per UI language; a file without one is shown by its name.
"""

import functools
import json
from pathlib import Path

from django.conf import settings
from django.utils.translation import get_language

LABELS_FILE = "source-labels.json"


@functools.cache
def _labels(fixtures_dir: str) -> dict[str, dict[str, str]]:
    path = Path(fixtures_dir) / LABELS_FILE
    if not path.exists():
        return {}
    labels: dict[str, dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
    return labels


def source_label(file_name: str, language: str | None = None) -> str:
    """``file_name``'s label in ``language`` (default: the active one), else the name."""
    labels = _labels(str(settings.QUESTION_FIXTURES_DIR)).get(file_name, {})
    language = language or get_language() or settings.LANGUAGE_CODE
    return labels.get(language) or labels.get(settings.LANGUAGE_CODE) or file_name
