"""Amal opens her proof on her phone and her laptop at the same moment, while other
people's proofs are being issued and revoked (PostgreSQL, real concurrent
transactions): she gets one proof, not two, and every proof keeps its own status slot."""

import threading

import pytest
from django.db import connection

from apps.accounts.permissions import Role
from apps.audit.services import verify as verify_audit
from apps.proofs import services
from apps.proofs.models import Proof, StatusList
from apps.proofs.tests.conftest import register
from apps.registrations.models import Registration
from conftest import make_user

TABS = 6


@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_issue_one_proof_and_distinct_slots() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite serialises writers, and its append-only audit "
            "trigger refuses the flush that ends a transactional test"
        )
    officer = make_user(Role.OFFICER, "olu-concurrent")
    amal = make_user(Role.REGISTRANT, "amal-concurrent")
    case = register(amal, officer)
    others = [register(make_user(Role.REGISTRANT, f"other-{n}"), officer) for n in range(TABS)]
    texts: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(TABS * 2)

    def open_proof(registration: Registration, owner: object) -> None:
        try:
            start.wait()
            texts.append(services.current_proof(owner, registration).text)  # type: ignore[arg-type]
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    def reissue(registration: Registration) -> None:
        try:
            start.wait()
            services.reissue(officer, registration, purpose="case-processing")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_proof, args=(case, amal)) for _ in range(TABS)]
    threads += [threading.Thread(target=reissue, args=(other,)) for other in others]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert len(set(texts)) == 1
    assert Proof.objects.filter(registration=case).count() == 1
    slots = list(Proof.objects.values_list("status_list_id", "status_index"))
    assert len(slots) == len(set(slots)) == 1 + TABS
    assert StatusList.objects.get().used == 1 + TABS
    report = verify_audit()
    assert report.ok, report.problem
