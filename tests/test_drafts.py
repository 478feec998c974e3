"""`publish draft --to wechat,devto` (`publish/cli/draft.py`, `publish/deliver/`) against loopback
stand-ins of the WeChat and dev.to APIs (`tests/fake_platforms.py`): first run, rerun (nothing
uploaded twice, drafts updated), images WeChat refuses as they are, a wrong secret, an IP not on
the whitelist, a host that times out, `--dry-run`, and no secret anywhere."""

from __future__ import annotations

import io
import json
import random
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from lxml import html
from PIL import Image

from publish.deliver import http
from publish.deliver.devto import DevtoClient
from publish.deliver.wechat import Credentials, WechatClient
from publish.errors import DeliveryError
from tests.fake_platforms import FakeDevto, FakeWechat
from tests.loopback import Loopback, Seen

ARTICLE_ONE = """---
title: 你好，草稿
description: 一篇测试文章
author: 张三
tags: [python, writing]
---

第一段文字。

![红色](img/red.png)

动图：![动图](img/anim.gif "标题")

大图：

![大图](img/big.jpg)

结束。
"""

ARTICLE_TWO = """---
title: Second post
description: Another one
cover: img/red.png
---

Words, and a picture already on WeChat:
![on wechat](https://mmbiz.qpic.cn/mmbiz_png/already/0)
"""


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 0, 255)).save(out, "PNG")
    return out.getvalue()


PNG = _png()


def _images(folder: Path) -> None:
    folder.mkdir(parents=True)
    Image.new("RGB", (320, 200), (200, 30, 30)).save(folder / "red.png")
    frames = [Image.new("P", (60, 60), i) for i in (1, 2)]
    frames[0].save(folder / "anim.gif", save_all=True, append_images=frames[1:], duration=100)
    noise = random.Random(7).randbytes(2400 * 1800 * 3)
    Image.frombytes("RGB", (2400, 1800), noise).save(folder / "big.jpg", quality=95)
    assert (folder / "big.jpg").stat().st_size > 1024 * 1024


@pytest.fixture
def posts(tmp_path: Path) -> Path:
    root = tmp_path / "posts"
    _images(root / "img")
    (root / "one.md").write_text(ARTICLE_ONE, encoding="utf-8")
    (root / "two.md").write_text(ARTICLE_TWO, encoding="utf-8")
    return root


@dataclass
class Platforms:
    wechat: FakeWechat
    devto: FakeDevto
    wechat_server: Loopback
    devto_server: Loopback

    def env(self, **changes: str) -> dict[str, str]:
        return {"WECHAT_APP_ID": self.wechat.app_id, "WECHAT_APP_SECRET": self.wechat.secret,
                "DEVTO_API_KEY": self.devto.key, **changes}

    def args(self, *extra: str) -> list[str]:
        return ["-O", f"wechat.api_base={self.wechat_server.url}", "-O", f"devto.api_base={self.devto_server.url}",
                *extra]

    def secrets(self) -> list[str]:
        return [self.wechat.secret, self.devto.key, *self.wechat.tokens]


@pytest.fixture
def platforms() -> Iterator[Platforms]:
    wechat, devto = FakeWechat(), FakeDevto()
    with Loopback(wechat.handle) as ws, Loopback(devto.handle) as ds:
        yield Platforms(wechat, devto, ws, ds)


def _draft(posts: Path, platforms: Platforms, *extra: str, env: dict[str, str] | None = None) -> Any:
    return run_cli(["draft", posts, "--to", "wechat,devto", "--out", posts.parent / "out", *platforms.args(*extra)],
                   cwd=posts.parent, env=env if env is not None else platforms.env())


def _sources(content: str) -> list[str]:
    return [str(img.get("src")) for img in html.fragment_fromstring(content, create_parent="div").iter("img")]


