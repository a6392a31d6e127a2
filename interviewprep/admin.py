from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


class CachedFromAdmin(admin.ModelAdmin):
    """An admin whose objects something is cached from: :meth:`changed` gets the objects each
    save (after it) or deletion (before it) writes, to drop what was kept from them."""

    def changed(self, *objects) -> None:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self.changed(obj)

    def delete_model(self, request, obj):
        self.changed(obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self.changed(*queryset)
        super().delete_queryset(request, queryset)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "display_name", "is_staff", "date_joined")
    search_fields = ("email", "display_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("display_name", "ui_language", "daily_goal")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
