"""OpenAPI schema generation: document the error responses every endpoint can return."""

from typing import Any, Literal

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.plumbing import build_bearer_security_scheme_object

ERROR_BODY = {
    "type": "object",
    "description": (
        'A refusal: {"detail": "message", "code": "..."}, where a refusal of the service may add '
        'what it ran into (interviewprep.errors); invalid input: {"field": ["message", ...]}.'
    ),
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "additionalProperties": True,
}
ERRORS = {
    "400": "The request's parameters or body are invalid; the body says which and why.",
    "401": "Authentication is required (session or `Authorization: Token ...`).",
    "403": "Signed in, but not allowed to do this.",
    "404": "No such object (or it is not yours), or no such page of results.",
    "409": "Refused by the object's current state: a double submit, a stale edit, time is up.",
    "415": "The request body's media type is not one this endpoint reads.",
    "429": "Too many requests; retry later.",
}


class KnoxTokenScheme(OpenApiAuthenticationExtension):
    """``Authorization: Token <token>`` (knox, interviewprep.authentication), as the schema
    described DRF's tokens before."""

    target_class = "interviewprep.authentication.ExpiringTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object(
            header_name="Authorization",
            token_prefix="Token",  # noqa: S106 (the header's keyword, not a secret)
        )


class AutoSchema(BaseAutoSchema):
    def _get_response_bodies(
        self, direction: Literal["request", "response"] = "response"
    ) -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code, description in ERRORS.items():
            if code in {"409", "415"} and self.method == "GET":
                continue
            responses.setdefault(
                code,
                {
                    "description": description,
                    "content": {"application/json": {"schema": ERROR_BODY}},
                },
            )
        return responses
