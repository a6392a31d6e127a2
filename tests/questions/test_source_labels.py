"""The list's source filter names files by their label, not their hashed file names."""

import pytest
from django.test import Client

from questions.source_labels import source_label

pytestmark = pytest.mark.django_db


def test_each_bank_file_has_a_label_in_both_languages():
    from django.conf import settings

    for path in sorted(settings.QUESTION_FIXTURES_DIR.glob("0*.txt")):
        for language in ("zh-hans", "en"):
            assert source_label(path.name, language) != path.name


def test_a_file_without_a_label_is_shown_by_its_name():
    assert source_label("999_unknown.txt", "en") == "999_unknown.txt"


def test_the_filter_shows_labels_and_filters_by_file(loaded_bank):
    html = Client(headers={"accept-language": "en"}).get("/questions/").content.decode()
    assert (
        '<option value="003_d62a54a02081a50e.txt">'
        "Notes: LLaVA, MiniGPT-4 and other multimodal models</option>"
    ) in html
    assert ">003_d62a54a02081a50e.txt<" not in html
