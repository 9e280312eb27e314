"""``manage.py scheduler``: keep the product's schedule (apps/jobs/schedule.py).

At each job's time it records a run for that slot and enqueues it for the workers, in
one transaction; it runs no job itself. Run one, or several for redundancy: a slot gets
one run whatever the number of schedulers (the database decides). On start, and when
the database comes back after an outage, it enqueues the latest slot of each job that
was missed within SCHEDULER_CATCH_UP_HOURS. It never exits for a database outage.

``--once`` does the catch-up and exits (for tests and for a cron-only host)."""

import logging
import signal
from argparse import ArgumentParser
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.blocking import BlockingScheduler
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connections
from django.utils import timezone

from apps.jobs import schedule, services
from apps.jobs.leases import DATABASE_ERRORS
from apps.jobs.worker import Outage


class Command(BaseCommand):
    help = "Run the product's schedule of jobs: enqueue each job at its time."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="enqueue what is due or missed, then exit"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.outage = Outage("scheduler")
        self.stopping = False
        # APScheduler says "adding job" and "running job" at INFO: a line a minute each.
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
        jobs = schedule.jobs()
        if options["once"]:
            for run in services.catch_up():
                self.stdout.write(f"enqueued {run.job} for {run.slot:%Y-%m-%d %H:%M}")
            return
        self.scheduler = BlockingScheduler(
            timezone=ZoneInfo(settings.TIME_ZONE),
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 120},
        )
        for job in jobs.values():
            self.scheduler.add_job(
                self.fire, trigger=job.trigger, args=[job.name], id=job.name, name=job.name
            )
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        self.stdout.write(
            f"scheduler: {len(jobs)} jobs ({', '.join(jobs)}); time zone {settings.TIME_ZONE}"
        )
        self.guarded(self.catch_up)
        self.scheduler.start()

    def catch_up(self) -> None:
        runs = services.catch_up()
        self.stdout.write(f"scheduler: caught up {len(runs)} missed runs")

    def fire(self, name: str) -> None:
        slot = services.slot_for(timezone.now())
        self.guarded(lambda: services.enqueue_run(name, slot))

    def guarded(self, action: Any) -> None:
        """Run `action`; during an outage, say so once and try again at the next tick.
        When the database is back, catch up on what the outage made us miss."""
        close_old_connections()
        try:
            action()
            if self.outage.since is not None:
                self.outage.end()
                self.catch_up()
        except DATABASE_ERRORS as error:
            self.outage.begin(error)
            connections.close_all()

    def stop(self, signum: int, frame: FrameType | None) -> None:
        if self.stopping:
            return  # a second signal while it stops
        self.stopping = True
        self.stdout.write(f"scheduler: {signal.Signals(signum).name}, stopping")
        if not self.scheduler.running:
            raise SystemExit(0)  # still starting: stop at once
        self.scheduler.shutdown(wait=False)
