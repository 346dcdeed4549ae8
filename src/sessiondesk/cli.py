"""The ``sessiondesk`` console script: Django's management commands plus ``up``, ``worker`` and ``emulator``."""

import os
import sys

from sessiondesk.lib.env import env


def _take_home_option(argv: list[str]) -> list[str]:
    """``--home DIR`` picks the instance folder; it must be known before settings load."""
    rest: list[str] = []
    args = iter(argv)
    for arg in args:
        if arg == "--home":
            os.environ["SESSIONDESK_HOME"] = os.path.abspath(next(args, "instance"))
        elif arg.startswith("--home="):
            os.environ["SESSIONDESK_HOME"] = os.path.abspath(arg.split("=", 1)[1])
        else:
            rest.append(arg)
    return rest


def _embedded_defaults(argv: list[str]) -> None:
    """``up`` is the embedded instance: unless SMTP is configured, its emails stay in the development
    mailbox. Only here: a production process never turns the mailbox on by accident."""
    if argv[:1] == ["up"] and not env("EMAIL_HOST"):
        os.environ.setdefault("DEV_MAILBOX", "true")


def main() -> None:
    argv = _take_home_option(sys.argv[1:])
    _embedded_defaults(argv)
    if argv[:1] == ["emulator"]:
        from zoom_emulator.__main__ import main as emulator_main

        sys.exit(emulator_main(argv[1:], prog="sessiondesk emulator"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sessiondesk.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["sessiondesk", *argv])


if __name__ == "__main__":
    main()
