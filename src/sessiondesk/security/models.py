from django.db import models


class RateCounter(models.Model):
    """Requests counted for one limited action and one requester in the current window.

    ``key`` is a hash of the action and the requester (an IP address or an account), so no address
    or email is stored in the clear.
    """

    key = models.CharField(max_length=64, unique=True)
    window_start = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key[:12]}… {self.count} since {self.window_start:%H:%M:%S}"
