"""Evaluates a model's check constraints in Python, so that validating many records costs no query each.

Django checks a CheckConstraint by asking the database (one query, inside a savepoint, per
constraint and record). The conditions in this project use a handful of lookups on the record's
own fields; those are evaluated here with SQL's three-valued logic (a condition that is unknown
because of a NULL passes, as it does in the database). A condition this module does not
understand returns None, and the caller asks the database as Django would.
"""
import operator

from django.db.models import F, Q

UNKNOWN = None
COMPARISONS = {
    "exact": operator.eq, "gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le,
}


class Unsupported(Exception):
    pass


def _value(instance, name: str):
    field = instance._meta.get_field(name)
    if field.is_relation and not field.concrete:
        raise Unsupported(name)
    return getattr(instance, field.attname)


def _lookup(instance, lookup: str, expected):
    name, _, kind = lookup.partition("__")
    kind = kind or "exact"
    if "__" in kind:
        raise Unsupported(lookup)
    value = _value(instance, name)
    if isinstance(expected, F):
        expected = _value(instance, expected.name)
    elif hasattr(expected, "resolve_expression"):
        raise Unsupported(lookup)
    if kind == "isnull":
        return (value is None) == bool(expected)
    if kind == "in":
        if value is None:
            return UNKNOWN
        return value in expected
    if kind in COMPARISONS:
        if value is None or expected is None:
            return UNKNOWN
        return COMPARISONS[kind](value, expected)
    raise Unsupported(lookup)


def _and(values):
    if any(v is False for v in values):
        return False
    return UNKNOWN if any(v is UNKNOWN for v in values) else True


def _or(values):
    if any(v is True for v in values):
        return True
    return UNKNOWN if any(v is UNKNOWN for v in values) else False


def _evaluate(condition: Q, instance):
    values = [
        _evaluate(child, instance) if isinstance(child, Q) else _lookup(instance, *child)
        for child in condition.children
    ]
    result = _or(values) if condition.connector == Q.OR else _and(values)
    if condition.negated:
        result = UNKNOWN if result is UNKNOWN else not result
    return result


def referenced_fields(condition: Q) -> set[str]:
    names = set()
    for child in condition.children:
        if isinstance(child, Q):
            names |= referenced_fields(child)
        else:
            names.add(child[0].split("__")[0])
            if isinstance(child[1], F):
                names.add(child[1].name)
    return names


def check_holds(condition: Q, instance) -> bool | None:
    """True if the record satisfies the condition (or it is unknown), False if it violates it,
    None if the condition cannot be evaluated here."""
    try:
        return _evaluate(condition, instance) is not False
    except (Unsupported, AttributeError, TypeError):
        return None
