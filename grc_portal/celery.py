"""The Celery application; configured from Django settings (``CELERY_*``)."""

import os

from celery import Celery, bootsteps
from celery.signals import worker_process_init

from documents.worker import DocumentRecovery, worker_process_memory_limit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grc_portal.settings")

app = Celery("grc_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Records in the database, every few seconds, that this worker is alive.

    ``/healthz`` reads it, so worker health needs no broadcast support from the
    broker (the embedded filesystem broker has none) and works across replicas.
    """

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.tref = None

    def start(self, worker):
        from django.conf import settings

        from core.services import worker_heartbeat_record

        worker_heartbeat_record(hostname=worker.hostname)
        self.tref = worker.timer.call_repeatedly(
            settings.WORKER_HEARTBEAT_SECONDS, worker_heartbeat_record, kwargs={"hostname": worker.hostname}
        )

    def stop(self, worker):
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None


app.steps["worker"].add(WorkerHeartbeat)
app.steps["worker"].add(DocumentRecovery)
worker_process_init.connect(worker_process_memory_limit, weak=False)
