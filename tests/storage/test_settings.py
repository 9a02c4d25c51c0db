"""Django's default storage follows the STORAGES setting, so the S3 fixture is real."""

from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.test import override_settings
from storages.backends.s3 import S3Storage

from imports.models import Upload


def test_the_s3_fixture_makes_the_bucket_the_default_storage(s3):
    assert isinstance(storages["default"], S3Storage)
    assert default_storage.bucket_name == s3.name
    assert Upload._meta.get_field("file").storage.bucket_name == s3.name


def test_the_default_storage_changes_with_storages_and_back(s3, settings):
    """Every user of default_storage (uploads' FileField too) sees each change."""
    on_disk = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    with override_settings(STORAGES=settings.STORAGES | {"default": on_disk}):
        assert isinstance(default_storage, FileSystemStorage)
        assert isinstance(Upload._meta.get_field("file").storage, FileSystemStorage)
    assert isinstance(default_storage, S3Storage)
    assert default_storage.bucket_name == s3.name
