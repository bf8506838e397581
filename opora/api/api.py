"""REST API v1: the same data and the same scopes as the pages, for a region's own systems.

Authentication is a personal key (Authorization: Bearer …) issued on the «Ключи API» page.
Every list is paginated (limit, offset) and filtered; every error is JSON that names the place.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestInvalid
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


@api.exception_handler(RequestInvalid)
def request_invalid(request, error: RequestInvalid):
    """A value that does not fit the schema (a year «²», an id of 20 digits): 422 naming the
    field in Russian, as the pages do."""
    detail = [
        {"loc": list(problem["loc"]), "msg": _field_message(problem)} for problem in error.errors
    ]
    return _error(request, 422, detail)


_FIELD_RULES = {
    "int_parsing": "ожидается целое число",
    "int_type": "ожидается целое число",
    "int_from_float": "ожидается целое число",
    "bool_parsing": "ожидается true или false",
    "bool_type": "ожидается true или false",
    "date_parsing": "ожидается дата ГГГГ-ММ-ДД",
    "date_from_datetime_parsing": "ожидается дата ГГГГ-ММ-ДД",
    "date_from_datetime_inexact": "ожидается дата ГГГГ-ММ-ДД",
    "date_type": "ожидается дата ГГГГ-ММ-ДД",
    "greater_than_equal": "не меньше {ge}",
    "greater_than": "больше {gt}",
    "less_than_equal": "не больше {le}",
    "less_than": "меньше {lt}",
    "string_too_short": "не короче {min_length} символов",
    "string_too_long": "не длиннее {max_length} символов",
    "string_type": "ожидается текст",
    "string_pattern_mismatch": "недопустимые символы",
    "literal_error": "допустимые значения: {expected}",
    "enum": "допустимые значения: {expected}",
    "missing": "обязательное поле",
    "json_invalid": "тело запроса — не JSON",
}


class _Context(dict):
    def __missing__(self, key):  # a rule whose bound pydantic did not report
        return "…"


def _field_message(problem: dict) -> str:
    context = _Context(
        (key, str(value).replace("'", "").replace(" or ", ", "))
        for key, value in problem.get("ctx", {}).items()
    )
    rule = _FIELD_RULES.get(problem.get("type"), "недопустимое значение").format_map(context)
    named = [part for part in problem["loc"] if isinstance(part, str)]
    return f"Поле «{named[-1]}»: {rule}." if len(named) > 1 else f"{rule.capitalize()}."


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


@api.exception_handler(HttpError)
def http_error(request, error: HttpError):
    """ninja's own refusals; the one a client meets is a body that is not JSON."""
    if error.status_code == 400 and str(error).startswith("Cannot parse request body"):
        return _error(request, 400, "Тело запроса не разобрать: ожидается JSON.")
    return _error(request, error.status_code, str(error))


@api.exception_handler(AuthenticationError)
def unauthenticated(request, error):
    return _error(request, 401, "Нужен ключ API: заголовок Authorization: Bearer <ключ>.")


api.add_router("/schools", endpoints.schools, tags=["Школы"])
api.add_router("/results", endpoints.results, tags=["Результаты"])
api.add_router("/identification", endpoints.identification, tags=["Выявление"])
api.add_router("/programs", endpoints.programs, tags=["Программы"])
api.add_router("/indicators", endpoints.indicators, tags=["Целевые показатели"])
api.add_router("/activities", endpoints.activities, tags=["Мероприятия"])
api.add_router("/decisions", endpoints.decisions, tags=["Решения рабочих групп"])