def test_first_run_then_rerun(posts: Path, platforms: Platforms) -> None:
    """One draft per article on each platform with every image on WeChat's host; a rerun uploads
    nothing and updates the same drafts."""
    first = _draft(posts, platforms, "--site-url", "https://blog.example.com")
    assert first.returncode == 0, first.stderr
    wechat, devto = platforms.wechat, platforms.devto
    assert len(wechat.drafts) == 2 and len(devto.articles) == 2
    by_title = {a["title"]: a for a in wechat.drafts.values()}
    one, two = by_title["你好，草稿"], by_title["Second post"]
    assert (one["digest"], one["author"], one["need_open_comment"]) == ("一篇测试文章", "张三", 0)
    assert one["content_source_url"] == "https://blog.example.com/one.html"
    assert len(_sources(one["content"])) == 3
    assert all(src.startswith("http://mmbiz.qpic.cn/") for src in _sources(one["content"]))
    assert _sources(two["content"]) == ["https://mmbiz.qpic.cn/mmbiz_png/already/0"]
    # what WeChat received: JPG or PNG, at most 1 MB; the GIF as a PNG, the big JPEG recompressed
    kinds = {name: Image.open(io.BytesIO(data)).format for name, _, data in wechat.uploads}
    assert sorted(kinds.values()) == ["JPEG", "PNG", "PNG"]
    assert kinds["anim.png"] == "PNG" and kinds["big.jpg"] == "JPEG"
    assert all(len(data) <= 1024 * 1024 for _, _, data in wechat.uploads)
    assert one["thumb_media_id"] in wechat.materials and two["thumb_media_id"] in wechat.materials
    articles = {a["title"]: a for a in devto.articles.values()}
    assert articles["你好，草稿"]["published"] is False
    assert articles["你好，草稿"]["tags"] == ["python", "writing"]
    assert articles["你好，草稿"]["canonical_url"] == "https://blog.example.com/one.html"
    assert "结束。" in articles["你好，草稿"]["body_markdown"]
    assert "---" not in articles["Second post"]["body_markdown"].splitlines()[0]
    assert re.search(r"one\.md → WeChat: draft created", first.stdout)
    assert re.search(r"one\.md → dev\.to: article \d+ created .*https://dev\.to/", first.stdout)

    sent = {path: wechat.calls(platforms.wechat_server, path) for path in
            ("/cgi-bin/media/uploadimg", "/cgi-bin/material/add_material", "/cgi-bin/draft/add")}
    drafts, ids = dict(wechat.drafts), set(devto.articles)
    second = _draft(posts, platforms, "--site-url", "https://blog.example.com")
    assert second.returncode == 0, second.stderr
    assert {path: wechat.calls(platforms.wechat_server, path) for path in sent} == sent
    assert wechat.calls(platforms.wechat_server, "/cgi-bin/draft/update") == 2
    assert set(wechat.drafts) == set(drafts) and set(devto.articles) == ids
    assert devto.calls(platforms.devto_server, "PUT") == 2 and devto.calls(platforms.devto_server, "POST") == 2
    assert "updated" in second.stdout
    requests = len(platforms.wechat_server.requests) + len(platforms.devto_server.requests)
    looked = _draft(posts, platforms, "--dry-run", "--site-url", "https://blog.example.com")
    assert looked.returncode == 0, looked.stderr
    assert "would update draft DRAFT_" in looked.stdout and "would update article 10" in looked.stdout
    assert "img/anim.gif: already on WeChat (cached)" in looked.stdout
    assert len(platforms.wechat_server.requests) + len(platforms.devto_server.requests) == requests

    # no secret anywhere: the outputs, the caches, the messages
    written = "".join(p.read_text(encoding="utf-8", errors="replace")
                      for p in (posts.parent / "out").rglob("*") if p.is_file())
    for secret in platforms.secrets():
        assert secret not in written + first.stdout + first.stderr + second.stdout + second.stderr


