from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Background work that survives crashes: the task worker (django-tasks-db's
    `db_worker`, kept alive across database outages and holding a lease on what it
    runs), the product's schedule of jobs, and the record of every run."""

    name = "apps.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
