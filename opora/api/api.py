"""REST API v1: the same data and the same scopes as the pages, for a region's own systems.

Authentication is a personal key (Authorization: Bearer …) issued on the «Ключи API» page.
Every list is paginated (limit, offset) and filtered; every error is JSON that names the place.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer

from opora.api import endpoints
from opora.api.services import token_user
from opora.tabular import ImportRefused


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = token_user(key=token)
        if user is not None:
            request.user = user
        return user


class ReadableJSON(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # Russian text stays readable in responses


api = NinjaAPI(
    title="Опора API",
    version="1",
    description=(
        "Школы, результаты, списки выявления, программы, показатели и мероприятия — "
        "в пределах прав владельца ключа. Ключ выдаётся на странице «Ключи API»."
    ),
    auth=TokenAuth(),
    renderer=ReadableJSON(),
    urls_namespace="api",
)


def _error(request, status: int, detail):
    return api.create_response(request, {"detail": detail}, status=status)


@api.exception_handler(ValidationError)
def validation_error(request, error: ValidationError):
    if hasattr(error, "error_dict"):
        detail = [
            {"loc": ["body", field], "msg": message}
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    else:
        detail = [{"loc": ["body"], "msg": message} for message in error.messages]
    return _error(request, 400, detail)


@api.exception_handler(ImportRefused)
def import_refused(request, error: ImportRefused):
    detail = [{"loc": _place(problem), "msg": problem.message} for problem in error.problems]
    return _error(request, 400, detail)


def _place(problem) -> list[str]:
    """["file", "строка 3", "mark_2"]: the file, then the row and the column when known."""
    row = [f"строка {problem.row}"] if problem.row else []
    return ["file", *row, *([problem.column] if problem.column else [])]


@api.exception_handler(PermissionDenied)
def permission_denied(request, error):
    return _error(request, 403, "Недостаточно прав для этого действия.")


@api.exception_handler(Http404)
def not_found(request, error):
    return _error(request, 404, "Не найдено (или вне вашей области работы).")


@api.exception_handler(AuthenticationError)
def unauthenticated(request, error):
    return _error(request, 401, "Нужен ключ API: заголовок Authorization: Bearer <ключ>.")


api.add_router("/schools", endpoints.schools, tags=["Школы"])
api.add_router("/results", endpoints.results, tags=["Результаты"])
api.add_router("/identification", endpoints.identification, tags=["Выявление"])
api.add_router("/programs", endpoints.programs, tags=["Программы"])
api.add_router("/indicators", endpoints.indicators, tags=["Целевые показатели"])
api.add_router("/activities", endpoints.activities, tags=["Мероприятия"])
