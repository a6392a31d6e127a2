"""Write a generated question bank of note files for load and page benchmarks.

    python bench/generate_bank.py --out /tmp/bank100k [--questions 100000] [--seed 2026]

The notes have the shapes of the real ones in fixtures/: mostly ``#### 问题`` files, some
``<h1 id=...>N.问题</h1>`` files with a table of contents, 1,000-5,000 questions per file.
Answers mix Chinese and English and carry lists (nested too), fenced code, inline and display
math, tables, bold text and a few stubs ("待补充"). About 2% of the questions are exact
duplicates of a question in another file, about 3% near duplicates (the title rephrased with
interview filler, a sentence added to the answer). The folder also gets taxonomy.json,
tag-keywords.json and synonyms.json from fixtures/ and an editorial-review.json with findings
on generated questions. The output depends only on the arguments (seeded): running it twice
writes the same bytes.
"""

import argparse
import hashlib
import json
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

TOPICS = [
    "LoRA", "QLoRA", "RoPE", "KV Cache", "FlashAttention", "MoE", "RLHF", "DPO", "PPO", "GRPO",
    "量化", "知识蒸馏", "剪枝", "幻觉", "显存", "位置编码", "注意力机制", "Tokenizer", "BPE",
    "多模态大模型", "CLIP", "BLIP-2", "LLaVA", "Q-Former", "ViT", "扩散模型", "RAG", "Reranker",
    "向量数据库", "思维链", "Agent", "函数调用", "长上下文", "混合精度训练", "ZeRO", "DeepSpeed",
    "张量并行", "流水线并行", "数据并行", "梯度检查点", "LayerNorm", "RMSNorm", "SwiGLU", "GQA",
    "MQA", "投机解码", "vLLM", "PagedAttention", "指令微调", "SFT", "奖励模型", "预训练数据",
    "数据清洗", "评测基准", "上下文学习", "提示工程", "Transformer", "Decoder-only", "Prefix LM",
    "Adam", "学习率预热", "梯度裁剪", "稀疏注意力", "滑动窗口注意力", "词表扩充", "灾难性遗忘",
]  # fmt: skip
PREFIXES = [
    "Flash", "Sparse", "Turbo", "Meta", "Hyper", "Omni", "Dyna", "Quant", "Fusion", "Mamba",
    "Gated", "Linear", "Ring", "Tree", "Spec", "Medusa", "Paged", "Radix", "Chunk", "Deep",
    "Long", "Fast", "Slim", "Mega", "Nano", "Poly", "Uni", "Cross", "Self", "Multi",
]  # fmt: skip
CORES = [
    "Attn", "Former", "LoRA", "KV", "MoE", "Router", "Decode", "Align", "Prompt", "Tune",
    "Cache", "Norm", "Embed", "Scale", "Mixer", "Net", "Bench", "Eval", "Agent", "RAG",
    "Vision", "Token", "Quant", "Distill", "Reward", "Policy", "Search", "Chain", "Graph", "Rope",
]  # fmt: skip
SUFFIXES = [
    "", "Plus", "Pro", "Lite", "X", "Zero", "Max", "Flow", "Mix", "Pipe", "Star", "Edge",
    "Core", "Hub", "Kit", "Lab", "Go", "One", "Prime", "Nova", "Ultra", "Mini", "Duo", "Neo",
]  # fmt: skip
CODENAMES = [
    "Lumen", "Orca", "Tide", "Ember", "Quill", "Aster", "Birch", "Cobalt", "Delta", "Fable",
    "Garnet", "Helix", "Iris", "Jade", "Kite", "Lotus", "Maple", "Nimbus", "Opal", "Pique",
]  # fmt: skip
# The topic is quoted in titles (「LoRA」): a title is then told apart by its method name, not
# by character pairs that happen to join a template to a topic.
ASPECTS = [
    "{x}的核心思想是什么？",
    "{x}和「{t}」有什么区别？",
    "为什么{x}能降低「{t}」的显存占用？",
    "如何在「{t}」中使用{x}？",
    "{x}在训练时有哪些常见问题？",
    "简要介绍一下{x}",
    "{x}的计算复杂度如何推导？",
    "{x}是如何缓解「{t}」中的幻觉问题的？",
    "{x}相比「{t}」的优缺点有哪些？",
    "{x}在推理部署时需要注意什么？",
    "What problem does {x} solve in {t}?",
    "{x}的损失函数是怎样设计的？",
]
# Interview phrasing the duplicate detector ignores: a near duplicate swaps it.
REPHRASE = [
    ("简要介绍一下{x}", "请说下你对{x}的理解"),
    ("{x}的核心思想是什么？", "请介绍下{x}的核心思想"),
]
SENTENCES = [
    "{x}的关键在于减少{t}中的冗余计算，从而在相同显存下支持更长的上下文。",
    "在实际工程中，{x}通常与{t}一起使用，训练吞吐可以提升30%左右。",
    "需要注意的是，{x}对学习率比较敏感，建议配合warmup和cosine decay。",
    "从实现上看，{x}只修改了attention的计算顺序，并没有改变模型的数学结果。",
    "很多面试官会追问{x}和{t}的区别：前者关注计算效率，后者关注表示能力。",
    "{x}的缺点是实现复杂，且在小batch下收益有限，显存占用并不总是更低。",
    "The main idea of {x} is to trade extra memory for fewer FLOPs during decoding.",
    "In practice {x} is combined with {t} to keep the KV cache small on long prompts.",
    "大模型在长文本场景下容易出现幻觉，{x}通过检索增强的方式缓解这一问题。",
    "如果显存不足，可以先尝试梯度检查点，再考虑{x}或者量化到INT8/INT4。",
    "{x}在多模态大模型中也有应用，例如把视觉token压缩后再送入LLM。",
    "评测时应同时关注准确率和延迟，{x}在A100上的首token延迟降低了约一半。",
]
CODE = [
    "```python\nimport torch\n\ndef {f}(q, k, v, mask=None):\n"
    "    scores = q @ k.transpose(-2, -1) / q.size(-1) ** 0.5\n"
    "    if mask is not None:\n        scores = scores.masked_fill(mask == 0, float('-inf'))\n"
    "    return torch.softmax(scores, dim=-1) @ v\n```",
    "```python\nclass {c}(nn.Module):\n    def __init__(self, dim, rank=8):\n"
    "        super().__init__()\n        self.A = nn.Linear(dim, rank, bias=False)\n"
    "        self.B = nn.Linear(rank, dim, bias=False)\n\n"
    "    def forward(self, x):\n        return self.B(self.A(x))  # 低秩更新\n```",
    "```bash\ndeepspeed --num_gpus 8 train.py --model {c} --zero_stage 3 --bf16\n```",
]
MATH_INLINE = [
    "$O(n^2 d)$",
    "$\\text{{softmax}}(QK^T/\\sqrt{{d_k}})V$",
    "$W = W_0 + BA$",
    "$r \\ll d$",
    "$\\theta_i = 10000^{{-2i/d}}$",
]
MATH_BLOCK = [
    "$$\n\\mathcal{{L}} = -\\sum_{{t=1}}^{{T}} \\log p_\\theta(x_t \\mid x_{{<t}})\n$$",
    "$$\n\\text{{Attention}}(Q,K,V) = "
    "\\text{{softmax}}\\left(\\frac{{QK^T}}{{\\sqrt{{d_k}}}}\\right)V\n$$",
    "$$\n\\text{{Memory}} = 2 \\times L \\times h \\times d \\times s \\times b\n$$",
]
STUBS = ["待补充", "TODO", "暂无"]


