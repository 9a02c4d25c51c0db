import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('organisations', '0001_initial'),
        ('recommendations', '0004_inspection_organisation_fill'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='historicalinspection',
            name='organisation_name',
        ),
        migrations.RemoveField(
            model_name='inspection',
            name='organisation_name',
        ),
        migrations.AlterField(
            model_name='inspection',
            name='organisation',
            field=models.ForeignKey(help_text='The council inspected: it owns the plans that answer the inspection.', on_delete=django.db.models.deletion.PROTECT, related_name='inspections', to='organisations.organisation'),
        ),
    ]
