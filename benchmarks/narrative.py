"""Text of realistic length for the generated plan, drawn from the seeds' distributions.

The distributions were measured once, at development time, on the Leeds August 2009
progress report (shared/seeds/001, as transcribed in fixtures/leeds-iwc/actions.json): the
196 progress and 196 risk narratives of its actions and milestones, split into sentences at
". ", "! ", "? " and line breaks. They are hard-coded here because CI has no seeds folder.

Progress narratives in the seed: 60 empty, 93 short (three words or fewer: "COMPLETED",
"On target"), 43 long; a long one has 1–12 sentences (counts below) of 1–79 words.
Risk narratives: 104 empty, 90 short, 2 long (one and two sentences).
Aims, actions and success criteria: one to four sentences of about 6–27 words.
"""

import random

# (value, how many times the seed has it)
PROGRESS_SENTENCES = [(1, 7), (2, 12), (3, 13), (4, 4), (5, 4), (6, 1), (9, 1), (12, 1)]
PROGRESS_WORDS = [
    (1, 10), (2, 2), (3, 3), (4, 1), (5, 2), (6, 1), (7, 9), (8, 6), (9, 9), (10, 10),
    (11, 13), (12, 2), (13, 10), (14, 8), (15, 4), (16, 7), (17, 5), (18, 3), (19, 4),
    (20, 3), (21, 5), (22, 4), (23, 2), (24, 3), (25, 1), (29, 1), (34, 1), (35, 1),
    (50, 1), (57, 1), (79, 1),
]  # fmt: skip
PROGRESS_KIND = [("empty", 60), ("short", 93), ("long", 43)]
RISK_KIND = [("empty", 104), ("short", 90), ("long", 2)]
RISK_SENTENCES = [(1, 1), (2, 1)]
RISK_WORDS = [(11, 1), (13, 1), (16, 1)]
# Aim / action / success criteria: sentences per text and words per sentence (deciles).
ITEM_SENTENCES = [(1, 58), (2, 18), (3, 9), (4, 2)]
ITEM_WORDS = [
    (6, 1), (8, 1), (10, 1), (12, 1), (14, 1), (16, 1), (17, 1), (19, 1), (22, 1),
    (25, 1),
]  # fmt: skip

SHORT_PROGRESS = ["COMPLETED", "On target", "On track", "Ongoing", "In progress"]
SHORT_RISK = ["COMPLETED", "None", "No risk", "Low", "None identified"]

# Words of the seed's narratives, so that the text wraps in reports like the real thing.
VOCABULARY = [
    "safeguarding",
    "partnership",
    "board",
    "review",
    "performance",
    "quality",
    "assurance",
    "framework",
    "training",
    "programme",
    "staff",
    "partners",
    "carers",
    "service",
    "users",
    "advocacy",
    "providers",
    "commissioning",
    "strategy",
    "consultation",
    "procedures",
    "protocol",
    "governance",
    "approval",
    "NHS",
    "Leeds",
    "monitoring",
    "arrangements",
    "implementation",
    "workforce",
    "development",
    "competencies",
    "multi-agency",
    "practice",
    "standards",
    "baseline",
    "information",
    "preventative",
    "services",
    "directorate",
    "managers",
    "report",
    "monthly",
    "scrutiny",
    "analysis",
    "older",
    "people",
    "providers",
    "health",
    "social",
    "care",
    "policy",
    "agreed",
    "completed",
    "progressing",
    "delayed",
    "target",
    "timescale",
    "risk",
    "resources",
    "funding",
    "secondment",
    "recruitment",
    "audit",
    "outcomes",
    "independence",
    "wellbeing",
    "choice",
    "assessment",
    "support",
    "plans",
    "personalisation",
    "direct",
    "payments",
    "budgets",
    "pilot",
    "evaluation",
    "team",
    "meeting",
    "stakeholders",
    "action",
    "plan",
    "milestone",
]


def _pick(rng: random.Random, table: list[tuple]) -> object:
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights=weights)[0]


# A cell starting with a column's name ("Action …", "Risk …") can read as a header row.
_NOT_FIRST = {"action", "risk", "outcomes", "timescale", "target", "plan", "plans"}
_FIRST_WORDS = [word for word in VOCABULARY if word not in _NOT_FIRST]


def sentence(rng: random.Random, words: int) -> str:
    chosen = [rng.choice(VOCABULARY) for _ in range(max(1, words))]
    chosen[0] = rng.choice(_FIRST_WORDS)
    chosen[0] = chosen[0].capitalize()
    return " ".join(chosen) + "."


def paragraph(rng: random.Random, sentences_table, words_table) -> str:
    count = _pick(rng, sentences_table)
    return " ".join(sentence(rng, _pick(rng, words_table)) for _ in range(count))


def item_text(rng: random.Random) -> str:
    """An aim, action text or success criterion."""
    return paragraph(rng, ITEM_SENTENCES, ITEM_WORDS)


def progress_text(rng: random.Random) -> str:
    kind = _pick(rng, PROGRESS_KIND)
    if kind == "empty":
        return ""
    if kind == "short":
        return rng.choice(SHORT_PROGRESS)
    return paragraph(rng, PROGRESS_SENTENCES, PROGRESS_WORDS)


def risk_text(rng: random.Random) -> str:
    kind = _pick(rng, RISK_KIND)
    if kind == "empty":
        return ""
    if kind == "short":
        return rng.choice(SHORT_RISK)
    return paragraph(rng, RISK_SENTENCES, RISK_WORDS)
