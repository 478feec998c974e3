"""The generated blog that `benchmarks/batch` converts: deterministic, Chinese and English.

Most articles are short to medium (3–60 paragraphs); a few are *long* (~80 KB of Markdown), like
the real tutorial posts that set a worker's peak memory: Chinese and English prose, dozens of
headings, code blocks, tables, footnotes, lists and quotes.
"""

from __future__ import annotations

import random
import struct
import zlib
from pathlib import Path

ZH = ["Sora是OpenAI发布的文生视频模型，可以根据文本生成长达一分钟的视频",
      "它不仅能理解用户在提示中提出的要求，还能理解这些事物在物理世界中的存在方式",
      "参考官网介绍：https://openai.com/sora，以及社区整理的提示词合集",
      "模型仍有不足之处，例如难以准确模拟复杂场景的物理特性",
      "在发布之前，团队会与红队成员合作，评估潜在的危害和风险",
      "视频生成的核心是扩散模型与变换器架构的结合，数据以“时空补丁”的形式表示",
      "我们希望这项技术能帮助创作者更快地把想法变成画面、故事和作品"]
EN = ["the", "model", "generates", "video", "from", "text", "and", "keeps", "characters", "consistent", "across", "shots", "while", "the", "camera", "moves", "through", "a", "scene", "with", "plausible", "physics", "lighting", "and", "reflections", "although", "it", "still", "struggles", "with", "cause", "and", "effect", "hands", "text", "and", "counting", "objects", "in", "long", "takes"]
PY = ['def render(article, theme):', '    """Render one article."""',
      '    html = theme.template("page.html.j2").render(body=article.html)',
      '    return html.encode("utf-8")']
JS = ["const posts = await fetch('/api/posts').then(r => r.json());",
      "posts.filter(p => !p.draft).forEach(p => console.log(p.title));"]
#: Longer code for the long articles: a component, a config, a shell session.
VUE = ["<template>", '  <div class="todo-list">', '    <input v-model="draft" @keyup.enter="add" />',
       '    <li v-for="item in items" :key="item.id">{{ item.text }}</li>', "  </div>", "</template>",
       "<script setup>", "import { ref, computed, watch } from 'vue'", "const items = ref([])",
       "const draft = ref('')", "const left = computed(() => items.value.filter(i => !i.done).length)",
       "watch(items, (now) => localStorage.setItem('todos', JSON.stringify(now)), { deep: true })",
       "function add() { items.value.push({ id: Date.now(), text: draft.value, done: false }); draft.value = '' }",
       "</script>"]
CSS = [".todo-list { display: grid; gap: 0.5rem; max-width: 40rem; margin: 0 auto; }",
       ".todo-list li.done { text-decoration: line-through; color: #888; }",
       "@media (max-width: 600px) { .todo-list { padding: 0 1rem; } }"]
SH = ["$ npm create vue@latest my-app", "$ cd my-app && npm install", "$ npm run dev -- --port 5173",
      "  VITE v5.2.0  ready in 312 ms", "  ➜  Local:   http://localhost:5173/"]
#: Sentences safe to cut short (no URL to cut in half).
ZH_PLAIN = [z for z in ZH if "://" not in z]
ZH_TERMS = ["响应式", "组件", "渲染函数", "虚拟 DOM", "生命周期", "计算属性", "侦听器", "插槽", "依赖注入", "状态管理"]
EN_TERMS = ["`ref()`", "`computed()`", "`watch()`", "`defineProps`", "Composition API", "Options API",
            "`<KeepAlive>`", "`nextTick()`", "Vite", "SSR"]


