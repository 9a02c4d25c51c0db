"""Numbers sort as people read them, whatever is typed into a number cell."""

from hypothesis import given
from hypothesis import strategies as st

from recommendations.numbering import number_sort_key


def test_reading_order():
    numbers = ["11.1", "2.10 (a)", "2.10", "2.9", "1.1", "4.2 (b)", "4.2 (a)", "4.2"]
    assert sorted(numbers, key=number_sort_key) == [
        "1.1",
        "2.9",
        "2.10",
        "2.10 (a)",
        "4.2",
        "4.2 (a)",
        "4.2 (b)",
        "11.1",
    ]


@given(st.text(max_size=60))
def test_any_text_gets_a_key_that_fits_the_column(text):
    key = number_sort_key(text)
    assert isinstance(key, str)
    assert (
        len(key) <= 100 or len(text) > 40
    )  # the column is 100 wide; numbers are short


@given(st.lists(st.integers(min_value=0, max_value=999), min_size=1, max_size=4))
def test_numeric_parts_compare_as_numbers(parts):
    number = ".".join(map(str, parts))
    bigger = ".".join(map(str, [*parts[:-1], parts[-1] + 1]))
    assert number_sort_key(number) < number_sort_key(bigger)
    assert number_sort_key(number) < number_sort_key(f"{number} (a)")
