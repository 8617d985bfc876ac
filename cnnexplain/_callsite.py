"""Where a claim's margin comes from, read from the line of code that passed it.

A margin that decides a claim must be stated in advance: written in the code
as a number, not computed while the page runs from the run it checks.
At run time a margin is only a float, and ``float(observed)`` looks like
``0.99``; but the calling line says which it is. :func:`unstated_margins`
finds the call in the caller's source (the exact call on Python 3.11 and
later, from the positions of the running instruction; on 3.10 the one call
of that name on the line) and names the margin arguments whose expression is
not a constant:

- a number, or arithmetic on numbers (``0.99``, ``-0.1``, ``1 / 8``), or
  for a setting any literal (``(7, 7)``, ``"relu"``);
- a name that its scope binds only to such a constant (``min_gain = 0.1``),
  or that it imports (a library's constant, ``CLEAR_PREFERENCE``), or an
  attribute of an imported module (``analysis.CLEAR_PREFERENCE``);
- an item of a mapping that :func:`cnnexplain.claims.declare_margins`
  returned (``margins["accuracy"]``), whose values were checked when it
  was declared.

When the source cannot be read (code typed into ``python -c``, a source that
no longer matches the running code) nothing is refused: the check is a
guard for the site's pages, which always run from their files.
"""

from __future__ import annotations

import ast
import linecache
import sys
from types import FrameType

# The constructs that open a scope of their own: a name bound inside them is not
# bound in the enclosing scope.
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ListComp,
           ast.SetComp, ast.DictComp, ast.GeneratorExp)  # fmt: skip
_ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)
_DEPTH = 20  # names bound to names bound to names...: more is not a constant worth reading
_trees: dict[tuple[str, int], ast.Module | None] = {}


def _tree(filename: str, source: str) -> ast.Module | None:
    key = (filename, hash(source))
    if key not in _trees:
        try:
            tree = ast.parse(source, filename)
        except (SyntaxError, ValueError):
            tree = None
        else:
            for node in ast.walk(tree):
                for child in ast.iter_child_nodes(node):
                    child._cnnexplain_parent = node  # type: ignore[attr-defined]
        _trees[key] = tree
    return _trees[key]


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def find_call(frame: FrameType, name: str) -> ast.Call | None:
    """The call of function ``name`` that ``frame`` is running, or None if its source cannot tell."""
    lines = linecache.getlines(frame.f_code.co_filename, frame.f_globals)
    tree = _tree(frame.f_code.co_filename, "".join(lines)) if lines else None
    if tree is None:
        return None
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and _called_name(n) == name]
    if sys.version_info >= (3, 11):
        positions = list(frame.f_code.co_positions())[frame.f_lasti // 2]
        found = [c for c in calls if (c.lineno, c.end_lineno, c.col_offset, c.end_col_offset) == positions]
    else:  # pragma: no cover - Python 3.10 has line numbers only
        found = [c for c in calls if c.lineno <= frame.f_lineno <= (c.end_lineno or c.lineno)]
    return found[0] if len(found) == 1 else None


def _parent(node: ast.AST) -> ast.AST | None:
    return getattr(node, "_cnnexplain_parent", None)


def _enclosing_scopes(node: ast.AST) -> list[ast.AST]:
    """The scopes around ``node``, innermost first, the module last."""
    scopes = []
    while (node := _parent(node)) is not None:
        if isinstance(node, (*_SCOPES, ast.Module)) and not isinstance(node, ast.ClassDef):
            scopes.append(node)
    return scopes


def _walk_scope(scope: ast.AST):
    """The nodes of ``scope`` that belong to it: nested scopes are skipped, but their own names kept."""
    todo = list(ast.iter_child_nodes(scope))
    while todo:
        node = todo.pop()
        yield node
        if not isinstance(node, _SCOPES):
            todo.extend(ast.iter_child_nodes(node))


def _bindings(scope: ast.AST, name: str) -> list[ast.AST | str]:
    """How ``scope`` binds ``name``: the assigned expressions, "import", or "other" (anything else)."""
    found: list[ast.AST | str] = []
    arguments = getattr(scope, "args", None)
    if isinstance(arguments, ast.arguments):
        params = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
        params += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
        found += ["other" for a in params if a.arg == name]
    for node in _walk_scope(scope):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id == name:
                    found.append(node.value)
                elif any(isinstance(t, ast.Name) and t.id == name for t in ast.walk(target)):
                    found.append("other")  # unpacked from a computed sequence
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
            found.append(node.value if node.value is not None else "other")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if (alias.asname or alias.name.partition(".")[0]) == name:
                    found.append("import")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            found.append("other")
        elif isinstance(node, (ast.Global, ast.Nonlocal)) and name in node.names:
            found.append("other")
        elif isinstance(node, ast.ExceptHandler) and node.name == name:
            found.append("other")
        elif isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load):
            parent = _parent(node)
            if not isinstance(parent, (ast.Assign, ast.AnnAssign)):  # for, with, augmented, walrus, del
                found.append("other")
    return found


