"""Every place a package's source reads the clock, found with ``ast``.

The source is read, never imported: a module is scanned as the interpreter
would bind its names (``import datetime``, ``from datetime import datetime
as dt``, ``from botocore.compat import get_current_datetime``, a local
import in a function, a default argument), and each name is followed to what
it finally is, through the modules of the same installation. A read is a call
of a wall clock (``datetime.datetime.now()``, ``time.time()``,
``formatdate()`` with no time, ...) or of one of botocore's own clock
helpers, or a reference to one taken to be called later
(``time_fetcher=_local_now``). Monotonic clocks are durations, listed apart.
"""

from __future__ import annotations

import ast
import itertools
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

# Canonical names of the calls that read the wall clock. The value says when
# a call of it does: "always", or "no arguments" (gmtime(t) formats t).
WALL_CLOCKS = {
    "datetime.datetime.now": "always",
    "datetime.datetime.utcnow": "always",
    "datetime.datetime.today": "always",
    "datetime.date.today": "always",
    "time.time": "always",
    "time.time_ns": "always",
    "time.clock_gettime": "always",
    "time.clock_gettime_ns": "always",
    "time.gmtime": "no arguments",
    "time.localtime": "no arguments",
    "time.ctime": "no arguments",
    "time.asctime": "no arguments",
    "time.strftime": "one argument",
    "email.utils.formatdate": "no arguments",
    "email.utils.localtime": "no arguments",
}
DURATIONS = frozenset(
    {
        "time.monotonic",
        "time.monotonic_ns",
        "time.perf_counter",
        "time.perf_counter_ns",
        "time.process_time",
        "time.process_time_ns",
        "time.thread_time",
        "time.thread_time_ns",
    }
)
# botocore's (and the AWS CLI v1's) own functions that return the clock: a call
# of one, or a reference to one, is a read; the read in its body is audited
# through those uses.
HELPERS = frozenset({"get_current_datetime", "_local_now", "_utc_now"})

# A file is parsed only if its text names one of these as a call, an
# attribute, an argument or an import: reading 2.4 MB of botocore, boto3,
# s3transfer and aiobotocore costs under a tenth of parsing it, and a read
# cannot be written without one of them (or a name re-exported from a module
# that does, which a second pass looks for).
_CLOCK_NAMES = sorted(
    {name.rpartition(".")[2] for name in [*WALL_CLOCKS, *DURATIONS]} | HELPERS, key=len
)[::-1]


def _mentions(names: Iterable[str]) -> re.Pattern[bytes]:
    words = "|".join(re.escape(name) for name in names).encode()
    return re.compile(
        rb"\b(?:%s)\b\s*[(,)=\]:]|\.(?:%s)\b|import[^\n]*\b(?:%s)\b" % (words, words, words)
    )


_MENTIONS_A_CLOCK = _mentions(_CLOCK_NAMES)

WALL = "wall clock"
DURATION = "duration"
CALL = "call"
REFERENCE = "reference"  # the function itself, taken to be called later
AT_IMPORT = "reference taken at import"  # a default argument, a module or class attribute

MODULE_SCOPE = "<module>"
DEFAULT_ARGUMENT = " (default argument)"  # added to the function a default argument is of


@dataclass(frozen=True)
class ClockRead:
    """One read of a clock in the source."""

    module: str  # as imported: botocore.auth, also for the AWS CLI v2's vendored copy
    path: str
    line: int
    function: str  # the enclosing qualified name, or <module>
    # What it finally calls: datetime.datetime.utcnow, botocore.compat.get_current_datetime.
    call: str
    source: str  # as written
    kind: str  # WALL or DURATION
    use: str  # CALL, REFERENCE or AT_IMPORT
    binding: str | None  # the module-level name it goes through; None for a local one
    attribute: str  # the path after that name ("" when the name itself is called)
    helper: str | None = None  # the helper whose body this read is in

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    @property
    def enclosing(self) -> str:
        """The function, as a qualified name: a default argument's read is its function's."""
        return self.function.removesuffix(DEFAULT_ARGUMENT)


@dataclass
class Module:
    """A module's source and the names it binds at its top level."""

    name: str
    path: Path
    tree: ast.Module
    text: bytes
    # name -> what it is: a dotted name ("datetime", "datetime.datetime",
    # "botocore.compat.get_current_datetime"), for imports and aliases.
    imports: dict[str, str] = field(default_factory=dict)
    defined: set[str] = field(default_factory=set)  # functions and classes defined here

    def binds(self, name: str) -> bool:
        return name in self.imports or name in self.defined


