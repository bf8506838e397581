from django.contrib import admin
from django.urls import include, path, register_converter
from django.views.generic import RedirectView

from opora import views
from opora.accounts.forms import AdminLoginForm
from opora.api.api import api
from opora.registry.years import AcademicYearConverter

# Before the apps' routes are read: they use it.
register_converter(AcademicYearConverter, "year")

admin.site.site_header = "Опора — администрирование"
admin.site.site_title = "Опора"
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "import-templates/<slug:name>.<slug:suffix>", views.import_template, name="import_template"
    ),
    path("accounts/", include("opora.accounts.urls")),
    path("", include("opora.assessments.urls")),
    path("", include("opora.identification.urls")),
    path("", include("opora.programs.urls")),
    path("", include("opora.meetings.urls")),
    path("", include("opora.monitoring.urls")),
    path("", include("opora.registry.urls")),
    path("api/v1/", api.urls),
    path("api/keys/", include("opora.api.urls")),
    path("", include("opora.risks.urls")),
    path("", include("opora.staff.urls")),
    path("", include("opora.selfassessment.urls")),
    # One password-change form for everyone: the admin's own would skip the login throttle.
    path(
        "admin/password_change/",
        RedirectView.as_view(pattern_name="accounts:password_change"),
        name="admin_password_change",
    ),
    path("admin/", admin.site.urls),
]
