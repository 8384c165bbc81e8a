"""API exceptions of our own. Kept apart from errors.py, which imports DRF's views module."""

from rest_framework import exceptions


class ApiError(exceptions.APIException):
    """An error with its own code and sentence, for the cases DRF has no class for."""

    def __init__(self, status_code, code, detail):
        super().__init__(detail=detail, code=code)
        self.status_code = status_code
        self.error_code = code