@dataclass
class Item:
    title: str
    body: str


def _name(rng: random.Random) -> str:
    """A made-up method name ("FlashKVProLumen"): about five questions share one."""
    return rng.choice(PREFIXES) + rng.choice(CORES) + rng.choice(SUFFIXES) + rng.choice(CODENAMES)


def _fill(template: str, x: str, t: str) -> str:
    return template.format(x=x, t=t)


def _body(rng: random.Random, x: str, t: str) -> str:
    if rng.random() < 0.01:
        return rng.choice(STUBS)
    parts: list[str] = []
    for _ in range(rng.randint(1, 3)):
        sentences = rng.sample(SENTENCES, rng.randint(1, 3))
        text = "".join(_fill(s, x, t) for s in sentences)
        if rng.random() < 0.3:
            text += f"其复杂度为{rng.choice(MATH_INLINE).format()}。"
        parts.append(text)
    roll = rng.random()
    if roll < 0.35:
        items = rng.sample(SENTENCES, 3)
        lines = [f"{n}. **要点{n}**：{_fill(s, x, t)}" for n, s in enumerate(items, 1)]
        if rng.random() < 0.4:
            lines.insert(2, f"    - 细节：{x}的实现依赖{t}")
        parts.append("\n".join(lines))
    elif roll < 0.55:
        parts.append("\n".join(f"+ {_fill(s, x, t)}" for s in rng.sample(SENTENCES, 2)))
    if rng.random() < 0.25:
        parts.append(rng.choice(CODE).format(f=x.lower(), c=x))
    if rng.random() < 0.15:
        parts.append(rng.choice(MATH_BLOCK).format())
    if rng.random() < 0.08:
        parts.append(
            f"| 方法 | 显存 | 速度 |\n| --- | --- | --- |\n| {x} | 低 | 快 |\n| {t} | 高 | 中 |"
        )
    return "\n\n".join(parts)


