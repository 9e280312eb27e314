"""The shared permission-matrix helpers notice a route a matrix leaves out, so "every
route is listed" cannot pass by looking at nothing."""

from apps.transparency import urls
from apps.transparency.api import router
from apps.transparency.tests.test_permission_matrix import ROUTES
from tests.matrix import fill, listed_api, unlisted_operations, unlisted_pages

PAGE_NAMES = {"{release}": "<slug:release_id>"}


def test_a_complete_matrix_leaves_nothing_out() -> None:
    assert unlisted_pages(urls.urlpatterns, ROUTES, PAGE_NAMES) == []
    assert unlisted_operations(router, ROUTES) == []


def test_a_missing_api_route_is_named() -> None:
    without = [r for r in ROUTES if r[0] != "release api"]
    assert unlisted_operations(router, without) == ["POST /statistics/releases"]


def test_a_missing_page_is_named() -> None:
    without = [r for r in ROUTES if r[0] != "ledger page"]
    assert unlisted_pages(urls.urlpatterns, without, PAGE_NAMES) == ["transparency/ledger/"]


def test_placeholders_are_filled_everywhere_and_methods_read() -> None:
    assert fill({"a": ["/x/{id}/", 3]}, {"id": "7"}) == {"a": ["/x/7/", 3]}
    assert listed_api([("n", "put-json", "/api/v1/things/{id}?x=1", None, None)]) == {
        ("PUT", "/things/{id}")
    }
