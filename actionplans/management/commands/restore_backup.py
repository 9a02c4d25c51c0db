from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.test.utils import override_settings


class Command(BaseCommand):
    help = (
        "Restore a backup written by `dumpdata` (see README), history included. "
        "Run it on an empty, migrated database."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", help="JSON file written by dumpdata")

    def handle(self, *args, **options):
        # The backup already holds every history row. Loading it sets many-to-many
        # relations, which would otherwise write a second, false history row for each.
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            call_command("loaddata", options["backup"], verbosity=options["verbosity"])
