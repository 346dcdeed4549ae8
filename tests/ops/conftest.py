"""The Zoom emulator in-process for the operator tests (the same fixture the Zoom tests use)."""

from tests.integrations.zoom.conftest import zoom

__all__ = ["zoom"]
