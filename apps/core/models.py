import uuid

from django.db import models


class PublicIdManager(models.Manager):
    def get_by_natural_key(self, public_id):
        return self.get(public_id=public_id)


class PublicRecord(models.Model):
    """A record with a stable public identifier and timestamps.

    The UUID is what URLs, fixtures and integrations use: it never changes and, unlike an
    auto-increment id, does not tell an outsider how many people the NGO follows.
    """

    public_id = models.UUIDField("public ID", default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublicIdManager()

    class Meta:
        abstract = True

    def natural_key(self):
        return (str(self.public_id),)
