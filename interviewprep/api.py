"""Account API: token login/logout for API clients and the signed-in user's profile.

Browsers keep using the session (``SessionAuthentication``, with CSRF); other clients send
``Authorization: Token <key>``.
"""

from datetime import date
from typing import Any, cast

from django.conf import settings
from django.contrib.auth import authenticate, user_logged_in
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema, inline_serializer
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import names
from .authentication import issue_token
from .models import Language, User, check_interview_date
from .roles import roles_of
from .throttling import lockout_message


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class MeSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()
    ui_language = serializers.ChoiceField(choices=Language.choices)

    class Meta:
        model = User
        fields = (
            "email",
            "display_name",
            "ui_language",
            "daily_goal",
            "interview_date",
            "daily_reminder",
            "roles",
        )
        read_only_fields = ("email",)

    def validate_interview_date(self, day: date | None) -> date | None:
        if day is not None and (self.instance is None or day != self.instance.interview_date):
            try:
                check_interview_date(day)
            except DjangoValidationError as error:
                raise serializers.ValidationError(error.messages) from error
        return day

    def validate_display_name(self, value: str) -> str:
        return names.clean_display_name(value, user=self.instance)

    def get_roles(self, user: User) -> list[str]:
        return sorted(role.value for role in roles_of(user))

    def to_representation(self, instance: User) -> dict[str, Any]:
        data = super().to_representation(instance)
        # No choice made yet means the site's default language.
        data["ui_language"] = data["ui_language"] or settings.LANGUAGE_CODE
        return data


class ObtainTokenView(APIView):
    """``POST {"email", "password"}`` → ``{"token": "...", "expires": "..."}``; throttled like
    the login page."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer(
                "Token",
                {
                    "token": serializers.CharField(),
                    "expires": serializers.DateTimeField(
                        help_text="After this the token is refused: sign in again for a new one."
                    ),
                },
            )
        },
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request,
            username=serializer.validated_data["email"],
            password=serializer.validated_data["password"],
        )
        # django-axes' backend flags the request when it refused to check the password.
        if getattr(request, "axes_locked_out", False):
            return Response({"detail": lockout_message()}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        if user is None:
            raise serializers.ValidationError(
                {"non_field_errors": [gettext("Unable to log in with the provided credentials.")]}
            )
        # A new token each time: only its hash is kept, so an earlier one cannot be shown again.
        instance, token = issue_token(user)
        # A token login is a login: last_login is updated and axes forgets earlier failures.
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        return Response({"token": token, "expires": instance.expiry.isoformat()})


class LogoutTokenView(APIView):
    """``POST`` deletes the token the request carries (signed in with the session: all the
    user's tokens)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        if isinstance(request.auth, AuthToken):
            request.auth.delete()
        else:
            AuthToken.objects.filter(user=cast(User, request.user)).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """The signed-in user's profile and roles; ``PATCH`` updates the profile fields."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)

    @extend_schema(request=MeSerializer, responses=MeSerializer)
    def patch(self, request: Request) -> Response:
        serializer = MeSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(serializer.data)
