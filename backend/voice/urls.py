"""The circle's voice, under /api/circles/<slug>/ (ic_core.urls)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<slug:slug>/voice/", views.VoiceView.as_view(), name="circle-voice"),
    path("<slug:slug>/voice/mine/", views.OwnVoiceView.as_view(), name="circle-voice-mine"),
    path("<slug:slug>/responses/", views.ResponsesView.as_view(), name="circle-responses"),
    path(
        "<slug:slug>/responses/<int:response_id>/share/",
        views.ShareResponseView.as_view(),
        name="circle-response-share",
    ),
    path("<slug:slug>/signals/", views.SignalsView.as_view(), name="circle-signals"),
    path("<slug:slug>/signals/<int:signal_id>/", views.SignalView.as_view(), name="circle-signal"),
    path(
        "<slug:slug>/presence/call/",
        views.CallPresenceView.as_view(),
        name="circle-presence-call",
    ),
    path(
        "<slug:slug>/sessions/<int:session_id>/attendance/",
        views.AttendanceView.as_view(),
        name="circle-session-attendance",
    ),
    path("<slug:slug>/attendance.csv", views.AttendanceCsvView.as_view(), name="circle-attendance"),
]
