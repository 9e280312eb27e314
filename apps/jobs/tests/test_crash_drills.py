"""Crash drills with real worker processes (apps/jobs/tests/drill.py).

1. Olu's dedup search is running when its worker is killed with SIGKILL: the task
   stays RUNNING until a new worker starts, takes it back after the lease runs out,
   and completes it.
2. PostgreSQL restarts under a running worker, even in the middle of a task: the
   worker says so once, waits, carries on with new tasks, and runs again the task
   whose result it could not save."""

import re
import signal
import time
from pathlib import Path

from apps.jobs.tests.drill import Cluster, Drill, drill_database, wait_for


def finished(drill: Drill, task_id: str) -> dict[str, object] | None:
    row = drill.task(task_id)
    return row if row["status"] in ("SUCCESSFUL", "FAILED") else None


def test_a_task_whose_worker_is_killed_is_completed_by_the_next_worker(tmp_path: Path) -> None:
    folder = tmp_path / "hold"
    folder.mkdir()
    with drill_database(tmp_path) as drill:
        task_id = drill.enqueue("hold", str(folder))
        first = drill.start_worker("first")
        wait_for(lambda: list(folder.glob("started-*")), 90, "the first worker to start the task")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        assert drill.task(task_id)["status"] == "RUNNING"  # what used to stay for ever

        (folder / "release").touch()
        drill.start_worker("second")
        row = wait_for(lambda: finished(drill, task_id), 90, "the second worker to finish it")

        assert row["status"] == "SUCCESSFUL"
        assert row["worker_ids"] == ["first", "second"]
        assert row["return_value"] == 2  # started twice, completed once
        assert "was running on worker first, which stopped" in drill.log_of("second")


def test_the_worker_keeps_working_across_a_postgresql_restart(tmp_path: Path) -> None:
    folder = tmp_path / "hold"
    folder.mkdir()
    with Cluster() as cluster:
        drill = Drill(tmp_path, cluster.url)
        try:
            drill.migrate()
            worker = drill.start_worker("steady")
            before = drill.enqueue("echo", "before the restart")
            wait_for(lambda: finished(drill, before), 90, "a task before the restart")

            cut_off = drill.enqueue("hold", str(folder))
            wait_for(lambda: list(folder.glob("started-*")), 90, "the worker to start the task")
            cluster.stop()
            (folder / "release").touch()  # it ends while the database is down
            wait_for(
                lambda: "the database is unavailable" in drill.log_of("steady"),
                30,
                "the worker to notice the outage",
            )
            time.sleep(3)  # several attempts to reconnect, each one quiet
            assert worker.poll() is None, drill.log_of("steady")
            cluster.start()

            after = drill.enqueue("echo", "after the restart")
            assert wait_for(lambda: finished(drill, after), 90, "a task after the restart") == {
                "status": "SUCCESSFUL",
                "worker_ids": ["steady"],
                "return_value": "after the restart",
            }
            row = wait_for(lambda: finished(drill, cut_off), 90, "the cut-off task to run again")
            assert row["status"] == "SUCCESSFUL"
            assert row["worker_ids"] == ["steady", "steady"]

            log = drill.log_of("steady")
            assert worker.poll() is None, log
            assert log.count("the database is unavailable") == 1, log
            assert log.count("the database is back") == 1, log
            attempts = re.search(r"the database is back after [\d.]+ s \((\d+) attempts\)", log)
            assert attempts is not None, log
            assert int(attempts[1]) >= 3, log
            assert "cut off by the outage; it is queued again" in log
        finally:
            drill.stop()


def test_two_schedulers_enqueue_each_slot_once_and_stop_on_sigterm(tmp_path: Path) -> None:
    with drill_database(tmp_path) as drill:
        schedulers = [drill.start(f"scheduler-{n}", "scheduler") for n in (1, 2)]
        wait_for(
            lambda: all("missed runs" in drill.log(f"scheduler-{n}") for n in (1, 2)),
            90,
            "both schedulers to start and catch up",
        )
        for process in schedulers:
            process.send_signal(signal.SIGTERM)
        assert [process.wait(timeout=20) for process in schedulers] == [0, 0]

        runs = drill.query("SELECT job, slot FROM jobs_jobrun")
        assert len(runs) >= 10  # every job but perhaps the monthly one
        assert len(runs) == len(set(runs))  # a slot has one run whatever the schedulers
        tasks = drill.query(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult "
            "WHERE task_path = 'apps.jobs.tasks.run_job'"
        )[0][0]
        assert tasks == len(runs)  # each run was enqueued once, with its record
