"""Move DRF authtoken tokens into knox, so that the clients holding them keep working.

Knox keeps a token's first 15 characters (``token_key``, to find it) and its SHA-512 digest;
an old 40-character key hashed the same way authenticates as before. Each keeps its issue time
and expires ``API_TOKEN_TTL`` after it, as it would have. The plain-text rows are deleted.
"""

from django.conf import settings
from django.db import migrations


def move_tokens(apps, schema_editor):
    from knox.crypto import hash_token
    from knox.settings import CONSTANTS

    Token = apps.get_model("authtoken", "Token")
    AuthToken = apps.get_model("knox", "AuthToken")
    for old in Token.objects.all().iterator():
        digest = hash_token(old.key)
        AuthToken.objects.get_or_create(
            digest=digest,
            defaults={"token_key": old.key[: CONSTANTS.TOKEN_KEY_LENGTH], "user_id": old.user_id},
        )
        # created is auto_now_add: set the original issue time afterwards.
        AuthToken.objects.filter(digest=digest).update(
            created=old.created, expiry=old.created + settings.API_TOKEN_TTL
        )
    Token.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("interviewprep", "0006_display_name_unique_ignoring_case"),
        ("authtoken", "0004_alter_tokenproxy_options"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [migrations.RunPython(move_tokens, migrations.RunPython.noop)]
