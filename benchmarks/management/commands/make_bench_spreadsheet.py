"""Write the import benchmark's spreadsheet: a large plan in the Leeds layout.

python manage.py make_bench_spreadsheet --rows 1000 --output bench-1000.xlsx
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from benchmarks.spreadsheet import spreadsheet_rows, spreadsheet_xlsx


class Command(BaseCommand):
    help = "Write a Leeds-layout spreadsheet of about --rows rows (deterministic)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=2009)
        parser.add_argument("--output", required=True)

    def handle(self, *args, **options):
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"--output: the folder {output.parent} does not exist.")
        output.write_bytes(spreadsheet_xlsx(rows=options["rows"], seed=options["seed"]))
        count = len(spreadsheet_rows(rows=options["rows"], seed=options["seed"]))
        self.stdout.write(
            f"Wrote {count} rows (Leeds layout, August 2009) to {output}."
        )
