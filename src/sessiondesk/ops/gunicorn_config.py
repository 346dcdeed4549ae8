"""gunicorn's configuration for ``sessiondesk serve``: its own log lines (start, workers booting,
timeouts) in the same format as SessionDesk's, so a JSON log stays JSON from the first line."""

from sessiondesk.lib.env import env
from sessiondesk.ops.logs import logging_config

logconfig_dict = logging_config(env("LOG_FORMAT", "plain"), env("LOG_LEVEL", "INFO"))
