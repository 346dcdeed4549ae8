from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "sessiondesk.integrations.zoom.directory"
    label = "zoom_directory"
    verbose_name = "Zoom directory"

    def ready(self) -> None:
        from sessiondesk.integrations.zoom import webhooks
        from sessiondesk.integrations.zoom.directory import events, queue, sync
        from sessiondesk.meetings import jobs

        for name, handler in events.HANDLERS.items():
            webhooks.register_handler(name, handler)
        jobs.register("zoom-directory-sync", sync.run_due, limit=1)
        jobs.register("zoom-directory-queue", queue.apply_due, limit=20)
