"""PostgreSQL backend whose health check needs no round trip (see ``base``)."""
