from rest_framework import serializers

from ic_core.fields import StrictBooleanField, StrictCharField

from .models import Circle

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class CircleSummarySerializer(serializers.ModelSerializer):
    next_session = serializers.DateTimeField(source="next_session_at")

    class Meta:
        model = Circle
        fields = ["slug", "name", "description", "next_session", "active"]


class PromptSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    body = serializers.CharField()
    author = serializers.CharField(source="author_name")
    created = serializers.DateTimeField(source="created_at")


class CircleDetailSerializer(CircleSummarySerializer):
    facilitator = serializers.CharField(allow_null=True)
    current_prompt = PromptSerializer(allow_null=True)
    viewer_is_facilitator = serializers.BooleanField()

    class Meta(CircleSummarySerializer.Meta):
        fields = [
            *CircleSummarySerializer.Meta.fields,
            "facilitator",
            "current_prompt",
            "viewer_is_facilitator",
        ]


class CircleWriteSerializer(serializers.Serializer):
    """What a facilitator may set. On PATCH every field is optional."""

    name = StrictCharField(max_length=120)
    slug = serializers.RegexField(
        SLUG_PATTERN,
        max_length=64,
        required=False,
        error_messages={
            "invalid": "Use lowercase letters, digits and single hyphens, like tuesday-circle."
        },
    )
    description = StrictCharField(max_length=2000, allow_blank=True, required=False)
    next_session = serializers.DateTimeField(
        source="next_session_at", allow_null=True, required=False
    )
    active = StrictBooleanField(required=False)

    def validate_name(self, value):
        if not value.strip():
            raise serializers.ValidationError("Must not be blank.")
        return value.strip()
