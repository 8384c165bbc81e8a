"""ASGI entry point: gunicorn runs it with uvicorn workers.

Django gives every request a thread of its own for the synchronous parts (middleware, the ORM)
for as long as the request lasts. A live stream lasts hours, so each would hold a thread, and
that thread's database connection, while it waits. Requests for long-lived paths share one
thread per process instead (asgiref's ThreadSensitiveContext with a given executor): their
synchronous work is a few short queries at the start, and they wait without a thread.
"""

import os

import django
from asgiref.sync import ThreadSensitiveContext
from django.core.handlers.asgi import ASGIHandler

from ic_core.threads import OneThreadPerProcess

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ic_core.settings.production")

LONG_LIVED_PATHS = frozenset({"/api/messages/stream/"})


class LiveASGIHandler(ASGIHandler):
    def __init__(self):
        super().__init__()
        self.long_lived_thread = OneThreadPerProcess("ic-long-lived")

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope.get("path") in LONG_LIVED_PATHS:
            async with ThreadSensitiveContext(executor=self.long_lived_thread.executor()):
                await self.handle(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)


def get_application():
    django.setup(set_prefix=False)
    return LiveASGIHandler()


application = get_application()
