"""API tokens (django-rest-knox): stored as hashes, expiring after TOKEN_TTL, revoked with the log-in they stand for.

A token is worth no more than the password that made it: a password change (or an unusable
password), a deactivation and a lockout of the name delete all of the account's tokens, so a
stolen token does not outlive the remedy. knox refuses an inactive account's token anyway, even
after a bulk update that sends no signal.
"""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from knox.models import AuthToken

from .models import User


def token_create(*, user, request):
    """Issue an API token to `user` (a log-in); return (token row, key). The key is shown once, stored hashed."""
    token, key = AuthToken.objects.create(user=user)
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return token, key


def tokens_revoke(*, user):
    """Delete every API token of `user`; return how many there were."""
    return AuthToken.objects.filter(user=user).delete()[0]


def tokens_delete_expired():
    """Delete the tokens past their expiry (knox deletes them only when their owner calls again); return the count."""
    return AuthToken.objects.filter(expiry__lt=timezone.now()).delete()[0]


@receiver(pre_save, sender=User)
def _note_credentials_change(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None or (update_fields is not None and not {"password", "is_active"} & set(update_fields)):
        return
    before = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    # A rehash after a hasher upgrade changes the stored hash too: its tokens go, harmlessly.
    instance._revoke_tokens = before is not None and (
        before["password"] != instance.password or (before["is_active"] and not instance.is_active))


@receiver(post_save, sender=User)
def _revoke_tokens_after_credentials_change(sender, instance, **kwargs):
    if getattr(instance, "_revoke_tokens", False):
        instance._revoke_tokens = False
        tokens_revoke(user=instance)


@receiver(user_locked_out)
def _revoke_tokens_on_lockout(sender, username=None, **kwargs):
    user = User.objects.filter(username=username).first() if username else None
    if user is not None:
        tokens_revoke(user=user)
