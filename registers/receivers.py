"""A reveal of a resident's data goes into the audit trail, like the hotline's and mediation's reveals."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from audit.models import AuditEvent
from audit.services import audit_record
from govportal.masking import mask_numbers

from .models import ResidentReveal


@receiver(post_save, sender=ResidentReveal)
def resident_data_revealed(sender, instance, created, **kwargs):
    if created:
        audit_record(action=AuditEvent.Action.REVEAL, result=AuditEvent.Result.SUCCESS, actor=instance.actor,
                     target=f"registers.resident:{instance.resident_id}",
                     details={"field": instance.field, "reason": mask_numbers(instance.reason)})
