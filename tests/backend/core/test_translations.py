"""The API answers in the language the request asks for (Accept-Language: English, Spanish,
German, Arabic), else in English; error codes are the same in every language.

The catalogs are backend/locale/<language>/LC_MESSAGES/django.po, compiled to django.mo. A
sentence added to the code and not translated, or a .po edited and not compiled, fails here:
docs/configuration.md#languages says how to add one.
"""

import gettext
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from rest_framework.exceptions import Throttled

from facilitation import standing
from facilitation.stream import end_event
from ic_core.errors import api_exception_handler

LOCALE = Path(settings.LOCALE_PATHS[0])
BACKEND = LOCALE.parent
TRANSLATED = ("es", "de", "ar")
# As docs/configuration.md#languages runs it.
MAKEMESSAGES = [
    "makemessages",
    *(f"--locale={language}" for language in TRANSLATED),
    "--add-location=file",
    "--no-obsolete",
    "--ignore=staticfiles",
    "--ignore=db",
]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")

# What a browser or the SPA sends, and the language it gets.
ASKED = [
    ("es", "es"),
    ("de", "de"),
    ("ar", "ar"),
    ("es-MX,es;q=0.9,en;q=0.5", "es"),
    ("de-DE,de;q=0.9", "de"),
    ("fr", "en"),
    ("fr-FR,fr;q=0.9", "en"),
    (None, "en"),
]
KEY_REFUSED = {
    "en": "This key is not valid. Check it and try again, or ask your facilitator.",
    "es": "Esta clave no es válida. Revísala y vuelve a intentarlo, o pregunta a tu facilitador/a.",
    "de": "Dieser Schlüssel ist nicht gültig. Prüfe ihn und versuche es erneut, oder frag deine "
    "Moderation.",
    "ar": "هذا المفتاح غير صالح. تحقّق منه وحاول مرة أخرى، أو اسأل الميسّر.",
}


@pytest.fixture(autouse=True)
def _english_again():
    """Django keeps a request's language active in its thread: other tests expect none."""
    yield
    translation.deactivate()


def catalog(language):
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def said(language, message, **values):
    """message in language, as the compiled catalog has it."""
    with translation.override(language):
        return _(message) % values if values else _(message)


@pytest.fixture
def asking(make_api):
    """asking(accept_language, key=None): an API client whose every request asks for that
    language (None: no Accept-Language), signed in with key if given."""

    def open_one(accept_language, key=None):
        api = make_api()
        if accept_language is not None:
            api.client.defaults["HTTP_ACCEPT_LANGUAGE"] = accept_language
        if key is not None:
            api.sign_in(key.plaintext)
        return api

    return open_one


def body(response, status, code):
    assert response.status_code == status, response.content
    assert response.json()["error"] == code
    return response.json()


