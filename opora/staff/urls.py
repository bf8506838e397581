from django.urls import path, re_path

from opora.staff import views

app_name = "staff"
urlpatterns = [
    path("staff/", views.overview, name="overview"),
    path("staff/deficits/", views.deficits, name="deficits"),
    re_path(
        r"^staff/summary/(?P<code>[^/]+)/export\.(?P<file_format>docx|xlsx|pdf)$",
        views.summary_export,
        name="summary_export",
    ),
    path("staff/routes/", views.closure, name="closure"),
    path("staff/routes/<int:pk>/", views.route_detail, name="route_detail"),
    path("staff/route-activities/<int:pk>/", views.route_activity_edit, name="route_activity_edit"),
    path("staff/templates/", views.templates, name="templates"),
    path("staff/import/teachers/", views.teachers_import, name="teachers_import"),
    path("staff/import/diagnostics/", views.diagnostics_import, name="diagnostics_import"),
    path("staff/schools/<str:code>/", views.school_teachers, name="school_teachers"),
    path("staff/schools/<str:code>/at-risk/", views.school_at_risk, name="school_at_risk"),
    path("staff/vacancies/<int:pk>/delete/", views.vacancy_delete, name="vacancy_delete"),
    path("staff/teachers/<int:pk>/", views.teacher_detail, name="teacher_detail"),
    path("staff/teachers/<int:pk>/edit/", views.teacher_edit, name="teacher_edit"),
    path("staff/courses/", views.course_list, name="course_list"),
    path("staff/courses/<int:pk>/", views.course_detail, name="course_detail"),
    path("staff/mentoring/", views.pair_list, name="pair_list"),
    path("staff/associations/", views.association_list, name="association_list"),
    path("staff/associations/<int:pk>/", views.association_edit, name="association_edit"),
    path("staff/events/", views.event_list, name="event_list"),
    path("staff/events/<int:pk>/", views.event_detail, name="event_detail"),
    path("staff/at-risk/", views.at_risk_overview, name="at_risk_overview"),
]
