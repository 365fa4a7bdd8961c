"""Stored files (photos, logos) under server-generated keys.

``local`` (the default) keeps them under ``instance/media``; ``s3`` keeps them in
an S3-compatible bucket (``S3_BUCKET``, ``S3_ENDPOINT_URL``, ``S3_REGION``; the
credentials come from the standard AWS environment variables). Keys are made by
:func:`new_key`, never from a user's file name.

Files and rows stay in step: :func:`delete_on_rollback` registers keys saved in
the current transaction (deleted again if it rolls back) and
:func:`delete_after_commit` keys no longer used (deleted only once it commits).
"""
from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

from flask import current_app, url_for
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from shop.templating import cached_url_for


class StorageError(RuntimeError):
    """A file could not be stored, read or deleted (a full disk, an unreachable bucket)."""


class Storage(Protocol):
    def save(self, key: str, data: bytes, content_type: str) -> None: ...
    def delete(self, key: str) -> None: ...
    def exists(self, key: str) -> bool: ...
    def read(self, key: str) -> bytes: ...
    def url(self, key: str) -> str: ...
    def url_prefix(self) -> str: ...


def new_key(prefix: str, extension: str) -> str:
    """``prefix/ab/abcdef....ext``: unguessable, spread over folders."""
    token = secrets.token_hex(16)
    return f"{prefix}/{token[:2]}/{token}.{extension.lstrip('.')}"


# Keys are made by new_key (``prefix/ab/<hex>.ext``): path parts of letters, digits, ``.``, ``_``
# and ``-`` that do not start with a dot. Anything else (a NUL, a control character, a backslash,
# ``..``, an empty part) comes from a forged URL and is refused before it reaches the filesystem.
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(?:/[A-Za-z0-9][A-Za-z0-9._-]*)*", re.ASCII)
MAX_KEY_LENGTH = 300


