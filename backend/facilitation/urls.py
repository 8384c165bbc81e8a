from django.urls import path

from . import stream, views

urlpatterns = [
    path("", views.MessageListView.as_view(), name="message-list"),
    path("stream/", stream.message_stream, name="message-stream"),
]
