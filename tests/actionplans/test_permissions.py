"""Role × page matrix: every page and every POST, for every role, anonymous included.

Expected: allowed roles get the page (or the POST's normal outcome); users who can see the
plan but not do this get 403; users of another plan get 404 (nothing leaks); anonymous users
are sent to sign in.
"""

import pytest
from django.urls import reverse

from actionplans.models import Amendment

pytestmark = pytest.mark.django_db

ROLES = [
    "lead",
    "milestone_lead",
    "chief",
    "coordinator",
    "viewer",
    "outsider",
    "admin",
]
EVERYONE = set(ROLES)
PLAN_USERS = EVERYONE - {"outsider"}
COORDINATORS = {"coordinator", "admin"}
EDITORS = {"lead", "milestone_lead", "chief"} | COORDINATORS
SIGNERS = {"chief"} | COORDINATORS
ACTION_EDITORS = {"lead", "chief"} | COORDINATORS  # not the lead of one milestone


def _request(cycle) -> Amendment:
    """A request awaiting the board's decision, to open and decide."""
    return Amendment.objects.create(
        plan=cycle.plan,
        period=cycle.september,
        kind=Amendment.Kind.WITHDRAW,
        action=cycle.other_action,
        reason="Done elsewhere.",
    )


def _new_request(cycle, kind="dates", item="") -> str:
    url = reverse("amendments:amendment_new", args=[cycle.plan.slug, cycle.action.pk])
    return f"{url}?kind={kind}&item={item}"


# (name, url builder, method, roles allowed, status for an allowed role)
PAGES = [
    ("home", lambda c: reverse("home"), "get", EVERYONE, 200),
    (
        "signoff list",
        lambda c: reverse("actionplans:signoff_list"),
        "get",
        EVERYONE,
        200,
    ),
    ("plan", lambda c: c.plan.get_absolute_url(), "get", PLAN_USERS, 200),
    ("action", lambda c: c.action.get_absolute_url(), "get", PLAN_USERS, 200),
    (
        "update form",
        lambda c: reverse("actionplans:update_form", args=[c.plan.slug, c.action.pk]),
        "get",
        EDITORS,
        200,
    ),
    (
        "update save",
        lambda c: reverse("actionplans:update_form", args=[c.plan.slug, c.action.pk]),
        "post",
        EDITORS,
        400,  # an empty form: refused by validation, never by permission
    ),
    (
        "update form of an action nobody leads",
        lambda c: reverse(
            "actionplans:update_form", args=[c.plan.slug, c.other_action.pk]
        ),
        "get",
        COORDINATORS,
        200,
    ),
    (
        "sign-off",
        lambda c: reverse(
            "actionplans:signoff_decide", args=[c.plan.slug, c.action.pk]
        ),
        "get",
        SIGNERS,
        302,  # nothing awaiting sign-off: back to the queue
    ),
    (
        "sign-off decision",
        lambda c: reverse(
            "actionplans:signoff_decide", args=[c.plan.slug, c.action.pk]
        ),
        "post",
        SIGNERS,
        302,
    ),
    (
        "months",
        lambda c: reverse("actionplans:period_list", args=[c.plan.slug]),
        "get",
        COORDINATORS,
        200,
    ),
    (
        "open month",
        lambda c: reverse("actionplans:period_open", args=[c.plan.slug]),
        "post",
        COORDINATORS,
        302,
    ),
    (
        "close month",
        lambda c: reverse(
            "actionplans:period_close", args=[c.plan.slug, c.september.pk]
        ),
        "post",
        COORDINATORS,
        302,
    ),
    (
        "narrative",
        lambda c: reverse(
            "actionplans:period_narrative", args=[c.plan.slug, c.september.pk]
        ),
        "get",
        COORDINATORS,
        200,
    ),
    (
        "amend",
        lambda c: reverse(
            "actionplans:update_amend",
            args=[c.plan.slug, c.august.updates.get(action=c.action).pk],
        ),
        "get",
        COORDINATORS,
        200,
    ),
    (
        "amendments register",
        lambda c: reverse("amendments:month_register", args=[c.plan.slug]),
        "get",
        PLAN_USERS,
        200,
    ),
    (
        "amendments decided in bulk",
        lambda c: reverse("amendments:month_register", args=[c.plan.slug]),
        "post",
        COORDINATORS,
        400,  # nothing ticked
    ),
    (
        "action's amendments",
        lambda c: reverse(
            "amendments:action_amendments", args=[c.plan.slug, c.action.pk]
        ),
        "get",
        PLAN_USERS,
        200,
    ),
    ("request form", _new_request, "get", ACTION_EDITORS, 200),
    ("request sent", _new_request, "post", ACTION_EDITORS, 400),
    (
        "request form for a milestone",
        lambda c: _new_request(c, "dates", c.milestone_b.pk),
        "get",
        EDITORS,
        200,
    ),
    (
        "request form for a new milestone",
        lambda c: _new_request(c, "new_milestone"),
        "get",
        ACTION_EDITORS,
        200,
    ),
    (
        "new action form",
        lambda c: reverse("amendments:amendment_new_action", args=[c.plan.slug]),
        "get",
        {"chief"} | COORDINATORS,
        200,
    ),
    (
        "new action sent",
        lambda c: reverse("amendments:amendment_new_action", args=[c.plan.slug]),
        "post",
        {"chief"} | COORDINATORS,
        400,
    ),
    (
        "request",
        lambda c: reverse(
            "amendments:amendment_detail", args=[c.plan.slug, _request(c).pk]
        ),
        "get",
        PLAN_USERS,
        200,
    ),
    (
        "decision",
        lambda c: reverse(
            "amendments:amendment_detail", args=[c.plan.slug, _request(c).pk]
        ),
        "post",
        COORDINATORS,
        400,  # an empty form
    ),
]


