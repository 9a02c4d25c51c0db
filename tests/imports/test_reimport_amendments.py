"""Re-importing a plan does not move its agreed dates, wording or officers silently: the
preview lists each difference as an amendment, and confirming records them as approved
amendments decided by the uploader, all or none."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from actionplans.models import (
    Action,
    Amendment,
    ItemRecord,
    Milestone,
    PlanMembership,
    ReportingPeriod,
)
from imports.exporting import plan_export_csv
from imports.models import Upload
from imports.services import ImportOptions, plan_import_confirm, plan_import_preview
from tests import factories

from .helpers import import_new, plan_in_use, read, row_counts

pytestmark = pytest.mark.django_db

day = datetime.date
JULY, AUGUST = day(2009, 7, 1), day(2009, 8, 1)


def _edited(content: bytes, *replacements: tuple[str, str]) -> bytes:
    text = content.decode("utf-8-sig")
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text.encode()


# In plan_in_use's export: 1.2 (a)'s finish (not the action's last: 1.2 still finishes
# with (b) in December) and 2.1's wording.
FINISH = ("01/05/2009,31/07/2009,15/07/2009", "01/05/2009,31/10/2009,15/07/2009")
WORDING = ("Publish the new plan", "Publish and launch the new plan")


def _milestone(plan, label: str = "(a)") -> Milestone:
    return Milestone.objects.get(action__plan=plan, action__number="1.2", label=label)


def _import(plan, content: bytes, *, user=None, filename="plan.csv", preview=False):
    run = plan_import_preview if preview else plan_import_confirm
    return run(
        data=content, filename=filename, options=ImportOptions(plan=plan), user=user
    )


def test_the_preview_lists_the_amendments_and_writes_nothing():
    plan = plan_in_use()
    content = _edited(plan_export_csv(plan=plan), FINISH, WORDING)
    before = row_counts()
    result = _import(plan, content, preview=True)
    assert result.ok, [str(p) for p in result.errors]
    assert [str(a) for a in result.amendments] == [
        "1.2 (a) plan finish Jul 2009 → Oct 2009",
        "2.1 action Publish the new plan → Publish and launch the new plan",
    ]
    assert [a.kind for a in result.amendments] == [
        "New plan start or finish",
        "New wording",
    ]
    assert "AMENDMENT 1.2 (a) plan finish Jul 2009 → Oct 2009" in result.lines()
    assert row_counts() == before
    assert _milestone(plan).plan_finish == day(2009, 7, 31)


def test_confirming_records_approved_amendments_decided_by_the_uploader():
    plan = plan_in_use()
    user = factories.make_user("importer", first_name="Ann", last_name="Lee")
    content = _edited(plan_export_csv(plan=plan), FINISH, WORDING)
    result = _import(plan, content, user=user)
    assert result.ok and result.saved, [str(p) for p in result.errors]

    milestone, action = _milestone(plan), plan.actions.get(number="2.1")
    assert milestone.plan_finish == day(2009, 10, 31)
    assert action.text == "Publish and launch the new plan"
    amendments = list(Amendment.objects.filter(plan=plan).order_by("pk"))
    assert [(a.kind, a.item) for a in amendments] == [
        (Amendment.Kind.DATES, milestone),
        (Amendment.Kind.WORDING, action),
    ]
    for amendment in amendments:
        assert amendment.decision == Amendment.Decision.APPROVED
        assert amendment.requested_by == amendment.decided_by == user
        assert amendment.reason == "imported from plan.csv"
        assert amendment.board == "Imported by Ann Lee"
        assert amendment.decided_on == timezone.localdate()
        assert amendment.in_force_from == AUGUST  # the open month
    assert amendments[0].changes["plan_finish"] == {
        "from": "2009-07-31",
        "to": "2009-10-31",
    }
    assert amendments[1].changes == {
        "text": {
            "from": "Publish the new plan",
            "to": "Publish and launch the new plan",
        }
    }
    record = ItemRecord(Amendment.objects.for_item(milestone))
    assert record.baseline("plan_finish", milestone.plan_finish) == day(2009, 7, 31)
    assert record.revisions("plan_finish") == 1
    record = ItemRecord(Amendment.objects.for_item(action))
    assert record.baseline("text", action.text) == "Publish the new plan"
    # The rest of the import went in as before: 1.2's span is unchanged, and so are
    # the items the file does not change.
    assert plan.actions.get(number="1.2").plan_finish == day(2009, 12, 31)
    assert not Amendment.objects.filter(action__number="1.2", milestone=None).exists()


def test_re_importing_the_same_file_again_records_nothing():
    plan = plan_in_use()
    user = factories.make_user()
    content = _edited(plan_export_csv(plan=plan), FINISH, WORDING)
    assert _import(plan, content, user=user).ok
    before = row_counts()
    again = _import(plan, content, user=user)
    assert again.ok and again.saved
    assert again.amendments == []
    assert again.report.changed.total() == 0
    assert row_counts() == before
    assert Amendment.objects.count() == 2


def test_a_new_dates_text_as_written_moves_with_it():
    """The approval clears the old date's text; the file's text for the new date is
    kept beside it, so that importing the file again changes nothing."""
    plan = plan_in_use()
    content = _edited(
        plan_export_csv(plan=plan), ("Jul-09,Sep-09,,", "Jul-09,Dec-09,,")
    )
    result = _import(plan, content)
    assert result.ok, [str(p) for p in result.errors]
    assert [str(a) for a in result.amendments] == [
        "2.1 plan finish Sep 2009 → Dec 2009"
    ]
    action = plan.actions.get(number="2.1")
    assert (action.plan_finish, action.plan_finish_text) == (
        day(2009, 12, 31),
        "Dec-09",
    )
    amendment = Amendment.objects.get()
    assert amendment.changes["plan_finish_text"]["from"] == "Sep-09"
    assert ItemRecord([amendment]).at("plan_finish_text", "Dec-09", JULY) == "Sep-09"
    before = row_counts()
    assert _import(plan, content).amendments == []
    assert row_counts() == before


def test_a_changed_lead_is_an_officers_amendment():
    plan = plan_in_use()
    content = _edited(
        plan_export_csv(plan=plan),
        (
            "Jane Smith (Service Delivery Manager),,Drafting.",
            "Mary Brown (Director),,Drafting.",
        ),
    )
    result = _import(plan, content)
    assert result.ok, [str(p) for p in result.errors]
    assert [str(a) for a in result.amendments] == [
        "2.1 leads Jane Smith (Service Delivery Manager) → Mary Brown (Director)"
    ]
    action = plan.actions.get(number="2.1")
    assert [o.name for o in action.leads.all()] == ["Mary Brown"]
    amendment = Amendment.objects.get()
    assert amendment.kind == Amendment.Kind.OFFICERS
    assert amendment.changes["leads"]["to"] == [action.leads.get().pk]


def test_a_blank_lead_keeps_the_agreed_leads_with_a_warning():
    plan = plan_in_use()
    content = _edited(
        plan_export_csv(plan=plan),
        ("Jane Smith (Service Delivery Manager),,Drafting.", ",,Drafting."),
    )
    result = _import(plan, content)
    assert result.ok, [str(p) for p in result.errors]
    assert result.amendments == []
    [warning] = [w for w in result.warnings if "lead" in w.message]
    assert warning.message == (
        "2.1: no lead in the file, and an item cannot be left without one: its "
        "agreed leads are kept."
    )
    assert warning.column == "Lead"
    assert [o.name for o in plan.actions.get(number="2.1").leads.all()] == [
        "Jane Smith"
    ]
    assert not Amendment.objects.exists()


def test_a_first_import_records_no_amendments():
    import_new("leeds-iwc.csv", close_this_month=True)
    assert not Amendment.objects.exists()


def test_a_leeds_milestone_that_moves_its_actions_span_amends_both():
    """An action with milestones spans them: a later last milestone is a later action."""
    user = factories.make_user("importer")
    plan = import_new("leeds-iwc.csv", close_this_month=True, user=user)
    content = _edited(
        read("leeds-iwc.csv"),
        ("Amber ↔,Amber ↔,Nov-08,May-09,,", "Amber ↔,Amber ↔,Nov-08,Dec-09,,"),
    )
    result = _import(plan, content, user=user, filename="leeds.csv")
    assert result.ok, [str(p) for p in result.errors]
    assert [str(a) for a in result.amendments] == [
        "7.2 plan finish May 2009 → Dec 2009",
        "7.2 (a) plan finish May 2009 → Dec 2009",
    ]
    milestone = Milestone.objects.get(
        action__plan=plan, action__number="7.2", label="(a)"
    )
    assert (milestone.plan_finish, milestone.plan_finish_text) == (
        day(2009, 12, 31),
        "Dec-09",
    )
    # July and August are closed: the amendments are in force from September.
    assert set(Amendment.objects.values_list("in_force_from", "board")) == {
        (day(2009, 9, 1), "Imported by importer")
    }


# --- Refused: all or nothing --------------------------------------------------------------


def test_a_finish_before_the_start_in_the_file_is_refused_whole():
    plan = plan_in_use()
    content = _edited(
        plan_export_csv(plan=plan),
        WORDING,
        ("01/05/2009,31/07/2009,15/07/2009", "01/05/2009,30/04/2009,15/07/2009"),
    )
    before = row_counts()
    result = _import(plan, content)
    assert not result.ok and not result.saved
    [error] = result.errors
    assert (error.row, error.column) == (8, "Plan Finish")
    assert "before the plan start" in error.message
    assert row_counts() == before
    assert plan.actions.get(number="2.1").text == "Publish the new plan"


def test_an_amendment_the_rules_refuse_refuses_the_whole_import():
    """July is closed: 2.1 is not finished, so its plan finish cannot move into July.
    The file's other change (1.2 (a)'s finish) is not recorded either."""
    plan = plan_in_use()
    content = _edited(
        plan_export_csv(plan=plan), FINISH, ("Jul-09,Sep-09,,", "Jul-09,Jul-09,,")
    )
    before = row_counts()
    for preview in (True, False):
        result = _import(plan, content, preview=preview)
        assert not result.ok and not result.saved
        [error] = result.errors
        assert (error.row, error.column) == (12, "Plan Finish")
        assert error.message == (
            "2.1 plan finish Sep 2009 → Jul 2009: the change cannot be recorded as an "
            "amendment. July 2009 is closed: an unfinished item's new plan finish must "
            "be in August 2009 or later."
        )
        assert row_counts() == before
    assert _milestone(plan).plan_finish == day(2009, 7, 31)
    assert not Amendment.objects.exists()


HEADER = ["No.", "Action", "Plan Start", "Plan Finish", "Lead"]


def _csv(header: list[str], *rows: list[str]) -> bytes:
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(["Recommendation 1: Be better."])
    writer.writerow(header)
    writer.writerows(rows)
    return output.getvalue().encode()


def test_a_finish_before_the_agreed_start_is_refused_with_its_row_and_field():
    """A file without a plan start column moves the finish before the agreed start."""
    plan = factories.make_plan()
    factories.make_period(plan, 2009, 8)
    first = _csv(HEADER, ["1.1", "Meet partners", "Sep-09", "Dec-09", "Jane Smith"])
    assert _import(plan, first).ok
    action = Action.objects.get(plan=plan)
    before = row_counts()
    header = ["No.", "Action", "Plan Finish", "Lead"]
    result = _import(
        plan,
        _csv(
            header,
            ["1.1", "Meet partners", "Jun-09", "Jane Smith"],
            ["1.2", "Agree terms", "Dec-09", "Jane Smith"],
        ),
    )
    # Nothing of it is written, not even the new action.
    assert not result.ok and not result.saved
    [error] = result.errors
    assert error.message == (
        "1.1 plan finish Dec 2009 → Jun 2009: the change cannot be recorded as an "
        "amendment. The plan finish cannot be before the plan start (01/09/2009)."
    )
    assert (error.row, error.column) == (3, "Plan Finish")
    assert row_counts() == before
    action.refresh_from_db()
    assert action.plan_finish == day(2009, 12, 31)


def test_an_amendment_with_no_open_month_is_refused():
    """Amendments are recorded in the open month: without one, the import is refused."""
    plan = plan_in_use()
    plan.periods.update(state=ReportingPeriod.State.CLOSED)
    content = _edited(plan_export_csv(plan=plan), WORDING)
    before = row_counts()
    result = _import(plan, content)
    assert not result.ok and not result.saved
    [error] = result.errors
    assert "no month is open" in error.message
    assert "(2.1)" in error.message
    assert row_counts() == before


# --- The pages ----------------------------------------------------------------------------


def test_the_preview_page_lists_the_amendments_and_the_confirm_records_them(client):
    plan = plan_in_use()
    coordinator = factories.make_user("coord", first_name="Cy", last_name="Ord")
    factories.make_member(plan, coordinator, PlanMembership.Role.COORDINATOR)
    client.force_login(coordinator)
    content = _edited(plan_export_csv(plan=plan), FINISH, WORDING)
    preview = client.post(
        reverse("imports:plan_import", args=[plan.slug]),
        {"file": SimpleUploadedFile("edited.csv", content)},
    )
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "Amendments this import records (2)" in text
    assert "<td>Plan finish</td><td>Jul 2009</td><td>Oct 2009</td>" in text
    assert "imported from edited.csv" in text
    assert not Amendment.objects.exists()

    upload = Upload.objects.get()
    done = client.post(reverse("imports:plan_import_confirm", args=[upload.pk]))
    assert done.status_code == 302
    message = [m.message for m in done.wsgi_request._messages][0]
    assert message.endswith("; 2 amendment(s) recorded.")
    assert set(Amendment.objects.values_list("decided_by", "board", "reason")) == {
        (coordinator.pk, "Imported by Cy Ord", "imported from edited.csv")
    }
