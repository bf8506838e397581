from django.urls import path, re_path

from opora.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("monitoring/", views.index, name="index"),
    path("monitoring/region/", views.region_dashboard, name="region_dashboard"),
    path("monitoring/campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("monitoring/submissions/<int:pk>/", views.submission_detail, name="submission_detail"),
    path("monitoring/measures/<int:pk>/", views.measure_detail, name="measure_detail"),
    re_path(
        r"^monitoring/reports/(?P<pk>\d+)/export\.(?P<file_format>docx|xlsx|pdf)$",
        views.report_export,
        name="report_export",
    ),
    path("monitoring/<slug:code>/", views.dashboard, name="dashboard"),
    path("monitoring/<slug:code>/campaigns/new/", views.campaign_create, name="campaign_create"),
    path("monitoring/<slug:code>/dynamics/", views.dynamics, name="dynamics"),
    path("monitoring/<slug:code>/effectiveness/", views.effectiveness, name="effectiveness"),
    path("monitoring/<slug:code>/report/<year:year>/", views.report_page, name="report_page"),
    path("public/<slug:code>/", views.public_page, name="public"),
    path("public/<slug:code>/reports/<int:pk>.pdf", views.public_report, name="public_report"),
]
