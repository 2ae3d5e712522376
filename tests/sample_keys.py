"""Which ``results`` keys each sample of a topic defines, read from the source without running it.

tests/test_samples.py compares a key only between the files that both define it, so a key that
one file renamed is compared with nothing and the check passes vacuously. A sample whose key is
meant to be its own says so, with the reason, in a module-level dict next to its results::

    UNSHARED_RESULTS = {"y_onnx": "ONNX export is shown for PyTorch only"}
"""

from __future__ import annotations

import ast
import difflib

OPT_OUT = "UNSHARED_RESULTS"


class KeysError(ValueError):
    """A sample's results keys cannot be read statically, or its opt-out is malformed."""


def _string(node: ast.expr, path: str, what: str) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    raise KeysError(
        f"{path}:{node.lineno}: {what} is not a plain string, so the samples' keys cannot be "
        "compared without running them. Write the key as a string literal."
    )


def result_keys(source: str, path: str) -> tuple[dict[str, int], dict[str, str]]:
    """The keys ``results`` receives (key -> first line) and the file's opt-outs (key -> reason)."""
    keys: dict[str, int] = {}
    unshared: dict[str, str] = {}

    def add(node: ast.expr) -> None:
        keys.setdefault(_string(node, path, "a `results` key"), node.lineno)

    def add_dict(node: ast.expr) -> None:
        if not isinstance(node, ast.Dict) or None in node.keys:  # None: {**other}
            raise KeysError(
                f"{path}:{node.lineno}: `results` is built from an expression, so its keys cannot "
                "be read without running the sample. Use a dict literal, or assign "
                'results["key"] = value.'
            )
        for key in node.keys:
            add(key)

    for node in ast.walk(ast.parse(source, filename=path)):
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id == "results":
                    add_dict(node.value)  # results = {...} or results |= {...}
                elif (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)
                      and target.value.id == "results"):
                    add(target.slice)  # results["k"] = ...
                elif isinstance(target, ast.Name) and target.id == OPT_OUT:
                    if not isinstance(node.value, ast.Dict):
                        raise KeysError(f'{path}:{node.lineno}: {OPT_OUT} must be a dict literal, '
                                        '{"key": "why only this framework has it"}.')
                    for key, reason in zip(node.value.keys, node.value.values, strict=True):
                        name = _string(key, path, f"a key of {OPT_OUT}")
                        text = _string(reason, path, f"the reason for {name!r} in {OPT_OUT}")
                        if not text.strip():
                            raise KeysError(f"{path}:{reason.lineno}: {OPT_OUT}[{name!r}] needs a "
                                            "reason. Say why only this framework has it.")
                        unshared[name] = text
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "update" and isinstance(node.func.value, ast.Name)
              and node.func.value.id == "results"):
            for argument in node.args:
                add_dict(argument)
            for keyword in node.keywords:
                if keyword.arg is None:  # **other
                    add_dict(keyword.value)
                keys.setdefault(keyword.arg, node.lineno)
    return keys, unshared


def unshared_key_problems(sources: dict[str, str], folder: str) -> list[str]:
    """One message per results key that only one sample of a topic defines without saying so.

    ``sources`` maps each sample's file name (jax.py) to its text; ``folder`` (examples/<topic>)
    prefixes the file names in the messages.
    """
    problems = []
    read = {}
    for name, source in sorted(sources.items()):
        try:
            read[name] = result_keys(source, f"{folder}/{name}")
        except KeysError as error:
            problems.append(str(error))
    if problems:
        return problems  # without every file's keys, any key could look unshared
    for name, (keys, unshared) in read.items():
        path = f"{folder}/{name}"
        others: dict[str, list[str]] = {}  # key -> the other files that define it
        for other, (their_keys, _) in read.items():
            for key in their_keys if other != name else ():
                others.setdefault(key, []).append(other)
        for key, line in keys.items():
            if key in others or key in unshared:
                continue
            closest = difflib.get_close_matches(key, others, n=1, cutoff=0)
            hint = (f" The closest key in the other files is {closest[0]!r} "
                    f"({', '.join(others[closest[0]])})." if closest else "")
            problems.append(
                f"{path}:{line}: results key {key!r} is defined in no other sample of this topic, "
                f"so nothing is compared with it.{hint} Rename it to match the other files, or, "
                f"if only this framework can compute it, declare it in this file: "
                f'{OPT_OUT} = {{"{key}": "why only this framework has it"}}.'
            )
        for key in unshared:
            if key not in keys:
                stale = "which `results` does not define"
            elif key in others:
                stale = f"but {', '.join(others[key])} defines it too, so it is compared after all"
            else:
                continue
            problems.append(f"{path}: {OPT_OUT} names {key!r}, {stale}. Remove it from {OPT_OUT}.")
    return problems
