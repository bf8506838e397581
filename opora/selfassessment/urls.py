from django.urls import path

from opora.selfassessment import views

app_name = "selfassessment"
urlpatterns = [
    path("self-assessment/", views.index, name="index"),
    path("self-assessment/export.xlsx", views.table_export, name="table_export"),
    path("self-assessment/criteria/", views.criteria, name="criteria"),
    path("self-assessment/criteria/<int:pk>/", views.criteria_set, name="criteria_set"),
    path("self-assessment/answers/<int:pk>/file/", views.answer_file, name="answer_file"),
    path("self-assessment/<slug:code>/<year:year>/", views.detail, name="detail"),
    path(
        "self-assessment/<slug:code>/<year:year>/export.<slug:file_format>",
        views.export,
        name="export",
    ),
]
