from django.urls import path

from opora.registry import views

app_name = "registry"
urlpatterns = [
    path("schools/", views.school_list, name="school_list"),
    path("schools/import/", views.registry_import, name="registry_import"),
    path("schools/<str:code>/", views.school_detail, name="school_detail"),
    path("schools/<str:code>/edit/", views.school_edit, name="school_edit"),
    path(
        "schools/<str:code>/context/<int:year>/",
        views.school_context_edit,
        name="school_context_edit",
    ),
    path("municipalities/", views.municipality_list, name="municipality_list"),
]
