from django.urls import path

from opora.api import views

app_name = "api_keys"

urlpatterns = [
    path("", views.token_list, name="token_list"),
    path("<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
