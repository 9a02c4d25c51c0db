"""The cell parsers: dates, officers and statuses. Pure functions, never an exception."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imports.dates import date_from_cell, date_parse, month_from_text
from imports.officers import OfficerName, officer_label, officers_parse
from imports.statuses import status_parse

D = datetime.date


@pytest.mark.parametrize(
    ("text", "start", "finish"),
    [
        ("Sep-08", D(2008, 9, 1), D(2008, 9, 30)),
        ("Sept 08", D(2008, 9, 1), D(2008, 9, 30)),
        ("June-09", D(2009, 6, 1), D(2009, 6, 30)),
        ("April 09", D(2009, 4, 1), D(2009, 4, 30)),
        ("Oct 07", D(2007, 10, 1), D(2007, 10, 31)),
        ("Feb 08", D(2008, 2, 1), D(2008, 2, 29)),
        ("End March 2010", D(2010, 3, 1), D(2010, 3, 31)),
        ("End 2010", D(2010, 12, 31), D(2010, 12, 31)),
        ("December 2009 and June 2010", D(2009, 12, 1), D(2010, 6, 30)),
        ("2009/10", D(2009, 4, 1), D(2010, 3, 31)),
        ("Q3 2009/10", D(2009, 10, 1), D(2009, 12, 31)),
        ("Q4 2009/10", D(2010, 1, 1), D(2010, 3, 31)),
        ("Agreed Sept 08", D(2008, 9, 1), D(2008, 9, 30)),
        ("First audit November 2009", D(2009, 11, 1), D(2009, 11, 30)),
        ("30.07.09", D(2009, 7, 30), D(2009, 7, 30)),
        ("16/09/2009", D(2009, 9, 16), D(2009, 9, 16)),
    ],
)
def test_dates_as_councils_write_them(text, start, finish):
    assert date_parse(text, role="start").date == start
    assert date_parse(text, role="finish").date == finish


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("Completed", "completed"),
        ("Commenced and ongoing", "in progress"),
        ("In progress", "in progress"),
        ("In place", "in place"),
    ],
)
def test_words_become_notes_never_dates(text, note):
    reading = date_parse(text)
    assert (reading.date, reading.kind, reading.note) == (None, "word", note)
    assert not reading.is_warning


@pytest.mark.parametrize("text", ["Summer 2001", "2010", "soon", "13/13/13"])
def test_text_that_is_not_a_date_is_a_warning(text):
    reading = date_parse(text)
    assert reading.date is None and reading.is_warning


def test_agreed_is_kept_as_a_note_beside_its_date():
    assert date_parse("Agreed Sept 08").note == "agreed"


def test_real_date_cells_keep_their_exact_date_whatever_their_format():
    """A day shown as "Jan-26" is still that day; its text names the day exactly."""
    assert date_from_cell(D(2026, 1, 5), month_format=True, role="start") == (
        D(2026, 1, 5),
        "05/01/2026",
    )
    assert date_from_cell(D(2026, 3, 20), month_format=True, role="finish") == (
        D(2026, 3, 20),
        "20/03/2026",
    )
    assert date_from_cell(D(2008, 9, 12), month_format=False) == (
        D(2008, 9, 12),
        "12/09/2008",
    )
    for day, text in [(D(2026, 1, 5), "05/01/2026"), (D(2026, 3, 20), "20/03/2026")]:
        assert date_parse(text, role="finish").date == day


def test_a_month_typed_into_excel_is_the_whole_month():
    """Excel stores "Sep-08" as 1 September shown as a month: a month, like the text."""
    assert date_from_cell(D(2008, 9, 1), month_format=True, role="finish") == (
        D(2008, 9, 30),
        "Sep-08",
    )
    assert date_from_cell(D(2008, 9, 1), month_format=True, role="start") == (
        D(2008, 9, 1),
        "Sep-08",
    )
    assert date_from_cell(D(2008, 9, 1), month_format=False, role="finish") == (
        D(2008, 9, 1),
        "01/09/2008",
    )


@pytest.mark.parametrize(
    "text", ["August 2009", "Aug-09", "aug 2009", "08/2009", "2009-08", " 8/2009 "]
)
def test_a_month_typed_in_a_form_or_command(text):
    assert month_from_text(text) == D(2009, 8, 1)


@pytest.mark.parametrize(
    "text", ["", "Summer", "2009-13", "13/2009", "Completed", "2009"]
)
def test_a_month_that_cannot_be_read_is_a_value_error_that_says_what_to_type(text):
    with pytest.raises(ValueError, match="for example August 2009"):
        month_from_text(text)


@settings(max_examples=300)
@given(st.one_of(st.text(), st.none(), st.integers(), st.floats(), st.dates()))
def test_any_input_gives_a_reading_and_never_an_exception(value):
    for role in ("start", "finish"):
        reading = date_parse(value, role=role)
        assert reading.kind in {"empty", "date", "word", "unreadable"}
        assert (reading.date is not None) == (reading.kind == "date")


@given(
    st.dates(min_value=D(1990, 1, 1), max_value=D(2060, 12, 1)),
    st.sampled_from(["%b-%y", "%b %Y", "%B %Y", "End %B %Y", "%d/%m/%Y"]),
)
def test_a_written_date_reads_back_within_its_month(day, pattern):
    reading = date_parse(day.strftime(pattern), role="finish")
    assert reading.date is not None
    assert (reading.date.year, reading.date.month) == (day.year, day.month)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Hilary Paxton (Head of Adult Safeguarding)",
            [OfficerName("Hilary Paxton", "Head of Adult Safeguarding")],
        ),
        ("Head of Safeguarding - AH", [OfficerName("", "Head of Safeguarding", "AH")]),
        (
            "Head of HR Personnel - SH Head of Safeguarding - AH",
            [
                OfficerName("", "Head of HR Personnel", "SH"),
                OfficerName("", "Head of Safeguarding", "AH"),
            ],
        ),
        (
            "Brian Ratner, Jim Traynor (Service Delivery Managers) Hilary Paxton "
            "(Head of Adult Safeguarding)",
            [
                OfficerName("Brian Ratner", "Service Delivery Manager"),
                OfficerName("Jim Traynor", "Service Delivery Manager"),
                OfficerName("Hilary Paxton", "Head of Adult Safeguarding"),
            ],
        ),
        (
            "Chief Officer (Access and Inclusion) Chief Officer (Learning Disability)",
            [
                OfficerName("", "Chief Officer (Access and Inclusion)"),
                OfficerName("", "Chief Officer (Learning Disability)"),
            ],
        ),
        (
            "Dennis Holmes, Deputy Director (Strategic Commissioning)",
            [OfficerName("Dennis Holmes", "Deputy Director (Strategic Commissioning)")],
        ),
        (
            "Director of Adult Social Services",
            [OfficerName("", "Director of Adult Social Services")],
        ),
        (
            "DPCT Director of Patient Experience - SD; DGH Director of Nursing - DMcM",
            [
                OfficerName("", "DPCT Director of Patient Experience", "SD"),
                OfficerName("", "DGH Director of Nursing", "DMcM"),
            ],
        ),
        (
            "Head of Policy & Performance – SA-P",
            [OfficerName("", "Head of Policy & Performance", "SA-P")],
        ),
        ("", []),
    ],
)
def test_officer_cells(text, expected):
    assert officers_parse(text) == expected


@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                ["", "Hilary Paxton", "Tim O'Shea", "Stuart Cameron-Strickland"]
            ),
            st.sampled_from(
                [
                    "Head of Safeguarding",
                    "Chief Officer (Resources)",
                    "Director of Adult Social Services",
                ]
            ),
            st.sampled_from(["", "AH", "SA-P"]),
        ).filter(lambda o: not (o[0] and o[2])),
        max_size=4,
        unique=True,
    )
)
def test_officer_labels_read_back_as_the_same_officers(officers):
    text = "\n".join(officer_label(*officer) for officer in officers)
    assert [
        (o.name, o.role_title, o.initials) for o in officers_parse(text)
    ] == officers


@given(st.text())
def test_any_officer_cell_gives_a_list(text):
    assert isinstance(officers_parse(text), list)


@pytest.mark.parametrize(
    ("text", "label", "direction"),
    [
        ("Green", "Green", ""),
        ("Orange with up arrow", "Amber", "improving"),
        ("Orange with double arrow", "Amber", "no_change"),
        ("Grey hatched", "Grey", ""),
        ("↑", None, "improving"),
        ("↔", None, "no_change"),
        ("↓", None, "deteriorating"),
        ("Red ↓", "Red", "deteriorating"),
        ("", None, ""),
    ],
)
def test_status_cells(text, label, direction):
    reading = status_parse(text)
    assert (reading.label, reading.direction, reading.warning) == (label, direction, "")


def test_a_fill_colour_gives_the_status_when_the_cell_has_no_word():
    assert status_parse("↑", fill="FF92D050").label == "Green"
    assert status_parse("", fill="FFFFC000").label == "Amber"


def test_a_status_cell_that_is_not_a_status_is_a_warning():
    assert status_parse("COMPLETED").warning
    assert status_parse("█").warning


@given(st.text(), st.one_of(st.none(), st.text(max_size=10)))
def test_any_status_cell_gives_a_reading(text, fill):
    reading = status_parse(text, fill=fill)
    assert reading.direction in {"", "improving", "no_change", "deteriorating"}
