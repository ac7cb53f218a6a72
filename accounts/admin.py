from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.forms import SignUpForm
from accounts.models import SignInFailure, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = SignUpForm
    ordering = ["email"]
    list_display = ["email", "name", "background", "is_staff", "date_joined"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["name", "time_zone", "background"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]})]


@admin.register(SignInFailure)
class SignInFailureAdmin(admin.ModelAdmin):
    list_display = ["email", "failed_at"]
    search_fields = ["email"]
