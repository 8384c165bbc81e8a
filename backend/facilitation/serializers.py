from rest_framework import serializers

from ic_core.fields import StrictCharField

from .models import MAX_BODY_LENGTH, Kind, Message


class MessageSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author_name")
    created = serializers.DateTimeField(source="created_at")

    class Meta:
        model = Message
        fields = ["seq", "kind", "body", "author", "created"]


class MessageQuerySerializer(serializers.Serializer):
    """?circle=<slug>&after=<seq>: which circle, and the last sequence number already seen."""

    circle = serializers.SlugField(max_length=64)
    after = serializers.IntegerField(min_value=0, required=False, default=0)


class PostMessageSerializer(serializers.Serializer):
    circle = StrictCharField(max_length=64)
    kind = serializers.ChoiceField(choices=Kind.choices)
    body = StrictCharField(max_length=MAX_BODY_LENGTH, trim_whitespace=False)

    def validate_body(self, value):
        if not value.strip():
            raise serializers.ValidationError("Must not be blank.")
        return value
