"""The s3 storage backend against moto's S3 server on 127.0.0.1."""
from __future__ import annotations

import itertools
import socket
from collections.abc import Iterator

import boto3
import pytest
from moto.server import ThreadedMotoServer
from sqlalchemy import func, select

from catalog.images import add_photo
from catalog.products.models import ProductImage
from shop.extensions import db
from shop.storage import S3Storage, StorageError, get_storage
from tests.factories import make_product, make_sentra, png_bytes

_buckets = itertools.count(1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def aws_env(monkeypatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def use_s3(app, monkeypatch, endpoint: str, bucket: str, public_url: str | None = None) -> None:
    for name, value in {
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": "us-east-1",
        "S3_PUBLIC_URL": public_url,
    }.items():
        monkeypatch.setitem(app.config, name, value)


@pytest.fixture
def bucket(app, monkeypatch, s3_endpoint, aws_env) -> str:
    name = f"pasar-sentra-test-{next(_buckets)}"
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1").create_bucket(Bucket=name)
    use_s3(app, monkeypatch, s3_endpoint, name)
    return name


def keys_in(endpoint: str, bucket: str) -> set[str]:
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    return {item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", [])}


def test_s3_backend_is_chosen_by_config(bucket):
    assert isinstance(get_storage(), S3Storage)


def test_s3_client_is_made_once_per_app(bucket):
    assert get_storage().client is get_storage().client


def test_save_exists_delete_round_trip(bucket, s3_endpoint):
    storage = get_storage()
    storage.save("products/ab/photo.webp", b"RIFF....WEBP", "image/webp")
    assert storage.exists("products/ab/photo.webp")
    body = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1").get_object(
        Bucket=bucket, Key="products/ab/photo.webp"
    )
    assert body["Body"].read() == b"RIFF....WEBP" and body["ContentType"] == "image/webp"
    storage.delete("products/ab/photo.webp")
    assert not storage.exists("products/ab/photo.webp")


def test_missing_key_does_not_exist(bucket):
    assert not get_storage().exists("products/none/such.webp")


def test_read_returns_the_bytes_and_a_missing_key_is_a_storage_error(bucket):
    storage = get_storage()
    storage.save("surveys/ab/photo.webp", b"RIFF....WEBP", "image/webp")
    assert storage.read("surveys/ab/photo.webp") == b"RIFF....WEBP"
    with pytest.raises(StorageError):
        storage.read("surveys/none/such.webp")


def test_url_is_endpoint_bucket_and_key(bucket, s3_endpoint):
    assert get_storage().url("products/ab/x.webp") == f"{s3_endpoint}/{bucket}/products/ab/x.webp"


def test_url_uses_public_url_when_set(app, monkeypatch, bucket, s3_endpoint):
    use_s3(app, monkeypatch, s3_endpoint, bucket, public_url="https://cdn.pasarsentra.test/media/")
    assert get_storage().url("products/ab/x.webp") == "https://cdn.pasarsentra.test/media/products/ab/x.webp"


@pytest.mark.parametrize("public_url", [None, "https://cdn.pasarsentra.test/media/"])
def test_a_key_after_the_url_prefix_is_the_keys_url(app, monkeypatch, bucket, s3_endpoint, public_url):
    use_s3(app, monkeypatch, s3_endpoint, bucket, public_url=public_url)
    storage = get_storage()
    assert storage.url_prefix() + "products/ab/x.webp" == storage.url("products/ab/x.webp")


@pytest.mark.parametrize(("base", "prefix"), [("http://localhost", "/media/"),
                                              ("https://pasar.example/pasar", "/pasar/media/")])
def test_a_key_after_the_local_url_prefix_is_the_keys_url_under_any_script_root(app, base, prefix):
    with app.test_request_context(base_url=base):
        for _ in range(2):  # the second from the memo of built URLs
            storage = get_storage()
            assert storage.url_prefix() == prefix
            assert storage.url_prefix() + "products/ab/x.webp" == storage.url("products/ab/x.webp")


def test_add_photo_stores_three_objects_in_the_bucket(bucket, s3_endpoint):
    product = make_product(make_sentra())
    image = add_photo(product, png_bytes(1200, 900))
    db.session.commit()
    assert keys_in(s3_endpoint, bucket) == set(image.keys)


def test_rollback_after_add_photo_removes_the_objects(bucket, s3_endpoint):
    product = make_product(make_sentra())
    db.session.commit()
    add_photo(product, png_bytes())
    db.session.rollback()
    assert keys_in(s3_endpoint, bucket) == set()


def test_unreachable_s3_makes_add_photo_raise_storage_error_and_leaves_no_row(app, monkeypatch, aws_env):
    product = make_product(make_sentra())
    db.session.commit()
    use_s3(app, monkeypatch, f"http://127.0.0.1:{free_port()}", "nobody-listens")
    with pytest.raises(StorageError):
        add_photo(product, png_bytes())
    db.session.rollback()
    assert db.session.scalar(select(func.count(ProductImage.id))) == 0


def test_missing_bucket_makes_add_photo_raise_storage_error(app, monkeypatch, s3_endpoint, aws_env):
    product = make_product(make_sentra())
    use_s3(app, monkeypatch, s3_endpoint, "no-such-bucket")
    with pytest.raises(StorageError, match="no-such-bucket"):
        add_photo(product, png_bytes())
    assert product.images == []
