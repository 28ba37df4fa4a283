from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .forms import AVATAR_SIZE
from .images import picture_uploads
from .models import User
from .services import delete_members


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Profile", {"fields": ("display_name", "bio", "avatar")}),
    )
    list_display = ("username", "email", "display_name", "is_staff", "date_joined")
    formfield_overrides = picture_uploads(AVATAR_SIZE, crop=True)

    def delete_model(self, request, obj) -> None:
        delete_members(users=[obj])

    def delete_queryset(self, request, queryset) -> None:
        delete_members(users=queryset)
