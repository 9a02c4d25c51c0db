"""The move from quarterly scrutiny cover reports to committee reports keeps their words."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests import factories

BEFORE = [("reporting", "0003_pdf_renders")]
AFTER = [("reporting", "0004_committee_reports")]


@pytest.mark.django_db(transaction=True)
def test_a_quarters_cover_report_becomes_the_quarters_committee_report():
    plan = factories.make_plan()  # today's tables, which the old state reads too
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    old_apps.get_model("reporting", "ScrutinyReport").objects.create(
        plan_id=plan.pk,
        quarter=datetime.date(2009, 7, 1),
        purpose="To update the Scrutiny Board.",
        recommendations="- Members note the report",
        author="Stuart Cameron-Strickland",
        contact="stuart@leeds.example",
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new_apps = executor.loader.project_state(AFTER).apps
    committee = new_apps.get_model("reporting", "CommitteeReport").objects.get()
    assert (committee.first_month, committee.last_month) == (
        datetime.date(2009, 7, 1),
        datetime.date(2009, 9, 1),
    )
    assert committee.purpose == "To update the Scrutiny Board."
    meeting = new_apps.get_model("reporting", "CommitteeMeeting").objects.get()
    assert (meeting.body, meeting.date, meeting.recommendations) == (
        "Scrutiny Board",
        None,
        "- Members note the report",
    )
    contact = new_apps.get_model("reporting", "CommitteeContact").objects.get()
    assert (contact.name, contact.email, contact.is_author) == (
        "Stuart Cameron-Strickland",
        "stuart@leeds.example",
        True,
    )
    # Back to the latest state for the tests after this one.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
