"""Forms only validate; the services in services.py do the writing."""

import dataclasses
import decimal

from django import forms
from django.core.validators import MaxLengthValidator
from django.http import QueryDict
from django.utils import timezone

from lib import months
from lib.text import is_blank

from .models import Action, ProgressUpdate, ReportingPeriod, StatusOption
from .permissions import ActionAccess
from .proof import ItemProof, MeasureLine, action_proofs
from .rules import StatusProposal, update_values_problems
from .selectors import SignoffRow, plans_for_user, updates_for_action
from .services import (
    UPDATE_FIELDS,
    ApprovalSelection,
    Change,
    ItemKey,
    ItemValues,
)
from .services import item_key as _key

# An error summary entry: the id its link goes to, "<item> <field label>", the message.
SummaryError = tuple[str, str, str]


class StatusChoiceField(forms.ModelChoiceField):
    """Each status shown with its meaning: "Amber – action on track but not completed"."""

    def label_from_instance(self, obj: StatusOption) -> str:
        return f"{obj.label} – {obj.meaning}"


class ItemUpdateForm(forms.Form):
    """One action's or milestone's update for one period.

    Starts from `update`, this period's update of the item; without one, from the proposed
    status and the actual finish of `last`, last period's update.
    """

    status = StatusChoiceField(
        label="Status", queryset=StatusOption.objects.none(), required=False
    )
    direction = forms.ChoiceField(
        label="Direction of travel",
        choices=ProgressUpdate.Direction.choices,
        required=False,
    )
    progress = forms.CharField(
        label="Progress", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    risk = forms.CharField(
        label="Risk", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    actual_finish = forms.DateField(
        label="Actual finish",
        error_messages={
            "invalid": "Enter the actual finish as a date, like 30/06/2009."
        },
        required=False,
        # A text box rather than the browser's date picker (as GOV.UK advises): it reads
        # the same in every browser and locale, and works well with the keyboard.
        widget=forms.DateInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "off",
                "class": "input--date",
            },
            format="%d/%m/%Y",
        ),
        help_text="For example 30/06/2009. Leave empty until the work is finished.",
    )
    status_reason = forms.CharField(
        label="Why this status",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Say why, when you choose another status than the one proposed.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(
        self,
        *args,
        item,
        period: ReportingPeriod,
        statuses: list[StatusOption],
        update: ProgressUpdate | None = None,
        last: ProgressUpdate | None = None,
        proof: ItemProof | None = None,
        submit: bool = False,
        compact: bool = False,
        **kwargs,
    ):
        self.item, self.period, self.submit = item, period, submit
        self.statuses = statuses
        self.proof = proof or ItemProof()
        self.last_status = last.status if last else None
        # What the saved (or carried) values propose; recomputed from the posted actual
        # finish when the form is cleaned.
        self.proposal = self._propose(
            update.actual_finish if update else (last.actual_finish if last else None)
        )
        initial = _initial(update=update, last=last, proposal=self.proposal)
        super().__init__(*args, initial=initial, **kwargs)
        for name in ("progress", "risk", "status_reason"):
            _limit_to_model(self.fields[name], ProgressUpdate, name)
        self.fields["status"].queryset = StatusOption.objects.filter(
            pk__in=[s.pk for s in statuses]
        )
        # The field's own queryset would query again on render; the choices are known.
        self.fields["status"].choices = [("", "Not assessed")] + [
            (s.pk, self.fields["status"].label_from_instance(s)) for s in statuses
        ]
        # Last month's narrative, for "Copy last month's text" (static/js/update_form.js);
        # after a no return, the last one the lead actually wrote.
        written = last.written if last else None
        for name in ("progress", "risk") if written else ():
            if getattr(written, name):
                self.fields[name].widget.attrs["data-last-text"] = getattr(
                    written, name
                )
        if compact:
            self.fields["progress"].widget.attrs["rows"] = 3
            self.fields["risk"].widget.attrs["rows"] = 2
        else:
            self.fields["status"].widget = forms.RadioSelect(
                choices=self.fields["status"].choices[1:]
            )
            self.fields["direction"].widget = forms.RadioSelect(
                choices=ProgressUpdate.Direction.choices
            )

    def clean(self):
        data = super().clean()
        status: StatusOption | None = data.get("status")
        if "actual_finish" not in self.errors:
            # The spreadsheet import checks the same rules (update_values_problems).
            for problem in update_values_problems(
                status=status,
                complete_labels=[
                    s.label for s in self.statuses if s.counts_as_complete
                ],
                actual_finish=data.get("actual_finish"),
                plan_start=self.item.plan_start,
                today=timezone.localdate(),
            ):
                self.add_error(
                    problem.field,
                    forms.ValidationError(problem.message, code=problem.code),
                )
        if self.submit and status is None and "status" not in self.errors:
            self.add_error(
                "status",
                forms.ValidationError(
                    "Choose a status before submitting for sign-off.", code="required"
                ),
            )
        if "actual_finish" not in self.errors:
            self.proposal = self._propose(data.get("actual_finish"))
        if self.submit and not self.errors:
            # The submit service checks the same (ItemProof.submission_problems).
            for problem in self.proof.submission_problems(
                item=self.item,
                status=status,
                status_reason=data.get("status_reason", ""),
                proposal=self.proposal,
            ):
                self.add_error(
                    problem.field,
                    forms.ValidationError(problem.message, code=problem.code),
                )
        return data

    def _propose(self, actual_finish) -> StatusProposal:
        return self.proof.proposal(
            item=self.item,
            statuses=self.statuses,
            last=self.last_status,
            actual_finish=actual_finish,
            period=self.period,
        )

    def values(self) -> ItemValues:
        """The cleaned data as the services take it."""
        data = self.cleaned_data
        return ItemValues(
            **{name: data[name] for name in UPDATE_FIELDS}, version=data["version"]
        )

    def summary_errors(self) -> list[SummaryError]:
        """The error summary's entries, each naming the item and the field."""
        return [
            (
                _anchor(self[name]),
                f"{self.item.number} {self.fields[name].label}",
                error,
            )
            for name, errors in self.errors.items()
            if name in self.fields
            for error in errors
        ]


def _limit_to_model(field: forms.CharField, model, name: str) -> None:
    """Give a form field the max_length of the model field it is saved to, if it has one.

    Read when the form is made rather than when the module loads, so the limit is the
    model's as it stands, and the form keeps no second copy of it.
    """
    limit = model._meta.get_field(name).max_length
    if limit is None:
        return
    field.max_length = limit
    field.validators.append(MaxLengthValidator(limit))
    field.widget.attrs.update(field.widget_attrs(field.widget))


def month_refusal(
    posted: str | None, *, period: ReportingPeriod | None, outcome: str
) -> str | None:
    """Why a form posted for another month than the open one is refused, or None.

    The update and sign-off pages carry the month they were shown for (`month`,
    "2009-09"): without it, a September page posted after September closed would be
    saved into October. A post without the field (not from one of these pages) is
    taken as meant for the open month. `outcome` ends the message: "your changes were
    not saved".
    """
    if not posted or (period is not None and posted == months.month_key(period.month)):
        return None
    try:
        month = months.month_parse(posted)
    except ValueError:
        shown = "This form is for a month that is not open"
    else:
        later = period is not None and month > period.month
        shown = f"This form is for {month:%B %Y}, which is " + (
            "not open yet" if later else "closed"
        )
    now = f"{period} is now open" if period else "no month is open for updates now"
    return f"{shown}; {now}: {outcome}."


def _anchor(bound_field: forms.BoundField) -> str:
    """The id an error summary links to: the first option of a group of radios."""
    if bound_field.widget_type == "radioselect":
        return f"{bound_field.auto_id}_0"
    return bound_field.id_for_label


def _initial(
    *,
    update: ProgressUpdate | None,
    last: ProgressUpdate | None,
    proposal: StatusProposal,
) -> dict:
    if update is not None:
        # serializable_value gives the status's id, as the status choices hold it.
        values = {name: update.serializable_value(name) for name in UPDATE_FIELDS}
        return values | {"version": update.version}
    return {
        # The status the rules propose (rules.status_propose): last month's, unless the
        # item is not due to start, is finished, is behind a measure or is overdue.
        "status": proposal.status.pk if proposal.status else None,
        # Direction of travel is carried forward as a proposal the lead can change.
        "direction": last.direction if last else "",
        # A finished item stays finished: offer last month's actual finish again.
        "actual_finish": last.actual_finish if last else None,
        "version": 0,
    }


class MeasureActualsForm(forms.Form):
    """This month's actuals of the measures linked to what the user reports on.

    One optional number per measure (field name: the measure's id); left empty, the
    month has no actual (and one entered before is removed).
    """

    def __init__(self, data, *, lines: list[MeasureLine], prefix: str):
        super().__init__(data, prefix=prefix)
        self.lines = {str(line.measure.pk): line for line in lines}
        for name, line in self.lines.items():
            measure = line.measure
            self.fields[name] = forms.DecimalField(
                label=f"{measure.name} ({measure.get_unit_display()}) this month",
                required=False,
                max_digits=14,
                decimal_places=2,
                initial=line.value.value if line.value else None,
                min_value=0 if measure.unit == measure.Unit.PERCENT else None,
                max_value=100 if measure.unit == measure.Unit.PERCENT else None,
                error_messages={
                    "invalid": f"Enter the actual for {measure.name} as a number, "
                    "like 76 or 76.5.",
                    "min_value": "Enter a percentage from 0 to 100.",
                    "max_value": "Enter a percentage from 0 to 100.",
                    "max_digits": "Enter a smaller number.",
                    "max_decimal_places": "Enter the number with at most 2 decimal "
                    "places.",
                },
                widget=forms.TextInput(
                    attrs={"inputmode": "decimal", "class": "input--number"}
                ),
                help_text=_measure_hint(line),
            )

    def fields_for(self, lines: list[MeasureLine]) -> list[forms.BoundField]:
        return [self[str(line.measure.pk)] for line in lines]

    def values(self) -> dict[int, "decimal.Decimal | None"]:
        """The actuals posted, by measure id; only those that differ from the saved
        ones, so an untouched page writes nothing."""
        return {
            int(name): self.cleaned_data[name]
            for name, line in self.lines.items()
            if self.cleaned_data[name] != (line.value.value if line.value else None)
        }

    def summary_errors(self) -> list[SummaryError]:
        return [
            (self[name].id_for_label, self.fields[name].label, error)
            for name, errors in self.errors.items()
            if name in self.fields
            for error in errors
        ]


def _measure_hint(line: MeasureLine) -> str:
    """ "Baseline 63% (March 2008). Target 76% by March 2010. Last actual 70% (August
    2009)." """
    measure = line.measure
    parts = []
    if measure.baseline_value is not None:
        when = f" ({measure.baseline_date:%B %Y})" if measure.baseline_date else ""
        parts.append(f"Baseline {measure.format(measure.baseline_value)}{when}.")
    if line.target_text:
        parts.append(f"Target {line.target_text}.")
    if line.latest is not None and line.value is None:
        parts.append(
            f"Last actual {measure.format(line.latest)} ({line.latest_month:%B %Y})."
        )
    better = "higher" if measure.higher_is_better else "lower"
    parts.append(f"Better when {better}.")
    return " ".join(parts)


class ActionUpdateForms:
    """The ItemUpdateForms of one action and its milestones for one period, as one form.

    The user gets a form for each item they may update (`access`); the other milestones
    are shown read-only. Reads this period's and last period's updates itself, so that
    after an edit conflict it can rebase onto the latest versions.
    """

    def __init__(
        self,
        data: QueryDict | None,
        *,
        action: Action,
        period: ReportingPeriod,
        access: ActionAccess,
    ):
        self.data, self.action, self.period, self.access = data, action, period, access
        self.submit = data is not None and "submit" in data
        # "Continue" saves a draft, then shows the check-your-answers page; it needs the
        # same as a submission (a status for every item), so it is checked the same way.
        self.review = data is not None and "review" in data
        # "Add evidence" beside an item saves a draft, then opens the item's evidence
        # page: the form prefix of that item ("action", "m12"), or "".
        self.evidence_for = data.get("evidence", "") if data is not None else ""
        # What someone else changed meanwhile, once rebased after an edit conflict.
        self.conflict: list[Change] = []
        self.statuses = list(action.plan.statuses.all())
        self.current = updates_for_action(action=action, period=period)
        self.previous = period.previous()
        self.last = updates_for_action(action=action, period=self.previous)
        self.proofs = action_proofs(action=action, period=period)
        self._build()

    def _build(self) -> None:
        action = self.action
        month = self.period.month
        self.action_form = None
        if self.access.edit_action and action.is_in_plan(month):
            self.action_form = self._form(action, prefix="action", compact=False)
        # (milestone, its form or None when the user may not update it, update, last);
        # a withdrawn milestone (or one added later) is not reported on.
        self.milestone_forms = [
            (
                milestone,
                self._form(milestone, prefix=f"m{milestone.pk}", compact=True)
                if milestone.pk in self.access.edit_milestones
                else None,
                self.current.get(_key(milestone)),
                self.last.get(_key(milestone)),
            )
            for milestone in action.milestones.all()
            if milestone.is_in_plan(month)
        ]
        self.measure_form = MeasureActualsForm(
            self.data, lines=self._measure_lines(), prefix="measure"
        )
        for form in self.forms:
            form.measure_fields = self.measure_form.fields_for(form.measure_lines)
        if self.data is not None and self.measure_form.is_valid():
            self._read_posted_actuals()

    def _read_posted_actuals(self) -> None:
        """Let the items' proof see the actuals posted with them, so an actual entered at
        its target lets Blue through in the same save (the service checks the same after
        writing them). A cleared actual counts as none: stricter than the service, which
        then reads an earlier month's, so the form never accepts what the save refuses."""
        posted = self.measure_form.cleaned_data
        for proof in self.proofs.values():
            proof.measures = [
                line
                if str(line.measure.pk) not in posted
                else dataclasses.replace(
                    line,
                    latest=posted[str(line.measure.pk)],
                    latest_month=self.period.month,
                    standing=line.measure.standing(
                        posted[str(line.measure.pk)], on=self.period.last_day
                    ),
                )
                for line in proof.measures
            ]

    def _measure_lines(self) -> list[MeasureLine]:
        """The measures linked to the items the user reports on, each placed under the
        first such item (a form's `measure_fields`), so each is entered once."""
        seen: set[int] = set()
        lines = []
        for form in self.forms:
            form.measure_lines = []
            for line in self.proofs.get(_key(form.item), ItemProof()).measures:
                if line.measure.pk not in seen:
                    seen.add(line.measure.pk)
                    form.measure_lines.append(line)
                    lines.append(line)
        return lines

    def _form(self, item, *, prefix: str, compact: bool) -> ItemUpdateForm:
        return ItemUpdateForm(
            self.data,
            item=item,
            period=self.period,
            statuses=self.statuses,
            update=self.current.get(_key(item)),
            last=self.last.get(_key(item)),
            proof=self.proofs.get(_key(item)),
            submit=self.submit or self.review,
            compact=compact,
            prefix=prefix,
        )

    @property
    def forms(self) -> list[ItemUpdateForm]:
        milestone_forms = [form for _, form, _, _ in self.milestone_forms if form]
        return (
            [self.action_form, *milestone_forms]
            if self.action_form
            else milestone_forms
        )

    def is_valid(self) -> bool:
        # Every form is cleaned, not only up to the first invalid one: all errors show.
        return self.data is not None and all(
            [form.is_valid() for form in [*self.forms, self.measure_form]]
        )

    @property
    def errors(self) -> list[SummaryError]:
        return [
            error
            for form in [*self.forms, self.measure_form]
            for error in form.summary_errors()
        ]

    def values(self) -> dict:
        """update_save's arguments: the items' values, the measures' actuals and
        `submit`."""
        return {
            "submit": self.submit,
            "measure_values": self.measure_form.values(),
            "action_values": self.action_form.values() if self.action_form else None,
            "milestone_values": {
                milestone.pk: form.values()
                for milestone, form, _, _ in self.milestone_forms
                if form
            },
        }

    def rebase(self, changes: list[Change]) -> None:
        """After an edit conflict, keep the user's values against the latest versions.

        Saving again, once the user has read the other person's `changes`, replaces them
        knowingly.
        """
        self.conflict = changes
        self.current = updates_for_action(action=self.action, period=self.period)
        self.data = self.data.copy()
        for form in self.forms:
            latest = self.current.get(_key(form.item))
            self.data[form.add_prefix("version")] = str(latest.version if latest else 0)
        self._build()
        self.is_valid()

    def item_for_prefix(self, prefix: str):
        """The action or milestone whose form has the prefix, or None."""
        return next((f.item for f in self.forms if f.prefix == prefix), None)

    @property
    def action_update(self) -> ProgressUpdate | None:
        return self.current.get(_key(self.action))

    @property
    def action_last(self) -> ProgressUpdate | None:
        return self.last.get(_key(self.action))

    @property
    def complete_statuses(self) -> list[int]:
        return [s.pk for s in self.statuses if s.counts_as_complete]


class SignoffForm(forms.Form):
    """What the sign-off page showed: its month and the version of each item's update.

    Both of the page's forms (approve, return) carry these as hidden fields, so that a
    decision on values that changed since, or on another month, is refused.
    """

    month = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        action: Action,
        period: ReportingPeriod | None,
        current: dict[ItemKey, ProgressUpdate],
    ):
        month = months.month_key(period.month) if period else ""
        # No ids: the page repeats these fields in both of its forms.
        super().__init__(data, initial={"month": month}, auto_id=False)
        self.names = {}
        for item in [action, *action.milestones.all()]:
            name = (
                "action-version" if isinstance(item, Action) else f"m{item.pk}-version"
            )
            update = current.get(_key(item))
            self.fields[name] = forms.IntegerField(
                widget=forms.HiddenInput,
                min_value=0,
                required=False,
                initial=update.version if update else 0,
            )
            self.names[name] = _key(item)

    def seen(self) -> dict[ItemKey, int] | None:
        """The versions the page showed, for update_approve and update_return.

        None when the post carries none (not from the sign-off page). A missing or
        damaged version counts as "no update shown", so any update there now is a
        change the approver has not seen.
        """
        if not any(name in self.data for name in self.names):
            return None
        self.is_valid()
        return {
            key: self.cleaned_data.get(name) or 0 for name, key in self.names.items()
        }


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="What does the lead need to change?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what the lead needs to change."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_to_model(self.fields["comment"], ProgressUpdate, "review_comment")

    def clean_comment(self) -> str:
        comment = self.cleaned_data["comment"]
        if is_blank(comment):
            raise forms.ValidationError(
                "Say what the lead needs to change.", code="required"
            )
        return comment


