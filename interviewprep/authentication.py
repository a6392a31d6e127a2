"""API tokens: django-rest-knox, which stores only a hash (SHA-512) of each token and refuses
it after its expiry (``settings.API_TOKEN_TTL``, knox's ``TOKEN_TTL``).

Clients send ``Authorization: Token <token>`` as with DRF's authtoken before; the tokens it
issued were moved into knox by hashing them (migration ``0007_move_tokens_to_knox``), so they
keep working until they expire.
"""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from knox.auth import TokenAuthentication
from knox.models import AuthToken
from rest_framework.exceptions import AuthenticationFailed


def issue_token(user: Any) -> tuple[AuthToken, str]:
    """A new token for ``user``: the stored row (hash, expiry) and the token itself, which is
    shown once and never stored."""
    instance, token = AuthToken.objects.create(user=user, expiry=settings.API_TOKEN_TTL)
    return instance, token


class ExpiringTokenAuthentication(TokenAuthentication):
    """Knox's authentication, saying so when a token is refused because it expired (knox
    deletes it and answers "Invalid token.")."""

    expired = False

    def authenticate_credentials(self, token: bytes) -> tuple[Any, AuthToken]:
        try:
            return super().authenticate_credentials(token)
        except AuthenticationFailed:
            if self.expired:
                raise AuthenticationFailed(
                    _(
                        "This token has expired. Sign in again (POST /api/auth/token/) "
                        "for a new one."
                    )
                ) from None
            raise

    def _cleanup_token(self, auth_token: AuthToken) -> bool:
        removed = super()._cleanup_token(auth_token)
        self.expired = self.expired or removed
        return removed
