"""Month arithmetic: ranges and distances between months."""

import datetime

from lib import months

JULY = datetime.date(2009, 7, 1)


def test_a_range_of_months_runs_across_a_year_end_and_is_empty_backwards():
    march = datetime.date(2010, 3, 1)
    assert months.month_range(JULY, march)[::4] == [
        JULY,
        datetime.date(2009, 11, 1),
        march,
    ]
    assert len(months.month_range(JULY, march)) == 9
    assert months.month_range(JULY, JULY) == [JULY]
    assert months.month_range(march, JULY) == []


def test_months_between_counts_whole_months_either_way():
    assert months.months_between(JULY, datetime.date(2010, 3, 31)) == 8
    assert months.months_between(datetime.date(2010, 3, 1), JULY) == -8
    assert months.quarter_months(JULY) == months.month_range(
        JULY, datetime.date(2009, 9, 1)
    )
