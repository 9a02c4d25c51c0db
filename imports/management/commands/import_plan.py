from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from actionplans.models import ActionPlan
from imports.dates import month_from_text
from imports.document import NewPlan
from imports.services import ImportOptions, plan_import_confirm, plan_import_preview


class Command(BaseCommand):
    help = (
        "Import a whole plan from an xlsx or csv file (Leeds or Dudley layout). Prints the "
        "preview; exits non-zero on any error (warnings alone do not fail it)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--layout", choices=["leeds", "dudley"])
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--plan", help="An existing plan's id or slug.")
        target.add_argument("--new-plan", metavar="TITLE", help="Create a plan.")
        parser.add_argument(
            "--owner", default="", help="New plan: council and service."
        )
        parser.add_argument("--inspectorate", default="", help="New plan: e.g. CQC.")
        parser.add_argument(
            "--month", help='The month "This month" reports on, e.g. 2009-08.'
        )
        parser.add_argument(
            "--close-month",
            action="store_true",
            help="The file is the month's final report: close it and open the next.",
        )
        parser.add_argument("--user", help="Username recorded in the history.")
        parser.add_argument("--dry-run", action="store_true", help="Preview only.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        month = None
        if options["month"]:
            try:
                month = month_from_text(options["month"])
            except ValueError as exc:
                raise CommandError(f"--month {options['month']!r}: {exc}") from exc
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No such user: {options['user']}")
        import_options = ImportOptions(
            layout=options["layout"],
            this_month=month,
            close_this_month=options["close_month"],
        )
        if options["plan"]:
            key = options["plan"]
            plans = ActionPlan.objects.all()
            plan = (
                plans.filter(pk=int(key)).first()
                if key.isdigit()
                else plans.filter(slug=key).first()
            )
            if plan is None:
                raise CommandError(f"No such plan: {key}")
            import_options.plan = plan
        else:
            import_options.new_plan = NewPlan(
                title=options["new_plan"],
                owner=options["owner"] or "Not stated",
                inspectorate=options["inspectorate"] or "Not stated",
            )
        run = plan_import_preview if options["dry_run"] else plan_import_confirm
        result = run(
            data=path.read_bytes(),
            filename=path.name,
            options=import_options,
            user=user,
        )
        for line in result.lines():
            self.stdout.write(line)
        if not result.ok:
            raise CommandError(
                f"{len(result.errors)} error(s): nothing was written. Correct the file "
                "and run the command again."
            )
        if result.saved:
            self.stdout.write(self.style.SUCCESS(f"Imported into {result.plan.slug}."))
        else:
            self.stdout.write("Dry run: nothing was written.")
