"""API tokens that expire."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


def token_expires(token: Token) -> datetime:
    return token.created + settings.API_TOKEN_TTL


def valid_token_for(user: Any) -> Token:
    """The user's API token; a new one if they had none or theirs has expired."""
    token, _created = Token.objects.get_or_create(user=user)
    if token_expires(token) <= timezone.now():
        token.delete()
        token = Token.objects.create(user=user)
    return token


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's ``Authorization: Token <key>``, refused once the token is older than
    ``settings.API_TOKEN_TTL``; the expired token is deleted."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        user, token = super().authenticate_credentials(key)
        if token_expires(token) <= timezone.now():
            token.delete()
            raise AuthenticationFailed(
                _("This token has expired. Sign in again (POST /api/auth/token/) for a new one.")
            )
        return user, token