def test_a_deleted_draft_is_created_again(posts: Path, platforms: Platforms) -> None:
    """40007 on update (the draft was published or deleted), 404 on dev.to: a new draft, recorded."""
    assert _draft(posts, platforms).returncode == 0
    platforms.wechat.drafts.clear()
    platforms.devto.articles.clear()
    again = _draft(posts, platforms)
    assert again.returncode == 0, again.stderr
    assert len(platforms.wechat.drafts) == 2 and len(platforms.devto.articles) == 2
    recorded = json.loads((posts.parent / "out/.publish/drafts.json").read_text())["platforms"]
    assert recorded["wechat"]["one.md"]["id"] in platforms.wechat.drafts
    assert int(recorded["devto"]["one.md"]["id"]) in platforms.devto.articles


def test_dry_run_sends_nothing(posts: Path, platforms: Platforms) -> None:
    result = _draft(posts, platforms, "--dry-run", env={})  # no credentials needed to look
    assert result.returncode == 0, result.stderr
    assert platforms.wechat_server.requests == [] and platforms.devto_server.requests == []
    assert "would create a draft: title 5/32 characters, digest 6/128" in result.stdout
    assert re.search(r"image line 16: img/big\.jpg: upload \d\.\d MB \(recompressed to ≤ 1 MB JPEG\)", result.stdout)
    assert "image line 12: img/anim.gif: upload 0 KB (GIF → PNG)" in result.stdout
    assert "would create an article" in result.stdout
    assert not (posts.parent / "out/.publish/drafts.json").exists()


def test_wrong_secret_one_line_and_nothing_sent_after(posts: Path, platforms: Platforms) -> None:
    result = _draft(posts, platforms, env=platforms.env(WECHAT_APP_SECRET="not-the-secret-42"))
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1 and "WECHAT_APP_SECRET" in errors[0] and "40125" in errors[0]
    assert "not-the-secret-42" not in result.stderr + result.stdout
    assert [s.path for s in platforms.wechat_server.requests] == ["/cgi-bin/stable_token"]
    assert platforms.devto_server.requests == []


def test_ip_not_whitelisted_names_the_ip_and_where(posts: Path, platforms: Platforms) -> None:
    platforms.wechat.refuse_ip = "203.0.113.7"
    result = _draft(posts, platforms)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1 and "203.0.113.7" in errors[0] and "IP白名单" in errors[0]
    assert len(platforms.wechat_server.requests) == 1


def test_missing_credentials_before_any_work(posts: Path, platforms: Platforms) -> None:
    result = _draft(posts, platforms, env={"DEVTO_API_KEY": "x"})
    assert result.returncode == 1
    assert "WECHAT_APP_ID and WECHAT_APP_SECRET not set" in result.stderr
    assert not (posts.parent / "out").exists()


def test_wrong_api_key_names_the_variable(posts: Path, platforms: Platforms) -> None:
    result = run_cli(["draft", posts, "--to", "devto", "--out", posts.parent / "out", *platforms.args()],
                     cwd=posts.parent, env=platforms.env(DEVTO_API_KEY="wrong-key-77"))
    assert result.returncode == 1
    assert "DEVTO_API_KEY" in result.stderr and "wrong-key-77" not in result.stderr
    assert len(platforms.devto_server.requests) == 1


def test_limits_checked_before_anything_is_sent(posts: Path, platforms: Platforms) -> None:
    (posts / "two.md").write_text(ARTICLE_TWO.replace("Second post", "长" * 40), encoding="utf-8")
    result = run_cli(["draft", posts / "two.md", "--to", "wechat", "--out", posts.parent / "out", *platforms.args()],
                     cwd=posts.parent, env=platforms.env())
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1 and "the title is 40 characters; a draft's title may have at most 32" in errors[0]
    assert platforms.wechat_server.requests == []


