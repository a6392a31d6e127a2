"""questions.rendering.render_answer: features, math, images and sanitising."""

from __future__ import annotations

import re
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questions.rendering import ALLOWED_TAGS, pygments_css, render_answer

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted((ROOT / "fixtures").glob("*.txt"))
EXTERNAL_REL = "nofollow noopener noreferrer"


class Parsed(HTMLParser):
    """The output as a browser-ish tokenizer sees it: elements and visible text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.chunks: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)

    @property
    def text(self) -> str:
        return "".join(self.chunks)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [
            a
            for t, a in self.elements
            if t == tag and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]

    def tags(self) -> set[str]:
        return {tag for tag, _ in self.elements}


def assert_safe(html: str) -> Parsed:
    assert "<script" not in html.lower()
    parsed = Parsed(html)
    for tag, attrs in parsed.elements:
        assert tag in ALLOWED_TAGS, tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name not in {"style", "srcdoc", "formaction", "xlink:href"}, (tag, name)
            if name in {"href", "src"}:
                # The URL a browser parses: C0 controls and spaces trimmed at the
                # ends, tabs and newlines removed anywhere (WHATWG URL standard).
                url = re.sub(r"[\t\n\r]", "", value).strip("".join(map(chr, range(33)))).lower()
                assert not url.startswith(("javascript:", "data:", "vbscript:")), value
                if tag != "a":  # only <a> may carry a URL other than an allowed image
                    assert tag == "img", (tag, name)
            if tag != "a" or name != "href":
                assert name != "href", (tag, name)
    return parsed


# --------------------------------------------------------------------------- #
# Hostile input
# --------------------------------------------------------------------------- #

HOSTILE = [
    # (source, text that must stay visible)
    ("before <script>alert(1)</script> after", "before"),
    ("<SCRIPT SRC=//evil.example/x.js></SCRIPT>tail", "tail"),
    ("<img src=x onerror=alert(1)> 图后", "图后"),
    ("[点我](javascript:alert(1))", "点我"),
    ("[点我](JaVaScRiPt:alert(1))", "点我"),
    ("[点我](  javascript:alert(1))", "点我"),
    ("[点我](java\tscript:alert(1))", "点我"),
    ("[点我](javascript&colon;alert(1))", "点我"),
    ("[点我](&#106;avascript:alert(1))", "点我"),
    ("[点我](vbscript:msgbox(1))", "点我"),
    ('<a href="jav&#x09;ascript:alert(1)">点我</a>', "点我"),
    ('<a href="java\tscript:alert(1)">点我</a>', "点我"),
    ('<a href=" &#14;javascript:alert(1)">点我</a>', "点我"),
    ("[点我](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "点我"),
    ("![图](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)", "图"),
    ('<img src="data:image/png;base64,AAAA" alt="内联图">', "内联图"),
    ("<svg onload=alert(1)><text>矢量</text></svg>", "矢量"),
    ("<svg><script>alert(1)</script></svg>文字", "文字"),
    ("<math><mtext><script>alert(1)</script></mtext></math>公式后", "公式后"),
    ("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", ""),
    ('<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">', ""),
    ('<noscript><p title="</noscript><img src=x onerror=alert(1)>">', ""),
    ("<math><mi><img src=x onerror=alert(1)></mi></math>", ""),
    ("<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>", ""),
    ('<math><mrow href="javascript:alert(1)">x</mrow></math>', "x"),
    ('前 <a href="javascript:alert(1)" 后', "后"),
    ('<a href="javascript:alert(1)">未闭合', "未闭合"),
    ('<iframe src="https://evil.example"></iframe>框后', "框后"),
    ("<style>body { display: none }</style>样式后", "样式后"),
    ('<p style="position:fixed;inset:0" onclick="alert(1)">段落</p>', "段落"),
    ('<font style="background-color:rgb(253, 253, 253);">保留文字</font>', "保留文字"),
    ('<div onmouseover="alert(1)">悬停</div>', "悬停"),
    ('<a href="https://ok.example" onclick="alert(1)">链接</a>', "链接"),
    ('<object data="x.swf"></object><embed src="x.swf">嵌入后', "嵌入后"),
    (
        '<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=x">头后',
        "头后",
    ),
    ("<scr<script>ipt>alert(1)</script>", "scr"),
    ("<!--<img src=x onerror=alert(1)>-->注释后", "注释后"),
    ('<details open ontoggle="alert(1)"><summary>摘要</summary>内容</details>', "内容"),
    ("$\\href{javascript:alert(1)}{x}$", "x"),
    ("$\\style{background:url(javascript:alert(1))}{y}$", "y"),
    ("$$\\text{<img src=x onerror=alert(1)>}$$", "<img\xa0src=x\xa0onerror=alert(1)>"),
]


@pytest.mark.parametrize(("source", "visible"), HOSTILE)
def test_hostile_input_is_neutralised_and_its_text_kept(source: str, visible: str) -> None:
    parsed = assert_safe(render_answer(source))
    assert visible in parsed.text


def test_style_attributes_and_font_tags_are_dropped() -> None:
    html = render_answer('**<font style="color:red">Block-wise quantization</font>** 的概念')
    parsed = assert_safe(html)
    assert "font" not in parsed.tags()
    assert "style=" not in html
    assert parsed.find("strong")
    assert "Block-wise quantization 的概念" in parsed.text


def test_text_macro_in_math_cannot_produce_markup() -> None:
    html = render_answer(r"$\text{<script>alert(1)</script>}$")
    parsed = assert_safe(html)
    assert parsed.tags() == {"p", "math", "mrow", "mtext"}
    assert "<script>alert(1)</script>" in parsed.text


def test_math_commands_that_would_add_links_or_styles_lose_them() -> None:
    parsed = assert_safe(render_answer(r"$\href{https://x.example}{a} \style{color:red}{b}$"))
    assert parsed.find("math")
    assert all("href" not in a and "style" not in a for _, a in parsed.elements)


# --------------------------------------------------------------------------- #
# Markdown features
# --------------------------------------------------------------------------- #


def test_table_uses_align_attributes_not_styles() -> None:
    parsed = assert_safe(render_answer("| 模型 | 参数 |\n|:--|--:|\n| LLaMA | 7B |\n"))
    assert [a.get("align") for a in parsed.find("th")] == ["left", "right"]
    assert [a.get("align") for a in parsed.find("td")] == ["left", "right"]
    assert "LLaMA" in parsed.text


def test_fenced_code_is_highlighted_with_pygments_classes() -> None:
    html = render_answer("```python\ndef f(x):\n    return x\n```\n")
    parsed = assert_safe(html)
    assert parsed.find("div", **{"class": "highlight"})
    assert '<span class="k">def</span>' in html
    assert '<span class="nf">f</span>' in html


def test_highlighted_tokens_have_rules_in_the_stylesheet() -> None:
    html = render_answer("```python\n@cache\ndef f(x: int) -> str:  # c\n    return 'a' * 2\n```")
    css = (ROOT / "static" / "css" / "pygments.css").read_text(encoding="utf-8")
    emitted = set(re.findall(r'<span class="([a-z0-9]+)"', html))
    # keyword, function name, decorator, single-quoted string, comment, number
    for cls in ("k", "nf", "nd", "s1", "c1", "mi"):
        assert cls in emitted, cls
        assert f".highlight .{cls} {{" in css, cls


def test_stylesheet_is_generated_from_the_configured_style() -> None:
    css = (ROOT / "static" / "css" / "pygments.css").read_text(encoding="utf-8")
    assert css == pygments_css()
    assert ".highlight { background: #f8f8f8; }" in css  # light theme


def test_fenced_code_shows_script_as_text() -> None:
    parsed = assert_safe(render_answer("```html\n<script>alert(1)</script>\n```\n"))
    assert "<script>alert(1)</script>" in parsed.text


def test_fenced_code_keeps_dollars_and_braces() -> None:
    parsed = assert_safe(render_answer("```\ncost = $x$ + {{ y }}\n```\n\n`$z$`"))
    assert "math" not in parsed.tags()
    assert "cost = $x$ + {{ y }}" in parsed.text
    assert "$z$" in parsed.text


def test_nested_list_heading_and_blockquote() -> None:
    source = "## LoRA\n\n> 低秩分解\n\n1. 一\n    - 甲\n    - 乙\n2. 二\n"
    html = render_answer(source)
    assert_safe(html)
    assert "<h2>LoRA</h2>" in html
    assert "<blockquote>" in html
    assert re.search(r"<ol>\s*<li>一\s*<ul>\s*<li>甲</li>\s*<li>乙</li>\s*</ul>\s*</li>", html)


def test_sane_lists_keep_ordered_and_unordered_apart() -> None:
    html = render_answer("1. a\n2. b\n\n* c\n* d\n")
    assert re.search(r"<ol>\s*<li>a</li>\s*<li>b</li>\s*</ol>\s*<ul>", html)


# --------------------------------------------------------------------------- #
# Math
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    "tex",
    [
        r"f_\phi(\cdot)",
        r"X_{\text{system-message}} = A",
        r"\langle \text{STOP} \rangle = \#\#\#",
        r"U \in {\mathbb R}^{m \times r}",
    ],
)
def test_inline_math_becomes_inline_mathml(tex: str) -> None:
    parsed = assert_safe(render_answer(f"前 ${tex}$ 后"))
    assert parsed.find("math", display="inline")
    assert "$" not in parsed.text
    assert parsed.text.startswith("前 ")
    assert parsed.text.endswith(" 后")


def test_inline_math_keeps_the_texts_words() -> None:
    parsed = Parsed(render_answer(r"$\langle \text{STOP} \rangle = \#\#\#$"))
    assert "STOP" in parsed.text
    assert "###" in parsed.text


@pytest.mark.parametrize(
    "source",
    [
        "$$ W = W_0 + BA $$",
        "公式：\n\n$$\nW = W_0 + BA\n$$\n\n后文",
        "公式：$$ W = W_0 + BA $$ 紧接正文",
        "公式：\n$$\nW = W_0 + BA\n$$\n后文",
    ],
)
def test_display_math_becomes_block_mathml(source: str) -> None:
    parsed = assert_safe(render_answer(source))
    assert len(parsed.find("math", display="block")) == 1
    assert "$" not in parsed.text
    assert "W" in parsed.text


def test_a_formula_used_again_renders_the_same_each_time() -> None:
    # Conversions are cached: a reused formula must not lose its content to the first use.
    formula = "W = W_0 + BA"
    source = f"${formula}$，再写一次 ${formula}$\n\n$$\n{formula}\n$$\n\n坏公式 $x^$ 与 $x^$"
    first = render_answer(source)
    assert render_answer(source) == first
    parsed = assert_safe(first)
    assert len(parsed.find("math", display="inline")) == 2
    assert len(parsed.find("math", display="block")) == 1
    assert first.count("<msub><mi>W</mi><mn>0</mn></msub>") == 3
    assert first.count('<code class="math-tex">x^</code>') == 2


def test_comparison_and_ampersand_in_display_math_round_trip() -> None:
    parsed = assert_safe(render_answer("$$\na < b\n$$"))
    assert parsed.find("math", display="block")
    assert "a<b" in parsed.text


@pytest.mark.parametrize(
    ("source", "tex"),
    [("行内 $x^$ 公式", "x^"), ("$$\\left( x$$", "\\left( x"), ("括号 $\\frac$ 后", "\\frac")],
)
def test_math_latex2mathml_rejects_falls_back_to_its_source(source: str, tex: str) -> None:
    html = render_answer(source)
    parsed = assert_safe(html)
    assert "math" not in parsed.tags()
    assert parsed.find("code", **{"class": "math-tex"})
    assert tex in parsed.text
    assert "<p><p>" not in html.replace("\n", "")


def test_escaped_and_money_dollars_stay_text() -> None:
    parsed = assert_safe(render_answer(r"价格 \$5，另一个 $5 and $10 对比"))
    assert "math" not in parsed.tags()
    assert "价格 $5，另一个 $5 and $10 对比" in parsed.text


FIXTURE_MATH_RE = re.compile(r"\$\$(.+?)\$\$|\$([^$\n]+?)\$", re.DOTALL)


def fixture_math_spans() -> list[tuple[str, str]]:
    spans = []
    for path in FIXTURES:
        for m in FIXTURE_MATH_RE.finditer(path.read_text(encoding="utf-8")):
            spans.append((path.name, m.group(0)))
    return spans


def test_the_fixtures_contain_math() -> None:
    assert len(fixture_math_spans()) >= 40


@pytest.mark.parametrize(("fixture", "span"), fixture_math_spans())
def test_every_math_span_in_the_fixtures_renders_to_mathml(fixture: str, span: str) -> None:
    parsed = assert_safe(render_answer(span))
    display = "block" if span.startswith("$$") else "inline"
    assert len(parsed.find("math", display=display)) == 1, fixture
    assert not parsed.find("code", **{"class": "math-tex"})


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_whole_fixture_renders_all_its_math(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    html = render_answer(text)
    parsed = assert_safe(html)
    rendered = len(parsed.find("math")) + len(parsed.find("code", **{"class": "math-tex"}))
    assert rendered == len(FIXTURE_MATH_RE.findall(text))
    assert not parsed.find("code", **{"class": "math-tex"})
    assert "$" not in parsed.text


# --------------------------------------------------------------------------- #
# Images and links
# --------------------------------------------------------------------------- #

CDN_PNG = "https://cdn.nlark.com/yuque/0/2024/png/406504/1710728491382-639e76c4.png"


@pytest.mark.parametrize("source", [f"![]({CDN_PNG})", f'<img src="{CDN_PNG}">'])
def test_remote_image_becomes_a_link_unless_allowed(source: str) -> None:
    parsed = assert_safe(render_answer(source, allow_remote_images=False))
    assert "img" not in parsed.tags()
    (link,) = parsed.find("a", **{"class": "img-remote"})
    assert link["href"] == CDN_PNG
    assert link["rel"] == EXTERNAL_REL
    # A tidy placeholder: never the hashed file name, the host when there is no caption.
    assert parsed.text.strip() == "cdn.nlark.com"


@pytest.mark.parametrize(
    "source", [f"![架构图]({CDN_PNG})", f'<img src="{CDN_PNG}" alt="架构图" onerror="x()">']
)
def test_remote_image_is_an_img_when_allowed(source: str) -> None:
    parsed = assert_safe(render_answer(source, allow_remote_images=True))
    (img,) = parsed.find("img")
    assert img == {"src": CDN_PNG, "alt": "架构图", "loading": "lazy"}
    assert not parsed.find("a")


def test_remote_images_follow_the_setting_unless_told(settings) -> None:
    source = f"![架构图]({CDN_PNG})"
    settings.QUESTION_REMOTE_IMAGES = True
    assert Parsed(render_answer(source)).find("img")
    assert not Parsed(render_answer(source, allow_remote_images=False)).find("img")
    settings.QUESTION_REMOTE_IMAGES = False
    assert not Parsed(render_answer(source)).find("img")
    assert Parsed(render_answer(source, allow_remote_images=True)).find("img")


def test_remote_image_link_text_is_the_alt_text() -> None:
    parsed = assert_safe(
        render_answer(f"![来源：网易有道测试结果]({CDN_PNG})", allow_remote_images=False)
    )
    assert parsed.find("a", **{"class": "img-remote"})
    assert parsed.text.strip() == "来源：网易有道测试结果"


@pytest.mark.parametrize(
    "source",
    ["![BLIP2整体结构](imgs/基础知识/BLIP2-1.png)", '<img src="imgs/x.png" alt="BLIP2整体结构">'],
)
def test_missing_relative_image_becomes_a_labelled_placeholder(source, tmp_path) -> None:
    html = render_answer(source, fixtures_dir=tmp_path)
    parsed = assert_safe(html)
    assert "img" not in parsed.tags()
    assert parsed.find("span", **{"class": "img-missing", "role": "img"})
    assert parsed.find("span", aria_label="BLIP2整体结构")
    assert parsed.text.strip() == "BLIP2整体结构"


@pytest.mark.parametrize(
    ("source", "label"),
    [
        ("![](./paper%E7%AC%94%E8%AE%B0.assets/图-1.png)", "图"),
        ("![image-20250304163648618](images/image-20250304163648618.png)", "图"),
        ('![lora.png](lora.png "LoRA 结构")', "LoRA 结构"),
    ],
)
def test_missing_image_is_labelled_with_its_caption_never_its_file_name(source, label) -> None:
    parsed = assert_safe(render_answer(source))
    assert parsed.find("span", **{"class": "img-missing"}, aria_label=label)
    assert parsed.text.strip() == label


def test_an_image_in_the_fixtures_folder_is_an_img(tmp_path) -> None:
    (tmp_path / "imgs" / "基础知识").mkdir(parents=True)
    (tmp_path / "imgs" / "基础知识" / "fuyu.png").write_bytes(b"png")

    html = render_answer(
        '![Fuyu架构](imgs/基础知识/fuyu.png) ![无](imgs/none.png) <img src="imgs/&#22522;础知识'
        '/fuyu.png" alt="实体">',
        fixtures_dir=tmp_path,
    )

    parsed = assert_safe(html)
    assert parsed.find("img") == [
        {"alt": "Fuyu架构", "src": "imgs/基础知识/fuyu.png", "loading": "lazy"},
        {"src": "imgs/基础知识/fuyu.png", "alt": "实体", "loading": "lazy"},
    ]
    assert parsed.find("span", **{"class": "img-missing"}, aria_label="无")


def test_images_outside_the_fixtures_folder_are_missing(tmp_path) -> None:
    fixtures = tmp_path / "fixtures"
    fixtures.mkdir()
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"png")
    (fixtures / "link.png").symlink_to(secret)
    sources = ["../secret.png", str(secret), "link.png", "x" * 300 + ".png"]

    html = render_answer(
        " ".join(f"![外{n}]({src})" for n, src in enumerate(sources)), fixtures_dir=fixtures
    )

    parsed = assert_safe(html)
    assert "img" not in parsed.tags()
    assert len(parsed.find("span", **{"class": "img-missing"})) == len(sources)


@pytest.mark.parametrize(
    "src", ["//cdn.example/x.png", "/\\cdn.example/x.png", "HTTPS://cdn.example/x.png?v=1"]
)
def test_protocol_relative_and_odd_remote_images_are_still_remote(src: str) -> None:
    html = render_answer(f'<img src="{src}">', allow_remote_images=False)
    parsed = assert_safe(html)
    assert "img" not in parsed.tags()
    assert parsed.find("a", **{"class": "img-remote"}, href=src)
    assert parsed.text.strip() == "cdn.example"


@pytest.mark.parametrize("src", ["http://[x/a.png", "//[::1/x.png", "imgs/[x.png"])
def test_unparseable_image_urls_do_not_crash(src: str) -> None:
    assert_safe(render_answer(f'![图]({src}) <img src="{src}" alt="图">'))


def test_remote_image_inside_a_link_does_not_nest_links() -> None:
    html = render_answer(f"[![logo]({CDN_PNG})](https://example.com)")
    parsed = assert_safe(html)
    assert [a["href"] for a in parsed.find("a")] == ["https://example.com"]
    assert "logo" in parsed.text


def test_links_get_rel_only_when_external() -> None:
    source = (
        "[外](https://arxiv.org/abs/1) <https://zhuanlan.zhihu.com/p/627873954> "
        "[站内](/questions/3/) [锚](#1.目录) [信](mailto:a@example.com)"
    )
    parsed = assert_safe(render_answer(source))
    rels = {a["href"]: a.get("rel") for a in parsed.find("a")}
    assert rels == {
        "https://arxiv.org/abs/1": EXTERNAL_REL,
        "https://zhuanlan.zhihu.com/p/627873954": EXTERNAL_REL,
        "/questions/3/": None,
        "#md-1.目录": None,
        "mailto:a@example.com": None,
    }


def test_ids_are_prefixed_together_with_their_anchors() -> None:
    html = render_answer("[跳](#1.LoRA)\n\n<h1 id='1.LoRA'>1.LoRA</h1>\n")
    parsed = assert_safe(html)
    assert parsed.find("a", href="#md-1.LoRA")
    assert parsed.find("h1", id="md-1.LoRA")


# --------------------------------------------------------------------------- #
# Text that looks like markup or templates
# --------------------------------------------------------------------------- #


def test_template_syntax_survives_verbatim() -> None:
    source = "### Instruction: {instruction}\n\n{{ user.password }} {% load static %} {# x #}"
    html = render_answer(source)
    assert "{instruction}" in html
    assert "{{ user.password }} {% load static %} {# x #}" in html


def test_pre_escaped_pseudo_tag_stays_escaped() -> None:
    html = render_answer("and &lt;STOP&gt; = ###")
    assert "&lt;STOP&gt;" in html
    assert Parsed(html).text.strip() == "and <STOP> = ###"


@pytest.mark.parametrize(
    ("source", "visible"),
    [
        ("a <STOP> b", "a <STOP> b"),
        ("现有<Image, Caption>数据", "现有<Image, Caption>数据"),
        ("*q: 为什么所有<STOP>token都要被计算？*", "为什么所有<STOP>token都要被计算？"),
        ("Human : X_instruct^1 <STOP> \\n", "X_instruct^1 <STOP>"),
        ("<Instruction>和</Instruction>", "<Instruction>和</Instruction>"),
        ("<Image>", "<Image>"),
    ],
)
def test_pseudo_tags_are_shown_not_swallowed(source: str, visible: str) -> None:
    parsed = assert_safe(render_answer(source))
    assert visible in parsed.text


def test_real_inline_tags_still_work() -> None:
    html = render_answer("LoRA<sup>[4]</sup> 与 H<sub>2</sub>O<br/>换行")
    assert "<sup>[4]</sup>" in html
    assert "<sub>2</sub>" in html
    assert "<br>" in html


# --------------------------------------------------------------------------- #
# Determinism, threads, fuzzing
# --------------------------------------------------------------------------- #


def test_output_is_deterministic_and_independent_of_earlier_calls() -> None:
    text = FIXTURES[2].read_text(encoding="utf-8")
    first = render_answer(text)
    render_answer("[^1]: *stray* state $x$ ```\n")
    assert render_answer(text) == first


def test_concurrent_renders_match_sequential_ones() -> None:
    texts = [p.read_text(encoding="utf-8") for p in FIXTURES[:4]]
    expected = [render_answer(t) for t in texts]
    results: dict[int, list[str]] = {}

    def work(n: int) -> None:
        results[n] = [render_answer(t) for t in texts]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(results[n] == expected for n in range(4))


FRAGMENTS = [
    "a.png",
    "<script>",
    "</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">',
    "<svg onload=alert(1)>",
    "<math><mtext>",
    "<style>",
    "<!--",
    "-->",
    "<STOP>",
    "$",
    "$$",
    "\\text{",
    "}",
    "`",
    "```",
    "![",
    "](",
    ")",
    "[",
    "\n",
    "\n\n",
    "    ",
    "|",
    "---",
    "&lt;",
    "&#",
    "{{",
    "{%",
    '"',
    "'",
    "=",
    "onerror=",
    "javascript:",
]


@pytest.mark.parametrize(
    "marker",
    # Python-Markdown's stash placeholders are "\x02wzxhzdk:N\x03": a note forging one must
    # not pull stashed raw HTML (here the <b>, stashed first) into its text.
    ["\x02", "\x03", "\x02wzxhzdk:0\x03", "\x02\x02wzxhzdk:0\x03\x03"],
)
def test_markdown_placeholder_characters_are_dropped_from_a_note(marker: str) -> None:
    note = "<b>raw</b> before {} after\n\n```python\nx = 1\n```\n"
    html = render_answer(note.format(marker))
    assert "\x02" not in html
    assert "\x03" not in html
    assert html == render_answer(note.format(marker.replace("\x02", "").replace("\x03", "")))
    assert html.count("<b>raw</b>") == 1


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_arbitrary_text_never_crashes_or_yields_scripts(text: str) -> None:
    assert_safe(render_answer(text))


@pytest.fixture(scope="module")
def image_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fixtures folder holding "a.png", one of the FRAGMENTS: generated images exist."""
    folder = tmp_path_factory.mktemp("fixtures")
    (folder / "a.png").write_bytes(b"png")
    return folder


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=5), max_size=30).map("".join))
def test_hostile_fragments_never_yield_scripts_or_handlers(image_folder: Path, text: str) -> None:
    assert_safe(render_answer(text, allow_remote_images=True, fixtures_dir=image_folder))
