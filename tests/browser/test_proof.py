"""Proof behind the status, as a new user meets it on the Leeds plan in Chromium: the lead of
4.2 sets 4.2 (b) to Blue and is refused for want of evidence, attaches a PDF and submits;
the chief officer opens the evidence from the sign-off page and approves; a measure from
seed 001 shows on the summary and as a chart; a viewer of another plan gets 404 for the
evidence. The pages have no WCAG violations, at desktop and phone widths."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from actionplans.models import (
    Action,
    Evidence,
    Measure,
    PlanMembership,
    ProgressUpdate,
)
from tests import factories

pytestmark = pytest.mark.browser

# A small but real PDF: the upload check reads the content, not the name.
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


def _milestone_section(page, label: str):
    return page.locator("section", has=page.get_by_role("heading", name=label))


def test_blue_needs_evidence_which_the_chief_opens_before_approving(
    demo, sign_in, tmp_path, settings, assert_accessible
):
    settings.MEDIA_ROOT = tmp_path
    action = Action.objects.get(plan__slug="leeds-iwc", number="4.2")
    b = action.milestones.get(label="(b)")

    lead = sign_in("lead")
    lead.set_viewport_size({"width": 1366, "height": 900})
    lead.goto(reverse("actionplans:update_form", args=["leeds-iwc", action.pk]))
    section = _milestone_section(lead, "4.2 (b)")
    section.get_by_label("Actual finish").fill("15/09/2009")
    section.get_by_label("Status", exact=True).select_option(
        label="Blue – Action completed and success criteria met"
    )
    section.get_by_label("Progress").fill("Staff needing each competency identified.")
    lead.get_by_role("button", name="Continue to check and submit").click()

    summary = lead.locator(".error-summary")
    expect(summary).to_contain_text("Blue means the success criteria are met")
    assert not ProgressUpdate.objects.filter(
        milestone=b, workflow_state=ProgressUpdate.Workflow.SUBMITTED
    ).exists()
    assert_accessible(lead, "the update form refusing Blue")

    _milestone_section(lead, "4.2 (b)").get_by_role(
        "button", name="Add evidence for 4.2 (b)"
    ).click()
    expect(lead.get_by_role("heading", level=1)).to_contain_text("Evidence for 4.2 (b)")
    lead.get_by_label("Title").fill("Training needs analysis")
    lead.get_by_label("Date it refers to").fill("14/09/2009")
    lead.get_by_label("File").set_input_files(
        {"name": "training-needs.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    lead.get_by_role("button", name="Add evidence").click()
    expect(
        lead.get_by_role("link", name="Training needs analysis", exact=True)
    ).to_be_visible()
    assert_accessible(lead, "the evidence page")
    evidence = Evidence.objects.get(update__milestone=b)
    assert evidence.content_type == "application/pdf"

    lead.get_by_role("link", name="Back to the update form").click()
    section = _milestone_section(lead, "4.2 (b)")
    expect(section).to_contain_text("Training needs analysis")
    # The draft kept the values; with the evidence, Blue is what the rules propose.
    expect(section.get_by_label("Status", exact=True)).to_have_value(
        str(action.plan.statuses.get(label="Blue").pk)
    )
    lead.get_by_role("button", name="Continue to check and submit").click()
    lead.get_by_role("button", name="Submit for sign-off").click()
    expect(lead.locator("body")).to_contain_text("sent for sign-off")
    assert (
        ProgressUpdate.objects.get(milestone=b, period__month__month=9).workflow_state
        == ProgressUpdate.Workflow.SUBMITTED
    )

    chief = sign_in("chief")
    chief.goto(reverse("actionplans:signoff_decide", args=["leeds-iwc", action.pk]))
    link = chief.get_by_role("link", name="Training needs analysis", exact=True)
    expect(link).to_be_visible()
    with chief.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "training-needs.pdf"
    assert Path(download.value.path()).read_bytes() == PDF
    assert_accessible(chief, "the sign-off page with evidence")
    chief.get_by_role("button", name="Approve").first.click()
    assert (
        ProgressUpdate.objects.get(milestone=b, period__month__month=9).workflow_state
        == ProgressUpdate.Workflow.APPROVED
    )

    # Someone with a role on another plan only: the evidence does not exist for them.
    outsider = get_user_model().objects.create_user(
        "outsider", password="actionplans-demo"
    )
    factories.make_member(
        factories.make_plan(slug="elsewhere"), outsider, PlanMembership.Role.VIEWER
    )
    other = sign_in("outsider")
    response = other.goto(reverse("evidence:download", args=[evidence.pk]))
    assert response.status == 404


@pytest.mark.parametrize("width", [1366, 390])
def test_a_seed_measure_shows_on_the_summary_and_as_a_chart(
    demo, sign_in, width, assert_accessible
):
    measure = Measure.objects.get(
        plan__slug="leeds-iwc", name__icontains="timely review"
    )
    viewer = sign_in("viewer")
    viewer.set_viewport_size({"width": width, "height": 900})
    viewer.goto(reverse("reporting:report", args=["leeds-iwc", "summary"]))
    table = viewer.locator("table", has_text=measure.name)
    expect(table).to_contain_text("63%")
    expect(table).to_contain_text("80% by March 2010")
    assert_accessible(viewer, f"the summary with measures at {width}px")
    viewer.goto(reverse("reporting:measures", args=["leeds-iwc"]))
    chart = viewer.locator("svg[role=img]").first
    expect(chart).to_be_visible()
    assert_accessible(viewer, f"the measures report at {width}px")
