from lib.text import DiffPart, word_diff


def _render(parts: list[DiffPart]) -> str:
    marks = {"same": "{}", "added": "[+{}]", "removed": "[-{}]"}
    return "".join(marks[part.kind].format(part.text) for part in parts)


def test_a_word_diff_marks_only_the_words_that_changed():
    parts = word_diff(
        "Recruitment of 10 posts is on track.", "Recruitment of 8 posts is on track."
    )
    assert _render(parts) == "Recruitment of [-10 ][+8 ]posts is on track."


def test_a_word_diff_keeps_words_apart_where_a_text_ended_without_a_space():
    parts = word_diff("Agreed framework. Partners signed.", "Agreed framework.")
    assert _render(parts) == "Agreed framework.[- Partners signed.]"


def test_a_word_diff_ignores_a_change_of_spacing_alone_and_keeps_line_breaks():
    parts = word_diff("Panel booked.\nNext: May.", "Panel  booked.\nNext: June.")
    assert [p.kind for p in parts] == ["same", "removed", "added"]
    assert parts[0].text == "Panel  booked.\nNext: "
    assert word_diff("", "New text.") == [DiffPart("New text.", "added")]
