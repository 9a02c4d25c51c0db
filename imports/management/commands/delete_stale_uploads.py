import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from imports.models import UPLOAD_LIFETIME, Upload


class Command(BaseCommand):
    help = (
        "Delete uploaded spreadsheets that were previewed but never imported, once older "
        "than --hours. Safe to run as often as you like (cron: hourly or daily)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=int,
            default=int(UPLOAD_LIFETIME / datetime.timedelta(hours=1)),
            help="Delete uploads older than this many hours (default: %(default)s).",
        )

    def handle(self, *args, **options):
        hours = options["hours"]
        if hours < 0:
            raise CommandError("--hours must be 0 or more.")
        stale = Upload.objects.stale(
            now=timezone.now(), lifetime=datetime.timedelta(hours=hours)
        )
        _, deleted = stale.delete()
        count = deleted.get(Upload._meta.label, 0)
        self.stdout.write(f"Deleted {count} stale upload(s).")
