from django.urls import path, re_path

from opora.risks import views

app_name = "risks"
urlpatterns = [
    path("risks/", views.index, name="index"),
    path("risks/notifications/", views.notifications, name="notifications"),
    path("risks/notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path("risks/curators/", views.curators, name="curators"),
    path("risks/curators/<int:pk>/unassign/", views.curator_unassign, name="curator_unassign"),
    path("risks/partnerships/", views.partnerships, name="partnerships"),
    path("risks/partnerships/<int:pk>/", views.partnership, name="partnership"),
    path("risks/plan-items/<int:pk>/done/", views.plan_item_done, name="plan_item_done"),
    path("risks/programs/<int:pk>/", views.program_work, name="program_work"),
    re_path(
        r"^risks/programs/(?P<pk>\d+)/(?P<action>submit|comment|return|approve)/$",
        views.program_action,
        name="program_action",
    ),
    path("risks/schools/<str:code>/", views.school, name="school"),
    path("risks/schools/<str:code>/open/", views.profile_open, name="profile_open"),
    path("risks/schools/<str:code>/visits/", views.visit_add, name="visit_add"),
    path("risks/schools/<str:code>/<year:year>/", views.profile, name="profile"),
    re_path(
        r"^risks/schools/(?P<code>[^/]+)/(?P<year>\d{4})/"
        r"(?P<action>priorities|submit|verify|return|programs)/$",
        views.profile_action,
        name="profile_action",
    ),
    re_path(
        r"^risks/schools/(?P<code>[^/]+)/(?P<year>\d{4})/export\.(?P<file_format>docx|pdf)$",
        views.profile_export,
        name="profile_export",
    ),
]
