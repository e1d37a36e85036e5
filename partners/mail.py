"""Mail sent once the work it reports is committed: a mail server that refuses is logged
and told to the caller, never a server error over a record already stored."""

import logging
import smtplib

from django.core.mail import send_mail

logger = logging.getLogger(__name__)


def send(subject: str, body: str, to: str) -> bool:
    """Whether the mail server took the mail."""
    try:
        send_mail(subject, body, None, [to])
    except (smtplib.SMTPException, OSError):
        # Not the address: the log is no place for personal data.
        logger.exception("The mail server refused %r", subject)
        return False
    return True
