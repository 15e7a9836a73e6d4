"""resource.Quantity as kcompat reads it: exact order and canonical text, in bounded time."""

from __future__ import annotations

import itertools
import random
import time
from fractions import Fraction

import pytest

from kcompat.checks.builtin.formats import compare_quantities, parse_quantity, quantity_of

_SUFFIXES = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60, "n": Fraction(1, 10**9),
             "u": Fraction(1, 10**6), "m": Fraction(1, 1000), "": 1, "k": 10**3, "M": 10**6, "G": 10**9,
             "T": 10**12, "P": 10**15, "E": 10**18}


def _exact(text: str) -> Fraction:
    """The reference: the written number times its suffix, as a fraction."""
    for suffix in sorted(_SUFFIXES, key=len, reverse=True):
        if suffix and text.endswith(suffix) and not text[:-len(suffix)].endswith(("e", "E")):
            return Fraction(text[:-len(suffix)]) * _SUFFIXES[suffix]
    return Fraction(text)


def _samples(count: int) -> list[str]:
    rng = random.Random(7)
    found = []
    for _ in range(count):
        whole = str(rng.choice([0, 1, 5, 12, 100, 1024, 999, 123456789]))
        fraction = rng.choice(["", ".5", ".25", ".000000001", ".1234567891234", "."])
        suffix = rng.choice([*_SUFFIXES, "e3", "e-3", "E2", "e0"])
        found.append(rng.choice(["", "-", "+"]) + whole + fraction + suffix)
    return found


def test_order_is_the_exact_order() -> None:
    samples = _samples(300)
    for first, second in itertools.pairwise(samples):
        expected = _exact(first)
        other = _exact(second)
        assert compare_quantities(first, second) == (expected > other) - (expected < other), (first, second)


def test_numbers_from_yaml_are_quantities_too() -> None:
    assert compare_quantities(1, "1000m") == 0
    assert compare_quantities(0.5, "500m") == 0
    assert compare_quantities(1e-07, "100n") == 0
    assert compare_quantities(2, 1.5) == 1
    assert quantity_of(True) is None and quantity_of(float("inf")) is None


@pytest.mark.parametrize(("text", "canonical"), [
    ("1000m", "1"), ("0.5", "500m"), ("1024Mi", "1Gi"), ("1.5Gi", "1536Mi"), ("0.1Ki", "102400m"),
    ("-1Mi", "-1Mi"), ("1e3", "1e3"), ("100n", "100n"), ("0.0000000001", "1n"), ("-0.0000000001", "-1n"),
    ("1.0000000001Ki", "1024000000103n"), ("2000", "2k"), ("5.", "5"), ("1e-99", "1e-9"),
])
def test_canonical_text(text: str, canonical: str) -> None:
    quantity = parse_quantity(text)
    assert quantity is not None and quantity.text() == canonical


@pytest.mark.parametrize("text", ["", ".", "1 core", "1Ki2", "e3", "--1"])
def test_not_quantities(text: str) -> None:
    assert parse_quantity(text) is None


def test_absurd_exponents_are_compared_without_expanding_them() -> None:
    """A hostile "1e999999999" once made the check run for minutes (10**999999999 as a fraction)."""
    start = time.process_time()
    assert compare_quantities("1e999999999", "2e999999999") == -1
    assert compare_quantities("3e999999999", "2e999999999") == 1
    assert compare_quantities("1e999999999", "10e999999998") == 0
    assert compare_quantities("1e-999999999", "1n") == -1
    assert compare_quantities("-1e999999999", "1") == -1
    assert compare_quantities("1" + "0" * 2000, "1e2000") == 0
    huge = parse_quantity("1e999999999")
    assert huge is not None and huge.text() == "1e999999999"
    assert time.process_time() - start < 1.0
