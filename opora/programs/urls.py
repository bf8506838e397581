from django.urls import path, re_path

from opora.programs import views

app_name = "programs"
urlpatterns = [
    path("programs/", views.program_list, name="program_list"),
    path("programs/new/", views.program_create, name="program_create"),
    path("programs/my-activities/", views.my_activities, name="my_activities"),
    path("programs/orders/", views.order_list, name="order_list"),
    path("programs/orders/<int:pk>/file/", views.order_file, name="order_file"),
    re_path(
        r"^programs/orders/(?P<pk>\d+)/prikaz\.(?P<file_format>docx|pdf)$",
        views.order_export,
        name="order_export",
    ),
    path("programs/orders/new/", views.order_edit, name="order_create"),
    path("programs/orders/<int:pk>/edit/", views.order_edit, name="order_edit"),
    path("programs/<int:pk>/", views.program_detail, name="program_detail"),
    re_path(
        r"^programs/(?P<pk>\d+)/export\.(?P<file_format>docx|xlsx|pdf)$",
        views.program_export,
        name="program_export",
    ),
    path("programs/<int:pk>/import/", views.program_import, name="program_import"),
    path("programs/<int:pk>/status/", views.program_status, name="program_status"),
    path("programs/<int:pk>/passport/", views.program_passport, name="program_passport"),
    path("programs/<int:pk>/copy/", views.program_copy, name="program_copy"),
    path("programs/indicators/<int:pk>/", views.indicator_detail, name="indicator_detail"),
    path("programs/indicators/<int:pk>/source/", views.indicator_source, name="indicator_source"),
    path(
        "programs/indicators/<int:pk>/compute/", views.indicator_compute, name="indicator_compute"
    ),
    path("programs/activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path(
        "programs/activities/<int:pk>/evidence/",
        views.activity_evidence,
        name="activity_evidence",
    ),
]