@dataclass(frozen=True)
class Package:
    """A top-level package to scan, and the name it is imported by."""

    name: str  # botocore
    root: Path  # the folder holding its __init__.py
    skip: tuple[str, ...] = ()  # sub-folders scanned as packages of their own (vendored)
    shown_from: Path | None = None  # paths are shown from here (default: the root's parent)

    def shown(self, path: str) -> str:
        base = self.shown_from or self.root.parent
        return os.path.relpath(path, base)


class Installation:
    """Packages that import one another, scanned together."""

    def __init__(self, packages: Iterable[Package]) -> None:
        self.packages = tuple(packages)
        self.modules: dict[str, Module] = {}
        self.unreadable: list[Path] = []
        self.files = 0
        self._reads: dict[str, list[ClockRead]] = {}
        skipped: dict[str, tuple[Path, bytes]] = {}
        for package in self.packages:
            for name, path in _module_files(package):
                self.files += 1
                try:
                    text = path.read_bytes()
                except OSError:
                    self.unreadable.append(path)
                    continue
                if _MENTIONS_A_CLOCK.search(text):
                    self._load(name, path, text)
                else:
                    skipped[name] = (path, text)
        # A module that imports a clock from one of these under a name of
        # its own choosing (`from botocore.compat import now_fn`).
        exported = self._clock_exports()
        self.exported = set(exported)
        while exported and skipped:
            pattern = _mentions(exported)
            found = [name for name, (_, text) in skipped.items() if pattern.search(text)]
            for name in found:
                self._load(name, *skipped.pop(name))
            exported = self._clock_exports() - self.exported if found else set()
            self.exported |= exported
        self.mentions = _mentions([*_CLOCK_NAMES, *self.exported])

    def _load(self, name: str, path: Path, text: bytes) -> None:
        module = _load(name, path, text)
        if module is None:
            self.unreadable.append(path)
        else:
            self.modules[name] = module

    def _clock_exports(self) -> set[str]:
        """Names bound at some module's top level to a clock, other than the clocks' own."""
        names = set()
        for module in self.modules.values():
            for name, target in module.imports.items():
                if name not in _CLOCK_NAMES and self._is_clock(self.resolve(target)):
                    names.add(name)
        return names

    def _is_clock(self, dotted: str) -> bool:
        # Functions only: a read through a module or class alias still names
        # the clock itself (`dt.now()`).
        return (
            dotted in WALL_CLOCKS
            or dotted in DURATIONS
            or self.helper_definition(dotted) is not None
        )

    def resolve(self, dotted: str) -> str:
        """What a dotted name finally is, following imports through these modules."""
        for _ in range(20):  # a cycle of re-exports ends here, unresolved
            parts = dotted.split(".")
            for cut in range(len(parts) - 1, 0, -1):
                module = self.modules.get(".".join(parts[:cut]))
                if module is None:
                    continue
                target = module.imports.get(parts[cut])
                if target is None:
                    return dotted
                followed = ".".join([target, *parts[cut + 1 :]])
                break
            else:
                return dotted
            if followed == dotted:
                return dotted
            dotted = followed
        return dotted

    def helper_definition(self, dotted: str) -> tuple[str, str] | None:
        """(module, function) when ``dotted`` is one of the clock helpers defined here."""
        module_name, _, name = dotted.rpartition(".")
        module = self.modules.get(module_name)
        if name in HELPERS and module is not None and name in module.defined:
            return module_name, name
        return None

    def reads_of(self, module: str) -> list[ClockRead]:
        found = self._reads.get(module)
        if found is None:
            found = self._reads[module] = _Visitor(self, self.modules[module]).reads()
        return found

    def reads(self) -> Iterator[ClockRead]:
        for module in self.modules:
            yield from self.reads_of(module)


def _module_files(package: Package) -> Iterator[tuple[str, Path]]:
    skip = {package.root / part for part in package.skip}
    for folder, subfolders, files in os.walk(package.root):
        here = Path(folder)
        subfolders[:] = sorted(
            name
            for name in subfolders
            if here / name not in skip
            and name != "__pycache__"
            and (here / name / "__init__.py").is_file()
        )
        parts = [package.name, *here.relative_to(package.root).parts]
        for file in sorted(files):
            if not file.endswith(".py"):
                continue
            stem = file[: -len(".py")]
            name = ".".join(parts if stem == "__init__" else [*parts, stem])
            yield name, here / file


def _load(name: str, path: Path, text: bytes) -> Module | None:
    try:
        tree = ast.parse(text, filename=str(path))
    except (SyntaxError, ValueError):
        # Not Python this interpreter reads (a template, another version's
        # syntax): the audit says so instead of guessing.
        return None
    module = Module(name, path, tree, text)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in _top_level(tree.body):
        _bind(node, package, module.imports, module.defined)
    return module


