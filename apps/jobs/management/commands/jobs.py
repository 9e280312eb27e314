"""``manage.py jobs list|run|runs``: the product's scheduled jobs for operators.

- ``list``: each job, its schedule, when it runs next and how its last run went.
- ``run NAME [--as EMAIL]``: run a job now, in the foreground, recorded like a
  scheduled run (started by hand); exit 1 when it fails.
- ``runs [--job NAME] [--limit N]``: the latest runs, newest first.
"""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.jobs import queries, schedule, services
from apps.jobs.models import JobRun, RunState


class Command(BaseCommand):
    help = "List the scheduled jobs, run one now, or show the latest runs."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser("list", help="the schedule, next times and last runs")
        run = actions.add_parser("run", help="run a job now, in the foreground")
        run.add_argument("name", metavar="NAME")
        run.add_argument("--as", dest="requested_by", default="operator", metavar="EMAIL")
        runs = actions.add_parser("runs", help="the latest runs, newest first")
        runs.add_argument("--job", default=None, metavar="NAME")
        runs.add_argument("--limit", type=int, default=20)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for row in queries.overview(timezone.now()):
                last = row.last
                outcome = f"last {describe(last)}" if last else "never run"
                upcoming = f"{row.next_at:%Y-%m-%d %H:%M}" if row.next_at else "-"
                self.stdout.write(f"{row.job.name:24} {row.job.cron:14} next {upcoming}  {outcome}")
        elif options["action"] == "run":
            try:
                schedule.get(options["name"])
            except KeyError as error:
                raise CommandError(str(error.args[0])) from error
            run = services.run_now(options["name"], options["requested_by"])
            self.stdout.write(describe(run))
            if run.state != RunState.DONE:
                raise CommandError(f"{run.job} {run.state}: {run.error.strip()[-500:]}")
        else:
            found = JobRun.objects.all()
            if options["job"]:
                found = found.filter(job=options["job"])
            for run in found[: options["limit"]]:
                self.stdout.write(f"{run.job:24} {describe(run)}")


def describe(run: JobRun) -> str:
    duration = f" in {run.duration.total_seconds():.1f} s" if run.duration else ""
    result = f" -> {run.result}" if run.result is not None else ""
    return f"{run.slot:%Y-%m-%d %H:%M} {run.state}{duration}{result}"
