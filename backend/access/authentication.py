"""Sessions started by an access key, and the DRF authentication that reads them.

The session stores only the key's id. Every request loads the key again, so a key that is
revoked or expires stops its sessions at their next request.
"""

from django.db import transaction
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext
from rest_framework import authentication

from ic_core.exceptions import ApiError
from live import changes

from .models import AccessKey

SESSION_KEY_ID = "ic_access_key_id"


def start_session(request, key):
    # A new session id at sign-in defeats session fixation.
    request.session.cycle_key()
    request.session[SESSION_KEY_ID] = key.pk


def end_session(request):
    """Signs out: the session is deleted, and its open live streams end at once."""
    session_key = request.session.session_key
    with transaction.atomic():
        request.session.flush()
        changes.session_ended(session_key)


def key_for_session(session):
    """The usable key behind a session, or None."""
    key_id = session.get(SESSION_KEY_ID)
    if key_id is None:
        return None
    key = AccessKey.objects.filter(pk=key_id).first()
    if key is None or not key.is_usable():
        return None
    return key


def _csrf_rejection(request):
    check = CsrfViewMiddleware(lambda req: None)
    check.process_request(request)
    return check.process_view(request, None, (), {})


def enforce_csrf(request):
    """Refuse a state-changing request without a valid CSRF token, signed in or not."""
    if _csrf_rejection(request) is not None:
        raise ApiError(
            403,
            "csrf_failed",
            gettext(
                "The request was refused because its CSRF token is missing or wrong. "
                "Fetch /api/auth/csrf/ and send the token in the X-CSRFToken header."
            ),
        )


class AccessKeySessionAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        key = key_for_session(request._request.session)
        if key is None:
            return None
        enforce_csrf(request._request)
        return (key, None)

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) when no session is there.
        return 'Session realm="InquiryCircle"'
