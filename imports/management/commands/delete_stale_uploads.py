import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from imports.models import UPLOAD_LIFETIME, Upload
from imports.services import upload_delete, upload_files_sweep


class Command(BaseCommand):
    help = (
        "Delete uploaded spreadsheets that were previewed but never imported, and their "
        "files, once older than --hours; and stored upload files that no upload names. "
        "Safe to run as often as you like (cron: hourly or daily)."
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
        now, lifetime = timezone.now(), datetime.timedelta(hours=hours)
        stale = list(Upload.objects.stale(now=now, lifetime=lifetime))
        for upload in stale:
            upload_delete(upload=upload)
        self.stdout.write(f"Deleted {len(stale)} stale upload(s).")
        swept = upload_files_sweep(before=now - lifetime)
        if swept:
            self.stdout.write(f"Deleted {swept} stored file(s) that no upload named.")
