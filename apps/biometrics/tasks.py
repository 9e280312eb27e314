"""Background work of the biometrics app: the 1:N search after a capture commits."""

from django_tasks import task


@task()
def search_enrolment(enrolment_id: int) -> int:
    """Search a new enrolment against everyone enrolled (dedup.search); returns how
    many candidates went to the adjudication queue. Safe to run twice."""
    from apps.biometrics.dedup import search

    return len(search(enrolment_id))
