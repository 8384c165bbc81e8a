from django.utils.translation import gettext
from rest_framework import serializers

from ic_core.fields import StrictBooleanField, StrictCharField
from rhythm.serializers import SessionSerializer

from .models import MAX_RESPONSE_LENGTH, SharedAs, SignalKind


class RespondedPromptSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    body = serializers.CharField()


class ResponseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    prompt = RespondedPromptSerializer()
    author = serializers.CharField(source="author_name")
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    shared = serializers.SerializerMethodField(
        help_text='null while private; "named" or "anonymous" once shared with the circle.'
    )

    def get_shared(self, response) -> str | None:
        return response.shared_as or None


class RespondSerializer(serializers.Serializer):
    body = StrictCharField(max_length=MAX_RESPONSE_LENGTH, trim_whitespace=False)

    def validate_body(self, value):
        if not value.strip():
            raise serializers.ValidationError(gettext("Must not be blank."))
        return value


class ShareSerializer(serializers.Serializer):
    # "as" is a Python keyword: declared as shared_as, named "as" in the body (__init__);
    # validated_data keeps shared_as.
    shared_as = serializers.ChoiceField(choices=SharedAs.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["as"] = self.fields.pop("shared_as")


class SignalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=SignalKind.choices)
    person = serializers.CharField()
    raised_at = serializers.DateTimeField()


class RaiseSignalSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SignalKind.choices)


class PresentSerializer(serializers.Serializer):
    person = serializers.CharField()
    role = serializers.CharField()
    since = serializers.DateTimeField()


class PresenceSerializer(serializers.Serializer):
    room = PresentSerializer(many=True, help_text="Who has the circle's page open now.")
    call = PresentSerializer(many=True, help_text="Who the page says is in the video call.")


class VoiceSerializer(serializers.Serializer):
    session = SessionSerializer(allow_null=True)
    responses = ResponseSerializer(many=True)
    hands = SignalSerializer(many=True, help_text="In the order raised.")
    signals = SignalSerializer(many=True, help_text="The other signals, in the order raised.")
    presence = PresenceSerializer()


class OwnSignalsSerializer(serializers.Serializer):
    hand = serializers.IntegerField(allow_null=True)
    here = serializers.IntegerField(allow_null=True)
    moment = serializers.IntegerField(allow_null=True)


class OwnVoiceSerializer(serializers.Serializer):
    responses = ResponseSerializer(many=True, help_text="Newest first, at most 50.")
    signals = OwnSignalsSerializer(help_text="The id of each kind raised now, or null.")


class InCallSerializer(serializers.Serializer):
    in_call = StrictBooleanField()


class AttendanceRowSerializer(serializers.Serializer):
    person = serializers.CharField()
    role = serializers.CharField()
    joined_at = serializers.DateTimeField()
    left_at = serializers.DateTimeField(allow_null=True, help_text="null: still there.")
    room_minutes = serializers.FloatField(help_text="Rounded to a tenth.")
    call_minutes = serializers.FloatField(help_text="Rounded to a tenth.")
    room_seconds = serializers.IntegerField()
    call_seconds = serializers.IntegerField()


class AttendanceSerializer(serializers.Serializer):
    session = SessionSerializer()
    people = AttendanceRowSerializer(many=True, help_text="In order of arrival.")


class AttendanceQuerySerializer(serializers.Serializer):
    session = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
