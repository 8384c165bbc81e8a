"""The HTTP API. Paths are fixed: operators and the runbook use them."""

from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView

from rhythm.urls import calendar_urlpatterns

from .health import health

urlpatterns = [
    path("api/health/", health, name="health"),
    path("api/auth/", include("access.urls")),
    path("api/circles/", include("circles.urls")),
    path("api/circles/", include("rhythm.urls")),
    path("api/circles/", include("voice.urls")),
    path("api/calendar/", include(calendar_urlpatterns)),
    path("api/messages/", include("facilitation.urls")),
    path("api/jitsi/", include("jitsi_integration.urls")),
    path("api/schema/", SpectacularJSONAPIView.as_view(), name="schema"),
]

handler400 = "ic_core.errors.bad_request"
handler403 = "ic_core.errors.permission_denied"
handler404 = "ic_core.errors.not_found"
handler500 = "ic_core.errors.server_error"