def _questions(rng: random.Random, count: int) -> list[Item]:
    """``count`` distinct questions (unique titles), about five per made-up method name."""
    items: list[Item] = []
    seen: set[str] = set()
    while len(items) < count:
        x = _name(rng)
        for aspect in rng.sample(ASPECTS, rng.randint(3, 6)):
            t = rng.choice(TOPICS)
            title = _fill(aspect, x, t)
            if title in seen or len(items) >= count:
                continue
            seen.add(title)
            items.append(Item(title, _body(rng, x, t)))
    return items


def _near_copy(rng: random.Random, item: Item) -> Item | None:
    for plain, filler in REPHRASE:
        prefix, _, suffix = plain.partition("{x}")
        if item.title.startswith(prefix) and item.title.endswith(suffix):
            x = item.title[len(prefix) : len(item.title) - len(suffix)]
            extra = "补充：面试时可以结合具体项目经验来回答。"
            return Item(_fill(filler, x, ""), item.body + "\n\n" + extra)
    return None


def _write_file(path: Path, items: list[Item], html_headings: bool) -> list[tuple[int, int, str]]:
    """Write one note; return (heading line, last line, title) of each question."""
    lines: list[str] = []
    where: list[tuple[int, int, str]] = []
    if html_headings:
        lines += ['<h1 id="目录">目录</h1>', ""]
        lines += [f"- [{n}.{it.title}](#{n}.{it.title})" for n, it in enumerate(items, 1)]
        lines.append("")
    for n, item in enumerate(items, 1):
        heading = len(lines) + 1
        if html_headings:
            lines.append(f"<h1 id='{n}.{item.title}'>{n}.{item.title}</h1>")
        else:
            lines.append(f"#### {item.title}")
        lines += item.body.split("\n")
        where.append((heading, len(lines), item.title))
        lines.append("")
    text = "\n".join(lines) + "\n"
    path.write_text(text, encoding="utf-8")
    return where


def generate(out: Path, *, questions: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    exact_share, near_share = 0.02, 0.03
    unique = _questions(rng, round(questions * (1 - exact_share - near_share)))
    copies: list[Item] = []
    for item in rng.sample(unique, round(questions * exact_share)):
        copies.append(Item(item.title, item.body))
    near = 0
    while len(copies) < questions - len(unique):
        copy = _near_copy(rng, rng.choice(unique))
        if copy is not None:
            copies.append(copy)
            near += 1
    # Copies are spread over the whole bank, mostly in another file than their original.
    order = unique + copies
    rng.shuffle(order)
    sizes: list[int] = []
    remaining = len(order)
    while remaining > 0:
        size = min(rng.randint(1000, 5000), remaining)
        if remaining - size < 1000:
            size = remaining  # no file shorter than 1,000 questions (unless the bank is)
        sizes.append(size)
        remaining -= size
    chunks, start = [], 0
    for size in sizes:
        chunks.append(order[start : start + size])
        start += size

    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.txt"):
        old.unlink()
    findings: list[dict[str, object]] = []
    ratings = ["wrong", "misleading", "outdated", "incomplete"]
    severities = ["high", "medium", "medium", "low", "low", "low"]
    for number, chunk in enumerate(chunks):
        digest = hashlib.sha256(f"{seed}:{number}".encode()).hexdigest()[:16]
        name = f"{number:03d}_{digest}.txt"
        where = _write_file(out / name, chunk, html_headings=number % 5 == 1)
        for heading, last, title in rng.sample(where, min(len(where), 60)):
            findings.append(
                {
                    "source_file": name,
                    "question_heading_line": heading,
                    "question_title": title,
                    "lines": [heading + 1, last] if last > heading + 1 else heading,
                    "rating": rng.choice(ratings),
                    "severity": rng.choice(severities),
                    "problem": f"Generated finding for the benchmark ({title[:40]}).",
                    "correction": "A corrected statement an editor would write.",
                }
            )
    for json_name in ("taxonomy.json", "tag-keywords.json", "synonyms.json"):
        shutil.copyfile(FIXTURES / json_name, out / json_name)
    review = {"about": "Generated findings for the load benchmark.", "findings": findings}
    (out / "editorial-review.json").write_text(
        json.dumps(review, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return {
        "files": len(chunks),
        "sections": len(order),
        "exact_copies": round(questions * exact_share),
        "near_copies": near,
        "findings": len(findings),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/bank100k"))  # noqa: S108
    parser.add_argument("--questions", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if args.out.resolve().is_relative_to(ROOT):
        parser.error("write the generated bank outside the repository")
    summary = generate(args.out, questions=args.questions, seed=args.seed)
    print(f"{args.out}: " + ", ".join(f"{key} {value}" for key, value in summary.items()))


if __name__ == "__main__":
    main()
