import zoneinfo

from django import forms
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm

from accounts import throttle
from accounts.models import User

TIME_ZONE_CHOICES = [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


def email_taken(email, exclude_pk=None):
    return User.objects.filter(email=email).exclude(pk=exclude_pk).exists()


class SignUpForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["name", "email"]
        labels = {"name": "Your name", "email": "Email"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_email(self):
        email = throttle.normalise_email(self.cleaned_data["email"])
        if email_taken(email):
            raise forms.ValidationError("An account with this email already exists. Sign in instead?")
        return email


class SignInForm(AuthenticationForm):
    """Email and password, refused for a while after repeated failures on the same account."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That email and password do not match an account. Both are case-sensitive except the email.",
        "locked_out": (
            "Too many failed sign-ins for this account. For your security, wait 15 minutes and try again, "
            "or reset your password."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email"
        self.fields["username"].widget = forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})

    def clean(self):
        email = self.cleaned_data.get("username")
        if email and throttle.is_locked_out(email):
            raise forms.ValidationError(self.error_messages["locked_out"], code="locked_out")
        try:
            cleaned_data = super().clean()
        except forms.ValidationError:
            if email:
                throttle.record_failure(email)
            raise
        if email:
            throttle.clear_failures(email)
        return cleaned_data


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        choices=TIME_ZONE_CHOICES, help_text="Used for “today”, due dates and streaks.", label="Time zone"
    )

    class Meta:
        model = User
        fields = ["name", "email", "time_zone", "background"]
        labels = {"name": "Your name", "background": "Your background"}
        help_texts = {"background": "Used to point out the requirements that apply to you."}

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_email(self):
        email = throttle.normalise_email(self.cleaned_data["email"])
        if email_taken(email, exclude_pk=self.instance.pk):
            raise forms.ValidationError("Another account already uses this email.")
        return email


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="This deletes your account and every plan, log and score in it. It cannot be undone.",
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your current password.")
        return password
