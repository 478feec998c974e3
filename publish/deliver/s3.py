"""The `s3` image host: any S3-compatible store through boto3 (AWS S3, Cloudflare R2, MinIO,
Aliyun OSS, Tencent COS).

Credentials come only from boto3's own chain (`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`,
`AWS_PROFILE`, an instance role…), never from `publish.toml`, and are redacted from every
message. Keys are content-addressed (`prefix + sha256[:16] + extension`), so an object that is
already there (another machine uploaded it, the cache was lost) is found with a HEAD request and
not sent again. botocore bounds each request (connect and read timeouts) and retries throttling,
5xx and dropped connections in its `standard` mode.
"""

from __future__ import annotations

from typing import Any

import boto3
import botocore.config
import botocore.exceptions

from publish.deliver import http
from publish.deliver.options import S3Options
from publish.deliver.upload import Upload
from publish.errors import DeliveryError

#: Objects are named by their content: they never change, so readers may cache them for ever.
CACHE_CONTROL = "public, max-age=31536000, immutable"
ATTEMPTS = 1 + http.RETRIES


class S3Host:
    """Uploads to one bucket and prefix."""

    def __init__(self, options: S3Options, timeout: float) -> None:
        self.options = options
        try:
            session = boto3.session.Session(region_name=options.region)
            credentials = session.get_credentials()
            frozen = credentials.get_frozen_credentials() if credentials is not None else None
        except botocore.exceptions.BotoCoreError as exc:  # a missing profile, a broken config file
            raise DeliveryError(f"s3: cannot read the AWS credentials ({type(exc).__name__})",
                                "check AWS_PROFILE and ~/.aws/config, or set AWS_ACCESS_KEY_ID and "
                                "AWS_SECRET_ACCESS_KEY") from None
        self._secrets = tuple(s for s in (getattr(frozen, "access_key", None), getattr(frozen, "secret_key", None),
                                          getattr(frozen, "token", None)) if s)
        config = botocore.config.Config(connect_timeout=http.TIMEOUT[0], read_timeout=timeout,
                                        retries={"max_attempts": ATTEMPTS, "mode": "standard"})
        self._client: Any = session.client("s3", endpoint_url=options.endpoint_url, config=config)

    def object_key(self, image: Upload) -> str:
        return self.options.prefix + image.name

    def public_url(self, key: str) -> str:
        """`public_url` with `{key}`; by default the object's URL on the endpoint (or on AWS)."""
        if self.options.public_url:
            return self.options.public_url.replace("{key}", key)
        if self.options.endpoint_url:
            return f"{self.options.endpoint_url.rstrip('/')}/{self.options.bucket}/{key}"
        region = self._client.meta.region_name or "us-east-1"
        return f"https://{self.options.bucket}.s3.{region}.amazonaws.com/{key}"

    def upload(self, image: Upload) -> str:
        key = self.object_key(image)
        bucket = self.options.bucket
        try:
            if not self._exists(bucket, key):
                self._client.put_object(Bucket=bucket, Key=key, Body=image.data, ContentType=image.media_type,
                                        CacheControl=CACHE_CONTROL)
        except botocore.exceptions.NoCredentialsError:
            raise DeliveryError("s3: no credentials found",
                                "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE") from None
        except botocore.exceptions.ClientError as exc:
            error = exc.response.get("Error", {})
            code = http.redact(str(error.get("Code") or "error"), self._secrets)
            raise DeliveryError(f"s3: the store refused the upload to bucket '{bucket}' ({code})",
                                _fix(code)) from None
        except botocore.exceptions.BotoCoreError as exc:
            raise DeliveryError(f"s3: {_reason(exc)}", "check [images.s3] endpoint_url and the network") from None
        return self.public_url(key)

    def _exists(self, bucket: str, key: str) -> bool:
        try:
            self._client.head_object(Bucket=bucket, Key=key)
        except botocore.exceptions.ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code")) in ("404", "NoSuchKey", "NotFound"):
                return False
            if str(exc.response.get("Error", {}).get("Code")) == "403":
                return False  # a put-only key: send it, the PUT says whether it may
            raise
        return True


def _fix(code: str) -> str:
    if code in ("NoSuchBucket",):
        return "check [images.s3] bucket (and endpoint_url, region)"
    if code in ("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "403"):
        return "check the credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY or AWS_PROFILE) and their rights"
    return "check [images.s3] and the store's own error log"


def _reason(exc: Exception) -> str:
    """Why a request failed, by the exception's class only (its text holds the URL)."""
    if isinstance(exc, (botocore.exceptions.ConnectTimeoutError, botocore.exceptions.ReadTimeoutError)):
        return "timed out"
    if isinstance(exc, botocore.exceptions.EndpointConnectionError):
        return "cannot connect to the endpoint"
    return f"cannot upload ({type(exc).__name__})"
