"""An admin imports the Dudley spreadsheet through the browser, as a council would."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from actionplans.models import ActionPlan

pytestmark = pytest.mark.browser

DATA = Path(settings.BASE_DIR) / "tests" / "data"


@pytest.fixture
def admin_only(transactional_db, settings):
    """Demo users, but no plans yet: the Dudley plan arrives by spreadsheet."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("admin", "", "actionplans-demo")


def _upload(page, path: Path):
    page.goto("/plans/import/new/")
    page.get_by_label("Plan title").fill("CQC Adult Social Care Inspection Action Plan")
    page.get_by_label("Council", exact=True).fill("Dudley MBC")
    page.get_by_label("Council and service").fill("Dudley MBC, DACHS")
    page.get_by_label("Inspectorate").fill("CQC")
    page.get_by_label("Spreadsheet").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()


def test_import_preview_confirm_reimport_and_a_broken_file(
    admin_only, sign_in, assert_accessible
):
    admin = sign_in("admin")
    _upload(admin, DATA / "dudley-cqc.xlsx")
    expect(
        admin.get_by_role("heading", name="Check the import of dudley-cqc.xlsx")
    ).to_be_visible()
    assert_accessible(admin, "import preview")
    assert not ActionPlan.objects.exists()  # nothing written before confirming
    admin.get_by_role("button", name="Confirm and import").click()
    plan = ActionPlan.objects.get()
    assert plan.actions.count() == 80
    expect(admin.get_by_text("15.1")).to_be_visible()

    # Re-importing the same file into the plan changes nothing.
    admin.goto(f"/plans/{plan.slug}/import/")
    admin.get_by_label("Spreadsheet").set_input_files(str(DATA / "dudley-cqc.xlsx"))
    admin.get_by_role("button", name="Check the file").click()
    history = plan.actions.model.history.count()
    admin.get_by_role("button", name="Confirm and import").click()
    assert plan.actions.model.history.count() == history

    # A broken file is explained, with its row, and nothing is written.
    _upload(admin, DATA / "broken" / "duplicate-numbers.xlsx")
    expect(admin.get_by_text("There is a problem")).to_be_visible()
    errors = admin.locator(".error-summary").inner_text()
    assert "row" in errors.lower()
    assert_accessible(admin, "import preview with errors")
    assert ActionPlan.objects.count() == 1


def test_export_then_import_elsewhere_gives_the_same_plan(demo, sign_in, tmp_path):
    viewer = sign_in("viewer")
    viewer.goto("/plans/leeds-iwc/")
    with viewer.expect_download() as download:
        viewer.get_by_role("link", name="Export (xlsx)").click()
    exported = tmp_path / "leeds.xlsx"
    download.value.save_as(exported)
    numbers = sorted(
        ActionPlan.objects.get(slug="leeds-iwc").actions.values_list(
            "number", flat=True
        )
    )
    call_command(
        "import_plan",
        str(exported),
        "--new-plan",
        "Leeds again",
        "--month",
        "2009-08",
        stdout=io.StringIO(),
    )
    again = ActionPlan.objects.exclude(slug__in=["leeds-iwc", "dudley-cqc"]).get()
    assert sorted(again.actions.values_list("number", flat=True)) == numbers