def _resolve(name: str, at: ast.AST) -> tuple[list[ast.AST | str], ast.AST] | None:
    """The bindings of ``name`` in the innermost scope around ``at`` that binds it, and that scope."""
    for scope in _enclosing_scopes(at):
        found = _bindings(scope, name)
        if found:
            return found, scope
    return None


def _is_registry(expr: ast.AST) -> bool:
    """Whether ``expr`` is a ``declare_margins(...)`` call."""
    return isinstance(expr, ast.Call) and _called_name(expr) == "declare_margins"


def unstated(expr: ast.AST, *, literals: bool = False, depth: int = 0) -> str | None:
    """None if ``expr`` is stated in advance (see the module's docstring), else the part that is not.

    ``literals`` also accepts strings, tuples and the like (a setting's expected value).
    """
    if depth > _DEPTH:
        return ast.unparse(expr)
    if isinstance(expr, ast.Constant):
        ok = literals or (isinstance(expr.value, (int, float)) and not isinstance(expr.value, bool))
        return None if ok else ast.unparse(expr)
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, (ast.USub, ast.UAdd)):
        return unstated(expr.operand, literals=literals, depth=depth + 1)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, _ARITHMETIC):
        return unstated(expr.left, literals=literals, depth=depth + 1) or unstated(
            expr.right, literals=literals, depth=depth + 1
        )
    if literals and isinstance(expr, (ast.Tuple, ast.List, ast.Set)):
        return next((u for e in expr.elts if (u := unstated(e, literals=True, depth=depth + 1))), None)
    if isinstance(expr, ast.Name):
        resolved = _resolve(expr.id, expr)
        if resolved is None:
            return expr.id  # a builtin, or a name the code does not bind
        for binding in resolved[0]:
            if binding == "import":
                continue
            if isinstance(binding, str) or unstated(binding, literals=literals, depth=depth + 1):
                return expr.id
        return None
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        resolved = _resolve(expr.value.id, expr)
        imported = resolved is not None and all(b == "import" for b in resolved[0])
        return None if imported else ast.unparse(expr)
    if isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Name):
        resolved = _resolve(expr.value.id, expr)
        registry = resolved is not None and all(
            not isinstance(b, str) and _is_registry(b) for b in resolved[0]
        )
        key = expr.slice
        if registry and isinstance(key, ast.Constant) and isinstance(key.value, str):
            return None
        return ast.unparse(expr)
    return ast.unparse(expr)


def unstated_margins(
    frame: FrameType, function: str, params: dict[str, object], *, literals: bool = False
) -> dict[str, str]:
    """For each keyword of ``params`` given to the running call of ``function``: the unstated part.

    Parameters
    ----------
    frame : frame
        The caller's frame, running the call.
    function : str
        The name the call uses for the function (``bound`` or ``claims.bound``).
    params : dict
        The keyword arguments to look at, by name, with their values (those
        that are None are skipped).
    literals : bool, default False
        Accept any literal, not only numbers.

    Returns
    -------
    dict
        ``{param: expression}`` for each argument whose expression is not
        stated in advance; empty if all are, or if the source cannot tell.
    """
    call = find_call(frame, function)
    if call is None:
        return {}
    wanted = {name for name, value in params.items() if value is not None}
    found = {}
    for keyword in call.keywords:
        if keyword.arg in wanted:
            part = unstated(keyword.value, literals=literals)
            if part is not None:
                found[keyword.arg] = ast.unparse(keyword.value)
    return found
