from django.urls import path

from apps.appointments import views

app_name = "appointments"

urlpatterns = [
    path("cases/<str:case_number>/", views.choose, name="choose"),
    path("<uuid:booking_id>/", views.booking_page, name="booking"),
    path("<uuid:booking_id>/change/", views.change, name="change"),
    path("<uuid:booking_id>/cancel/", views.cancel, name="cancel"),
    path("<uuid:booking_id>/missed/", views.missed, name="missed"),
    path("<uuid:booking_id>/attended/", views.attended, name="attended"),
    path("offices/", views.offices, name="offices"),
    path("offices/<slug:office_code>/", views.day, name="day"),
]
