import datetime
import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from actionplans.permissions import plan_for_coordinator, plan_for_user
from organisations.models import Organisation

from .document import NewPlan
from .exporting import plan_export_csv, plan_export_xlsx
from .forms import NewPlanImportForm, PlanImportForm
from .models import Upload
from .services import ImportOptions, plan_import_preview, upload_import

IMPORT_REFUSAL = "Only the plan's coordinators can import into it."


@login_required
@require_http_methods(["GET", "POST"])
def plan_import(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_coordinator(request.user, slug, refusal=IMPORT_REFUSAL)
    return _import_page(request, plan=plan, form_class=PlanImportForm)


@login_required
@require_http_methods(["GET", "POST"])
def plan_import_new(request: HttpRequest) -> HttpResponse:
    if not request.user.is_superuser:
        raise PermissionDenied("Only admins can import a new plan.")
    return _import_page(request, plan=None, form_class=NewPlanImportForm)


def _import_page(request: HttpRequest, *, plan, form_class) -> HttpResponse:
    result = None
    if request.method == "POST":
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            content = form.cleaned_data["file"].read()
            upload = _upload_build(
                request, plan=plan, data=form.cleaned_data, content=content
            )
            result = plan_import_preview(
                data=content,
                filename=upload.filename,
                options=_options(upload),
                user=request.user,
            )
            if result.ok:
                # Stored only once its preview has worked, so that a refused file, or a
                # preview that fails or is cut short, leaves no upload behind. Saving
                # writes the file to storage, then the row.
                upload.save()
                return render(
                    request,
                    "imports/plan_import_preview.html",
                    {"plan": plan, "upload": upload, "result": result},
                )
    else:
        form = form_class()
    context = {"plan": plan, "form": form, "result": result}
    if plan is None:
        # Offered as the council field's suggestions (a datalist: no script needed).
        context["councils"] = Organisation.objects.values_list("name", flat=True)
    status = 400 if request.method == "POST" else 200
    return render(request, "imports/plan_import.html", context, status=status)


def _upload_build(request: HttpRequest, *, plan, data, content: bytes) -> Upload:
    """The upload, not yet saved. Uploads never confirmed are deleted by the
    delete_stale_uploads command."""
    options = {
        "layout": data["layout"] or None,
        "this_month": data["this_month"].isoformat() if data["this_month"] else None,
        "close_month": data["close_month"],
    }
    if plan is None:
        options["new_plan"] = {
            name: data[name]
            for name in (
                "title",
                "organisation",
                "owner",
                "inspectorate",
                "inspection_title",
            )
        }
    return Upload(
        user=request.user,
        plan=plan,
        filename=data["file"].name[:255],
        file=ContentFile(content, name=data["file"].name),
        sha256=hashlib.sha256(content).hexdigest(),
        options=options,
    )


def _options(upload: Upload) -> ImportOptions:
    options = upload.options
    month = options.get("this_month")
    new_plan = options.get("new_plan")
    return ImportOptions(
        layout=options.get("layout"),
        this_month=datetime.date.fromisoformat(month) if month else None,
        close_this_month=bool(options.get("close_month")),
        plan=upload.plan,
        new_plan=NewPlan(**new_plan) if new_plan else None,
    )


@login_required
@require_POST
def plan_import_confirm(request: HttpRequest, upload_id) -> HttpResponse:
    # Only the user who uploaded the file can confirm it; anyone else gets a 404.
    upload = get_object_or_404(
        Upload.objects.select_related("plan"), pk=upload_id, user=request.user
    )
    if upload.plan is not None:
        plan = plan_for_coordinator(
            request.user, upload.plan.slug, refusal=IMPORT_REFUSAL
        )
    elif not request.user.is_superuser:
        raise PermissionDenied("Only admins can import a new plan.")
    else:
        plan = None
    result = upload_import(upload=upload, options=_options(upload), user=request.user)
    if not result.ok:
        context = {"plan": plan, "upload": upload, "result": result}
        return render(request, "imports/plan_import_preview.html", context, status=400)
    report = result.report
    amended = len(result.amendments)
    messages.success(
        request,
        f"Imported {upload.filename}: {report.created.total()} rows created, "
        f"{report.changed.total()} changed, {report.unchanged.total()} unchanged"
        + (f"; {amended} amendment(s) recorded." if amended else "."),
    )
    return redirect(result.plan.get_absolute_url())


@login_required
@require_safe
def plan_export(request: HttpRequest, slug: str, file_format: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug)
    if file_format == "xlsx":
        content = plan_export_xlsx(plan=plan)
        content_type = (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    elif file_format == "csv":
        content = plan_export_csv(plan=plan)
        content_type = "text/csv; charset=utf-8"
    else:
        raise Http404("No such format.")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{plan.slug}.{file_format}"'
    )
    return response
