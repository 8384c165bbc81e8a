"""Reading and posting a circle's messages. The live stream is in stream.py."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from circles.lookup import circle_for, facilitated_circle_for

from .actions import post_message
from .selectors import messages_after
from .serializers import MessageQuerySerializer, MessageSerializer, PostMessageSerializer


class MessageListView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("circle", str, required=True, description="The circle's slug."),
            OpenApiParameter("after", int, description="Only messages after this sequence."),
        ],
        responses=MessageSerializer(many=True),
    )
    def get(self, request):
        query = MessageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        circle = circle_for(request, query.validated_data["circle"])
        messages = messages_after(circle.pk, query.validated_data["after"])
        return Response(MessageSerializer(messages, many=True).data)

    @extend_schema(request=PostMessageSerializer, responses={201: MessageSerializer})
    def post(self, request):
        serializer = PostMessageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        circle = facilitated_circle_for(request, data["circle"], "post messages")
        message = post_message(circle, request.user, data["kind"], data["body"])
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)
