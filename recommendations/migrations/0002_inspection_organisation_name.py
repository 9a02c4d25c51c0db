from django.db import migrations


class Migration(migrations.Migration):
    """Step 1 of making the inspected council an Organisation: keep the old text aside."""

    dependencies = [
        ("recommendations", "0001_initial"),
    ]

    operations = [
        migrations.RenameField("inspection", "organisation", "organisation_name"),
        migrations.RenameField("historicalinspection", "organisation", "organisation_name"),
    ]
