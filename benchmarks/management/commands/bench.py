"""The benchmark: the real workload on a large generated plan, as one table.

    python manage.py bench [--runs 5] [--json FILE] [--only NAME ...] [--no-load]
        [--scaling [--scaling-sizes a50m36,a200m36,...]] [--public-users 200]

It (re)generates the large plan (idempotent), times every page and operation in-process,
with --scaling the pages and the import again on plans of several sizes, then runs the
load test against gunicorn on 127.0.0.1 (signed-in users, then anonymous readers of the
public pages) unless --no-load. See README.md, "Benchmarks".
"""

import json
import os
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings

from actionplans.models import Action, Officer
from benchmarks import bench, scaling
from benchmarks.generator import PASSWORD, Sizes, large_plan_generate
from benchmarks.loadtest import Plan, load_run
from benchmarks.spreadsheet import spreadsheet_xlsx

SMALL = Sizes(recommendations=4, actions=10, milestones=30, officers=12, months=3)


class Command(BaseCommand):
    help = "Benchmark the pages, reports, PDFs, import and a load test on a large plan."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--json", dest="json_file", help="Also write JSON here.")
        parser.add_argument(
            "--only", nargs="+", default=[], metavar="NAME", help="Operations to run."
        )
        parser.add_argument(
            "--load", action=__import__("argparse").BooleanOptionalAction, default=True
        )
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument(
            "--public-users",
            type=int,
            default=200,
            help="Anonymous readers of the public pages after the load test (0: none).",
        )
        parser.add_argument("--duration", type=float, default=60)
        parser.add_argument("--workers", type=int, help="gunicorn workers (2×CPUs+1).")
        parser.add_argument("--slug", default="bench-large")
        parser.add_argument("--seed", type=int, default=2009)
        parser.add_argument("--import-rows", type=int, default=1000)
        parser.add_argument(
            "--sizes",
            default="",
            help="Plan sizes, e.g. actions=10,milestones=30,months=4 (tests use it).",
        )
        parser.add_argument(
            "--scaling",
            action="store_true",
            help="Also measure the pages and the import on plans of several sizes.",
        )
        parser.add_argument(
            "--scaling-sizes",
            default=scaling.DEFAULT_SIZES,
            help="Sizes for --scaling: a<actions>m<closed months>[p<plans>] or "
            f"plans<N>, comma-separated (default {scaling.DEFAULT_SIZES}).",
        )
        parser.add_argument(
            "--no-generate",
            action="store_true",
            help="Use the plan as it is (it must have been generated).",
        )

    def handle(self, *args, **options):
        # Stored PDFs go to a folder of the benchmark's own, shared with gunicorn's
        # workers in the load test, never the project's media folder.
        media = os.environ.get("BENCH_MEDIA_ROOT") or str(
            Path(tempfile.gettempdir()) / "actionplans-bench-media"
        )
        os.environ["MEDIA_ROOT"] = media
        with override_settings(MEDIA_ROOT=Path(media)):
            self._handle(options)

    def _handle(self, options):
        sizes = _sizes(options["sizes"])
        try:
            scaling_sizes = scaling.sizes_parse(options["scaling_sizes"])
        except ValueError as exc:
            raise CommandError(f"--scaling-sizes: {exc}.") from exc
        log = self.stderr.write
        started = time.perf_counter()
        if not options["no_generate"]:
            log(f"Generating {options['slug']} (idempotent) ...")
            generated = large_plan_generate(
                slug=options["slug"], seed=options["seed"], sizes=sizes
            )
            log(f"  {generated.counts}")
            usernames = generated.usernames
        else:
            usernames = {
                k: f"bench-{k}" for k in ("lead", "chief", "viewer", "coordinator")
            }
        small = large_plan_generate(
            slug=f"{options['slug']}-small",
            seed=options["seed"],
            sizes=SMALL,
            user_prefix="benchsmall",
        )
        rows = options["import_rows"]
        cache: dict[str, bytes] = {}

        def spreadsheet() -> bytes:
            if "xlsx" not in cache:
                cache["xlsx"] = spreadsheet_xlsx(rows=rows, seed=options["seed"])
            return cache["xlsx"]

        operations = bench.operations(spreadsheet)
        only = set(options["only"])
        unknown = only - {op.name for op in operations} - {"load", "scaling"}
        if unknown:
            raise CommandError(f"--only: no operation {', '.join(sorted(unknown))}.")
        results: dict[str, dict] = {}
        overrides = {
            "ALLOWED_HOSTS": [*settings.ALLOWED_HOSTS, "testserver"],
            "SECURE_SSL_REDIRECT": False,
        }
        with override_settings(**overrides):
            target = bench.Target(slug=options["slug"], usernames=usernames)
            small_target = bench.Target(slug=small.plan.slug, usernames=small.usernames)
            for operation in operations:
                if only and operation.name not in only:
                    continue
                log(f"{operation.name} ...")
                result = bench.measure(operation, target, runs=options["runs"], log=log)
                data = result.as_dict()
                if operation.page and result.available:
                    data["queries_small_plan"] = bench.query_count(
                        operation, small_target
                    )
                results[operation.name] = data
            if options["scaling"] and (not only or only - {"load"}):
                results["scaling"] = scaling.scaling_run(
                    sizes=scaling_sizes,
                    seed=options["seed"],
                    runs=options["runs"],
                    only=only - {"scaling", "load"},
                    log=log,
                )
        _floor_ratio(results)
        if options["load"] and (not only or "load" in only):
            log(f"Load test: {options['users']} users for {options['duration']} s ...")
            results.update(_load(options, target, usernames))
            if options["public_users"] > 0:
                log(
                    f"Public load test: {options['public_users']} anonymous readers "
                    f"for {options['duration']} s ..."
                )
                results.update(_load(options, target, usernames, public=True))
        meta = {
            "database": connection.vendor,
            "plan": options["slug"],
            "seed": options["seed"],
            "runs": options["runs"],
            "seconds": round(time.perf_counter() - started, 1),
        }
        self.stdout.write(_table(results, meta))
        if options["json_file"]:
            Path(options["json_file"]).write_text(
                json.dumps(results | {"_meta": meta}, indent=2, default=str) + "\n"
            )
            log(f"Wrote {options['json_file']}")


