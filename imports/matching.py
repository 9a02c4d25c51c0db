"""Matching the officers a spreadsheet names to the officers already in the database."""

from collections import Counter
from dataclasses import dataclass

from django.utils.text import slugify

from actionplans.models import Officer

from .columns import text_normal
from .officers import OfficerName, officer_label

Identity = tuple[str, str, str]  # name, role title, initials


@dataclass
class OfficerMatch:
    written: str
    officer: str
    how: str  # "existing", "matched by name", "new"


class OfficerRegistry:
    """Officers named in the file, matched to the plan's council's officers.

    Only the officers of `organisation_id` are candidates: every council has a "Director
    of Adult Social Services", and matching across councils would give one council's
    officer another council's actions (and with them its pages). No organisation (a
    council new to the installation): every officer is new.

    Exact name, role and initials first; then a named person by name alone (a role written
    a little differently is the same person); then a role (with initials) written with
    different spacing, case or punctuation. Anyone else is new. Each officer gets one key
    in the plan document, and every match is kept for the preview.
    """

    def __init__(self, *, organisation_id: int | None):
        self.known = list(Officer.objects.in_organisation(organisation_id))
        self.by_identity = {(o.name, o.role_title, o.initials): o for o in self.known}
        self.by_name: dict[str, list[Officer]] = {}
        self.by_role: dict[tuple[str, str], list[Officer]] = {}
        for officer in self.known:
            if officer.name:
                self.by_name.setdefault(text_normal(officer.name), []).append(officer)
            else:
                key = (text_normal(officer.role_title), officer.initials.lower())
                self.by_role.setdefault(key, []).append(officer)
        self.identities: dict[Identity, str] = {}
        self.seen: dict[OfficerName, Identity] = {}
        self.file_names: dict[str, Identity] = {}
        self.matches: list[OfficerMatch] = []
        self.keys: Counter = Counter()

    def key(self, written: OfficerName) -> str:
        """The plan document's key for the officer `written` names."""
        identity = self.seen.get(written)
        if identity is None:
            identity, how = self._match(written)
            self.seen[written] = identity
            self.matches.append(
                OfficerMatch(str(written), officer_label(*identity), how)
            )
        if identity not in self.identities:
            base = slugify(officer_label(*identity))[:60] or "officer"
            self.keys[base] += 1
            suffix = f"-{self.keys[base]}" if self.keys[base] > 1 else ""
            self.identities[identity] = base + suffix
        return self.identities[identity]

    def _match(self, written: OfficerName) -> tuple[Identity, str]:
        identity = (written.name, written.role_title, written.initials)
        if identity in self.by_identity:
            return identity, "existing"
        if written.name:
            name = text_normal(written.name)
            if name in self.file_names:
                return self.file_names[name], "matched by name"
            candidates = self.by_name.get(name, [])
            if len(candidates) == 1:
                found = candidates[0]
                identity = (found.name, found.role_title, found.initials)
                self.file_names[name] = identity
                return identity, "matched by name"
            self.file_names[name] = identity
            return identity, "new"
        candidates = self.by_role.get(
            (text_normal(written.role_title), written.initials.lower()), []
        )
        if len(candidates) == 1:
            found = candidates[0]
            return (found.name, found.role_title, found.initials), "existing"
        return identity, "new"

    def officers(self) -> list[dict[str, str]]:
        """The plan document's officers: every officer given a key."""
        return [
            {"key": key, "name": name, "role_title": role, "initials": initials}
            for (name, role, initials), key in self.identities.items()
        ]