def check_key(key: str) -> str:
    """``key`` when it is a storage key this app could have made. :raise StorageError: otherwise."""
    if not isinstance(key, str) or len(key) > MAX_KEY_LENGTH or not _KEY.fullmatch(key):
        raise StorageError(f"not a storage key: {key!r}")
    return key


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / check_key(key)).resolve()
        if self.root.resolve() not in path.parents:
            raise StorageError(f"key escapes the media folder: {key}")
        return path

    def save(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(path.suffix + ".part")
            tmp.write_bytes(data)
            tmp.replace(path)
        except OSError as exc:
            raise StorageError(f"could not write {key}: {exc}") from exc

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def path_for(self, key: str) -> Path:
        return self._path(key)

    def read(self, key: str) -> bytes:
        """The file's bytes, for routes that check who may see it. :raise StorageError: unreadable."""
        try:
            return self._path(key).read_bytes()
        except OSError as exc:
            raise StorageError(f"could not read {key}: {exc}") from exc

    def url(self, key: str) -> str:
        return url_for("main.media", key=key)

    def url_prefix(self) -> str:
        """What :meth:`url` puts before a key (keys are server-made: nothing in them to quote)."""
        return cached_url_for("main.media", key="k")[:-1]


class S3Storage:
    """Files in an S3 bucket; a failed call raises :class:`StorageError`, never a botocore error."""

    def __init__(self, client: Any, bucket: str, *, endpoint: str | None = None,
                 region: str | None = None, public_url: str | None = None) -> None:
        self.client = client
        self.bucket = bucket
        self.endpoint = endpoint.rstrip("/") if endpoint else None
        self.region = region
        self.public_url = public_url.rstrip("/") if public_url else None

    def save(self, key: str, data: bytes, content_type: str) -> None:
        try:
            self.client.put_object(
                Bucket=self.bucket, Key=key, Body=data, ContentType=content_type,
                # Keys are never reused, so a file can be cached for good.
                CacheControl="public, max-age=31536000, immutable",
            )
        except _botocore_errors() as exc:
            raise StorageError(f"could not store {key} in bucket {self.bucket}: {exc}") from exc

    def delete(self, key: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=key)
        except _botocore_errors() as exc:
            raise StorageError(f"could not delete {key} from bucket {self.bucket}: {exc}") from exc

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise StorageError(f"could not look up {key} in bucket {self.bucket}: {exc}") from exc
        except _botocore_errors() as exc:
            raise StorageError(f"could not look up {key} in bucket {self.bucket}: {exc}") from exc
        return True

    def read(self, key: str) -> bytes:
        """The object's bytes, for routes that check who may see it. :raise StorageError: unreadable."""
        try:
            return self.client.get_object(Bucket=self.bucket, Key=check_key(key))["Body"].read()
        except Exception as exc:  # botocore's errors, or a connection broken mid-body
            raise StorageError(f"could not read {key} from bucket {self.bucket}: {exc}") from exc

    def url(self, key: str) -> str:
        if self.public_url:
            return f"{self.public_url}/{key}"
        if self.endpoint:
            return f"{self.endpoint}/{self.bucket}/{key}"
        return f"https://{self.bucket}.s3.{self.region or 'us-east-1'}.amazonaws.com/{key}"

    def url_prefix(self) -> str:
        """What :meth:`url` puts before a key."""
        return self.url("")


def _botocore_errors() -> tuple[type[Exception], ...]:
    from botocore.exceptions import BotoCoreError, ClientError

    return (BotoCoreError, ClientError)


def _s3_client(endpoint: str | None, region: str | None) -> Any:
    """One boto3 client per app and endpoint: making one costs tens of milliseconds."""
    clients = current_app.extensions.setdefault("s3_clients", {})
    client = clients.get((endpoint, region))
    if client is None:
        import boto3
        from botocore.config import Config

        config = Config(
            connect_timeout=5,
            read_timeout=30,
            retries={"max_attempts": 3, "mode": "standard"},
            # MinIO, moto and most S3-compatible servers are addressed by path.
            s3={"addressing_style": "path"} if endpoint else None,
        )
        client = boto3.session.Session().client(
            "s3", endpoint_url=endpoint, region_name=region, config=config
        )
        clients[(endpoint, region)] = client
    return client


def get_storage() -> LocalStorage | S3Storage:
    config = current_app.config
    backend = config["STORAGE_BACKEND"]
    if backend == "local":
        root = config.get("MEDIA_ROOT") or Path(current_app.instance_path) / "media"
        return LocalStorage(Path(root))
    if backend == "s3":
        if not config.get("S3_BUCKET"):
            raise StorageError("STORAGE_BACKEND is s3 but S3_BUCKET is not set")
        endpoint, region = config.get("S3_ENDPOINT_URL"), config.get("S3_REGION")
        return S3Storage(
            _s3_client(endpoint, region), config["S3_BUCKET"],
            endpoint=endpoint, region=region, public_url=config.get("S3_PUBLIC_URL"),
        )
    raise StorageError(f"unknown STORAGE_BACKEND {backend!r}")


# --- keeping files and rows in step --------------------------------------------------------

_SAVED = "storage_saved"  # keys saved in this transaction: deleted on rollback
_UNUSED = "storage_unused"  # keys no longer used: deleted on commit


def delete_on_rollback(session: Session, keys: Iterable[str]) -> None:
    """Delete the files ``keys`` (just saved) if ``session``'s transaction rolls back."""
    session.info.setdefault(_SAVED, []).extend(keys)


def forget_saved(session: Session, keys: Iterable[str]) -> None:
    """Stop tracking ``keys`` registered by :func:`delete_on_rollback` (already deleted)."""
    gone = set(keys)
    if _SAVED in session.info:
        session.info[_SAVED] = [key for key in session.info[_SAVED] if key not in gone]


def delete_after_commit(session: Session, keys: Iterable[str]) -> None:
    """Delete the files ``keys`` once ``session`` commits (they stay if it rolls back)."""
    session.info.setdefault(_UNUSED, []).extend(keys)


def delete_quietly(keys: Iterable[str]) -> None:
    """Delete files, logging failures: a leftover file is harmless, a failed request is not."""
    storage = get_storage()
    for key in keys:
        try:
            storage.delete(key)
        except Exception:
            current_app.logger.exception("could not delete media file %s", key)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(_SAVED, None)
    unused = session.info.pop(_UNUSED, None)
    if unused:
        delete_quietly(unused)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.parent is not None:
        return  # a savepoint: the outer transaction decides
    session.info.pop(_UNUSED, None)
    saved = session.info.pop(_SAVED, None)
    if saved:
        delete_quietly(saved)