def _sizes(text: str) -> Sizes:
    values = {}
    for part in filter(None, text.split(",")):
        name, _, value = part.partition("=")
        if name.strip() not in Sizes.__dataclass_fields__:
            raise CommandError(f"--sizes: unknown size {name!r}.")
        values[name.strip()] = int(value)
    return Sizes(**values)


def _floor_ratio(results: dict) -> None:
    full = results.get("progress_html", {}).get("median_s")
    floor = results.get("progress_html_template_only", {}).get("median_s")
    if full and floor:
        results["progress_html"]["vs_floor"] = round(full / floor, 2)


def _load(options, target: bench.Target, usernames, *, public: bool = False) -> dict:
    """The load test's figures: `load:<page>` and the totals as `load`, or with `public`
    the anonymous readers' as `load_public:<page>` and `load_public`."""
    key = "load_public" if public else "load"
    if connection.vendor == "sqlite":
        return {
            key: {
                "available": False,
                "median_s": None,
                "max_s": None,
                "queries": None,
                "note": "not available: the load test needs PostgreSQL (DATABASE_URL); "
                "SQLite locks the whole file on every write",
            }
        }
    plan = target.plan
    leads: dict[str, list[int]] = {}
    for officer in (
        Officer.objects.filter(led_actions__plan=plan, user__isnull=False)
        .select_related("user")
        .distinct()
    ):
        leads[officer.user.username] = list(
            Action.objects.filter(plan=plan, leads=officer).values_list("pk", flat=True)
        )
    chiefs = sorted(
        {
            o.user.username
            for o in Officer.objects.filter(
                accountable_actions__plan=plan, user__isnull=False
            ).select_related("user")
        }
    )
    # The busy lead and the first chief first, so that a small run includes them.
    ordered_leads = dict(
        sorted(leads.items(), key=lambda kv: (kv[0] != usernames["lead"], kv[0]))
    )
    chiefs.sort(key=lambda name: (name != usernames["chief"], name))
    load_plan = Plan(
        slug=plan.slug,
        closed_month=target.period_key(target.latest_closed),
        open_month=target.period_key(target.open_period)
        if target.open_period
        else None,
        chief_officer_pk=target.chief_officer_pk(),
        password=PASSWORD,
        leads=ordered_leads,
        chiefs=chiefs,
        viewers=[usernames["viewer"]],
        status_instead=bench.unproven_status_instead(plan),
    )
    # gunicorn's workers open their own connections; ours must not hold locks meanwhile.
    connection.close()
    figures = load_run(
        plan=load_plan,
        users=options["public_users" if public else "users"],
        duration=options["duration"],
        workers=options["workers"],
        public=public,
    )
    results = {}
    for page, values in figures.pop("pages").items():
        results[f"{key}:{page}"] = values | {"queries": None}
    results[key] = {
        "median_s": None,
        "max_s": None,
        "queries": None,
        **figures,
    }
    return results


