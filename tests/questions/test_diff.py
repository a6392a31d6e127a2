"""questions/diff.py: line then character diff, safe HTML."""

from hypothesis import given
from hypothesis import strategies as st

from questions.diff import diff_html, diff_rows, line_diff


def test_chinese_change_is_marked_by_character_inside_the_line():
    old = "MQA：所有查询头共享一个键值头。\n第二行不变"
    new = "MQA：所有查询头共享一组键值头。\n第二行不变"
    rows = diff_rows(old, new)
    assert [row.kind for row in rows] == ["replace", "equal"]
    assert rows[0].old_html == "MQA：所有查询头共享一<del>个</del>键值头。"
    assert rows[0].new_html == "MQA：所有查询头共享一<ins>组</ins>键值头。"


def test_inserted_and_deleted_lines_are_whole_rows():
    rows = diff_rows("a\nb\nc", "a\nc\nd")
    kinds = [(row.kind, row.old_number, row.new_number) for row in rows]
    assert ("delete", 2, None) in kinds
    assert ("insert", None, 3) in kinds


def test_identical_texts_give_no_table():
    assert diff_html("同样的文字", "同样的文字") == ""


def test_everything_is_escaped():
    html = diff_html("<b>x</b>", '<script>alert("x")</script> & {{ secret }}', old_label="<i>")
    assert "<script" not in html
    assert "&lt;" in html
    assert "<b>" not in html
    assert "&lt;i&gt;" in html
    assert "&amp;" in html


@given(st.text(), st.text())
def test_diff_never_raises_and_never_leaks_markup(old: str, new: str):
    html = diff_html(old, new)
    stripped = (
        html.replace("<del>", "").replace("</del>", "").replace("<ins>", "").replace("</ins>", "")
    )
    for tag in ("table", "colgroup", "col", "thead", "tbody", "tr", "td", "th"):
        stripped = stripped.replace(f"</{tag}>", "")
        stripped = stripped.replace(f"<{tag}", "")
    assert "<" not in stripped


def test_line_diff_marks_removed_and_added_lines_with_context():
    old = "a\nb\nc\nd\ne\nf\ng\nh"
    new = "a\nb\nc\nD\ne\nf\ng\nh\ni"
    diff = line_diff(old, new, context=1)
    assert [(line.kind, line.text) for line in diff] == [
        ("same", "c"),
        ("del", "d"),
        ("add", "D"),
        ("same", "e"),
        ("gap", "…"),
        ("same", "h"),
        ("add", "i"),
    ]
    assert line_diff("same", "same") == []
