"""The product's schedule: which job runs when, kept by the product itself instead of
cron (`manage.py scheduler` enqueues each job at its time; docs/operations.md).

Times are crontab expressions in TIME_ZONE, read by APScheduler's CronTrigger, the
scheduler that django-crontask wraps (django-crontask itself needs Python 3.12 and
Django 6's `django.tasks`; see docs/architecture.md). An operator may move a job with
REGISTRY_JOB_SCHEDULE, e.g. '{"retention": "30 2 * * *"}'; the set of jobs is the
product's. Every job is idempotent: a repeated or caught-up run does no harm."""

import datetime as dt
import functools
import json
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django_tasks.base import Task

# Jobs that keep a promise measured in minutes go before the others in the queue.
URGENT = 50


@dataclass(frozen=True)
class Job:
    name: str
    cron: str
    target: str  # dotted path of a function, or of a task whose function is called
    description: Promise
    priority: int = 0

    @property
    def trigger(self) -> CronTrigger:
        return trigger_for(self.cron)

    def call(self) -> Any:
        """Run the job's function in this process and return its JSON-able result."""
        target = import_string(self.target)
        result = target.call() if isinstance(target, Task) else target()
        return json.loads(json.dumps(result, default=str))


PRODUCT_SCHEDULE: tuple[Job, ...] = (
    Job(
        "audit-tree-head",
        "* * * * *",
        "apps.audit.tasks.sign_tree_head",
        _(
            "Seals the audit entries written since the last run into the Merkle tree and "
            "signs a tree head; signs nothing when nothing is new."
        ),
        priority=URGENT,
    ),
    Job(
        "outbox-delivery",
        "* * * * *",
        "apps.outbox.services.deliver_due",
        _(
            "Sends the messages that are due: retries of failed sends, and any message "
            "whose own delivery task was lost."
        ),
        priority=URGENT,
    ),
    Job(
        "appointment-reminders",
        "*/15 * * * *",
        "apps.appointments.tasks.send_due_reminders",
        _("Reminds each registrant of their biometrics appointment 24 hours before, once."),
    ),
    Job(
        "escalations",
        "20 * * * *",
        "apps.rights.redress.escalate_overdue",
        _(
            "Escalates correction requests and complaints past their deadline to the "
            "privacy officers, once each."
        ),
    ),
    Job(
        "holds",
        "25 * * * *",
        "apps.rights.services.end_expired_holds",
        _("Records the end of every law-enforcement hold whose time ran out."),
    ),
    Job(
        "status-lists",
        "*/15 * * * *",
        "apps.proofs.lists.refresh_signed_tokens",
        _(
            "Re-signs each proof status list that changed or whose signed copy is older "
            "than an hour, so verifiers always find a fresh one."
        ),
    ),
    Job(
        "reregistration",
        "0 2 * * *",
        "apps.registrations.tasks.run_reregistration_job",
        _(
            "Opens the re-registration case of each child who reached the program's age "
            "and tells the family."
        ),
    ),
    Job(
        "retention",
        "30 3 * * *",
        "apps.retention.tasks.run_retention_job",
        _(
            "Applies every program's retention rules: expunges who is due, or leaves a "
            "large run waiting for a privacy officer."
        ),
    ),
    Job(
        "outbox-prune",
        "45 3 * * *",
        "apps.outbox.services.prune",
        _("Deletes messages sent, failed or cancelled more than OUTBOX_KEEP_DAYS ago."),
    ),
    Job(
        "housekeeping",
        "0 4 * * *",
        "apps.jobs.services.prune_history",
        _(
            "Deletes finished task results and job runs older than their keeping period, "
            "and the heartbeats of workers gone for a day."
        ),
    ),
    Job(
        "statistics",
        "0 5 3 * *",
        "apps.transparency.services.release_last_month",
        _(
            "Publishes last month's differentially private statistics, unless a privacy "
            "officer already released that month."
        ),
    ),
)


def trigger_for(cron: str) -> CronTrigger:
    """A CronTrigger in the project's time zone; ValueError for a bad expression.
    Days of the week are refused as numbers: APScheduler counts Monday as 0, crontab
    counts Sunday as 0, and a literal (mon, sun) means the same in both."""
    fields = cron.split()
    if len(fields) != 5:
        raise ValueError(f"{cron!r}: a crontab expression has 5 fields")
    if any(character.isdigit() for character in fields[4]):
        raise ValueError(f"{cron!r}: name days of the week (mon, tue, ...), not numbers")
    return CronTrigger.from_crontab(cron, timezone=ZoneInfo(settings.TIME_ZONE))


@functools.cache
def _overrides(text: str) -> dict[str, str]:
    try:
        overrides = json.loads(text or "{}")
    except ValueError as error:
        raise ImproperlyConfigured(f"REGISTRY_JOB_SCHEDULE is not JSON: {error}") from error
    if not isinstance(overrides, dict):
        raise ImproperlyConfigured('REGISTRY_JOB_SCHEDULE must be {"job": "crontab", ...}')
    known = {job.name for job in PRODUCT_SCHEDULE}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ImproperlyConfigured(
            f"REGISTRY_JOB_SCHEDULE names unknown jobs {unknown}; the jobs are {sorted(known)}"
        )
    for name, cron in overrides.items():
        try:
            trigger_for(str(cron))
        except ValueError as error:
            raise ImproperlyConfigured(f"REGISTRY_JOB_SCHEDULE[{name!r}]: {error}") from error
    return {name: str(cron) for name, cron in overrides.items()}


def jobs() -> dict[str, Job]:
    """The schedule in force: the product's, with the operator's changes of time."""
    overrides = _overrides(settings.JOB_SCHEDULE_OVERRIDES)
    return {
        job.name: Job(
            job.name, overrides.get(job.name, job.cron), job.target, job.description, job.priority
        )
        for job in PRODUCT_SCHEDULE
    }


def get(name: str) -> Job:
    """The job called `name`; KeyError names the jobs there are."""
    schedule = jobs()
    if name not in schedule:
        raise KeyError(f"no job {name!r}; the jobs are {', '.join(schedule)}")
    return schedule[name]


def next_time(job: Job, after: dt.datetime) -> dt.datetime | None:
    return job.trigger.get_next_fire_time(None, after)


LOOK_BACK = tuple(
    dt.timedelta(**step)
    for step in ({"minutes": 1}, {"hours": 1}, {"days": 1}, {"days": 32}, {"days": 366})
)


def previous_time(job: Job, now: dt.datetime) -> dt.datetime | None:
    """The latest time at or before `now` the job was due, looking back at most a year.
    Tries widening windows so an every-minute job takes a step or two, not thousands."""
    trigger = job.trigger
    for window in LOOK_BACK:
        candidate = trigger.get_next_fire_time(None, now - window)
        if candidate is None or candidate > now:
            continue
        while True:
            following = trigger.get_next_fire_time(candidate, candidate + dt.timedelta(seconds=1))
            if following is None or following > now:
                return candidate
            candidate = following
    return None
