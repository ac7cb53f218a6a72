import zoneinfo

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join

from accounts import throttle
from accounts.fields import LowercaseEmailField
from accounts.models import ReminderEmail, User
from usmleprep.lib.bounds import SquashedTextField

# The opt-in reminder emails, shown on the profile under a heading of their own.
REMINDER_FIELDS = [kind.value for kind in ReminderEmail.Kind]
TIME_ZONE_CHOICES = [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]
TIME_ZONE_OPTIONS = {
    name: format_html('<option value="{}">{}</option>', name, label) for name, label in TIME_ZONE_CHOICES
}


class TimeZoneSelect(forms.Select):
    """The ~600 time zones as one select, built from options escaped once at start-up.

    Django's Select renders every option through a template: about 50 ms per profile page.
    """

    def render(self, name, value, attrs=None, renderer=None):
        options = dict(TIME_ZONE_OPTIONS)
        if value in options:
            options[value] = format_html('<option value="{}" selected>{}</option>', value, value.replace("_", " "))
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        # Every option is escaped already (format_html), and format_html_join keeps them as they are.
        return format_html(
            "<select{}>{}</select>", flatatt(final_attrs), format_html_join("", "{}", zip(options.values()))
        )


def email_taken(email, exclude_pk=None):
    return User.objects.filter(email=email).exclude(pk=exclude_pk).exists()


class SignUpForm(auth_forms.BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["name", "email"]
        labels = {"name": "Your name", "email": "Email"}
        field_classes = {"name": SquashedTextField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def validate_unique(self):
        # A taken address is not an error here: accounts.signup emails its owner instead of telling the form.
        pass


class AdminUserCreationForm(auth_forms.BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "name"]


class SignInRefusalMessage:
    """Says why the throttle refused a sign-in (accounts.backends sets request.sign_in_refused)."""

    refusal_messages = {
        "account": (
            "Too many failed sign-ins for this account from here. For your security, wait 15 minutes and try "
            "again, or reset your password."
        ),
        "address": "Too many failed sign-ins from your network. For your security, wait 15 minutes and try again.",
    }

    def get_invalid_login_error(self):
        refused = getattr(self.request, "sign_in_refused", None)
        if refused:
            return forms.ValidationError(self.refusal_messages[refused], code="locked_out")
        return super().get_invalid_login_error()


class SignInForm(SignInRefusalMessage, auth_forms.AuthenticationForm):
    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": (
            "That email and password do not match an account. Both are case-sensitive except the email. "
            "If you have just signed up, open the link we emailed you first."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"] = LowercaseEmailField(
            label="Email", widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
        )


class AdminSignInForm(SignInRefusalMessage, AdminAuthenticationForm):
    pass


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = LowercaseEmailField(label="Email", widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        choices=TIME_ZONE_CHOICES,
        widget=TimeZoneSelect,
        help_text="Used for “today”, due dates and streaks.",
        label="Time zone",
    )
    current_password = forms.CharField(
        label="Current password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Needed only to change your email.",
    )

    class Meta:
        model = User
        fields = ["name", "email", "time_zone", "background", *REMINDER_FIELDS]
        labels = {"name": "Your name", "background": "Your background"}
        field_classes = {"name": SquashedTextField}
        help_texts = {"background": "Used to point out the requirements that apply to you."}

    field_order = ["name", "email", "current_password", "time_zone", "background", *REMINDER_FIELDS]

    def __init__(self, *args, address, **kwargs):
        self.address = address
        super().__init__(*args, **kwargs)

    @property
    def reminder_fields(self):
        return [self[name] for name in REMINDER_FIELDS]

    @property
    def other_fields(self):
        return [field for field in self if field.name not in REMINDER_FIELDS]

    def clean_email(self):
        email = self.cleaned_data["email"]
        if email_taken(email, exclude_pk=self.instance.pk):
            raise forms.ValidationError("Another account already uses this email.")
        return email

    def clean(self):
        cleaned_data = super().clean()
        if "email" in self.changed_data:
            refused = throttle.check_current_password(self.instance, cleaned_data.get("current_password"), self.address)
            if refused == throttle.TOO_MANY_TRIES:
                self.add_error("current_password", throttle.TOO_MANY_TRIES_MESSAGE)
            elif refused:
                self.add_error("current_password", "Enter your current password to change your email.")
        return cleaned_data

    def save(self, commit=True):
        if "email" in self.changed_data:
            self.instance.email_verified_at = None
        return super().save(commit)


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="This deletes your account and every plan, log and score in it. It cannot be undone.",
    )

    def __init__(self, user, *args, address, **kwargs):
        self.user, self.address = user, address
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        refused = throttle.check_current_password(self.user, password, self.address)
        if refused == throttle.TOO_MANY_TRIES:
            raise forms.ValidationError(throttle.TOO_MANY_TRIES_MESSAGE)
        if refused:
            raise forms.ValidationError("That is not your current password.")
        return password


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def __init__(self, user, *args, address, **kwargs):
        self.address = address
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        refused = throttle.check_current_password(self.user, old_password, self.address)
        if refused == throttle.TOO_MANY_TRIES:
            raise forms.ValidationError(throttle.TOO_MANY_TRIES_MESSAGE, code="too_many_tries")
        if refused:
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password
