from django.urls import path

from opora.identification import views

app_name = "identification"
urlpatterns = [
    path("identification/", views.index, name="index"),
    path("identification/try/", views.try_parameters, name="try"),
    path("identification/runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("identification/runs/<int:pk>/approve/", views.run_approve, name="run_approve"),
    path("identification/runs/<int:pk>/export.csv", views.run_export, name="run_export"),
    path("identification/risk-group/", views.risk_group, name="risk_group"),
    path("identification/risk-group/<int:pk>/", views.risk_group_run, name="risk_group_run"),
    path(
        "identification/risk-group/<int:pk>/export.<str:fmt>",
        views.risk_group_export,
        name="risk_group_export",
    ),
    path(
        "identification/schools/<str:code>/fair-change/",
        views.school_fair_change,
        name="school_fair_change",
    ),
]
