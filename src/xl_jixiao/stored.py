"""The compact stored form of a result: plain data by position, validated against the model when read back.

A :class:`~xl_jixiao.pipeline.FileResult` of one sample workbook holds some
1,800 cell references; as JSON with field names each one repeats its keys and
the file's path.  The stored form is derived from the dataclasses themselves
(one description of the data): every dataclass becomes the list of its field
values in declaration order, a :class:`~xl_jixiao.model.CellRef` the tuple
``(sheet, cell, row)`` (``(sheet, cell, row, file)`` when its file is not the
result's own path, e.g. a 文件清单 row naming another file), amounts their
exact text and severities their value.  That plain data is pickled (strings,
numbers, lists, tuples, dicts only: :class:`PlainUnpickler` refuses any class
when loading, so a tampered cache cannot run code) and compressed.

Reading back turns the positions into field names again and validates the
whole result with the model's own adapter (:func:`xl_jixiao.model.adapter`):
a stored result is a boundary like any data from outside.
"""

from __future__ import annotations

import dataclasses
import io
import pickle
import types
import typing
from collections.abc import Callable, MutableMapping
from decimal import Decimal
from enum import Enum
from typing import Any

from xl_jixiao.model import CellRef, RowCells

__all__ = ["PlainUnpickler", "encode", "decode", "plain_loads"]


class PlainUnpickler(pickle.Unpickler):
    """Loads plain data only (strings, numbers, bytes, lists, tuples, dicts, sets): any class is refused."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"缓存记录中出现了不允许的对象：{module}.{name}")


def plain_loads(blob: bytes) -> Any:
    return PlainUnpickler(io.BytesIO(blob)).load()


_FIELDS: dict[type, tuple[str, ...]] = {}


def _names(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


# ------------------------------------------------------------------ writing

_PLAIN = frozenset({str, int, type(None), bool, float})
_ENCODERS: dict[type, Callable[[Any, str], list[Any]]] = {}


def encode(obj: Any, path: str) -> Any:
    """``obj`` (a dataclass of the model) as plain data; cell references on ``path`` leave the path out.

    A field's cell references (``cells``) that all lie on one row of one sheet of ``path`` (an indicator row,
    say) are stored once as ``(sheet, row, {field: column letters})`` (a table's rows share the map, see
    :class:`~xl_jixiao.model.RowCells`); otherwise each as a tuple (see the module).

    Each dataclass has its own encoder, written once from its fields' declared types (:func:`_encoder`);
    a value of a type its field does not declare goes through :func:`_value`, which takes anything storable."""
    return _value(obj, path)


def _ref_value(c: CellRef, path: str) -> tuple[Any, ...]:
    return (c.sheet, c.cell, c.row) if c.file == path else (c.sheet, c.cell, c.row, c.file)


def _cells_value(v: Any, path: str) -> Any:
    """A ``cells`` mapping (a dict or a :class:`~xl_jixiao.model.RowCells`)."""
    t = type(v)
    if t is RowCells and v._dict is None and v.file == path:
        return (v.sheet, v.row, v.columns)  # the table's shared column map: pickled once per result
    if t is not dict and t is not RowCells:
        return _value(v, path)
    if v and type(first := next(iter(v.values()))) is CellRef:
        sheet, row = first.sheet, first.row
        at = str(row)
        cells = {}
        for k, c in v.items():
            if type(c) is not CellRef or c.file != path or c.sheet != sheet or c.row != row \
                    or not c.cell or not c.cell.endswith(at) or not c.cell[:-len(at)].isalpha():
                break
            cells[k] = c.cell[:-len(at)]
        else:
            return (sheet, row, cells)
        if all(type(c) is CellRef for c in v.values()):
            return {k: _ref_value(c, path) for k, c in v.items()}
    plain = _PLAIN
    return {k: x if type(x) in plain else _value(x, path) for k, x in v.items()}


def _value(v: Any, path: str) -> Any:
    """Any storable value as plain data (the encoders' way for whatever their declared types do not cover)."""
    t = type(v)
    if t in _PLAIN:
        return v
    got = _ENCODERS.get(t)
    if got is not None or dataclasses.is_dataclass(t):
        return (got or _encoder(t))(v, path)
    if t is dict or t is RowCells:
        return _cells_value(v, path)
    if t is CellRef:
        return _ref_value(v, path)
    if t is list or t is tuple:
        plain = _PLAIN
        return [x if type(x) in plain else _value(x, path) for x in v]
    if t is Decimal:
        return str(v)  # exact: the digits and the exponent as they were
    if isinstance(v, Enum):
        return v.value
    raise TypeError(f"cannot store a {t.__name__}")


def _field_code(name: str, tp: Any, env: dict[str, Any]) -> str:
    """An expression storing ``v.<name>`` (declared ``tp``) in the encoder of its class: the declared types'
    usual values inline, anything else through ``value``."""
    x = f"v.{name}"
    options = _options(tp)
    one = options[0] if len(options) == 1 else None
    if all(o in _PLAIN or typing.get_origin(o) is typing.Literal for o in options):  # stored as they are
        return f"(x if type(x := {x}) in plain else value(x, path))"
    if one is Decimal:
        return f"(None if (x := {x}) is None else str(x) if type(x) is Decimal else value(x, path))"
    if one is CellRef:
        return f"(ref(x, path) if type(x := {x}) is CellRef else value(x, path))"
    if isinstance(one, type) and issubclass(one, Enum):
        return f"(x.value if type(x := {x}) is {_named(one, env)} else value(x, path))"
    if isinstance(one, type) and dataclasses.is_dataclass(one):
        return f"({_named(_encoder(one), env)}(x, path) if type(x := {x}) is {_named(one, env)} else value(x, path))"
    if typing.get_origin(one) is list:
        (item,) = typing.get_args(one)
        if isinstance(item, type) and dataclasses.is_dataclass(item):
            return (f"([{_named(_encoder(item), env)}(y, path) if type(y) is {_named(item, env)} else value(y, path)"
                    f" for y in x] if type(x := {x}) is list else value(x, path))")
    if typing.get_origin(one) is MutableMapping and typing.get_args(one)[1] is CellRef:
        # a table row's cells on the result's own file (the usual case) inline, anything else through ``cells``
        return (f"((x.sheet, x.row, x.columns) if type(x := {x}) is RowCells and x._dict is None and x.file == path"
                " else cells(x, path))")
    return f"value({x}, path)"


def _options(tp: Any) -> list[Any]:
    """The types a field declared ``tp`` may hold besides ``None``."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return [a for a in typing.get_args(tp) if a is not type(None)]
    return [tp]


def _named(obj: Any, env: dict[str, Any]) -> str:
    """The name ``obj`` has in an encoder's namespace ``env``."""
    name = f"_{len(env)}"
    env[name] = obj
    return name


def _encoder(cls: type) -> Callable[[Any, str], list[Any]]:
    """The encoder of dataclass ``cls``: one function returning the list of its fields' stored values in
    declaration order, written once from the declared types (the encoders of the classes it holds first)."""
    got = _ENCODERS.get(cls)
    if got is not None:
        return got
    import sys

    hints = typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))
    env: dict[str, Any] = {"plain": _PLAIN, "value": _value, "ref": _ref_value, "cells": _cells_value,
                           "Decimal": Decimal, "CellRef": CellRef, "RowCells": RowCells}
    _ENCODERS[cls] = lambda v, path: _ENCODERS[cls](v, path)  # a class that holds itself: resolved on use
    try:
        items = ",\n        ".join(_field_code(n, hints[n], env) for n in _names(cls))
        source = f"def encode(v, path):\n    return [\n        {items}\n    ]\n"
        exec(compile(source, f"<stored encoder of {cls.__name__}>", "exec"), env)  # the text is ours, from the fields
    except BaseException:
        del _ENCODERS[cls]
        raise
    got = _ENCODERS[cls] = env["encode"]
    return got


