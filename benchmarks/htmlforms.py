"""The fields a browser would send for the forms of a page, read with the standard library.

The benchmark and the load test post forms the way a user does: they read the page, keep
every value it shows (hidden version numbers, the CSRF token, selected options, checked
radios, textareas) and add the button they press.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[str] = field(default_factory=list)

    def data(self, button: str | None = None) -> dict[str, str]:
        values = dict(self.fields)
        if button:
            values[button] = "1"
        return values


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: tuple[str, list[tuple[str, bool]]] | None = None
        self._option: list | None = None
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._form = Form(
                attrs.get("action", ""), attrs.get("method", "get").lower()
            )
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                if kind == "submit":
                    self._form.buttons.append(name)
                return
            if kind in {"radio", "checkbox"} and "checked" not in attrs:
                return
            self._form.fields.append(
                (
                    name,
                    attrs.get("value", "on" if kind in {"radio", "checkbox"} else ""),
                )
            )
        elif tag == "button" and name:
            self._form.buttons.append(name)
        elif tag == "select" and name:
            self._select = (name, [])
        elif tag == "option" and self._select is not None:
            self._option = [attrs.get("value"), "selected" in attrs, []]
        elif tag == "textarea" and name:
            self._textarea = (name, [])

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)
        if self._option is not None:
            self._option[2].append(data)

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None and self._select is not None:
            value, selected, text = self._option
            self._select[1].append(
                (value if value is not None else "".join(text).strip(), selected)
            )
            self._option = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, options = self._select
            chosen = [value for value, selected in options if selected]
            if chosen or options:
                self._form.fields.append((name, (chosen or [options[0][0]])[0]))
            self._select = None
        elif (
            tag == "textarea" and self._textarea is not None and self._form is not None
        ):
            name, text = self._textarea
            value = "".join(text)
            # Browsers drop the one newline that follows <textarea>.
            self._form.fields.append(
                (name, value[1:] if value.startswith("\n") else value)
            )
            self._textarea = None
        elif tag == "form":
            self._form = None


def forms_parse(html: str) -> list[Form]:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.forms


def form_with_button(html: str, button: str) -> Form | None:
    """The first form of the page that has a button with that name."""
    return next((f for f in forms_parse(html) if button in f.buttons), None)


def as_a_lead_sends(
    data: dict[str, str], *, status_instead: dict[str, str]
) -> dict[str, str]:
    """An update form's data as a lead sends it: a status the generated plan cannot
    prove replaced (`status_instead`, by status id), and a reason given for keeping a
    status a rule would change (the form asks for one only then)."""
    sent = {}
    for name, value in data.items():
        if name.endswith("status"):
            value = status_instead.get(value, value)
        elif name.endswith("status_reason") and not value:
            value = "Agreed with the chief officer at the monthly review."
        sent[name] = value
    return sent
