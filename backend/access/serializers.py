from django.utils import timezone
from django.utils.translation import gettext, ngettext
from rest_framework import serializers

from ic_core.fields import StrictCharField, StrictIntegerField

from .keys import MAX_TYPED_LENGTH
from .models import AccessKey

MAX_KEYS_PER_REQUEST = 100


class VerifyKeySerializer(serializers.Serializer):
    key = StrictCharField(max_length=MAX_TYPED_LENGTH, trim_whitespace=True)


class CircleRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class IdentitySerializer(serializers.Serializer):
    role = serializers.CharField()
    display_name = serializers.CharField()
    circles = CircleRefSerializer(many=True)


class IssueKeysSerializer(serializers.Serializer):
    count = StrictIntegerField(min_value=1, max_value=MAX_KEYS_PER_REQUEST, required=False)
    labels = serializers.ListField(
        child=StrictCharField(max_length=80, allow_blank=True),
        max_length=MAX_KEYS_PER_REQUEST,
        required=False,
    )
    expires = serializers.DateTimeField(required=False, allow_null=True)

    def validate_expires(self, value):
        if value is not None and value <= timezone.now():
            raise serializers.ValidationError(gettext("Must be in the future."))
        return value

    def validate(self, attrs):
        labels = attrs.get("labels", [])
        count = attrs.setdefault("count", len(labels) or 1)
        if len(labels) > count:
            sentence = ngettext(
                "There are %(labels)d labels for %(count)d key.",
                "There are %(labels)d labels for %(count)d keys.",
                count,
            )
            raise serializers.ValidationError(
                {"labels": sentence % {"labels": len(labels), "count": count}}
            )
        return attrs


class IssuedKeySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="record.id")
    key = serializers.CharField(source="plaintext")
    prefix = serializers.CharField(source="record.prefix")
    label = serializers.CharField(source="record.label")
    role = serializers.CharField(source="record.role")
    expires = serializers.DateTimeField(source="record.expires_at")


class KeySummarySerializer(serializers.ModelSerializer):
    """A key as lists show it: never the secret, never the hash."""

    created = serializers.DateTimeField(source="created_at")
    expires = serializers.DateTimeField(source="expires_at")
    last_used = serializers.DateTimeField(source="last_used_at")
    revoked = serializers.SerializerMethodField()
    revoked_at = serializers.DateTimeField()
    call_name = serializers.SerializerMethodField()

    class Meta:
        model = AccessKey
        fields = [
            "id",
            "prefix",
            "label",
            "role",
            "created",
            "expires",
            "last_used",
            "use_count",
            "revoked",
            "revoked_at",
            "call_name",
        ]

    def get_call_name(self, key) -> str:
        """The key's name in the circle's video call (context["call_names"], by key id)."""
        return self.context.get("call_names", {}).get(key.pk, key.display_name)

    def get_revoked(self, key) -> bool:
        return key.revoked_at is not None
