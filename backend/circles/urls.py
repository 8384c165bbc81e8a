from django.urls import path

from . import key_views, views

urlpatterns = [
    path("", views.CircleListView.as_view(), name="circle-list"),
    path("<slug:slug>/", views.CircleDetailView.as_view(), name="circle-detail"),
    path("<slug:slug>/video-room/", views.CircleVideoRoomView.as_view(), name="circle-video-room"),
    path("<slug:slug>/keys/", key_views.CircleKeysView.as_view(), name="circle-keys"),
    path("<slug:slug>/keys/<int:key_id>/", key_views.CircleKeyView.as_view(), name="circle-key"),
]
