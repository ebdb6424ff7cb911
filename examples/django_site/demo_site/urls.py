from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.index),
    path("bai-media/", include("bai_media.contrib.django.urls")),
]
