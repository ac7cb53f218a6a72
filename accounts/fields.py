"""Email addresses are compared and stored lower-cased and trimmed, and are at most 254 characters (RFC 5321)."""

from django import forms
from django.db import models

MAX_EMAIL_LENGTH = 254


def normalise_email(value):
    return value.strip().lower()


class LowercaseEmailField(forms.EmailField):
    """The form field for every typed email: sign-up, sign-in, profile and password reset."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_EMAIL_LENGTH)
        super().__init__(**kwargs)

    def to_python(self, value):
        return normalise_email(super().to_python(value))


class EmailAddressField(models.EmailField):
    """Lower-cases on save and in lookups, so `User.objects.get(email="Alice@Example.com")` finds alice."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", MAX_EMAIL_LENGTH)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if value:
            setattr(model_instance, self.attname, normalise_email(value))
        return super().pre_save(model_instance, add)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return normalise_email(value) if isinstance(value, str) else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": LowercaseEmailField, **kwargs})
