from django.utils import timezone


def record_last_login(sender, user, **kwargs) -> None:
    user.last_login = timezone.now()
    type(user).objects.filter(pk=user.pk).update(last_login=user.last_login)
