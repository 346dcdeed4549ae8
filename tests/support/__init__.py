"""Helpers the whole suite shares, one of each: ``zoom.connect`` (a member's Zoom connection made
through the emulator's OAuth endpoints) and ``sessions.zoom_session`` (an online session on Zoom)."""
