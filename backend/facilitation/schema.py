"""The live stream is a plain async Django view, so drf-spectacular cannot see it: add it."""


def add_stream_path(result, generator, request, public):
    result["paths"]["/api/messages/stream/"] = {
        "get": {
            "operationId": "messages_stream",
            "summary": "A circle's messages as Server-Sent Events",
            "description": (
                "One event per message; the event id is the message's sequence number. "
                "Send Last-Event-ID (or ?after=) to resume after a message. "
                "`event: rhythm` (data {}) says the circle's session, timer, run sheet or "
                "schedule changed: read GET /api/circles/{slug}/rhythm/ again. "
                "A comment heartbeat is sent every 15 seconds."
            ),
            "tags": ["messages"],
            "parameters": [
                {"name": "circle", "in": "query", "required": True, "schema": {"type": "string"}},
                {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0}},
                {"name": "Last-Event-ID", "in": "header", "schema": {"type": "integer"}},
            ],
            "responses": {
                "200": {
                    "description": "The event stream.",
                    "content": {"text/event-stream": {"schema": {"type": "string"}}},
                },
                "400": {"description": "Missing circle or malformed after / Last-Event-ID."},
                "401": {"description": "No valid session."},
                "404": {"description": "No such circle for this key."},
            },
        }
    }
    return result