# The catalogs -------------------------------------------------------------------------------


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_sentence_is_translated_and_none_is_fuzzy(language):
    po = catalog(language)
    forms = int(re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"])[1])

    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    assert po.obsolete_entries() == []
    assert not po.metadata_is_fuzzy
    for entry in po.translated_entries():
        if entry.msgid_plural:
            assert sorted(entry.msgstr_plural) == list(range(forms)), entry.msgid
            assert all(entry.msgstr_plural.values()), entry.msgid


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_translation_fills_the_placeholders_of_its_sentence(language):
    """A placeholder misspelt in a translation would make that answer a 500."""
    for entry in catalog(language).translated_entries():
        names = set(PLACEHOLDER.findall(entry.msgid + (entry.msgid_plural or "")))
        texts = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in texts:
            used = set(PLACEHOLDER.findall(text))
            # A plural form for a single number (Arabic "one", "two") may leave the count out.
            assert used <= names if entry.msgid_plural else used == names, (entry.msgid, text)
            if names:
                text % dict.fromkeys(names, 1)  # formats, or raises


def test_the_catalogs_hold_every_sentence_of_the_code(tmp_path):
    """makemessages on a copy of the backend finds exactly the sentences of the catalogs: one
    added (or changed) in the code and not run through makemessages fails here."""
    copy = tmp_path / "backend"
    shutil.copytree(
        BACKEND, copy, ignore=shutil.ignore_patterns("__pycache__", "db", "staticfiles", "*.mo")
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ic_core.settings.test"}
    made = subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr

    def sentences(root, language):
        po = polib.pofile(str(root / language / "LC_MESSAGES" / "django.po"))
        return {(e.msgctxt, e.msgid, e.msgid_plural) for e in po if not e.obsolete}

    for language in TRANSLATED:
        found = sentences(copy / "locale", language)
        kept = sentences(LOCALE, language)
        assert found - kept == set(), f"not in {language}'s catalog: run makemessages"
        assert kept - found == set(), f"no longer in the code, still in {language}'s catalog"
        assert catalog(language).untranslated_entries() == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_compiled_catalog_is_its_po(language):
    """Django reads the .mo: it must say what the .po says (compilemessages after each edit)."""
    po = catalog(language)
    with (LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    expected = {}
    for entry in po.translated_entries():
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            expected.update({(key, n): text for n, text in entry.msgstr_plural.items()})
        else:
            expected[key] = entry.msgstr

    assert {k: v for k, v in compiled._catalog.items() if k != ""} == expected
    assert compiled.info()["plural-forms"] == po.metadata["Plural-Forms"]


# Requests -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("asked", "language"), ASKED)
def test_a_wrong_key_is_refused_in_the_language_asked_for(asking, db, asked, language):
    response = asking(asked).post("/api/auth/verify-key/", {"key": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"})

    assert body(response, 401, "not_authenticated") == {
        "error": "not_authenticated",
        "detail": KEY_REFUSED[language],
    }
    assert response["Content-Language"] == language
    assert "Accept-Language" in response["Vary"]


@pytest.mark.parametrize(("asked", "language"), ASKED)
def test_a_circle_not_found_is_said_in_the_language_asked_for(
    asking, participant_a, asked, language
):
    response = asking(asked, participant_a).get("/api/circles/no-such-circle/")

    assert body(response, 404, "not_found")["detail"] == said(
        language, "There is no circle '%(slug)s' that your key opens.", slug="no-such-circle"
    )


@pytest.mark.parametrize("language", ["en", *TRANSLATED])
def test_an_address_that_is_nothing_is_said_in_each_language(asking, db, language):
    response = asking(language).get("/api/nothing-here/")

    assert body(response, 404, "not_found")["detail"] == said(
        language, "There is nothing at this address."
    )


@pytest.mark.parametrize("language", ["en", *TRANSLATED])
def test_only_the_facilitator_can_is_one_sentence_in_each_language(asking, participant_a, language):
    response = asking(language, participant_a).patch("/api/circles/circle-a/", {"name": "X"})

    with translation.override(language):
        doing = pgettext("facilitator can", "change it")
        expected = _("Only the circle's facilitator can %(doing)s.") % {"doing": doing}
    assert body(response, 403, "forbidden")["detail"] == expected


@pytest.mark.parametrize("language", ["en", *TRANSLATED])
def test_validation_errors_are_in_each_language_and_keep_their_field_names(
    asking, facilitator_a, language
):
    past = (timezone.now() - timedelta(days=1)).isoformat()
    response = asking(language, facilitator_a).post(
        "/api/circles/circle-a/keys/", {"count": "two", "expires": past}
    )

    error = body(response, 400, "invalid")
    with translation.override(language):
        integer = _("A valid integer is required.")  # from DRF's own catalogs
    future = said(language, "Must be in the future.")
    assert error["detail"] == f"count: {integer} expires: {future}"
    assert error["fields"] == {"count": [integer], "expires": [future]}


@pytest.mark.parametrize("language", ["en", *TRANSLATED])
def test_counted_sentences_agree_with_their_number(asking, facilitator_a, language):
    response = asking(language, facilitator_a).post(
        "/api/circles/circle-a/keys/", {"count": 1, "labels": ["Ana", "Ben"]}
    )

    with translation.override(language):
        sentence = translation.ngettext(
            "There are %(labels)d labels for %(count)d key.",
            "There are %(labels)d labels for %(count)d keys.",
            1,
        ) % {"labels": 2, "count": 1}
    assert body(response, 400, "invalid")["fields"] == {"labels": [sentence]}


def test_arabic_has_a_form_for_one_two_few_and_many():
    throttled = [
        api_exception_handler(Throttled(wait=seconds), {}).data["detail"]
        for seconds in (1, 2, 5, 11, 100)
    ]
    with translation.override("ar"):
        arabic = [
            api_exception_handler(Throttled(wait=seconds), {}).data["detail"]
            for seconds in (1, 2, 5, 11, 100)
        ]

    assert throttled[0] == "Too many attempts. Try again in 1 second."
    assert throttled[2] == "Too many attempts. Try again in 5 seconds."
    assert arabic == [
        "محاولات كثيرة جدًا. حاول مرة أخرى بعد ثانية واحدة.",
        "محاولات كثيرة جدًا. حاول مرة أخرى بعد ثانيتين.",
        "محاولات كثيرة جدًا. حاول مرة أخرى بعد 5 ثوانٍ.",
        "محاولات كثيرة جدًا. حاول مرة أخرى بعد 11 ثانية.",
        "محاولات كثيرة جدًا. حاول مرة أخرى بعد 100 ثانية.",
    ]


@pytest.mark.parametrize("language", ["en", *TRANSLATED])
def test_a_body_too_large_is_refused_in_each_language(asking, facilitator_a, language):
    """Refused before LocaleMiddleware runs, in the language asked for all the same, whatever
    language the thread's last request left active."""
    client = asking(language, facilitator_a)
    translation.activate("de" if language == "en" else "en")
    message = {"circle": "circle-a", "kind": "prompt", "body": "x" * (16 * 1024)}
    response = client.post("/api/messages/", message)

    assert body(response, 413, "request_too_large")["detail"] == said(
        language, "The request body is larger than the %(limit)d KB allowed.", limit=16
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", *TRANSLATED])
def test_the_streams_refusals_are_in_each_language(asking, participant_a, language):
    """The stream's checks run on the live reader's thread, which has no language of its own."""
    response = asking(language, participant_a).client.get("/api/messages/stream/")

    refusal = said(language, "This query parameter is required.")
    assert body(response, 400, "invalid")["detail"] == f"circle: {refusal}"


@pytest.mark.parametrize("language", ["en", *TRANSLATED])
def test_a_streams_end_is_said_in_the_streams_language(language):
    with translation.override("de" if language == "en" else "en"):  # not the stream's
        chunk = end_event(standing.KEY_REVOKED, language).decode()

    data = json.loads(chunk.split("data: ", 1)[1])
    assert data == {"reason": "key_revoked", "detail": said(language, "Your key was revoked.")}
