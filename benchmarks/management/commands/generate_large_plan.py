"""Build the benchmark's large plan, deterministically.

    python manage.py generate_large_plan [--slug bench-large] [--seed 2009]

Running it again with the same seed and sizes leaves the same data: it only puts the open
month (which the load test writes to) back as generated.
"""

import time

from django.core.management.base import BaseCommand

from benchmarks.generator import PASSWORD, Sizes, large_plan_generate


class Command(BaseCommand):
    help = "Create (or reset) a large generated plan for the benchmark."

    def add_arguments(self, parser):
        defaults = Sizes()
        parser.add_argument("--slug", default="bench-large")
        parser.add_argument("--seed", type=int, default=2009)
        parser.add_argument("--user-prefix", default="bench")
        for name in ("recommendations", "actions", "milestones", "officers", "months"):
            parser.add_argument(f"--{name}", type=int, default=getattr(defaults, name))

    def handle(self, *args, **options):
        sizes = Sizes(
            recommendations=options["recommendations"],
            actions=options["actions"],
            milestones=options["milestones"],
            officers=options["officers"],
            months=options["months"],
        )
        started = time.perf_counter()
        result = large_plan_generate(
            slug=options["slug"],
            seed=options["seed"],
            sizes=sizes,
            user_prefix=options["user_prefix"],
        )
        seconds = time.perf_counter() - started
        how = "Built" if result.rebuilt else "Reset the open month of"
        self.stdout.write(
            f"{how} plan {result.plan.slug} in {seconds:.1f} s: "
            + ", ".join(f"{n:,} {kind}" for kind, n in result.counts.items())
        )
        users = ", ".join(result.usernames.values())
        self.stdout.write(f"Users: {users} (and one per officer); password {PASSWORD}")
