from django.urls import path

from opora.assessments import views

app_name = "assessments"
urlpatterns = [
    path("results/", views.results_table, name="results_table"),
    path("results/import/", views.results_import, name="results_import"),
    path("results/import/<int:pk>/", views.import_job, name="import_job"),
    path("results/import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("schools/<str:code>/results/", views.school_results, name="school_results"),
]
