#!/usr/bin/env python3
"""Fails when two modules of src/ import each other, directly or round a longer loop.

A module is a file (`src/routes/api.rs` is `routes::api`, a `mod.rs` its folder). Its
imports are the `crate::…` and `super::…` paths it names, outside its `#[cfg(test)]` module,
including the members of `use crate::db::{self, …}` lists and paths through an imported
module (`use crate::db;` then `db::terms::…`). Parents are not counted as imported by their
children's `super::` unless named: a child may use its parent's helpers.
"""
import os
import re
import sys

ROOT = "src"


def modules():
    found = {}
    for folder, _, files in os.walk(ROOT):
        for name in files:
            if not name.endswith(".rs"):
                continue
            path = os.path.join(folder, name)
            parts = path[len(ROOT) + 1 : -3].split("/")
            if parts[-1] in ("mod", "lib", "main"):
                parts = parts[:-1]
            found["::".join(parts)] = path
    return found


def resolve(path, here, known):
    """The known module a `crate::`/`super::` path lands in, or None."""
    segments = path.split("::")
    if segments[0] == "crate":
        segments = segments[1:]
    elif segments[0] == "super":
        base = here.split("::")[:-1]
        segments = segments[1:]
        while segments and segments[0] == "super":
            base, segments = base[:-1], segments[1:]
        segments = base + segments
    else:
        return None
    for end in range(len(segments), 0, -1):
        candidate = "::".join(segments[:end])
        if candidate in known:
            return candidate
    return None


def imports(module, path, known):
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"#\[cfg\(test\)\]\s*mod tests\s*\{.*", "", text, flags=re.S)
    # `super::` in a mod.rs is relative to the folder's module, one level up from a file.
    here = module + "::_" if path.endswith("mod.rs") else module
    named = re.findall(r"\b((?:crate|super)(?:::\w+)+)", text)
    for base, members in re.findall(r"use ((?:crate|super)(?:::\w+)*)::\{([^}]*)\}", text):
        for member in members.split(","):
            member = member.strip().split(" ")[0]
            if member and member != "self":
                named.append(f"{base}::{member}")
    for alias in re.findall(r"use crate::(\w+(?:::\w+)*);", text) + re.findall(
        r"use crate::(\w+(?:::\w+)*)::\{[^}]*\bself\b", text
    ):
        last = alias.split("::")[-1]
        named += [f"crate::{alias}::{sub}" for sub in re.findall(rf"(?<![:\w]){last}::(\w+)", text)]
    found = set()
    for name in named:
        target = resolve(name, here, known)
        if target and target != module and not module.startswith(target + "::"):
            found.add(target)
    return found


def cycles(graph):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, result = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for v in graph:
        if v not in index:
            visit(v)
    return result


def main():
    known = modules()
    graph = {module: imports(module, path, known) for module, path in known.items()}
    loops = cycles(graph)
    for loop in loops:
        print("import cycle: " + " ↔ ".join(loop))
    if loops:
        sys.exit(1)
    print(f"no import cycles among {len(known)} modules")


main()
