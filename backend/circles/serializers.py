from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ic_core.fields import StrictBooleanField, StrictCharField
from rhythm.serializers import ScheduleSerializer, UpcomingSerializer

from .models import Circle

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class CircleSummarySerializer(serializers.ModelSerializer):
    """A circle as lists show it. Its schedule's next session comes in the context:
    "plans", {circle id: rhythm.selectors.Plan} of the circles that have a schedule."""

    next_session = serializers.SerializerMethodField()
    upcoming = serializers.SerializerMethodField()

    class Meta:
        model = Circle
        fields = ["slug", "name", "description", "next_session", "active", "upcoming"]

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_next_session(self, circle):
        """The schedule's next session when there is a schedule, else the one set by hand."""
        plan = self.context["plans"].get(circle.pk)
        if plan is None:
            moment = circle.next_session_at
        else:
            moment = plan.upcoming.starts_at if plan.upcoming else None
        return serializers.DateTimeField().to_representation(moment) if moment else None

    @extend_schema_field(UpcomingSerializer(allow_null=True))
    def get_upcoming(self, circle):
        plan = self.context["plans"].get(circle.pk)
        if plan is None or plan.upcoming is None:
            return None
        return UpcomingSerializer(plan.upcoming).data


class PromptSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    body = serializers.CharField()
    author = serializers.CharField(source="author_name")
    created = serializers.DateTimeField(source="created_at")


class CircleDetailSerializer(CircleSummarySerializer):
    """A circle as its page shows it: its facilitator, its current prompt, and whether the one
    asking facilitates it."""

    # Not the circle's own, so they come in the context (circles.views.circle_detail), never as
    # attributes put on the circle: "facilitator" (a name or None), "current_prompt" (a Message
    # or None), "viewer_is_facilitator", and "plans" (see CircleSummarySerializer).
    facilitator = serializers.SerializerMethodField()
    current_prompt = serializers.SerializerMethodField()
    viewer_is_facilitator = serializers.SerializerMethodField()
    schedule = serializers.SerializerMethodField()

    class Meta(CircleSummarySerializer.Meta):
        fields = [
            *CircleSummarySerializer.Meta.fields,
            "facilitator",
            "current_prompt",
            "viewer_is_facilitator",
            "schedule",
        ]

    def get_facilitator(self, circle) -> str | None:
        return self.context["facilitator"]

    @extend_schema_field(PromptSerializer(allow_null=True))
    def get_current_prompt(self, circle):
        prompt = self.context["current_prompt"]
        return None if prompt is None else PromptSerializer(prompt).data

    def get_viewer_is_facilitator(self, circle) -> bool:
        return self.context["viewer_is_facilitator"]

    @extend_schema_field(ScheduleSerializer(allow_null=True))
    def get_schedule(self, circle):
        plan = self.context["plans"].get(circle.pk)
        return None if plan is None else ScheduleSerializer(plan.schedule).data


class CircleWriteSerializer(serializers.Serializer):
    """What a facilitator may set. On PATCH every field is optional."""

    name = StrictCharField(max_length=120)
    slug = serializers.RegexField(
        SLUG_PATTERN,
        max_length=64,
        required=False,
        error_messages={
            "invalid": gettext_lazy(
                "Use lowercase letters, digits and single hyphens, like tuesday-circle."
            )
        },
    )
    description = StrictCharField(max_length=2000, allow_blank=True, required=False)
    next_session = serializers.DateTimeField(
        source="next_session_at", allow_null=True, required=False
    )
    active = StrictBooleanField(required=False)

    def validate_name(self, value):
        if not value.strip():
            raise serializers.ValidationError(gettext("Must not be blank."))
        return value.strip()


class CircleSettingsSerializer(CircleWriteSerializer):
    """What PATCH may change: the circle's fields and its schedule, sent whole (null: none)."""

    schedule = ScheduleSerializer(allow_null=True, required=False)
