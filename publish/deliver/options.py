"""`[images]`: where local images are hosted for the paste targets, declared as typed records.

`host` picks the destination; each host has a table of its own (`[images.s3]`, `[images.picgo]`,
`[images.command]`). No credential is an option of a file that is committed: S3 credentials come
from boto3's own chain (environment, profile, instance role), PicGo's key from `PICGO_KEY` when
the table does not give one. Only the config file and the command line set these: an article
cannot choose where its images are sent or which program runs (`files.NOT_PER_ARTICLE`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from publish.config.options import rule

HostName = Literal["none", "s3", "picgo", "command"]


def _url(value: str) -> str | None:
    return None if not value or value.startswith(("http://", "https://")) else "must be an http(s) URL"


def _template(value: str) -> str | None:
    if value and "{key}" not in value:
        return 'must hold {key}, e.g. "https://img.example.com/{key}"'
    return _url(value)


def _command(value: str) -> str | None:
    return None if not value or "{path}" in value else 'must hold {path}, e.g. "rclone copyto {path} …"'


@dataclass(frozen=True, slots=True)
class S3Options:
    """`[images.s3]`: any S3-compatible store (AWS S3, Cloudflare R2, MinIO, Aliyun OSS, Tencent COS)."""

    bucket: str = field(default="", metadata=rule(help="bucket name"))
    prefix: str = field(default="", metadata=rule(help="key prefix, e.g. 'img/'"))
    endpoint_url: str | None = field(default=None, metadata=rule(
        check=_url, help="the store's endpoint (R2, MinIO, OSS, COS); unset for AWS"))
    region: str | None = field(default=None, metadata=rule(help="region, e.g. us-east-1"))
    public_url: str = field(default="", metadata=rule(
        check=_template, help="URL readers load, with {key}: https://img.example.com/{key}"))


@dataclass(frozen=True, slots=True)
class PicgoOptions:
    """`[images.picgo]`: the PicGo or PicList local server."""

    url: str = field(default="http://127.0.0.1:36677/upload", metadata=rule(check=_url, help="upload endpoint"))
    key: str | None = field(default=None, metadata=rule(help="PicList's ?key= (else $PICGO_KEY)"))


@dataclass(frozen=True, slots=True)
class CommandOptions:
    """`[images.command]`: any program that uploads `{path}` and prints the URL on its last line."""

    run: str = field(default="", metadata=rule(check=_command, help="the command, with {path}"))


@dataclass(frozen=True, slots=True)
class ImagesOptions:
    """`[images]`: the host and its table. `timeout` bounds each attempt at an upload (the wait
    for a host's answer, or the command's run); `none` keeps today's behaviour: local images warn
    in the paste targets."""

    host: HostName = field(default="none", metadata=rule(help="where local images are uploaded"))
    timeout: float = field(default=30.0, metadata=rule(1, 3600, help="seconds per upload attempt"))
    s3: S3Options = field(default_factory=S3Options, metadata=rule(help="[images.s3]"))
    picgo: PicgoOptions = field(default_factory=PicgoOptions, metadata=rule(help="[images.picgo]"))
    command: CommandOptions = field(default_factory=CommandOptions, metadata=rule(help="[images.command]"))

    def __post_init__(self) -> None:
        if self.host == "s3" and not self.s3.bucket:
            raise ValueError('host = "s3" needs [images.s3] bucket')
        if self.host == "command" and not self.command.run:
            raise ValueError('host = "command" needs [images.command] run = "… {path} …"')