def png(width: int, height: int, seed: int) -> bytes:
    """A small valid RGB PNG, deterministic per seed (a gradient)."""
    rows = b"".join(b"\x00" + bytes((x * 4 + seed) % 256 for x in range(width) for _ in range(3))
                    for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def front_matter(i: int, title: str, day: str) -> str:
    if i % 4 == 1:  # Hexo: no opening fence
        return f"title: {title}\ndate: {day} 10:00:00\ntags:\n  - sora\n  - ai\n---\n\n"
    # Jekyll, with the blank lines after `---` that sora.md has
    return (f"---\n\nlayout: post\n\ntitle: {title}\n\ncategories: Sora\n\n"
            f"description: {title}\n\nkeywords: sora\n\n---\n\n")


def article(rng: random.Random, i: int) -> tuple[str, str, bool]:
    """(relative path, text, has image) of article i."""
    chinese = i % 3 != 2
    size = rng.choice([3, 6, 12, 30, 60])
    blocks: list[str] = []
    for p in range(size):
        if chinese:
            text = "，".join(rng.choice(ZH) for _ in range(rng.randint(2, 4))) + "。"
            blocks.append(("\t" + text) if rng.random() < 0.6 else text)
        else:
            words = [rng.choice(EN) for _ in range(rng.randint(25, 70))]
            blocks.append(" ".join(words).capitalize() + ".")
        if p % 8 == 3:
            blocks.append(("## 第%d节" if chinese else "## Section %d") % (p // 8 + 1))
        if p % 10 == 5:
            lang, lines = (("python", PY) if rng.random() < 0.5 else ("js", JS))
            blocks.append(f"```{lang}\n" + "\n".join(lines) + "\n```")
        if p % 15 == 7:
            blocks.append("| 名称 | 数值 | 说明 |\n|---|---:|---|\n" + "\n".join(
                f"| item{r} | {rng.randint(1, 999)} | {rng.choice(ZH)[:12]} |" for r in range(4)))
    image = i % 3 == 0
    if image:
        blocks.insert(1, f"![示意图 {i}](img/fig{i % 5}.png)")
    title = f"{'视频生成笔记' if chinese else 'Notes on video generation'} {i}"
    day = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
    folder = f"posts/{2023 + i % 2}" if i % 5 else "notes"
    return f"{folder}/{day}-post-{i:03d}.md", front_matter(i, title, day) + "\n\n".join(blocks) + "\n", image


def _chinese(rng: random.Random) -> str:
    """A Chinese sentence with English terms, inline code and emphasis, as tutorials are written."""
    parts = [rng.choice(ZH)]
    for _ in range(rng.randint(1, 3)):
        term = rng.choice(ZH_TERMS)
        term = rng.choice([term, f"**{term}**", f"*{term}*"])
        parts.append(f"使用 {rng.choice(EN_TERMS)} 处理{term}时，" + rng.choice(ZH_PLAIN)[:rng.randint(8, 24)])
    return "，".join(parts) + "。"


def _english(rng: random.Random, chinese_terms: bool = False) -> str:
    """English prose; with `chinese_terms`, a Chinese term glossed now and then (an English post
    about a Chinese library, or notes for bilingual readers)."""
    words = [rng.choice(EN) for _ in range(rng.randint(30, 60))]
    if chinese_terms:
        for _ in range(rng.randint(0, 2)):
            term = rng.choice(ZH_TERMS)
            words.insert(rng.randrange(len(words)), rng.choice([f"“{term}”", f"**{term}**", f"*{term}*"]))
    return " ".join(words).capitalize() + f", see {rng.choice(EN_TERMS)}."


def _code(rng: random.Random) -> str:
    lang, lines = rng.choice([("vue", VUE), ("css", CSS), ("bash", SH), ("python", PY), ("js", JS)])
    comment = {"python": "#", "bash": "#", "css": "/*"}.get(lang, "//")
    note = f"{comment} {rng.choice(ZH_PLAIN)[:14]}" + (" */" if comment == "/*" else "")
    return f"```{lang}\n{note}\n" + "\n".join(lines) + "\n```"


def _table(rng: random.Random) -> str:
    return "| API | 作用 | Example | 备注 |\n|---|---|---|---|\n" + "\n".join(
        f"| {rng.choice(EN_TERMS)} | {rng.choice(ZH_TERMS)} | `{rng.choice(EN)}.{rng.choice(EN)}()` "
        f"| {rng.choice(ZH_PLAIN)[:16]} |" for _ in range(rng.randint(4, 8)))


def long_article(rng: random.Random, i: int, english: bool = False, kilobytes: int = 80) -> tuple[str, str]:
    """(relative path, text) of a long tutorial of about `kilobytes` KB of Markdown: Chinese with
    English terms, or (`english`) English with Chinese terms, code comments and table cells."""
    if english:
        title = f"A practical guide to Vue 3 (part {i}) — reactivity, components and tooling"
        intro = "> A long read: use the table of contents. 中文术语保留原文，方便对照。\n\n"
    else:
        title = f"从零开始的 Vue 3 实战指南（Part {i}）：响应式、组件与工程化"
        intro = "> 本文很长，建议先看目录。This guide mixes Chinese and English, as real tutorials do.\n\n"
    head = front_matter(0, title, "2024-06-12") + intro
    blocks: list[str] = []
    notes: list[str] = []
    size = len(head.encode("utf-8"))
    section = 0
    while size < kilobytes * 1024:
        section += 1
        kind = section % 6
        if english:
            chunk = [f"## {section}. {rng.choice(EN_TERMS).strip('`')} ({rng.choice(ZH_TERMS)})"]
        else:
            chunk = [f"## {section}. {rng.choice(ZH_TERMS)}与 {rng.choice(EN_TERMS).strip('`')}"]
        for sub in range(1, 4):
            words = f"{rng.choice(EN[:20])} {rng.choice(EN[20:])}"
            chunk.append(f"### {section}.{sub} " + (words.capitalize() if english else f"{rng.choice(ZH_TERMS)}：{words}"))
            for _ in range(rng.randint(2, 4)):
                text = _english(rng, english) if english or rng.random() < 0.25 else _chinese(rng)
                if rng.random() < 0.15:
                    notes.append(f"[^n{len(notes) + 1}]: {rng.choice(ZH)}，参见 <https://vuejs.org/guide/{len(notes) + 1}>。")
                    size += len(notes[-1].encode("utf-8")) + 1
                    text = text[:-1] + f"[^n{len(notes)}]" + text[-1]
                chunk.append(text)
            if sub != 2 and (kind, sub) != (2, 3):
                chunk.append(_code(rng))
            if sub == 2 and kind in (1, 4):
                chunk.append(_table(rng))
            if sub == 3 and kind in (2, 5):
                chunk.append("\n".join(f"- **{rng.choice(ZH_TERMS)}**：" + (
                    " ".join(rng.choice(EN) for _ in range(8)) if english else rng.choice(ZH_PLAIN)[:20])
                    for _ in range(rng.randint(3, 6))))
                chunk.append("> " + (_english(rng) if english else rng.choice(ZH) + "。"))
        text = "\n\n".join(chunk) + "\n\n"
        blocks.append(text)
        size += len(text.encode("utf-8"))
    body = "".join(blocks) + "\n".join(notes) + "\n"
    return f"posts/long/2024-06-12-long-{i:02d}.md", head + body


def make_corpus(root: Path, count: int, long: int = 2) -> list[Path]:
    """`count` articles under `root`, the last `long` of them long ones (their own random stream,
    so the short articles stay the same whatever `long` is)."""
    rng = random.Random(20240301)
    long = min(long, count)
    paths = []
    for i in range(count - long):
        rel, text, image = article(rng, i)
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if image:
            (path.parent / "img").mkdir(exist_ok=True)
            for k in range(5):
                (path.parent / "img" / f"fig{k}.png").write_bytes(png(64, 48, k))
        paths.append(path)
    rng_long = random.Random(20240612)
    for i in range(long):  # Chinese first, then English, alternately
        rel, text = long_article(rng_long, i + 1, english=i % 2 == 1)
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
