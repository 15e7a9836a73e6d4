"""Optional external tools: skip when absent locally, fail when absent in CI (CI installs them)."""

from __future__ import annotations

import os

import pytest


def require(available: bool, what: str, install: str) -> None:
    if available:
        return
    message = f"{what} is not installed ({install})"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI must run these tests")
    pytest.skip(message)


def helm_sdk_available() -> bool:
    try:
        import helm_python  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def require_helm_sdk() -> None:
    require(helm_sdk_available(), "helm-python-sdk", "pip install 'kcompat[helm]'")


def require_kustomize() -> None:
    from kcompat.sources.kustomize import find_tool

    require(find_tool() is not None, "kustomize or kubectl", "pip install 'kcompat[kustomize]'")
