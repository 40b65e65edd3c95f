from django_otp.plugins.otp_totp.models import TOTPDevice


class SecondFactor(TOTPDevice):
    """A staff member's authenticator app, as admin lists it (the device
    itself is django-otp's; its key is never shown after enrolment)."""

    class Meta:
        proxy = True
        verbose_name = "второй фактор сотрудника"
        verbose_name_plural = "второй фактор сотрудников"

    def __str__(self) -> str:
        return str(self.user)