def test_an_image_that_fails_is_a_warning_with_its_line(posts: Path, platforms: Platforms) -> None:
    """The draft goes on without it; `--strict` refuses the draft instead."""
    (posts / "img/bad.png").write_bytes(b"not a picture at all")
    (posts / "two.md").write_text(ARTICLE_TWO + "\n![broken](img/bad.png)\n", encoding="utf-8")
    one = ["draft", posts / "two.md", "--to", "wechat", "--out", posts.parent / "out", *platforms.args()]
    result = run_cli(one, cwd=posts.parent, env=platforms.env())
    assert result.returncode == 0, result.stderr
    assert re.search(r"two\.md:10: warning: WeChat draft: image 'img/bad\.png' failed: not an image", result.stderr)
    assert len(platforms.wechat.drafts) == 1
    strict = run_cli([*one, "--strict"], cwd=posts.parent, env=platforms.env())
    assert strict.returncode == 1
    assert re.search(r"two\.md:10: error: WeChat draft: image 'img/bad\.png' failed", strict.stderr)
    assert platforms.wechat.calls(platforms.wechat_server, "/cgi-bin/draft/update") == 0


def _slow(seconds: float):  # type: ignore[no-untyped-def]
    def handler(seen: Seen) -> tuple[int, dict[str, str], bytes]:
        time.sleep(seconds)
        return 200, {"Content-Type": "application/json"}, b"{}"
    return handler


def test_a_host_that_times_out_fails_in_bounded_time_without_secrets() -> None:
    credentials = Credentials("wx-app", "very-secret-value")
    with Loopback(_slow(1.0)) as server:
        client = WechatClient(http.session(timeout=(1.0, 0.2), retries=1, backoff=0.01), credentials, server.url)
        start = time.monotonic()
        with pytest.raises(DeliveryError) as caught:
            client.upload_image("a.png", b"\x89PNG\r\n\x1a\n", "image/png")
        assert time.monotonic() - start < 5
        assert len(server.requests) == 2  # the first try and one retry, then one line
    assert "timed out" in str(caught.value) and "very-secret-value" not in str(caught.value)
    with Loopback(_slow(1.0)) as server:
        devto = DevtoClient(http.session(timeout=(1.0, 0.2), retries=1, backoff=0.01), "key-123", server.url)
        with pytest.raises(DeliveryError, match="timed out") as caught:
            devto.create({"title": "t", "body_markdown": "b", "published": False})
        assert len(server.requests) == 2
    assert "key-123" not in str(caught.value)


def test_an_expired_token_is_fetched_again_once() -> None:
    """42001 in the middle of a run (a token lasts 7200 s): a new token, the same request again."""
    wechat = FakeWechat()
    with Loopback(wechat.handle) as server:
        client = WechatClient(http.session(), Credentials(wechat.app_id, wechat.secret), server.url)
        client.upload_image("a.png", PNG, "image/png")
        wechat.tokens.clear()  # every token issued so far has expired
        assert client.upload_image("b.png", PNG, "image/png").startswith("http://mmbiz.qpic.cn/")
    assert [s.path.partition("?")[0] for s in server.requests] == [
        "/cgi-bin/stable_token", "/cgi-bin/media/uploadimg", "/cgi-bin/media/uploadimg",
        "/cgi-bin/stable_token", "/cgi-bin/media/uploadimg"]


def _picgo(received: list[str]):  # type: ignore[no-untyped-def]
    """PicGo's local server: `{"list": [path]}` → `{"success": true, "result": [url]}`."""
    def handler(seen: Seen) -> tuple[int, dict[str, str], bytes]:
        path = json.loads(seen.body)["list"][0]
        received.append(path)
        url = f"https://img.example.com/{len(received)}-{Path(path).name}"
        return 200, {"Content-Type": "application/json"}, json.dumps({"success": True, "result": [url]}).encode()
    return handler