# ------------------------------------------------------------------ reading

_DECODERS: dict[Any, Callable[[Any, str], Any]] = {}


def _same(v: Any, path: str) -> Any:
    return v


def _cellref(v: Any, path: str) -> dict[str, Any]:
    if len(v) == 3:
        return {"file": path, "sheet": v[0], "cell": v[1], "row": v[2]}
    if len(v) == 4:
        return {"file": v[3], "sheet": v[0], "cell": v[1], "row": v[2]}
    raise ValueError("stored cell reference has another shape")


def _cells(v: Any, path: str) -> dict[str, Any]:
    if type(v) is tuple:  # one row of one sheet of the result's file: field → column letters
        sheet, row, cells = v
        at = str(row)
        return {k: {"file": path, "sheet": sheet, "cell": c + at, "row": row} for k, c in cells.items()}
    return {k: _cellref(c, path) for k, c in v.items()}


def _decoder(tp: Any) -> Callable[[Any, str], Any]:
    """How to turn the stored form of a value of type ``tp`` back into data the adapter validates."""
    got = _DECODERS.get(tp)
    if got is not None:
        return got
    dec: Callable[[Any, str], Any] = _same
    origin = typing.get_origin(tp)
    if tp is CellRef:
        dec = _cellref
    elif dataclasses.is_dataclass(tp) and isinstance(tp, type):
        dec = _dataclass_decoder(tp)
    elif origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(inner) == 1 and _decoder(inner[0]) is not _same:
            one = _decoder(inner[0])

            def dec(v: Any, path: str) -> Any:
                return None if v is None else one(v, path)
    elif origin is list:
        item = _decoder(typing.get_args(tp)[0])
        if item is not _same:

            def dec(v: Any, path: str) -> Any:
                return [item(x, path) for x in v]
    elif origin in (dict, MutableMapping) and typing.get_args(tp)[1] is CellRef:
        dec = _cells
    elif origin is dict:
        value = _decoder(typing.get_args(tp)[1])
        if value is not _same:

            def dec(v: Any, path: str) -> Any:
                return {k: value(x, path) for k, x in v.items()}
    _DECODERS[tp] = dec
    return dec


def _dataclass_decoder(cls: type) -> Callable[[Any, str], Any]:
    import sys

    hints = typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))
    names = _names(cls)
    _DECODERS[cls] = lambda v, path: plan(v, path)  # a class that contains itself: resolved on use
    fields: list[tuple[str, Callable[[Any, str], Any]]] = []

    def plan(v: Any, path: str) -> dict[str, Any]:
        if type(v) is not list or len(v) != len(fields):
            raise ValueError(f"stored {cls.__name__} has another shape")
        return {n: d(x, path) for (n, d), x in zip(fields, v)}

    fields.extend((n, _decoder(hints[n])) for n in names)
    return plan


def decode(cls: type, data: Any, path_field: str) -> Any:
    """The stored form of a ``cls`` (see :func:`encode`) as the dicts :func:`~xl_jixiao.model.adapter` validates,
    cell references without a file taking the value of its field ``path_field``; raises ``ValueError`` when it
    does not have the shape of ``cls``."""
    try:
        path = data[_names(cls).index(path_field)]
        if type(path) is not str:
            raise ValueError(f"stored {cls.__name__} is damaged")
        return _decoder(cls)(data, path)
    except (TypeError, IndexError, KeyError, AttributeError) as exc:
        raise ValueError(f"stored {cls.__name__} is damaged: {exc}") from None