def _user(cycle, role):
    return {
        "lead": cycle.lead,
        "milestone_lead": cycle.milestone_lead,
        "chief": cycle.chief,
        "coordinator": cycle.coordinator,
        "viewer": cycle.viewer,
        "outsider": cycle.outsider,
        "admin": cycle.admin,
    }[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "url", "method", "allowed", "ok"), PAGES, ids=[p[0] for p in PAGES]
)
def test_role_matrix(client, cycle, role, name, url, method, allowed, ok):
    client.force_login(_user(cycle, role))
    response = getattr(client, method)(url(cycle))
    if role in allowed:
        expected = ok
    elif role == "outsider":
        expected = 404
    else:
        expected = 403
    assert response.status_code == expected, f"{role} {method} {name}"


@pytest.mark.parametrize(
    ("name", "url", "method", "allowed", "ok"), PAGES, ids=[p[0] for p in PAGES]
)
def test_anonymous_users_are_sent_to_sign_in(
    client, cycle, name, url, method, allowed, ok
):
    response = getattr(client, method)(url(cycle))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("name", "url", "method", "allowed", "ok"), PAGES, ids=[p[0] for p in PAGES]
)
def test_the_wrong_method_is_refused(client, cycle, name, url, method, allowed, ok):
    client.force_login(cycle.admin)
    wrong = {"get": "put", "post": "get"}[method]
    get_and_post = {"update form", "update save", "sign-off", "sign-off decision"}
    get_and_post |= {
        "amendments register",
        "amendments decided in bulk",
        "request form",
        "request sent",
        "request form for a milestone",
        "request form for a new milestone",
        "new action form",
        "new action sent",
        "request",
        "decision",
    }
    if name in get_and_post | {"narrative", "amend"}:
        wrong = "delete"
    assert getattr(client, wrong)(url(cycle)).status_code == 405


def test_a_lead_cannot_edit_a_milestone_they_do_not_lead(client, cycle):
    """The milestone lead's POST for the action itself or another milestone is ignored."""
    client.force_login(cycle.milestone_lead)
    url = reverse("actionplans:update_form", args=[cycle.plan.slug, cycle.action.pk])
    response = client.get(url)
    forms = {m.pk: form for m, form, _, _ in response.context["milestone_forms"]}
    assert response.context["action_form"] is None
    assert forms[cycle.milestone_a.pk] is None
    assert forms[cycle.milestone_b.pk] is not None
    amber = cycle.status("Amber").pk
    client.post(
        url,
        {
            "action-status": amber,
            "action-progress": "Hijack",
            "action-version": 0,
            f"m{cycle.milestone_a.pk}-status": amber,
            f"m{cycle.milestone_a.pk}-version": 0,
            f"m{cycle.milestone_b.pk}-status": amber,
            f"m{cycle.milestone_b.pk}-version": 0,
            "save": "1",
        },
    )
    updates = cycle.september.updates
    assert updates.get(milestone=cycle.milestone_b).status_id == amber
    assert not updates.filter(milestone=cycle.milestone_a).exists()
    assert not updates.filter(action=cycle.action).exists()


def test_forms_carry_a_csrf_token(client, cycle):
    client.force_login(cycle.lead)
    url = reverse("actionplans:update_form", args=[cycle.plan.slug, cycle.action.pk])
    assert b"csrfmiddlewaretoken" in client.get(url).content
