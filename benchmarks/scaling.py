"""The scaling table: the same pages, and the import, on plans of several sizes.

Each size is written `a<actions>m<closed months>`, with `p<plans>` for an installation
holding that many plans (the measured one and the others beside it), e.g. `a200m36p20`;
`plans20` is short for it. A size's plans have three milestones per action, a fifth as
many recommendations and 0.3 officers per action (the large plan's proportions), and are
generated once: `large_plan_generate` is idempotent, so a second run reuses them. They
stay in the database, so a later run measures every size beside them.

Every page operation (`Operation.page`) is measured on each size's plan; the import is
measured once per spreadsheet size (as many rows as the size has actions). A page's query
count must be the same at every size; its time may grow only with the rows it shows.
Each page is requested once before it is measured, so that pages that cache are compared
in the same state (cached) at every size.
"""

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from typing import Any

from . import bench
from .generator import GeneratedPlan, Sizes, large_plan_generate
from .spreadsheet import spreadsheet_xlsx

DEFAULT_SIZES = "a50m36,a200m36,a800m36,a200m12,a200m120,plans20"
IMPORT = "import_preview_confirm"
_SIZE = re.compile(r"a(\d+)m(\d+)(?:p(\d+))?")
_PLANS = re.compile(r"plans(\d+)")  # plans20 is a200m36p20


@dataclass(frozen=True)
class ScaleSize:
    label: str
    actions: int
    months: int
    plans: int = 1

    @property
    def sizes(self) -> Sizes:
        return Sizes(
            recommendations=max(1, self.actions // 5),
            actions=self.actions,
            milestones=3 * self.actions,
            officers=max(8, self.actions * 3 // 10),
            months=self.months,
        )

    @property
    def slug(self) -> str:
        return f"bench-scale-a{self.actions}-m{self.months}"

    @property
    def import_rows(self) -> int:
        return self.actions

    def as_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "plans": self.plans,
            "actions": self.actions,
            "milestones": self.sizes.milestones,
            "months": self.months,
            "import_rows": self.import_rows,
        }


def sizes_parse(text: str) -> list[ScaleSize]:
    """`a50m36,a200m36,a200m36p20,plans20` as sizes; ValueError for anything else."""
    sizes = []
    for label in filter(None, (part.strip() for part in text.split(","))):
        alias = _PLANS.fullmatch(label)
        match = _SIZE.fullmatch(f"a200m36p{alias[1]}" if alias else label)
        if match is None or int(match[1]) < 1 or int(match[2]) < 1:
            raise ValueError(
                f"{label!r} is not a size like a200m36 or a200m36p20 (or plans20)"
            )
        actions, months, plans = match[1], match[2], match[3] or 1
        sizes.append(ScaleSize(label, int(actions), int(months), max(1, int(plans))))
    if not sizes:
        raise ValueError("no sizes")
    return sizes


def plans_generate(size: ScaleSize, *, seed: int, log=lambda _: None) -> GeneratedPlan:
    """The size's measured plan and the other plans of its installation (idempotent).
    Each plan has users of its own: a generated user is linked to one plan's officer."""
    prefix = f"bscale-a{size.actions}m{size.months}"
    for index in range(1, size.plans):
        log(f"  other plan {index} of {size.plans - 1} ...")
        large_plan_generate(
            slug=f"{size.slug}-other-{index:02d}",
            seed=seed + index,
            sizes=size.sizes,
            user_prefix=f"{prefix}o{index:02d}",
        )
    return large_plan_generate(
        slug=size.slug, seed=seed, sizes=size.sizes, user_prefix=prefix
    )


def scaling_run(
    *,
    sizes: list[ScaleSize],
    seed: int,
    runs: int,
    only: Collection[str] = (),
    log: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Generate each size and measure the pages and the import on it: the JSON figures
    under "sizes" (what each size is) and "operations" (per operation, per size)."""
    operations: dict[str, dict[str, Any]] = {}
    imported_rows: set[int] = set()
    for size in sizes:
        log(f"Scaling {size.label}: generating {size.slug} (idempotent) ...")
        generated = plans_generate(size, seed=seed, log=log)
        target = bench.Target(slug=size.slug, usernames=generated.usernames)
        spreadsheet = _spreadsheet(size.import_rows, seed)
        for operation in bench.operations(spreadsheet):
            if not (operation.page or operation.name == IMPORT):
                continue
            if only and operation.name not in only:
                continue
            entry = operations.setdefault(
                operation.name,
                {"description": operation.description, "sizes": {}},
            )
            if operation.name == IMPORT:
                if size.import_rows in imported_rows:
                    continue  # measured already at this number of rows
                imported_rows.add(size.import_rows)
            if operation.page:
                # One request first: a page that caches (the dashboard, the public
                # month) is then counted as most readers find it, at every size.
                bench.query_count(operation, target)
            # Memory is the main table's business; here only time and queries.
            result = bench.measure(
                replace(operation, memory=False), target, runs=runs, log=log
            )
            entry["sizes"][size.label] = _cell(result)
    for entry in operations.values():
        entry["queries_constant"] = _constant(entry["sizes"].values())
    return {
        "sizes": {size.label: size.as_dict() for size in sizes},
        "operations": operations,
    }


def _spreadsheet(rows: int, seed: int) -> Callable[[], bytes]:
    made: list[bytes] = []

    def spreadsheet() -> bytes:
        if not made:
            made.append(spreadsheet_xlsx(rows=rows, seed=seed))
        return made[0]

    return spreadsheet


def _cell(result: bench.Result) -> dict[str, Any]:
    data = result.as_dict()
    cell = {key: data[key] for key in ("available", "median_s", "max_s", "queries")}
    if result.note:
        cell["note"] = result.note
    return cell


def _constant(cells) -> bool | None:
    """True when every size gave the same query count; None with fewer than two."""
    counts = [cell["queries"] for cell in cells]
    if len(counts) < 2:
        return None
    return None not in counts and len(set(counts)) == 1


def scaling_table(scaling: dict[str, Any]) -> str:
    """Rows are operations, columns sizes; a cell is "median ms/queries"."""
    labels = list(scaling["sizes"])
    width = max(13, *(len(label) + 2 for label in labels))
    lines = ["Scaling: median ms / SQL queries per size (a actions, m closed months,"]
    lines.append("p plans in the installation)")
    for label, size in scaling["sizes"].items():
        lines.append(
            f"  {label}: {size['plans']} plan(s) of {size['actions']} actions, "
            f"{size['milestones']} milestones, {size['months']} closed months "
            f"({size['slug']}); import of {size['import_rows']} rows"
        )
    lines.append("")
    lines.append(
        f"{'operation':<26}"
        + "".join(f"{label:>{width}}" for label in labels)
        + f"{'queries constant':>18}"
    )
    for name, entry in scaling["operations"].items():
        cells = []
        for label in labels:
            cell = entry["sizes"].get(label)
            if cell is None:
                text = "–"
            elif not cell["available"] or cell["median_s"] is None:
                text = "n/a"
            else:
                text = f"{cell['median_s'] * 1000:.0f}/{cell['queries']}"
            cells.append(f"{text:>{width}}")
        constant = {True: "yes", False: "NO", None: "–"}[entry["queries_constant"]]
        lines.append(f"{name:<26}" + "".join(cells) + f"{constant:>18}")
    notes = [
        f"  {name} at {label}: {cell['note']}"
        for name, entry in scaling["operations"].items()
        for label, cell in entry["sizes"].items()
        if cell.get("note")
    ]
    return "\n".join(lines + notes) + "\n"
