"""Display names: what other people see of a learner, so they must not impersonate anyone.

A name is normalised (NFKC, which also folds full-width letters; format and control characters
such as right-to-left overrides and zero-width spaces removed; runs of spaces collapsed), must
not be one of the team's (编辑, editor, admin, …) or a generated public name ("学习者 #12"),
and must differ from everyone else's ignoring case and width.
"""

import re
import unicodedata
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: Names of the team and of the site's own roles, compared by :func:`name_key`.
RESERVED = frozenset(
    {
        "编辑",
        "编辑部",
        "编辑审查",
        "审校",
        "审核",
        "审核员",
        "管理员",
        "管理",
        "官方",
        "客服",
        "版主",
        "系统",
        "editor",
        "editors",
        "editorial",
        "editorialreview",
        "reviewer",
        "admin",
        "administrator",
        "staff",
        "moderator",
        "mod",
        "official",
        "support",
        "system",
        "root",
        "interviewprep",
    }
)
#: The generated public names (``User.public_name``) in either language.
GENERATED = re.compile(r"^(学习者|用户|learner|member)#?\d*$")


def normalise(value: str) -> str:
    """NFKC, without format (Cf: bidi controls, zero-width characters) or control (Cc)
    characters, with whitespace runs collapsed to one space and the ends stripped."""
    text = unicodedata.normalize("NFKC", value)
    text = "".join(
        " " if char.isspace() else char
        for char in text
        if unicodedata.category(char) not in {"Cf", "Cc"} or char.isspace()
    )
    return " ".join(text.split())


def name_key(value: str) -> str:
    """What two names are compared by: normalised, case-folded, without spaces and
    punctuation (so "Ed itor", "EDITOR." and "ｅｄｉｔｏｒ" all read "editor")."""
    return "".join(
        char for char in normalise(value).casefold() if unicodedata.category(char)[0] in "LN"
    )


def clean_display_name(value: str, *, user: Any) -> str:
    """The normalised ``value``, or :class:`ValidationError` if it is reserved or taken."""
    name = normalise(value or "")
    if not name:
        return ""
    key = name_key(name)
    if not key or key in RESERVED or GENERATED.match(key):
        raise ValidationError(
            _("This name is reserved for the team or the site. Choose another one."),
            code="reserved",
        )
    # Stored names are normalised (NFKC folds width), so a case-insensitive match is the rule;
    # the constraint user_display_name_ci_unique holds it against concurrent writes.
    others = get_user_model().objects.exclude(pk=user.pk)
    if others.filter(display_name__iexact=name).exists():
        raise ValidationError(
            _("Someone already uses this name. Choose another one."), code="taken"
        )
    return name
