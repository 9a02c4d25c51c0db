"""Nothing internal reaches a public page, its HTML source or its PDF: the texts of every
internal field and of every exempt item are searched for in the public output."""

import io

import pytest
from django.test import TestCase
from django.urls import reverse
from pypdf import PdfReader

from publishing.services import publication_settings_save

from .conftest import (
    CHIEF,
    EVIDENCE,
    EXEMPT_ACTION_PROGRESS,
    EXEMPT_ACTION_TEXT,
    EXEMPT_MILESTONE_PROGRESS,
    EXEMPT_MILESTONE_TEXT,
    LEAD,
    OPEN_PROGRESS,
    PERIOD_RISK,
    RISK,
)

pytestmark = pytest.mark.django_db

EXEMPT = [
    EXEMPT_ACTION_TEXT,
    EXEMPT_ACTION_PROGRESS,
    EXEMPT_MILESTONE_TEXT,
    EXEMPT_MILESTONE_PROGRESS,
]
INTERNAL = [LEAD, CHIEF, RISK, PERIOD_RISK, EVIDENCE, *EXEMPT, OPEN_PROGRESS]


def _public_html(client, plan) -> str:
    """Both public pages of the plan, as served."""
    pages = [
        client.get(reverse("publishing:public_plan", args=[plan.slug])),
        client.get(reverse("publishing:public_month", args=[plan.slug, "2009-08"])),
    ]
    assert [page.status_code for page in pages] == [200, 200]
    return "\n".join(page.content.decode() for page in pages)


def _pdf_text(client, plan) -> str:
    response = client.get(
        reverse("publishing:public_month_pdf", args=[plan.slug, "2009-08"])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


def _show_all(published, **changes) -> None:
    values = {
        "shows_risks": True,
        "shows_officers": True,
        "shows_evidence": True,
        "exempt_action_ids": [published.a13.pk],
        "exempt_milestone_ids": [published.m12b.pk],
    }
    # The save forgets the pages last served once it commits (the test's transaction
    # never does: run what it left for then).
    with TestCase.captureOnCommitCallbacks(execute=True):
        publication_settings_save(
            plan=published.plan, user=published.coordinator, **(values | changes)
        )


def test_by_default_no_internal_field_or_exempt_item_is_in_the_html(client, published):
    html = _public_html(client, published.plan)
    for text in INTERNAL:
        assert text not in html, text
    # What is public is there.
    for text in [
        "Meet partners to secure commitment.",
        "Partners met in August.",
        "Post advertised.",
        "Advert placed in August.",
        "Investigate concerns urgently.",
        "Safeguarding adults",
        "Poor",
        "Strong partnership working.",
        "Safeguarding practice.",
        "Adequate, promising capacity to improve",
    ]:
        assert text in html, text


def test_by_default_no_internal_field_or_exempt_item_is_in_the_pdf(client, published):
    text = _pdf_text(client, published.plan)
    assert "Partners met in August." in text
    assert "August 2009" in text
    for internal in INTERNAL:
        assert internal not in text, internal


def test_allowed_fields_appear_when_their_setting_is_on(client, published):
    _show_all(published)
    html = _public_html(client, published.plan)
    for text in [LEAD, CHIEF, RISK, PERIOD_RISK, EVIDENCE]:
        assert text in html, text
    for text in [*EXEMPT, OPEN_PROGRESS]:
        assert text not in html, text
    pdf = _pdf_text(client, published.plan)
    for text in [LEAD, RISK, EVIDENCE]:
        assert text in pdf, text
    for text in EXEMPT:
        assert text not in pdf, text


@pytest.mark.parametrize(
    ("setting", "texts"),
    [
        ("shows_risks", [RISK, PERIOD_RISK]),
        ("shows_officers", [LEAD, CHIEF]),
        ("shows_evidence", [EVIDENCE]),
    ],
)
def test_each_setting_keeps_its_own_field_back(client, published, setting, texts):
    _show_all(published, **{setting: False})
    html = _public_html(client, published.plan)
    for text in texts:
        assert text not in html, text


def test_an_exempt_action_takes_its_milestones_with_it(client, published):
    _show_all(published, exempt_action_ids=[published.a12.pk], exempt_milestone_ids=[])
    html = _public_html(client, published.plan)
    assert "Post advertised." not in html
    assert EXEMPT_MILESTONE_TEXT not in html
    # No longer exempt, the action is published.
    assert EXEMPT_ACTION_TEXT in html


def test_a_setting_changed_after_a_page_was_cached_changes_the_page(client, published):
    url = reverse("publishing:public_month", args=[published.plan.slug, "2009-08"])
    assert RISK not in client.get(url).content.decode()
    _show_all(published)
    assert RISK in client.get(url).content.decode()
    _show_all(published, shows_risks=False)
    assert RISK not in client.get(url).content.decode()


def test_marking_an_item_exempt_after_a_page_was_cached_removes_it(client, published):
    url = reverse("publishing:public_month", args=[published.plan.slug, "2009-08"])
    assert "Post advertised." in client.get(url).content.decode()
    _show_all(published, exempt_milestone_ids=[published.m12a.pk, published.m12b.pk])
    assert "Post advertised." not in client.get(url).content.decode()


def test_an_exempt_item_leaves_the_pdf_made_before(client, published):
    assert "Post advertised." in _pdf_text(client, published.plan)
    _show_all(published, exempt_milestone_ids=[published.m12a.pk, published.m12b.pk])
    assert "Post advertised." not in _pdf_text(client, published.plan)
