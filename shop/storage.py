"""Stored files (photos, logos) under server-generated keys.

``local`` (the default) keeps them under ``instance/media``; an ``s3`` backend
arrives with product photos. Keys are made by :func:`new_key`, never from a
user's file name.
"""
from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app, url_for


class StorageError(RuntimeError):
    pass


def new_key(prefix: str, extension: str) -> str:
    """``prefix/ab/abcdef....ext``: unguessable, spread over folders."""
    token = secrets.token_hex(16)
    return f"{prefix}/{token[:2]}/{token}.{extension.lstrip('.')}"


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise StorageError(f"key escapes the media folder: {key}")
        return path

    def save(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".part")
        tmp.write_bytes(data)
        tmp.replace(path)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def path_for(self, key: str) -> Path:
        return self._path(key)

    def url(self, key: str) -> str:
        return url_for("main.media", key=key)


def get_storage() -> LocalStorage:
    backend = current_app.config["STORAGE_BACKEND"]
    if backend != "local":
        raise StorageError(f"unknown STORAGE_BACKEND {backend!r}")
    root = current_app.config.get("MEDIA_ROOT") or Path(current_app.instance_path) / "media"
    return LocalStorage(Path(root))
