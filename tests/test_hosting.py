"""Image hosting end to end (`publish/deliver/`, `publish upload`, `--upload`): a folder of posts
with local images, sent once per content to each kind of host, all on loopback: a `command` host
script, a fake PicGo server (its documented HTTP interface) and a real S3 server (moto's server
mode, driven through boto3). Paste targets then carry only hosted URLs; secrets never leak."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.conftest import run_cli
from tests.loopback import Loopback, Seen

FIXTURES = Path(__file__).parent / "fixtures" / "hosting"
PASTE = "zhihu,juejin,csdn,devto,wechat"
PICGO_KEY = "picgo-k3y-Zq8xW"
AWS_SECRET = "aws-s3cr3t-Hv7Tq2"
AWS_KEY_ID = "AKIATESTHOSTING01"


def _png(path: Path, colour: str, size: tuple[int, int] = (40, 30), kind: str = "PNG") -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path, kind)
    return path.read_bytes()


@pytest.fixture
def blog(tmp_path: Path) -> Path:
    """posts/ (the source root): two articles sharing one image, a third in a subfolder, and an
    article asking for an image outside the root."""
    posts = tmp_path / "posts"
    _png(posts / "img" / "a.png", "red")
    _png(posts / "img" / "b.jpg", "blue", kind="JPEG")
    _png(tmp_path / "private.png", "green", (41, 31))  # outside the source root
    (posts / "one.md").write_text("---\ntitle: One\n---\n\nFirst paragraph.\n\n![Alpha](img/a.png)\n\n"
                                  "Second ![Beta](img/b.jpg) inline.\n", encoding="utf-8")
    (posts / "two.md").write_text("---\ntitle: Two\n---\n\nThe same picture again.\n\n![Alpha again](img/a.png)\n",
                                  encoding="utf-8")
    (posts / "sub").mkdir()
    (posts / "sub" / "three.md").write_text("---\ntitle: Three\n---\n\nFrom below.\n\n![Beta](../img/b.jpg)\n",
                                            encoding="utf-8")
    (posts / "sneaky.md").write_text("---\ntitle: Sneaky\n---\n\nOutside.\n\n![Private](../private.png)\n",
                                     encoding="utf-8")
    return tmp_path


def _config(root: Path, text: str) -> Path:
    path = root / "publish.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _publish(root: Path, *args: str, env: dict[str, str] | None = None) -> Any:
    return run_cli([*args, "--config", str(root / "publish.toml")], cwd=root, env=env)


def _command_config(root: Path) -> dict[str, str]:
    run = f"{sys.executable} {FIXTURES / 'host.py'} {{path}}"
    _config(root, f"[images]\nhost = \"command\"\ntimeout = 5\n[images.command]\nrun = '{run}'\n")
    return {"HOST_STORE": str(root / "store")}


def _calls(root: Path) -> list[str]:
    log = root / "store" / "calls.log"
    return log.read_text(encoding="utf-8").split() if log.exists() else []


def _everything(root: Path) -> str:
    """Every text file the runs left behind: outputs, manifest, cache, report."""
    texts = []
    for path in root.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".md", ".json", ".log", ".toml", ".lock") \
                and path.name != "publish.toml":
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(texts)


# -- publish upload, with a command host ----------------------------------------------------------

def test_upload_sends_each_distinct_image_once_and_never_again(blog: Path) -> None:
    env = _command_config(blog)
    first = _publish(blog, "upload", "posts", env=env)
    assert first.returncode == 0, first.stderr
    assert sorted(_calls(blog)) == sorted(["9ff616cae1d48c45.png", _digest16(blog / "posts/img/b.jpg") + ".jpg"])
    assert "uploaded 2, already hosted 0, failed 0 (command)" in first.stdout
    assert "uploaded img/a.png (" in first.stdout and "→ https://img.example.test/cmd/" in first.stdout
    # the image outside the root is refused (normalize says why) and never sent
    assert "private.png" in first.stderr and "outside the source root" in first.stderr
    stored = {p.read_bytes() for p in (blog / "store").glob("*.*") if p.suffix != ".log"}
    assert (blog / "private.png").read_bytes() not in stored
    second = _publish(blog, "upload", "posts", env=env)
    assert "uploaded 0, already hosted 2, failed 0" in second.stdout
    assert len(_calls(blog)) == 2
    cache = json.loads((blog / "dist" / ".publish" / "uploads.json").read_text())
    assert len(next(iter(cache["hosts"].values()))) == 2


def _digest16(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def test_dry_run_lists_sizes_and_sends_nothing(blog: Path) -> None:
    env = _command_config(blog)
    result = _publish(blog, "upload", "posts", "--dry-run", env=env)
    assert result.returncode == 0, result.stderr
    size = (blog / "posts/img/a.png").stat().st_size
    assert f"would upload img/a.png ({size} B)" in result.stdout
    assert "would upload img/b.jpg (" in result.stdout
    assert "would upload 2 image(s)" in result.stdout and "nothing sent" in result.stdout
    assert _calls(blog) == []
    assert not (blog / "dist" / ".publish" / "uploads.json").exists()


def test_upload_without_a_host_is_one_clear_line(blog: Path) -> None:
    _config(blog, "")
    result = _publish(blog, "upload", "posts")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        ('publish: error: no image host is configured — set [images] host = "s3", "picgo" or "command" '
         "in publish.toml (see README, Image hosts)")]


def test_a_command_without_a_url_or_that_hangs_is_a_warning_at_the_images_line(blog: Path) -> None:
    env = _command_config(blog)
    nourl = _publish(blog, "upload", "posts/two.md", env={**env, "HOST_MODE": "nourl"})
    assert nourl.returncode == 1
    assert "two.md:7: warning: image 'img/a.png' was not uploaded: command: 'python" in nourl.stderr
    assert "did not print a URL on its last line" in nourl.stderr
    start = time.monotonic()
    hung = _publish(blog, "upload", "posts/two.md", env={**env, "HOST_MODE": "hang"})
    assert time.monotonic() - start < 30
    assert "timed out after 5 s" in hung.stderr and "failed 1" in hung.stdout


# -- builds: --upload, cached URLs, every paste target --------------------------------------------

def _picgo_handler(store: dict[str, bytes], delay: float = 0.0, answer: dict[str, Any] | None = None):  # type: ignore[no-untyped-def]
    def handler(seen: Seen) -> tuple[int, dict[str, str], bytes]:
        if delay:
            time.sleep(delay)
            return 200, {"Content-Type": "application/json"}, b"{}"
        if answer is not None:
            return 200, {"Content-Type": "application/json"}, json.dumps(answer).encode()
        paths = json.loads(seen.body)["list"]
        urls = []
        for name in paths:
            path = Path(name)
            assert path.is_absolute()
            store[path.name] = path.read_bytes()
            urls.append(f"https://img.example.test/picgo/{path.name}")
        return 200, {"Content-Type": "application/json"}, json.dumps({"success": True, "result": urls}).encode()
    return handler


@pytest.fixture
def picgo() -> Iterator[tuple[Loopback, dict[str, bytes]]]:
    store: dict[str, bytes] = {}
    with Loopback(_picgo_handler(store)) as server:
        yield server, store


def _picgo_config(root: Path, url: str, timeout: int = 10) -> None:
    _config(root, f'[images]\nhost = "picgo"\ntimeout = {timeout}\n[images.picgo]\nurl = "{url}/upload"\n')


def _image_sources(root: Path) -> set[str]:
    import re

    found: set[str] = set()
    for path in (root / "dist").rglob("*"):
        if path.suffix in (".html", ".md") and path.is_file():
            text = path.read_text(encoding="utf-8")
            found |= set(re.findall(r'<img[^>]*\ssrc="([^"]+)"', text))
            found |= set(re.findall(r"!\[[^\]]*\]\(([^)\s]+)", text))
    return found


def test_build_with_upload_gives_every_paste_target_hosted_urls_only(
        blog: Path, picgo: tuple[Loopback, dict[str, bytes]]) -> None:
    server, store = picgo
    _picgo_config(blog, server.url)
    env = {"PICGO_KEY": PICGO_KEY}
    (blog / "posts" / "sneaky.md").unlink()
    result = _publish(blog, "posts", "--to", PASTE, "--upload", "--report", "report.json", env=env)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr
    assert len(server.requests) == 2  # three articles, two distinct images, one request each
    assert all(seen.path == f"/upload?key={PICGO_KEY}" for seen in server.requests)
    assert "images uploaded 2" in result.stdout
    sources = _image_sources(blog)
    assert sources == {f"https://img.example.test/picgo/{name}" for name in store}
    preview = (blog / "dist" / "one.preview.html").read_text(encoding="utf-8")
    assert "img/a.png" not in preview.replace("data-publish-src", "")
    assert f"https://img.example.test/picgo/{_digest16(blog / 'posts/img/a.png')}.png" in preview
    report = json.loads((blog / "report.json").read_text())
    assert sorted(p for a in report["articles"] for p in a["uploaded"]) == ["img/a.png", "img/b.jpg"]
    # a rerun, forced, sends nothing: every URL comes from the cache
    again = _publish(blog, "posts", "--to", PASTE, "--upload", "--force", env=env)
    assert again.returncode == 0 and len(server.requests) == 2
    # the key went to the server and nowhere else
    assert PICGO_KEY not in _everything(blog) + result.stdout + result.stderr + again.stdout + again.stderr


def test_without_upload_only_cached_urls_are_used_and_the_rest_warn(
        blog: Path, picgo: tuple[Loopback, dict[str, bytes]]) -> None:
    server, _ = picgo
    _picgo_config(blog, server.url)
    (blog / "posts" / "sneaky.md").unlink()
    first = _publish(blog, "posts/two.md", "--to", "zhihu")
    assert server.requests == []  # nothing goes over the network without --upload
    assert "two.md:7: warning: local image 'img/a.png' is left out of the zhihu output" in first.stderr
    assert "publish upload" in first.stderr and "--upload" in first.stderr
    uploaded = _publish(blog, "upload", "posts/two.md")
    assert uploaded.returncode == 0 and len(server.requests) == 1
    # the output that lacked the image is rebuilt (not "up to date") and now has its URL
    second = _publish(blog, "posts/two.md", "--to", "zhihu")
    assert "up to date" not in second.stdout and "warning" not in second.stderr
    assert any(src.startswith("https://img.example.test/picgo/") for src in _image_sources(blog))
    third = _publish(blog, "posts/two.md", "--to", "zhihu")
    assert "up to date" in third.stdout
    assert len(server.requests) == 1


def test_image_url_map_still_wins_over_the_host(blog: Path, picgo: tuple[Loopback, dict[str, bytes]]) -> None:
    server, _ = picgo
    _picgo_config(blog, server.url)
    with (blog / "publish.toml").open("a", encoding="utf-8") as config:
        config.write('[zhihu]\nimage_url_map = { "img/a.png" = "https://mine.example.test/a.png" }\n')
    result = _publish(blog, "posts/two.md", "--to", "zhihu,devto", "--upload")
    assert result.returncode == 0, result.stderr
    zhihu = (blog / "dist" / "two.zhihu.html").read_text(encoding="utf-8")
    devto = (blog / "dist" / "two.devto.md").read_text(encoding="utf-8")
    assert "https://mine.example.test/a.png" in zhihu
    assert "https://img.example.test/picgo/" in devto


def test_the_devto_cover_is_hosted_too(blog: Path, picgo: tuple[Loopback, dict[str, bytes]]) -> None:
    server, store = picgo
    _picgo_config(blog, server.url)
    _png(blog / "posts" / "img" / "cover.png", "white", (100, 42))
    (blog / "posts" / "covered.md").write_text("---\ntitle: Covered\ncover: img/cover.png\n---\n\nText.\n",
                                               encoding="utf-8")
    result = _publish(blog, "posts/covered.md", "--to", "devto", "--upload")
    assert result.returncode == 0, result.stderr
    name = _digest16(blog / "posts/img/cover.png") + ".png"
    assert list(store) == [name]
    assert f'cover_image: "https://img.example.test/picgo/{name}"' in (blog / "dist" / "covered.devto.md").read_text()


def test_a_host_that_times_out_is_a_warning_and_the_article_goes_on(blog: Path) -> None:
    store: dict[str, bytes] = {}
    with Loopback(_picgo_handler(store, delay=3)) as server:
        _picgo_config(blog, server.url, timeout=1)
        start = time.monotonic()
        result = _publish(blog, "posts/one.md", "--to", "devto", "--upload")
        seconds = time.monotonic() - start
        strict = _publish(blog, "posts/one.md", "--to", "devto", "--upload", "--strict", "--force")
    assert result.returncode == 0, result.stderr
    # both images fail (grouped on one line); the article is written without them
    assert "one.md:7: warning: 2 images the image host did not take: img/a.png, img/b.jpg (lines 7, 9)" \
        in result.stderr
    assert seconds < 25
    assert "First paragraph." in (blog / "dist" / "one.devto.md").read_text(encoding="utf-8")
    assert strict.returncode == 1
    assert "one.md:7: error: image 'img/a.png' was not uploaded: picgo: timed out — check that PicGo" in strict.stderr


def test_a_key_the_host_echoes_back_is_redacted(blog: Path) -> None:
    answer = {"success": False, "message": f"invalid key {PICGO_KEY} for this server"}
    with Loopback(_picgo_handler({}, answer=answer)) as server:
        _picgo_config(blog, server.url)
        result = _publish(blog, "upload", "posts/two.md", env={"PICGO_KEY": PICGO_KEY})
    assert result.returncode == 1
    assert "picgo: the upload failed: invalid key *** for this server" in result.stderr
    assert PICGO_KEY not in result.stdout + result.stderr + _everything(blog)


def test_a_key_written_into_the_picgo_url_stays_out_of_the_cache(
        blog: Path, picgo: tuple[Loopback, dict[str, bytes]]) -> None:
    server, _ = picgo
    _config(blog, f'[images]\nhost = "picgo"\n[images.picgo]\nurl = "{server.url}/upload?key={PICGO_KEY}"\n')
    result = _publish(blog, "upload", "posts/two.md")
    assert result.returncode == 0, result.stderr
    assert [seen.path for seen in server.requests] == [f"/upload?key={PICGO_KEY}"]
    cache = json.loads((blog / "dist" / ".publish" / "uploads.json").read_text())
    assert list(cache["hosts"]) == [f"picgo:{server.url}/upload"]
    assert PICGO_KEY not in _everything(blog) + result.stdout + result.stderr


# -- S3 through moto's server on loopback --------------------------------------------------------

class _Counting:
    """WSGI middleware: every request the S3 server receives, (method, path)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.seen: list[tuple[str, str]] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        self.seen.append((environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")))
        return self.app(environ, start_response)


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, _Counting, Any]]:
    import boto3
    from moto.moto_server import threaded_moto_server
    from moto.server import ThreadedMotoServer

    counting: list[_Counting] = []
    make_server = threaded_moto_server.make_server

    def wrapped(host: str, port: int, app: Any, *args: Any, **kwargs: Any) -> Any:
        counting.append(_Counting(app))
        return make_server(host, port, counting[0], *args, **kwargs)

    monkeypatch.setattr(threaded_moto_server, "make_server", wrapped)
    for name, value in {"AWS_ACCESS_KEY_ID": AWS_KEY_ID, "AWS_SECRET_ACCESS_KEY": AWS_SECRET,
                        "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket="blog-images")
    counting[0].seen.clear()  # count only what publish sends
    try:
        yield endpoint, counting[0], client
    finally:
        server.stop()


def _s3_config(root: Path, endpoint: str) -> None:
    _config(root, f'[images]\nhost = "s3"\n[images.s3]\nbucket = "blog-images"\nprefix = "img/"\n'
                  f'endpoint_url = "{endpoint}"\nregion = "us-east-1"\n'
                  f'public_url = "https://cdn.example.test/{{key}}"\n')


def _puts(counting: _Counting) -> list[str]:
    return [path for method, path in counting.seen if method == "PUT"]


def test_s3_stores_content_addressed_objects_once(blog: Path, s3: tuple[str, _Counting, Any]) -> None:
    endpoint, counting, client = s3
    _s3_config(blog, endpoint)
    (blog / "posts" / "sneaky.md").unlink()
    first = _publish(blog, "upload", "posts")
    assert first.returncode == 0, first.stderr
    a, b = _digest16(blog / "posts/img/a.png"), _digest16(blog / "posts/img/b.jpg")
    assert sorted(_puts(counting)) == sorted([f"/blog-images/img/{a}.png", f"/blog-images/img/{b}.jpg"])
    listed = {o["Key"] for o in client.list_objects_v2(Bucket="blog-images")["Contents"]}
    assert listed == {f"img/{a}.png", f"img/{b}.jpg"}
    assert client.head_object(Bucket="blog-images", Key=f"img/{a}.png")["ContentType"] == "image/png"
    assert client.head_object(Bucket="blog-images", Key=f"img/{b}.jpg")["ContentType"] == "image/jpeg"
    body = client.get_object(Bucket="blog-images", Key=f"img/{a}.png")["Body"].read()
    assert body == (blog / "posts/img/a.png").read_bytes()
    # a rerun asks nothing of the server; a lost cache costs a HEAD per image, never a PUT
    before = len(counting.seen)
    assert "already hosted 2" in _publish(blog, "upload", "posts").stdout
    assert len(counting.seen) == before
    (blog / "dist" / ".publish" / "uploads.json").unlink()
    assert "failed 0" in _publish(blog, "upload", "posts").stdout
    assert len(_puts(counting)) == 2
    # the build uses the public URLs
    built = _publish(blog, "posts", "--to", PASTE)
    assert built.returncode == 0, built.stderr
    assert _image_sources(blog) == {f"https://cdn.example.test/img/{a}.png", f"https://cdn.example.test/img/{b}.jpg"}
    everything = _everything(blog) + first.stdout + first.stderr + built.stdout + built.stderr
    assert AWS_SECRET not in everything and AWS_KEY_ID not in everything


def test_s3_refusal_is_one_line_without_credentials(blog: Path, s3: tuple[str, _Counting, Any]) -> None:
    endpoint, _, _ = s3
    _s3_config(blog, endpoint)
    (blog / "publish.toml").write_text((blog / "publish.toml").read_text().replace("blog-images", "no-such-bucket"))
    result = _publish(blog, "upload", "posts/two.md")
    assert result.returncode == 1
    assert "s3: the store refused the upload to bucket 'no-such-bucket' (NoSuchBucket)" in result.stderr
    assert AWS_SECRET not in result.stderr + result.stdout and AWS_KEY_ID not in result.stderr + result.stdout


# -- configuration --------------------------------------------------------------------------------

def test_an_article_cannot_choose_where_its_images_go(blog: Path) -> None:
    _config(blog, "")
    (blog / "posts" / "evil.md").write_text(
        "---\ntitle: Evil\npublish:\n  images:\n    host: command\n    command:\n      run: touch {path}\n---\n\nText.\n",
        encoding="utf-8")
    result = _publish(blog, "posts/evil.md", "--to", "zhihu")
    assert result.returncode == 1
    assert "evil.md:4: error: unknown key 'images'" in result.stderr


@pytest.mark.parametrize(("table", "said"), [
    ('host = "s3"', '[images] options do not fit together: host = "s3" needs [images.s3] bucket — fix one'),
    ('host = "ftp"', '[images] host = "ftp" — must be one of none, s3, picgo, command'),
    ('hots = "s3"', "unknown key 'hots' in [images] — options of images: command, host, picgo, s3, timeout"),
    ('[images.s3]\nbuckit = "x"', "[images] s3 — has no key 'buckit' (keys: bucket, endpoint_url, prefix, public_url, region)"),
    ('[images.s3]\npublic_url = "https://cdn/x"', "[images] s3 — public_url = \"https://cdn/x\": must hold {key}"),
    ('[images.picgo]\nkey = "k3y"\nurl = "ftp://x"', "[images] picgo — url = \"ftp://x\": must be an http(s) URL"),
])
def test_bad_images_options_are_one_line(blog: Path, table: str, said: str) -> None:
    _config(blog, f"[images]\n{table}\n")
    result = _publish(blog, "posts/two.md", "--to", "zhihu")
    assert result.returncode == 2
    assert said in result.stderr and "k3y" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# -- the author's raw HTML <img> (written to set a width) -----------------------------------------

def _raw_post(blog: Path) -> Path:
    """posts/sub/raw.md: a sized raw <img> block, one inline, and one reaching outside the root."""
    _png(blog / "posts" / "img" / "c.png", "yellow", (50, 20))
    post = blog / "posts" / "sub" / "raw.md"
    post.write_text("---\ntitle: Raw\n---\n\nSized.\n\n<p align=\"center\"><img src=\"../img/c.png\" width=\"300\" "
                    "alt=\"Gamma\"></p>\n\nInline <img src='../img/b.jpg' width=\"20\"> too.\n\n"
                    "<img src=\"../../private.png\" width=\"100\">\n", encoding="utf-8")
    return post


def test_raw_html_images_are_hosted_for_every_paste_target(blog: Path) -> None:
    env = _command_config(blog)
    _raw_post(blog)
    with (blog / "publish.toml").open("a", encoding="utf-8") as config:
        config.write('[juejin]\nimage_url_map = { "img/b.jpg" = "https://mine.example.test/b.jpg" }\n')
    result = _publish(blog, "posts/sub/raw.md", "--root", "posts", "--to", PASTE, "--upload", env=env)
    assert result.returncode == 0, result.stderr
    c, b = _digest16(blog / "posts/img/c.png") + ".png", _digest16(blog / "posts/img/b.jpg") + ".jpg"
    assert sorted(_calls(blog)) == sorted([c, b])  # the one outside the root is never sent
    assert "raw.md:11: warning: raw <img> '../../private.png' will not be loaded" in result.stderr
    outputs = {name: (blog / "dist" / f"raw.{name}").read_text(encoding="utf-8")
               for name in ("wechat.html", "zhihu.html", "juejin.md", "csdn.md", "devto.md")}
    for name, text in outputs.items():
        assert f"https://img.example.test/cmd/{c}" in text, name
        assert "../img/c.png" not in text and "data-publish-src" not in text, name
        expected_b = "https://mine.example.test/b.jpg" if name == "juejin.md" else f"https://img.example.test/cmd/{b}"
        assert expected_b in text and "../img/b.jpg" not in text, name  # image_url_map still wins
    assert 'width="300"' in outputs["juejin.md"]  # the width the author set is why it is raw HTML
    stored = {p.read_bytes() for p in (blog / "store").glob("*.*") if p.suffix != ".log"}
    assert (blog / "private.png").read_bytes() not in stored


def test_a_raw_html_image_outside_the_root_is_refused_and_never_uploaded(blog: Path) -> None:
    env = _command_config(blog)
    post = _raw_post(blog)
    post.write_text(post.read_text(encoding="utf-8").replace("../img/", "../../private.png#"), encoding="utf-8")
    result = _publish(blog, "upload", "posts/sub/raw.md", "--root", "posts", env=env)
    assert "private.png" in result.stderr and "outside the source root" in result.stderr
    assert "uploaded 0" in result.stdout and _calls(blog) == []
    # a mark the author writes, even in trusted raw HTML, is not normalize's: removed, never read
    post.write_text('---\ntitle: Raw\n---\n\n<img src="x.png" data-publish-src="../private.png">\n'
                    '<img data-publish-src="img/a.png" src="../../private.png">\n', encoding="utf-8")
    again = _publish(blog, "upload", "posts/sub/raw.md", "--root", "posts", "--raw-html", "trusted", env=env)
    assert again.returncode == 0, again.stderr
    assert "uploaded 0" in again.stdout and _calls(blog) == []


def test_upload_for_formats_that_use_no_hosted_url_says_so_once_and_sends_nothing(blog: Path) -> None:
    env = _command_config(blog)
    result = _publish(blog, "posts", "--to", "html,docx", "--upload", env=env)
    assert result.returncode == 0, result.stderr
    said = [line for line in result.stderr.splitlines() if "--upload" in line]
    assert said == [("publish: warning: --upload has nothing to do for html, docx: only the paste targets "
                    "(wechat, zhihu, juejin, csdn, devto) carry hosted image URLs, and no image was sent — "
                    "add one to --to, or run `publish upload SOURCES` to upload without building")]
    assert _calls(blog) == []
    with_paste = _publish(blog, "posts/two.md", "--to", "html,zhihu", "--upload", env=env)
    assert "--upload has nothing" not in with_paste.stderr and len(_calls(blog)) == 1
    _config(blog, "")
    no_host = _publish(blog, "posts/two.md", "--to", "zhihu", "--upload")
    assert "publish: warning: --upload has nothing to do: no image host is configured" in no_host.stderr


def test_serve_reads_the_upload_cache_of_the_output_folder_and_never_uploads(
        blog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from serving import Serving

    env = _command_config(blog)
    for name, value in env.items():
        monkeypatch.setenv(name, value)  # the server's environment: the host would work if called
    (blog / "publish.toml").write_text("upload = true\n" + (blog / "publish.toml").read_text(encoding="utf-8"),
                                       encoding="utf-8")
    assert _publish(blog, "upload", "posts/two.md", env=env).returncode == 0
    assert len(_calls(blog)) == 1
    post = blog / "posts" / "two.md"
    post.write_text(post.read_text(encoding="utf-8") + "\n![Beta](img/b.jpg)\n", encoding="utf-8")
    server = Serving(["posts/two.md", "--to", "zhihu"], cwd=blog, tmpdir=tmp_path / "tmp")
    try:
        state = server.ready("two", ["zhihu"])
        zhihu = server.text("/two.zhihu.html")
    finally:
        server.kill()
    assert f"https://img.example.test/cmd/{_digest16(blog / 'posts/img/a.png')}.png" in zhihu
    assert "img/a.png" not in json.dumps(state["diagnostics"])
    assert "img/b.jpg" in json.dumps(state["diagnostics"])  # not uploaded: it warns, as a build without --upload
    assert len(_calls(blog)) == 1
