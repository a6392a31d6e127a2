"""A reader browses, filters, searches and reads, in a real Chromium."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_reader_filters_searches_and_reads_code_and_math(page: Page, site: str):
    page.goto(f"{site}/questions/")
    expect(page.locator("h1")).to_have_text("题库")
    all_count = page.locator(".result-count").inner_text()

    # Filtering by a tag updates the results in place (htmx) and the address bar.
    page.select_option("#id_tag", "lora")
    expect(page).to_have_url(re.compile(r"tag=lora"))
    expect(page.locator(".result-count")).not_to_have_text(all_count)
    titles = page.locator(".question-link").all_inner_texts()
    assert titles
    assert any("lora" in t.lower() for t in titles)

    # Searching in Chinese.
    page.goto(f"{site}/questions/")
    page.fill("#id_q", "幻觉")
    expect(page).to_have_url(re.compile(r"q=%E5%B9%BB%E8%A7%89"))
    expect(page.locator(".question-link", has_text="什么是大模型幻觉？")).to_be_visible()

    # No answer has code and math together: the SVD answer has code (and remote images),
    # the LLaVA paper note has math.
    page.goto(f"{site}/questions/?q=SVD")
    page.locator(".question-link", has_text="请解释下SVD").click()
    expect(page.locator("h1")).to_contain_text("SVD")
    code = page.locator(".answer pre").first
    expect(code).to_be_visible()
    expect(code).to_contain_text("torch.manual_seed(0)")
    assert code.locator("span[class]").count() > 0, "code is highlighted"
    expect(page.get_by_text("004_92b955545d4f99cd.txt")).to_be_visible()
    # Remote images are links, not hot-linked; nothing shows a broken image icon.
    assert page.locator(".answer a.img-remote").count() > 0
    broken = page.evaluate(
        "Array.from(document.images).filter(i => i.complete && i.naturalWidth === 0).length"
    )
    assert broken == 0

    page.goto(f"{site}/questions/?kind=note&source=003_d62a54a02081a50e.txt")
    page.locator(".question-link", has_text="Visual Instruction").first.click()
    formula = page.locator(".answer math").first
    expect(formula).to_be_visible()
    box = formula.bounding_box()
    assert box is not None
    assert box["width"] > 10, "MathML is laid out as math"


def test_wrong_answer_shows_revision_notice(page: Page, site: str):
    page.goto(f"{site}/questions/?q=Multi-query")
    page.locator(".question-link", has_text="Multi-query Attention").first.click()
    notice = page.locator(".notice.revision")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("修订")
