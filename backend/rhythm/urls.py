"""A circle's rhythm, under /api/circles/<slug>/ (ic_core.urls), and the calendar feeds of the
subscribe links, under /api/calendar/."""

from django.urls import path

from . import views

urlpatterns = [
    path("<slug:slug>/sessions/", views.SessionsView.as_view(), name="circle-sessions"),
    path(
        "<slug:slug>/sessions/current/end/",
        views.EndSessionView.as_view(),
        name="circle-session-end",
    ),
    path("<slug:slug>/rhythm/", views.RhythmView.as_view(), name="circle-rhythm"),
    path("<slug:slug>/timer/", views.TimerView.as_view(), name="circle-timer"),
    path(
        "<slug:slug>/timer/elapsed/", views.TimerElapsedView.as_view(), name="circle-timer-elapsed"
    ),
    path("<slug:slug>/run-sheet/", views.RunSheetView.as_view(), name="circle-run-sheet"),
    path(
        "<slug:slug>/run-sheet/order/",
        views.RunSheetOrderView.as_view(),
        name="circle-run-sheet-order",
    ),
    path(
        "<slug:slug>/run-sheet/next/",
        views.RunSheetNextView.as_view(),
        name="circle-run-sheet-next",
    ),
    path(
        "<slug:slug>/run-sheet/<int:item_id>/",
        views.RunSheetItemView.as_view(),
        name="circle-run-sheet-item",
    ),
    path("<slug:slug>/calendar.ics", views.CircleCalendarView.as_view(), name="circle-calendar"),
    path(
        "<slug:slug>/calendar-link/", views.CalendarLinkView.as_view(), name="circle-calendar-link"
    ),
]

calendar_urlpatterns = [
    path("<str:token>.ics", views.CalendarFeedView.as_view(), name="calendar-feed"),
]
