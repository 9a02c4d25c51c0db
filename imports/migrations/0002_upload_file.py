"""Uploads keep their spreadsheet in the default storage rather than in the database.

Each existing row's bytes are written to a file, then the column is dropped. Reversible:
going back reads each file into the column again and deletes the file.
"""

from django.core.files.base import ContentFile
from django.db import migrations, models

import imports.models


def data_to_files(apps, schema_editor):
    Upload = apps.get_model("imports", "Upload")
    for upload in Upload.objects.all():
        upload.file.save(upload.filename, ContentFile(bytes(upload.data)), save=False)
        upload.save(update_fields=["file"])


def files_to_data(apps, schema_editor):
    Upload = apps.get_model("imports", "Upload")
    for upload in Upload.objects.all():
        try:
            with upload.file.open("rb") as stored:
                upload.data = stored.read()
        except (FileNotFoundError, ValueError):
            # A lost file (or none): confirming it would fail either way.
            upload.data = b""
        upload.save(update_fields=["data"])
        upload.file.delete(save=False)


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="upload",
            name="file",
            field=models.FileField(default="", upload_to=imports.models.upload_path),
            preserve_default=False,
        ),
        migrations.RunPython(data_to_files, files_to_data, elidable=True),
        # A default only so that going back can add the column to existing rows.
        migrations.AlterField(
            model_name="upload",
            name="data",
            field=models.BinaryField(default=b""),
        ),
        migrations.RemoveField(
            model_name="upload",
            name="data",
        ),
    ]
