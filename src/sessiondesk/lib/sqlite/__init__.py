"""SQLite backend that queues writers promptly (see ``base``)."""
