from django.urls import path

from .views import JitsiConfigView

urlpatterns = [path("config/", JitsiConfigView.as_view(), name="jitsi-config")]