def test_with_an_image_host_devto_gets_hosted_urls_and_wechat_its_own(posts: Path, platforms: Platforms) -> None:
    """The "done when" of issue #23: every image present in both drafts, dev.to's on the image
    host, WeChat's on WeChat's; a second run uploads nothing anywhere and updates both drafts."""
    received: list[str] = []
    with Loopback(_picgo(received)) as picgo:
        (posts.parent / "publish.toml").write_text(f'[images]\nhost = "picgo"\n[images.picgo]\nurl = "{picgo.url}/upload"\n')
        assert _draft(posts, platforms, "--dry-run").returncode == 0
        assert picgo.requests == [] and platforms.wechat_server.requests == []
        first = _draft(posts, platforms)
        assert first.returncode == 0, first.stderr
        body = {a["title"]: a for a in platforms.devto.articles.values()}["你好，草稿"]["body_markdown"]
        assert len(re.findall(r"!\[[^]]*\]\(https://img\.example\.com/", body)) == 3
        assert sorted(Path(p).suffix for p in received) == [".gif", ".jpg", ".png"]
        second_post = {a["title"]: a for a in platforms.devto.articles.values()}["Second post"]
        assert second_post["main_image"].startswith("https://img.example.com/")  # its cover, hosted
        content = {a["title"]: a for a in platforms.wechat.drafts.values()}["你好，草稿"]["content"]
        assert len(_sources(content)) == 3
        assert all(src.startswith("http://mmbiz.qpic.cn/") for src in _sources(content))

        uploads, drafts = len(platforms.wechat.uploads), len(platforms.wechat.drafts)
        second = _draft(posts, platforms)
        assert second.returncode == 0, second.stderr
        assert len(received) == 3 and len(platforms.wechat.uploads) == uploads
        assert len(platforms.wechat.drafts) == drafts and len(platforms.devto.articles) == 2
        assert platforms.devto.calls(platforms.devto_server, "PUT") == 2


@pytest.mark.slow
def test_an_article_without_images_gets_a_drawn_cover_once(tmp_path: Path, platforms: Platforms) -> None:
    (tmp_path / "plain.md").write_text("---\ntitle: 没有图片的文章\n---\n\n只有文字。\n", encoding="utf-8")
    args = ["draft", tmp_path / "plain.md", "--to", "wechat", "--out", tmp_path / "out", *platforms.args()]
    assert run_cli(args, cwd=tmp_path, env=platforms.env()).returncode == 0
    (cover,) = platforms.wechat.materials.values()
    picture = Image.open(io.BytesIO(cover))
    assert (picture.format, picture.size) == ("PNG", (900, 383))
    assert run_cli(args, cwd=tmp_path, env=platforms.env()).returncode == 0
    assert platforms.wechat.calls(platforms.wechat_server, "/cgi-bin/material/add_material") == 1
    assert platforms.wechat.calls(platforms.wechat_server, "/cgi-bin/draft/update") == 1


def test_a_cover_that_is_no_image_falls_back_to_the_first_image(posts: Path, platforms: Platforms) -> None:
    (posts / "img/bad.png").write_bytes(b"not a picture at all")
    (posts / "one.md").write_text(ARTICLE_ONE.replace("author: 张三\n", "author: 张三\ncover: img/bad.png\n"),
                                  encoding="utf-8")
    result = run_cli(["draft", posts / "one.md", "--to", "wechat", "--out", posts.parent / "out", *platforms.args()],
                     cwd=posts.parent, env=platforms.env())
    assert result.returncode == 0, result.stderr
    assert re.search(r"one\.md:5: warning: WeChat draft: image 'img/bad\.png' \(the cover\) cannot be used", result.stderr)
    (cover,) = platforms.wechat.materials.values()
    assert Image.open(io.BytesIO(cover)).size == (320, 200)  # red.png, the first image


@pytest.mark.parametrize(("code", "message", "says", "stops_run"), [
    (40164, "invalid ip 198.51.100.4 ipv6 ::ffff:198.51.100.4, not in whitelist", "add 198.51.100.4 at mp.weixin.qq.com", True),
    (40164, "not in whitelist", "IP白名单", True),
    (40001, "invalid credential", "check WECHAT_APP_SECRET and WECHAT_APP_ID", True),
    (42001, "access_token expired", "check WECHAT_APP_SECRET", True),
    (40125, "invalid appsecret", "check WECHAT_APP_SECRET", True),
    (45009, "reach max api daily quota limit", "try again tomorrow", True),
    (40007, "invalid media_id", "a new draft is created", False),
    (45003, "title size out of limit", "shorten the title", False),
])
def test_each_errcode_says_what_to_do(code: int, message: str, says: str, stops_run: bool) -> None:
    from publish.deliver.wechat import refused

    error = refused(code, message, "the new draft")
    assert says in str(error) and f"errcode {code}" in str(error)
    assert error.stops_run is stops_run
    assert "\n" not in str(error)


