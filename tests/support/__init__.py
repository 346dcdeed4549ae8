"""Helpers the whole suite shares, one of each: ``zoom.connect`` (a member's Zoom connection made
through the emulator's OAuth endpoints), ``sessions.zoom_session`` (an online session on Zoom) and
``worker.run_worker_until_idle`` (a job of the worker, inline, until nothing is due)."""
