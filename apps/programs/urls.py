from django.urls import path

from apps.programs import views

app_name = "programs"

urlpatterns = [
    path("console/programs/", views.programs, name="list"),
    path("console/programs/<slug:slug>/propose/", views.propose, name="propose"),
    path("console/programs/versions/<int:pk>/", views.version, name="version"),
    path("console/programs/versions/<int:pk>/approve/", views.approve, name="approve"),
    path("console/programs/versions/<int:pk>/decline/", views.decline, name="decline"),
    path(
        "transparency/programs/<slug:slug>/<str:digest>/",
        views.public_text,
        name="public_text",
    ),
]
