"""Administration of the organisation's Zoom account: its users, roles and groups, kept in step with Zoom.

Sync (``sync``) copies the directory; ``events`` applies ``user.*`` and ``group.member_*`` webhooks;
the named actions (``onboard``, ``offboard``, ``memberships``, ``links``, ``removal``) change Zoom
first and SessionDesk after Zoom said yes, each with its audit entry.
"""
