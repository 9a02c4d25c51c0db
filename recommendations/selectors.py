"""What an inspection said, as the plan page, the public page and committee reports show it."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch

from .models import Inspection, Judgment, Recommendation


@dataclass(frozen=True)
class RecommendationLine:
    number: str
    text: str


@dataclass(frozen=True)
class JudgmentLine:
    area: str
    grade: str
    # The recommendations that answer this area, in number order.
    recommendations: list[RecommendationLine] = field(default_factory=list)

    @property
    def recommendations_label(self) -> str:
        return ", ".join(rec.number for rec in self.recommendations) or "–"


@dataclass(frozen=True)
class InspectionSummary:
    inspectorate: str
    title: str
    published_on: datetime.date | None
    rating: str
    judgments: list[JudgmentLine]
    key_strengths: str
    areas_for_development: str
    # Recommendations not linked to a judgment area.
    unlinked: list[RecommendationLine]

    @property
    def published_label(self) -> str:
        """ "27 October 2008", as committee reports print it."""
        if not self.published_on:
            return ""
        return f"{self.published_on.day} {self.published_on:%B %Y}"

    @property
    def unlinked_label(self) -> str:
        return ", ".join(rec.number for rec in self.unlinked)

    @property
    def has_judgments(self) -> bool:
        return bool(self.judgments or self.key_strengths or self.areas_for_development)


def inspection_summary(*, inspection_id: int) -> InspectionSummary:
    """The inspection's graded judgments with the recommendations answering each, its
    strengths and areas for development. Two queries, whatever the size of the plan."""
    recommendations = Recommendation.objects.order_by("sort_key")
    inspection = (
        Inspection.objects.prefetch_related(
            Prefetch(
                "judgments",
                queryset=Judgment.objects.order_by("order", "area"),
            ),
            Prefetch("recommendations", queryset=recommendations),
        )
        .only(
            "inspectorate",
            "title",
            "published_on",
            "rating",
            "key_strengths",
            "areas_for_development",
        )
        .get(pk=inspection_id)
    )
    by_judgment: dict[int | None, list[RecommendationLine]] = {}
    for rec in inspection.recommendations.all():
        line = RecommendationLine(rec.number, rec.text)
        by_judgment.setdefault(rec.judgment_id, []).append(line)
    return InspectionSummary(
        inspectorate=inspection.inspectorate,
        title=inspection.title,
        published_on=inspection.published_on,
        rating=inspection.rating,
        judgments=[
            JudgmentLine(j.area, j.grade, by_judgment.get(j.pk, []))
            for j in inspection.judgments.all()
        ],
        key_strengths=inspection.key_strengths,
        areas_for_development=inspection.areas_for_development,
        unlinked=by_judgment.get(None, []),
    )
