from django.utils.translation import gettext
from rest_framework import serializers

from ic_core.fields import StrictCharField

from .models import MAX_BODY_LENGTH, POSTABLE_KINDS, Message


class MessageSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author_name")
    created = serializers.DateTimeField(source="created_at")
    session = serializers.IntegerField(
        source="session_id",
        allow_null=True,
        help_text="The id of the session it was posted in; null if none was open.",
    )

    class Meta:
        model = Message
        fields = ["seq", "kind", "body", "author", "created", "session"]


PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_SEQ = 2**63 - 1


class MessageQuerySerializer(serializers.Serializer):
    """?circle=<slug>, and at most one of before=<seq> (an older page) or after=<seq> (the
    messages after the last one seen); limit=<n> messages per page."""

    circle = serializers.SlugField(max_length=64)
    before = serializers.IntegerField(min_value=1, max_value=MAX_SEQ, required=False)
    after = serializers.IntegerField(min_value=0, max_value=MAX_SEQ, required=False)
    limit = serializers.IntegerField(
        min_value=1, max_value=MAX_PAGE_SIZE, required=False, default=PAGE_SIZE
    )

    def validate(self, attrs):
        if "before" in attrs and "after" in attrs:
            raise serializers.ValidationError(gettext("Give before or after, not both."))
        return attrs


class MessagePageSerializer(serializers.Serializer):
    """A page of a circle's messages, oldest first, with what a page needs around it."""

    results = MessageSerializer(many=True)
    older = serializers.IntegerField(
        allow_null=True, help_text="Pass as before= for the page before; null at the start."
    )
    newer = serializers.IntegerField(
        allow_null=True, help_text="Pass as after= for the page after; null at the end."
    )
    current_prompt = MessageSerializer(allow_null=True)
    last_seq = serializers.IntegerField(help_text="The circle's newest sequence number.")
    epoch = serializers.CharField(
        help_text="Changes when the database is restored: numbers seen before may differ."
    )


class PostMessageSerializer(serializers.Serializer):
    circle = StrictCharField(max_length=64)
    kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in POSTABLE_KINDS])
    body = StrictCharField(max_length=MAX_BODY_LENGTH, trim_whitespace=False)

    def validate_body(self, value):
        if not value.strip():
            raise serializers.ValidationError(gettext("Must not be blank."))
        return value