def _top_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements at a module's top level, inside if/try blocks too."""
    for node in body:
        yield node
        if isinstance(node, ast.If):
            yield from _top_level(node.body)
            yield from _top_level(node.orelse)
        elif isinstance(node, ast.Try):
            yield from _top_level(node.body)
            for handler in node.handlers:
                yield from _top_level(handler.body)
            yield from _top_level(node.orelse)
            yield from _top_level(node.finalbody)


def _bind(node: ast.stmt, package: str, imports: dict[str, str], defined: set[str]) -> None:
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                imports[alias.asname] = alias.name
            else:
                top = alias.name.split(".")[0]
                imports[top] = top
    elif isinstance(node, ast.ImportFrom):
        base = _absolute(node, package)
        for alias in node.names:
            if alias.name != "*":
                imports[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        defined.add(node.name)
        imports.pop(node.name, None)
    elif isinstance(node, ast.Assign) and len(node.targets) == 1:
        target, value = node.targets[0], _dotted(node.value)
        if isinstance(target, ast.Name):
            if value is not None and value.split(".")[0] in imports:
                root, _, rest = value.partition(".")
                imports[target.id] = imports[root] + (f".{rest}" if rest else "")
            else:
                imports.pop(target.id, None)


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    parts = package.split(".")
    base = parts[: len(parts) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def _dotted(node: ast.expr) -> str | None:
    """``a.b.c`` for a chain of attributes on a name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


@dataclass
class _Scope:
    name: str  # qualified
    is_function: bool
    body: list[ast.stmt] = field(default_factory=list)
    arguments: set[str] = field(default_factory=set)
    imports: dict[str, str] = field(default_factory=dict)  # imports in the function, so far
    _locals: set[str] | None = None

    def binds_locally(self, name: str) -> bool:
        """Whether the function binds ``name`` itself, other than by an import."""
        if self._locals is None:
            # Only asked of a name that resolves to a clock: most functions never are.
            self._locals = self.arguments | _assigned(self.body)
        return name in self._locals


class _Visitor:
    def __init__(self, installation: Installation, module: Module) -> None:
        self.installation = installation
        self.module = module
        self.package = (
            module.name if module.path.name == "__init__.py" else module.name.rpartition(".")[0]
        )
        self.found: list[ClockRead] = []
        self.scopes: list[_Scope] = []
        # Where each line starts, for the text of a definition.
        self.lines = [0, *itertools.accumulate(map(len, module.text.splitlines(keepends=True)))]

    def reads(self) -> list[ClockRead]:
        self._body(self.module.tree.body)
        return self.found

    # Scopes

    def _qualified(self, name: str) -> str:
        return ".".join([*(scope.name for scope in self.scopes[-1:]), name])

    def _function_name(self) -> str:
        return self.scopes[-1].name if self.scopes else MODULE_SCOPE

    def _at_import(self) -> bool:
        """Whether code here runs when the module is imported (module or class body)."""
        return not any(scope.is_function for scope in self.scopes)

    def _body(self, body: list[ast.stmt]) -> None:
        for node in body:
            self._statement(node)

    def _mentions_a_clock(self, node: ast.stmt) -> bool:
        """Whether the text of a definition names a clock: most in a module never do."""
        end = node.end_lineno or len(self.lines)
        first = min((d.lineno for d in getattr(node, "decorator_list", [])), default=node.lineno)
        start = self.lines[first - 1]
        stop = self.lines[end] if end < len(self.lines) else len(self.module.text)
        return self.installation.mentions.search(self.module.text, start, stop) is not None

    def _statement(self, node: ast.stmt) -> None:
        if isinstance(
            node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
        ) and not self._mentions_a_clock(node):
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self._function(node.name, node.args, node.decorator_list, node.body)
        elif isinstance(node, ast.ClassDef):
            for expr in [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]:
                self._expression(expr)
            self.scopes.append(_Scope(self._qualified(node.name), is_function=False))
            self._body(node.body)
            self.scopes.pop()
        else:
            self._generic(node)

    def _function(
        self,
        name: str,
        arguments: ast.arguments,
        decorators: list[ast.expr],
        body: list[ast.stmt] | ast.expr,
    ) -> None:
        qualified = self._qualified(name)
        # Defaults and decorators are evaluated where the function is defined.
        defaults = [*arguments.defaults, *(d for d in arguments.kw_defaults if d is not None)]
        for expr in decorators:
            self._expression(expr)
        for expr in defaults:
            self._expression(expr, function=qualified + DEFAULT_ARGUMENT)
        statements: list[ast.stmt] = body if isinstance(body, list) else [ast.Expr(body)]
        scope = _Scope(qualified, is_function=True, body=statements)
        scope.arguments.update(
            a.arg
            for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
            + [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
        )
        self.scopes.append(scope)
        self._body(statements)
        self.scopes.pop()

    def _generic(self, node: ast.AST) -> None:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if self.scopes and self.scopes[-1].is_function:
                _bind(node, self.package, self.scopes[-1].imports, set())
            return
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                self._statement(child)
            elif isinstance(child, ast.expr):
                self._expression(child)
            else:
                self._generic(child)

    # Expressions

    def _expression(self, node: ast.expr, function: str | None = None) -> None:
        if isinstance(node, ast.Lambda):
            self._function("<lambda>", node.args, [], node.body)
            return
        if isinstance(node, ast.Call):
            self._chain(node.func, node, function)
            if _dotted(node.func) is None:
                self._expression(node.func, function)
            for argument in [*node.args, *(k.value for k in node.keywords)]:
                self._expression(argument, function)
            return
        if isinstance(node, (ast.Attribute, ast.Name)) and _dotted(node) is not None:
            if isinstance(node.ctx, ast.Load):
                self._chain(node, None, function)
            return
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self._expression(child, function)
            elif isinstance(child, ast.comprehension):
                for expr in [child.target, child.iter, *child.ifs]:
                    self._expression(expr, function)

    def _chain(self, node: ast.expr, call: ast.Call | None, function: str | None) -> None:
        dotted = _dotted(node)
        if dotted is None:
            return
        root, _, attribute = dotted.partition(".")
        binding: str | None = root
        functions = [scope for scope in reversed(self.scopes) if scope.is_function]
        local = next((scope for scope in functions if root in scope.imports), None)
        if local is not None:
            target, binding = local.imports[root], None
            functions = functions[: functions.index(local)]
        elif root in self.module.imports:
            target = self.module.imports[root]
        elif root in self.module.defined:
            target = f"{self.module.name}.{root}"
        else:
            return
        canonical = self.installation.resolve(".".join(filter(None, [target, attribute])))
        kind = _kind(canonical, call, self.installation)
        if kind is None:
            return
        if any(scope.binds_locally(root) for scope in functions):
            return  # a parameter or local variable of that name: its value is not known here
        if call is not None:
            use = CALL
        elif function is not None or self._at_import():
            use = AT_IMPORT
        else:
            use = REFERENCE
        # Only a reference to a clock that needs no argument is a read.
        if (
            call is None
            and canonical in WALL_CLOCKS
            and WALL_CLOCKS[canonical] not in ("always", "no arguments")
        ):
            return
        self.found.append(
            ClockRead(
                module=self.module.name,
                path=str(self.module.path),
                line=node.lineno,
                function=function or self._function_name(),
                call=canonical,
                source=ast.unparse(call if call is not None else node),
                kind=kind,
                use=use,
                binding=binding,
                attribute=attribute,
                helper=self._helper(),
            )
        )

    def _helper(self) -> str | None:
        """The clock helper whose body this is, when it is one defined at the top level."""
        if self.scopes and self.scopes[0].is_function and self.scopes[0].name in HELPERS:
            return f"{self.module.name}.{self.scopes[0].name}"
        return None


def _kind(canonical: str, call: ast.Call | None, installation: Installation) -> str | None:
    if canonical in DURATIONS:
        return DURATION
    when = WALL_CLOCKS.get(canonical)
    if when is not None:
        if call is None or when == "always":
            return WALL
        arguments = len(call.args) + len(call.keywords)
        if when == "no arguments" and arguments == 0:
            return WALL
        if when == "one argument" and arguments == 1:
            return WALL
        if canonical == "email.utils.formatdate" and _formatdate_reads(call):
            return WALL
        return None
    if installation.helper_definition(canonical) is not None:
        return WALL
    return None


def _formatdate_reads(call: ast.Call) -> bool:
    """``formatdate(usegmt=True)``: keywords only, no time given."""
    if call.args and not (isinstance(call.args[0], ast.Constant) and call.args[0].value is None):
        return False
    return all(
        keyword.arg != "timeval"
        or (isinstance(keyword.value, ast.Constant) and keyword.value.value is None)
        for keyword in call.keywords
    )


def _assigned(body: list[ast.stmt]) -> set[str]:
    """Names a function binds itself (not those of functions nested in it), imports aside."""
    names = set()
    for node in _own_nodes(body):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


def _own_nodes(body: list[ast.stmt]) -> Iterator[ast.AST]:
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue  # its own scope
        stack.extend(ast.iter_child_nodes(node))
