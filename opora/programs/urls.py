from django.urls import path

from opora.programs import views

app_name = "programs"
urlpatterns = [
    path("programs/", views.program_list, name="program_list"),
    path("programs/my-activities/", views.my_activities, name="my_activities"),
    path("programs/<int:pk>/", views.program_detail, name="program_detail"),
    path("programs/indicators/<int:pk>/", views.indicator_detail, name="indicator_detail"),
    path("programs/activities/<int:pk>/", views.activity_detail, name="activity_detail"),
]
