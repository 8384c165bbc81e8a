from django.apps import AppConfig


class RhythmConfig(AppConfig):
    name = "rhythm"
    verbose_name = "Session rhythm: schedule, sessions, timer, run sheet, calendar feeds"
