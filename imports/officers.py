"""Reading officer cells: "Hilary Paxton (Head of Adult Safeguarding)", "Head of Safeguarding - AH",
"Brian Ratner, Jim Traynor (Service Delivery Managers)", "Director of Adult Social Services".

Pure functions: a cell gives a list of `OfficerName`s and never raises. Matching them to the
officers already in the database is imports/matching.py's job.
"""

import re
from dataclasses import dataclass

# Words that mark a job title or a body rather than a person's name.
_ROLE_WORDS = {
    "officer",
    "officers",
    "director",
    "directors",
    "head",
    "manager",
    "managers",
    "board",
    "chief",
    "executive",
    "executives",
    "team",
    "unit",
    "lead",
    "leads",
    "coordinator",
    "co-ordinator",
    "group",
    "partnership",
    "partners",
    "service",
    "services",
    "assistant",
    "deputy",
    "commissioning",
    "council",
    "nhs",
    "trust",
    "member",
    "members",
    "chair",
    "panel",
    "committee",
    "department",
    "directorate",
    "programme",
    "project",
    "safeguarding",
    "of",
    "and",
    "for",
    "the",
}
_INITIALS = r"[A-Z][A-Za-z]{0,3}(?:-[A-Z]{1,2})?"
_DUDLEY = re.compile(
    rf"(?P<role>\S.*?)\s+[-–]\s*(?P<initials>{_INITIALS})(?=\s+[A-Z]|\s*$|\s*[,;])"
)
_NAME_WORD = re.compile(
    r"[A-Z][a-z]*(?:['’-][A-Z]?[a-z]+)*|[A-Z][a-z]*[A-Z][a-z]+|[A-Z]\.?"
)


@dataclass(frozen=True)
class OfficerName:
    name: str = ""
    role_title: str = ""
    initials: str = ""

    def __str__(self) -> str:
        return officer_label(self.name, self.role_title, self.initials)


def officer_label(name: str, role_title: str, initials: str) -> str:
    """How one officer is written in a cell; officers_parse reads it back."""
    role = f"{role_title} - {initials}" if initials else role_title
    if name and role:
        return f"{name} ({role})"
    return name or role


def officers_parse(text: object) -> list[OfficerName]:
    """Every officer a cell names, in order, without duplicates."""
    try:
        found = []
        for chunk in re.split(r"[\n;]+", "" if text is None else str(text)):
            found.extend(_chunk(" ".join(chunk.split()).strip(" ,.")))
        return list(
            dict.fromkeys(officer for officer in found if officer != OfficerName())
        )
    except Exception:  # noqa: BLE001 - a cell that defeats the rules is kept whole, as a role.
        cleaned = " ".join(str(text).split())[:255]
        return [OfficerName(role_title=cleaned)] if cleaned else []


def is_person_name(text: str) -> bool:
    words = text.split()
    if not 2 <= len(words) <= 4:
        return False
    if any(word.lower().strip(",.") in _ROLE_WORDS for word in words):
        return False
    return all(_NAME_WORD.fullmatch(word.strip(",")) for word in words)


def _chunk(chunk: str) -> list[OfficerName]:
    if not chunk:
        return []
    if _DUDLEY.search(chunk):
        return _dudley(chunk)
    return [officer for segment in _segments(chunk) for officer in _segment(segment)]


def _dudley(chunk: str) -> list[OfficerName]:
    officers, position = [], 0
    for match in _DUDLEY.finditer(chunk):
        before = chunk[position : match.start()].strip(" ,")
        if before:
            officers.extend(_chunk(before))
        # Dudley names roles, not people: a parenthesised part before the initials
        # ("Chief Officer (Resources) - AB") is part of the role.
        role = match["role"].strip(" ,")
        officers.append(OfficerName(role_title=role, initials=match["initials"]))
        position = match.end()
    rest = chunk[position:].strip(" ,")
    if rest:
        officers.extend(_chunk(rest))
    return officers


def _segments(chunk: str) -> list[str]:
    """Split after each closing bracket that ends an entry: "A (x) B (y)" -> ["A (x)", "B (y)"]."""
    segments, depth, start = [], 0, 0
    for index, char in enumerate(chunk):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
            if depth == 0:
                following = chunk[index + 1 :].lstrip(" ,")
                if following[:1].isupper():
                    segments.append(chunk[start : index + 1])
                    start = len(chunk) - len(following)
    segments.append(chunk[start:])
    return [segment.strip(" ,") for segment in segments if segment.strip(" ,")]


def _segment(segment: str) -> list[OfficerName]:
    prefix, inside = segment, ""
    if segment.endswith(")") and "(" in segment:
        depth = 0
        for index in range(len(segment) - 1, -1, -1):
            if segment[index] == ")":
                depth += 1
            elif segment[index] == "(":
                depth -= 1
                if depth == 0:
                    prefix, inside = (
                        segment[:index].strip(),
                        segment[index + 1 : -1].strip(),
                    )
                    break
    parts = [part.strip() for part in prefix.split(",") if part.strip()]
    if not parts:
        return [OfficerName(role_title=inside)] if inside else []
    names = [part for part in parts if is_person_name(part)]
    if len(names) == len(parts):
        role = inside
        if len(names) > 1:
            role = _singular(role)
        return [OfficerName(name=name, role_title=role) for name in names]
    # The last part is a role ("Dennis Holmes, Deputy Director (Strategic Commissioning)").
    role = parts[-1] + (f" ({inside})" if inside else "")
    people = parts[:-1]
    if people and all(is_person_name(part) for part in people):
        return [OfficerName(name=name, role_title=role) for name in people]
    return [OfficerName(role_title=part) for part in parts[:-1]] + [
        OfficerName(role_title=role)
    ]


def _singular(role: str) -> str:
    words = role.split()
    if words and words[-1].endswith("s") and not words[-1].endswith("ss"):
        words[-1] = words[-1][:-1]
    return " ".join(words)