def _fmt(value, digits=3) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _table(results: dict, meta: dict) -> str:
    lines = [
        f"Benchmark on {meta['database']}, plan {meta['plan']} (seed {meta['seed']}), "
        f"{meta['runs']} runs per operation, {meta['seconds']} s in all.",
    ]
    measured = {
        name: data
        for name, data in results.items()
        if not name.startswith("load") and name != "scaling"
    }
    if measured:
        lines += [
            "",
            f"{'operation':<30}{'median s':>10}{'max s':>10}{'queries':>9}"
            f"{'small':>7}{'peak MB':>9}{'pages':>7}{'s/page':>8}  note",
        ]
    for name, data in measured.items():
        note = data.get("note", "")
        if "vs_floor" in data:
            note = f"{data['vs_floor']}× the template-only floor " + note
        for key in ("preview_s_runs", "confirm_s_runs"):
            if key in data:
                note += f" {key.removesuffix('_runs')}={data[key]}"
        lines.append(
            f"{name:<30}{_fmt(data.get('median_s')):>10}{_fmt(data.get('max_s')):>10}"
            f"{_fmt(data.get('queries')):>9}{_fmt(data.get('queries_small_plan')):>7}"
            f"{_fmt(data.get('peak_mb'), 1):>9}{_fmt(data.get('pages')):>7}"
            f"{_fmt(data.get('s_per_page')):>8}  {note}".rstrip()
        )
    for key, title in [("load", "Load test"), ("load_public", "Public load test")]:
        lines.extend(_load_table(results, key, title))
    if "scaling" in results:
        lines.extend(["", scaling.scaling_table(results["scaling"]).rstrip("\n")])
    return "\n".join(lines) + "\n"


def _load_table(results: dict, key: str, title: str) -> list[str]:
    load = results.get(key)
    if not load:
        return []
    if not load.get("available", True):
        return ["", f"{title}: {load['note']}"]
    users = "anonymous readers" if key == "load_public" else "users"
    lines = [
        "",
        f"{title}: {load['users']} {users}, {load['duration_s']} s, "
        f"gunicorn {load['workers']} sync workers: {load['requests']} requests, "
        f"{load['rps']} req/s, {load['errors']} errors"
        + (
            ""
            if key == "load_public"
            else f", {load['conflicts']} edit conflicts (409)"
        ),
        f"{'page':<30}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'errors':>8}",
    ]
    for name, data in results.items():
        if name.startswith(f"{key}:"):
            lines.append(
                f"{name.removeprefix(key + ':'):<30}{data['requests']:>9}"
                f"{data['p50_ms']:>9}{data['p95_ms']:>9}{data['p99_ms']:>9}"
                f"{data['errors']:>8}"
            )
    lines.extend(f"  error: {sample}" for sample in load.get("error_samples", []))
    return lines
