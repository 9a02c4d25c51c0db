import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reminders.emails import digest_subject
from reminders.services import reminders_send


class Command(BaseCommand):
    help = (
        "Send the reminders and escalations due today (or on --date). Safe to run "
        "twice, or on two machines at once: nothing is sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="The day to run for, YYYY-MM-DD (default: today, Europe/London).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print who would get what; send and record nothing.",
        )

    def handle(self, *args, date=None, dry_run=False, **options):
        try:
            on = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}.") from None
        digests = reminders_send(on=on, dry_run=dry_run)
        verb = "Would send" if dry_run else "Queued"
        for digest in digests:
            self.stdout.write(
                f"{verb} {digest.kind} digest to {digest.address}: "
                f"{digest_subject(digest)}"
            )
        self.stdout.write(f"{on:%d/%m/%Y}: {len(digests)} digest(s).")
