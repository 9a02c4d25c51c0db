import datetime
import decimal

import pytest

from actionplans.models import Measure, MeasureTarget, MeasureValue
from tests.actionplans.conftest import Cycle


@pytest.fixture
def cycle(db):
    """August closed, September open; action 1.8 with milestones (a) and (b)."""
    return Cycle()


def make_measure(plan, name="Timely reviews", *, targets=(), **fields) -> Measure:
    """A measure with targets given as (label, value, due)."""
    values = {
        "unit": Measure.Unit.PERCENT,
        "baseline_value": decimal.Decimal("63"),
        "baseline_date": datetime.date(2008, 3, 31),
    }
    measure = Measure.objects.create(plan=plan, name=name, **(values | fields))
    for label, value, due in targets:
        MeasureTarget.objects.create(
            measure=measure, label=label, value=decimal.Decimal(value), due=due
        )
    return measure


def make_value(measure, period, value) -> MeasureValue:
    return MeasureValue.objects.create(
        measure=measure, period=period, value=decimal.Decimal(value)
    )
