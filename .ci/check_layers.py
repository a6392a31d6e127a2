#!/usr/bin/env python3
"""Check that the project's apps form a stack: a lower app never imports a higher one.

    python .ci/check_layers.py [--root .] [--layers interviewprep,questions,quizzes,interviews]

Layers are listed from the bottom up. A module may import its own app and any app below it.
Project-level wiring is exempt: settings.py, urls.py, api_urls.py, wsgi.py, asgi.py of the
bottom app (the project package), migrations and tests. Imports inside functions count too:
hiding an import in a function does not remove the dependency. Exits 1 and lists every
upward import, file:line, when there is one.
"""

import argparse
import ast
import sys
from pathlib import Path

EXEMPT_NAMES = {"settings.py", "urls.py", "api_urls.py", "wsgi.py", "asgi.py"}


def imported_roots(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module.split(".")[0]))
    return found


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default=".")
    parser.add_argument("--layers", default="interviewprep,questions,quizzes,interviews")
    args = parser.parse_args()
    root = Path(args.root).resolve()
    layers = args.layers.split(",")
    rank = {name: i for i, name in enumerate(layers)}
    problems = []
    for app in layers:
        for path in sorted((root / app).rglob("*.py")):
            rel = path.relative_to(root)
            if "migrations" in rel.parts or "tests" in rel.parts:
                continue
            if app == layers[0] and rel.name in EXEMPT_NAMES and len(rel.parts) == 2:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(rel))
            for line, target in imported_roots(tree):
                if target in rank and rank[target] > rank[app]:
                    problems.append(f"{rel}:{line}: {app} imports {target}, a higher layer")
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} upward imports; layers from the bottom up: {' -> '.join(layers)}")
        return 1
    print(f"layers hold: {' -> '.join(layers)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
