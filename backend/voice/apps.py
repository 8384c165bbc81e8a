from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "voice"
    verbose_name = "Participants' voice: responses, signals, presence and attendance"
