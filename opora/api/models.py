from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """A personal key for the REST API. Only its hash is kept: the key is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name="пользователь",
    )
    name = models.CharField("назначение", max_length=100)
    prefix = models.CharField("начало ключа", max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("выдан", auto_now_add=True)
    last_used_at = models.DateTimeField("последнее обращение", null=True, blank=True)
    revoked_at = models.DateTimeField("отозван", null=True, blank=True)

    class Meta:
        verbose_name = "ключ API"
        verbose_name_plural = "ключи API"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"