def test_limits_are_counted_one_line_each() -> None:
    from publish.deliver.wechat_limits import check_limits
    from publish.model import Metadata, Source

    source = Source(Path("post.md"), Path("."), Path("post.md"), "body", 1, Metadata("t", "zh-CN"), "0")
    found = check_limits(source, {"title": "标" * 33, "author": "作" * 17, "digest": "摘" * 129}, "<p>文字</p>" * 10_000)
    assert [d.message for d in found] == [
        "WeChat: the title is 33 characters; a draft's title may have at most 32",
        "WeChat: the author is 17 characters; a draft's author may have at most 16",
        "WeChat: the digest is 129 characters; a draft's digest may have at most 128",
        "WeChat: the article is 20,000 characters long; a draft takes fewer than 20,000"]
    assert check_limits(source, {"title": "标" * 32, "author": "作" * 16, "digest": "摘" * 128}, "<p>x</p>") == []


def test_styles_do_not_count_as_characters_but_count_toward_the_megabyte() -> None:
    """The editor's 2万字 are the words a reader sees: a long article in a rich theme (styles on
    every element) goes through; a snippet over 1 MB does not."""
    from publish.deliver.wechat_limits import check_limits
    from publish.model import Metadata, Source

    source = Source(Path("post.md"), Path("."), Path("post.md"), "body", 1, Metadata("t", "zh-CN"), "0")
    styled = '<p style="margin: 0 0 1.5em; color: #333; line-height: 1.75; font-size: 15px">这是一段正文。</p>'
    assert check_limits(source, {"title": "t"}, styled * 2_000) == []  # 14,000 characters, ~190 KB
    too_big = check_limits(source, {"title": "t"}, f'<p style="{"x" * 1_100_000}">短</p>')
    assert [d.message for d in too_big] == ["WeChat: the content is 1,100,019 bytes with its styles; a draft takes under 1 MB"]


def test_a_lost_answer_to_a_create_is_not_sent_again() -> None:
    """A read timeout after draft/add (or dev.to's POST) may mean it was made: sending it again
    would make a duplicate, so it is one error line instead; a 503 (nothing made) is retried."""
    wechat = FakeWechat()
    wechat.materials["MATERIAL_X"] = b""
    slow_once = {"draft": True}

    def handler(seen: Seen) -> tuple[int, dict[str, str], bytes]:
        reply = wechat.handle(seen)
        if seen.path.startswith("/cgi-bin/draft/add") and slow_once.pop("draft", False):
            time.sleep(1.0)  # made, but the answer comes too late
        return reply

    def fast(read_retries: int = 2) -> Any:
        return http.session(timeout=(1.0, 0.3), retries=2, backoff=0.01, read_retries=read_retries)

    with Loopback(handler) as server:
        client = WechatClient(fast(), Credentials(wechat.app_id, wechat.secret), server.url, fast(read_retries=0))
        with pytest.raises(DeliveryError, match="the new draft failed: timed out"):
            client.add_draft({"title": "t", "content": "c", "thumb_media_id": "MATERIAL_X"})
    assert wechat.calls(server, "/cgi-bin/draft/add") == 1 and len(wechat.drafts) == 1

    busy = {"n": 0}

    def unavailable_once(seen: Seen) -> tuple[int, dict[str, str], bytes]:
        busy["n"] += 1
        return (503, {}, b"busy") if busy["n"] == 1 else devto.handle(seen)

    devto = FakeDevto()
    with Loopback(unavailable_once) as server:
        client_devto = DevtoClient(fast(), devto.key, server.url, fast(read_retries=0))
        assert client_devto.create({"title": "t", "body_markdown": "b", "published": False}).id == 1001
    assert busy["n"] == 2 and len(devto.articles) == 1
