from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import TemplateView

from actionplans import security
from actionplans import views as actionplan_views

admin.site.site_header = "Actionplans administration"
admin.site.site_title = "Actionplans"

urlpatterns = [
    path("", actionplan_views.home, name="home"),
    # Before actionplans: "plans/import/…" must not be read as a plan called "import".
    path("", include("imports.urls")),
    path("", include("actionplans.urls")),
    path("", include("amendments.urls")),
    path("", include("evidence.urls")),
    path("", include("measures.urls")),
    path("", include("reporting.urls")),
    path("", include("publishing.urls")),
    path("", include("feeds.urls")),
    path("", include("reminders.urls")),
    path("", include("search.urls")),
    # Before Django's own: the throttled reset, with links built from SITE_URL.
    path(
        "accounts/password_reset/",
        security.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path("accounts/keepalive/", security.session_keepalive, name="session_keepalive"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path(
        "accessibility/",
        login_not_required(TemplateView.as_view(template_name="accessibility.html")),
        name="accessibility",
    ),
]

handler403 = "actionplans.security.permission_denied"
handler500 = "actionplans.security.server_error"
