from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from apps.accounts.models import User


@task()
def send_verification_email(user_id: int) -> None:
    """E-mail the verification link in the language the person signed up in."""
    from apps.accounts.services import verification_url

    user = User.objects.get(pk=user_id)
    with translation.override(user.preferred_language):
        context = {"url": verification_url(user)}
        send_mail(
            subject=_("Confirm your e-mail address for Registry"),
            message=render_to_string("accounts/email/verify.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )
