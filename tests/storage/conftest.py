"""S3-compatible object storage for the storage tests: moto's server on 127.0.0.1.

The server speaks S3 over real HTTP, so django-storages and boto3 run exactly as they do
against a real bucket; only the endpoint differs.
"""

import uuid
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
import requests
from moto.server import ThreadedMotoServer

KEYS = {"access_key": "storage-tests", "secret_key": "storage-tests-secret"}


@dataclass
class Bucket:
    name: str
    endpoint: str
    client: Any  # boto3's S3 client, to look at the bucket without Django

    def keys(self, prefix: str = "") -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.name, Prefix=prefix)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def body(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def http_status(self, url: str) -> int:
        """The status of a plain GET with no credentials, as a browser would send."""
        return requests.get(url, timeout=10).status_code


@pytest.fixture(scope="session")
def moto_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(moto_endpoint, settings) -> Bucket:
    """A new, empty bucket of this test's own, made Django's default storage with the
    options config/settings.py gives a real one. Changing STORAGES through the settings
    fixture resets django.core.files.storage.default_storage (Django's setting_changed
    receiver), at the start of the test and again at its end."""
    bucket = Bucket(
        name=f"tests-{uuid.uuid4().hex[:12]}",
        endpoint=moto_endpoint,
        client=boto3.client(
            "s3",
            endpoint_url=moto_endpoint,
            region_name="us-east-1",
            aws_access_key_id=KEYS["access_key"],
            aws_secret_access_key=KEYS["secret_key"],
        ),
    )
    bucket.client.create_bucket(Bucket=bucket.name)
    settings.STORAGES = settings.STORAGES | {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket.name,
                "endpoint_url": moto_endpoint,
                "region_name": "us-east-1",
                **KEYS,
                "location": "",
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        }
    }
    return bucket
