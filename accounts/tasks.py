from celery import shared_task

from .tokens import tokens_delete_expired


@shared_task
def delete_expired_tokens():
    """Delete API tokens past their expiry; safe to run any number of times."""
    return tokens_delete_expired()
