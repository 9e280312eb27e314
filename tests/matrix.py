"""What every app's permission-matrix test shares: filling a route's templates with the
ids of the objects a test made, calling a route the way its method says, and listing the
operations of an API router (for "every route is listed").

A matrix lists routes as (name, method, path template, permission, body template), with
`method` one of "get", "post" (a form), "post-json" and "put-json"."""

import json
from typing import Any

from django.test import Client


def fill(template: Any, ids: dict[str, Any]) -> Any:
    """`template` with "{name}" placeholders replaced by ids, in strings, dicts and lists.
    A string that is one placeholder alone becomes the id itself (an int stays an int in
    a JSON body)."""
    if isinstance(template, str):
        name = template[1:-1]
        if template == "{" + name + "}" and name in ids:
            return ids[name]
        return template.format(**ids)
    if isinstance(template, dict):
        return {key: fill(value, ids) for key, value in template.items()}
    if isinstance(template, list):
        return [fill(value, ids) for value in template]
    return template


def call(client: Client, method: str, path: str, body: Any) -> Any:
    """A request to `path`: GET, a form POST, or a JSON POST or PUT."""
    if method == "get":
        return client.get(path)
    if method == "post":
        return client.post(path, body or {})
    payload = json.dumps(body) if body is not None else ""
    if method == "put-json":
        return client.put(path, payload, content_type="application/json")
    return client.post(path, payload, content_type="application/json")


def api_operations(router: Any) -> set[tuple[str, str]]:
    """(HTTP method, path) of every operation of a django-ninja router, paths as the
    router writes them ("/cases/{case_number}")."""
    return {
        (http_method, path)
        for path, view in router.path_operations.items()
        for operation in view.operations
        for http_method in operation.methods
    }


def listed_api(routes: list[tuple[Any, ...]], prefix: str = "/api/v1") -> set[tuple[str, str]]:
    """(HTTP method, path) of a matrix's API routes, without the prefix or a query."""
    return {
        (route[1].removesuffix("-json").upper(), route[2].removeprefix(prefix).split("?")[0])
        for route in routes
        if route[2].startswith(prefix)
    }


def _renamed(path: str, rename: dict[str, str]) -> str:
    for placeholder, name in rename.items():
        path = path.replace(placeholder, name)
    return path


def unlisted_operations(
    router: Any, routes: list[tuple[Any, ...]], rename: dict[str, str] | None = None
) -> list[str]:
    """Operations of an API router that no route of the matrix calls. `rename` turns a
    matrix placeholder into the router's path parameter ({"{case}": "{case_number}"})."""
    listed = {(method, _renamed(path, rename or {})) for method, path in listed_api(routes)}
    return sorted(f"{method} {path}" for method, path in api_operations(router) - listed)


def unlisted_pages(
    urlpatterns: list[Any],
    routes: list[tuple[Any, ...]],
    rename: dict[str, str],
    mount: str = "/",
) -> list[str]:
    """URL patterns of an app that no page route of the matrix calls. `mount` is where
    the app's urls are included; `rename` turns a placeholder into the pattern's
    converter ({"{case}": "<str:case_number>"})."""
    patterns = {str(pattern.pattern) for pattern in urlpatterns}
    listed = {
        _renamed(route[2].split("?")[0].removeprefix(mount), rename)
        for route in routes
        if not route[2].startswith("/api/")
    }
    return sorted(patterns - listed)
