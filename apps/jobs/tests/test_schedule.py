"""The product's schedule: every job points at real code, times are read as crontab
in the project's time zone, and an operator can move a job but not invent one."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.utils.module_loading import import_string
from django_tasks.base import Task

from apps.jobs import schedule
from apps.jobs.services import slot_for

UTC = dt.UTC


def test_every_job_has_a_target_and_a_valid_time() -> None:
    jobs = schedule.jobs()
    assert set(jobs) >= {
        "reregistration",
        "appointment-reminders",
        "escalations",
        "holds",
        "retention",
        "audit-tree-head",
        "status-lists",
        "statistics",
        "outbox-delivery",
    }
    for job in jobs.values():
        target = import_string(job.target)
        assert isinstance(target, Task) or callable(target), job.name
        assert job.trigger is not None
        assert str(job.description)


def test_tree_heads_are_signed_every_minute() -> None:
    job = schedule.get("audit-tree-head")
    now = dt.datetime(2026, 12, 6, 17, 45, 20, tzinfo=UTC)
    assert schedule.next_time(job, now) == dt.datetime(2026, 12, 6, 17, 46, tzinfo=UTC)
    assert schedule.previous_time(job, now) == dt.datetime(2026, 12, 6, 17, 45, tzinfo=UTC)


def at(*fields: int) -> dt.datetime:
    return dt.datetime(*fields, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("name", "now", "previous"),
    [
        ("retention", at(2026, 12, 6, 3, 29), at(2026, 12, 5, 3, 30)),
        ("retention", at(2026, 12, 6, 3, 30), at(2026, 12, 6, 3, 30)),
        ("status-lists", at(2026, 12, 6, 10, 14), at(2026, 12, 6, 10, 0)),
        ("statistics", at(2027, 1, 2, 23, 0), at(2026, 12, 3, 5, 0)),
    ],
)
def test_the_previous_time_of_a_job(name: str, now: dt.datetime, previous: dt.datetime) -> None:
    job = schedule.get(name)
    assert schedule.previous_time(job, now) == previous


def test_times_are_in_the_projects_time_zone() -> None:
    with override_settings(TIME_ZONE="America/New_York"):
        retention = schedule.get("retention")
        after = dt.datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
        # 03:30 in New York in December is 08:30 UTC.
        assert schedule.next_time(retention, after) == dt.datetime(2026, 12, 7, 8, 30, tzinfo=UTC)


def test_an_operator_moves_a_job() -> None:
    with override_settings(JOB_SCHEDULE_OVERRIDES='{"retention": "15 1 * * *"}'):
        assert schedule.get("retention").cron == "15 1 * * *"
        assert schedule.get("holds").cron == schedule.PRODUCT_SCHEDULE[4].cron


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ('{"make-coffee": "* * * * *"}', "unknown jobs"),
        ('{"retention": "every night"}', "5 fields"),
        ('{"retention": "0 3 * * 1"}', "name days of the week"),
        ("retention=0 3 * * *", "not JSON"),
    ],
)
def test_a_bad_schedule_stops_start_up(overrides: str, complaint: str) -> None:
    with (
        override_settings(JOB_SCHEDULE_OVERRIDES=overrides),
        pytest.raises(ImproperlyConfigured, match=complaint),
    ):
        schedule.jobs()


def test_an_unknown_job_is_named() -> None:
    with pytest.raises(KeyError, match="the jobs are audit-tree-head"):
        schedule.get("make-coffee")


@pytest.mark.parametrize(
    ("fired", "slot"),
    [
        (at(2026, 12, 6, 3, 30, 0, 40_000), at(2026, 12, 6, 3, 30)),
        (at(2026, 12, 6, 3, 29, 59, 900_000), at(2026, 12, 6, 3, 30)),
        (at(2026, 12, 6, 3, 30, 12), at(2026, 12, 6, 3, 30)),
    ],
)
def test_two_schedulers_a_little_apart_name_the_same_slot(
    fired: dt.datetime, slot: dt.datetime
) -> None:
    assert slot_for(fired) == slot
