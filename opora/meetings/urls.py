from django.urls import path, re_path

from opora.meetings import views

app_name = "meetings"
urlpatterns = [
    path("meetings/", views.group_list, name="group_list"),
    path("meetings/groups/new/", views.group_create, name="group_create"),
    path("meetings/groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("meetings/groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("meetings/groups/<int:pk>/members/new/", views.member_edit, name="member_add"),
    path(
        "meetings/groups/<int:pk>/members/<int:member_pk>/", views.member_edit, name="member_edit"
    ),
    path("meetings/groups/<int:pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/decisions/", views.decision_list, name="decision_list"),
    path("meetings/decisions/<int:pk>/", views.decision_detail, name="decision_detail"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/attendance/", views.attendance_edit, name="attendance_edit"),
    path("meetings/<int:pk>/items/new/", views.item_edit, name="item_add"),
    path("meetings/<int:pk>/items/<int:item_pk>/", views.item_edit, name="item_edit"),
    path("meetings/<int:pk>/items/<int:item_pk>/delete/", views.item_delete, name="item_delete"),
    path(
        "meetings/<int:pk>/items/<int:item_pk>/decisions/new/",
        views.decision_edit,
        name="decision_add",
    ),
    path(
        "meetings/<int:pk>/items/<int:item_pk>/decisions/<int:decision_pk>/",
        views.decision_edit,
        name="decision_edit",
    ),
    path(
        "meetings/<int:pk>/items/<int:item_pk>/decisions/<int:decision_pk>/delete/",
        views.decision_delete,
        name="decision_delete",
    ),
    path("meetings/<int:pk>/finalise/", views.meeting_finalise, name="meeting_finalise"),
    path("meetings/<int:pk>/revise/", views.meeting_revise, name="meeting_revise"),
    re_path(
        r"^meetings/(?P<pk>\d+)/protocol\.(?P<file_format>docx|pdf)$",
        views.protocol_export,
        name="protocol_export",
    ),
    re_path(
        r"^meetings/(?P<pk>\d+)/revisions/(?P<revision>\d+)\.(?P<file_format>docx|pdf)$",
        views.protocol_export,
        name="revision_export",
    ),
]