class NarrativeForm(forms.ModelForm):
    reason = forms.CharField(
        label="Reason for the amendment",
        required=False,
        max_length=500,
        help_text="Required for a closed month: the change is recorded as an amendment.",
    )

    class Meta:
        model = ReportingPeriod
        fields = ["overview", "risks", "amendments"]
        widgets = {
            "overview": forms.Textarea(attrs={"rows": 8}),
            "risks": forms.Textarea(attrs={"rows": 6}),
            "amendments": forms.Textarea(attrs={"rows": 4}),
        }

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if self.instance.is_closed and is_blank(reason):
            raise forms.ValidationError(
                "Give the reason for amending a closed month.", code="required"
            )
        return reason


class AmendmentReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason for the amendment",
        max_length=500,
        error_messages={"required": "Give the reason for the amendment."},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"]
        if is_blank(reason):
            raise forms.ValidationError(
                "Give the reason for the amendment.", code="required"
            )
        return reason


class ClosePeriodForm(forms.Form):
    confirm_missing = forms.BooleanField(
        required=False,
        label="Close the month although some returns are missing or not signed off",
    )


class BulkApproveForm(forms.Form):
    """The sign-off queue's approval of several actions at once: those ticked
    ("approve"), or every one the queue showed ("approve_all", which needs no script).

    `rows` is the queue as it is now (signoff_rows, only the actions the user may
    approve). Each row of the page carries the month it showed and the version of each of
    its action's updates, as SignoffForm does for one action, so that the service refuses
    values changed since. A ticked action no longer in the queue (approved or returned
    meanwhile, or taken back by its lead) is an error naming it, and nothing is approved.
    """

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        rows: list[SignoffRow],
        user,
        ticked: set[int] | None = None,
    ):
        super().__init__(data)
        self.rows = {row.action.pk: row for row in rows}
        self.user = user
        if ticked is None:
            ticked = set(_ids(data.getlist("action"))) if data is not None else set()
        self.ticked = ticked

    @property
    def choices(self) -> list[tuple[SignoffRow, str, str, bool]]:
        """Each row with the hidden values it carries (month, versions) and whether its
        box is ticked."""
        return [
            (
                row,
                months.month_key(row.period.month),
                _versions_value(row.versions),
                pk in self.ticked,
            )
            for pk, row in self.rows.items()
        ]

    def clean(self):
        shown = "approve_all" in self.data
        chosen = _ids(self.data.getlist("shown" if shown else "action"))
        if not chosen:
            raise forms.ValidationError(
                "Tick the actions to approve.", code="none_chosen"
            )
        gone = [pk for pk in chosen if pk not in self.rows]
        if gone:
            raise forms.ValidationError(
                f"{self._named(gone)} no longer awaiting your sign-off: approved or "
                "returned meanwhile, or taken back by the lead. Nothing was approved.",
                code="not_awaiting",
            )
        for pk in chosen:
            row = self.rows[pk]
            if self.data.get(f"month-{pk}") != months.month_key(row.period.month):
                raise forms.ValidationError(
                    f"Action {row.action.number} was shown for another month; it now "
                    f"awaits sign-off for {row.period}. Nothing was approved.",
                    code="month_changed",
                )
        self.cleaned_data["selections"] = [
            ApprovalSelection(
                action=self.rows[pk].action,
                period=self.rows[pk].period,
                seen=_versions_parsed(self.data.get(f"versions-{pk}", "")),
            )
            for pk in chosen
        ]
        return self.cleaned_data

    def selections(self) -> list[ApprovalSelection]:
        return self.cleaned_data["selections"]

    def _named(self, pks: list[int]) -> str:
        """ "Action 1.8 is", "Actions 1.8, 2.1 are": those of the plans the user sees."""
        numbers = list(
            Action.objects.filter(pk__in=pks, plan__in=plans_for_user(user=self.user))
            .order_by("sort_key")
            .values_list("number", flat=True)
        )
        if not numbers:
            return "An action you ticked is"
        if len(numbers) == 1:
            return f"Action {numbers[0]} is"
        return f"Actions {', '.join(numbers)} are"


def _ids(values: list[str]) -> list[int]:
    """The posted action ids, in order, each once; anything else is ignored."""
    return list(dict.fromkeys(int(value) for value in values if value.isdecimal()))


def _versions_value(versions: dict[ItemKey, int]) -> str:
    """The versions of an action's updates as one hidden value: "a12=3 m40=1"."""
    return " ".join(
        f"a{action_id}={version}" if action_id else f"m{milestone_id}={version}"
        for (action_id, milestone_id), version in versions.items()
    )


def _versions_parsed(value: str) -> dict[ItemKey, int]:
    """The versions a queue row carried. A damaged one is left out: it counts as "no
    update shown", so any update there now is a change the approver has not seen."""
    seen: dict[ItemKey, int] = {}
    for token in value.split():
        name, _, version = token.partition("=")
        if not (version.isdecimal() and name[1:].isdecimal()):
            continue
        if name[0] == "a":
            seen[(int(name[1:]), None)] = int(version)
        elif name[0] == "m":
            seen[(None, int(name[1:]))] = int(version)
    return seen
