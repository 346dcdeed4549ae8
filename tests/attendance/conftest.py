from tests.attendance.fixtures import held  # noqa: F401
from tests.integrations.zoom.conftest import zoom  # noqa: F401
from tests.integrations.zoom.meeting_fixtures import unpaced  # noqa: F401
