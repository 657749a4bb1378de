#!/usr/bin/env python3
"""layers.py SOURCE_ROOT: every #include in src/ and include/nqmtop/ keeps
the dependency rule between areas that HACKING.md states (the table
between its "rule:begin" and "rule:end" marks): a file of an area includes
headers of its own area and of the areas the rule lists for it, and
nothing else. Also: the rule has no cycle (no two areas use each other,
however indirectly), a quoted include that is not "nqmtop/AREA/x.h" names
a file of the same folder, only the tui area includes curses, and the
areas the rule marks pure never read the environment or the clock (those
belong to the front ends, which pass them in)."""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
# What a pure area may not call: the environment, the clock, the machine.
IMPURE = re.compile(r"\b(getenv|secure_getenv|clock_gettime|gettimeofday|time|localtime_r|"
                    r"localtime|sysconf|sched_getaffinity)\s*\(")
# The one file that reads the clock for the front ends.
CLOCK_FILE = os.path.join("src", "base", "clock.c")


def read_rule(hacking):
    text = open(hacking, encoding="utf-8").read()
    try:
        block = text.split("rule:begin")[1].split("rule:end")[0]
    except IndexError:
        sys.exit(f"{hacking}: no rule:begin ... rule:end block")
    rule, pure = {}, set()
    m = re.search(r"^\s*pure:\s*(.*?)\s*$", block, re.M)
    if m:
        pure = set(m.group(1).replace(",", " ").split())
    for line in block.splitlines():
        m = re.match(r"^\s*([a-z]+)\s+may use\s+(.*?)\s*$", line)
        if m:
            uses = m.group(2)
            rule[m.group(1)] = set() if uses == "nothing" else set(uses.replace(",", " ").split())
    if not rule:
        sys.exit(f"{hacking}: the rule block names no area")
    return rule, pure


def check_acyclic(rule):
    """Areas in an order where each uses only earlier ones, or the cycle."""
    state = {}

    def visit(area, path):
        if state.get(area) == "done":
            return None
        if state.get(area) == "open":
            return path[path.index(area):] + [area]
        state[area] = "open"
        for used in sorted(rule.get(area, ())):
            if used not in rule:
                return [area, used + " (not an area of the rule)"]
            cycle = visit(used, path + [area])
            if cycle:
                return cycle
        state[area] = "done"
        return None

    for area in sorted(rule):
        cycle = visit(area, [])
        if cycle:
            return cycle
    return None


def area_of(path):
    """The area of a source or header path relative to the root."""
    parts = path.split(os.sep)
    if parts[0] == "src":
        return "main" if len(parts) == 2 else parts[1]
    if parts[:2] == ["include", "nqmtop"] and len(parts) >= 4:
        return parts[2]
    return None


def main():
    root = sys.argv[1]
    rule, pure = read_rule(os.path.join(root, "HACKING.md"))
    cycle = check_acyclic(rule)
    if cycle:
        print("HACKING.md: the rule has a cycle: " + " -> ".join(cycle))
        return 1
    faults, files = [], 0
    for top in ("src", os.path.join("include", "nqmtop")):
        for folder, _, names in os.walk(os.path.join(root, top)):
            for name in sorted(names):
                if not name.endswith((".c", ".h")):
                    continue
                path = os.path.relpath(os.path.join(folder, name), root)
                area = area_of(path)
                if area not in rule:
                    faults.append(f"{path}: in no area of the rule")
                    continue
                files += 1
                text = open(os.path.join(root, path), encoding="utf-8").read()
                if area in pure and path != CLOCK_FILE:
                    code = re.sub(r"/\*.*?\*/", lambda c: "\n" * c.group(0).count("\n"),
                                  text, flags=re.S)
                    for m in IMPURE.finditer(code):
                        line = code.count("\n", 0, m.start()) + 1
                        faults.append(f"{path}:{line}: {m.group(1)}() in {area}/, which the "
                                      "rule keeps pure")
                for m in INCLUDE.finditer(text):
                    line = text.count("\n", 0, m.start()) + 1
                    where = f"{path}:{line}"
                    kind, target = m.groups()
                    if kind == "<":
                        if target in ("curses.h", "ncurses.h", "ncursesw/curses.h") and area != "tui":
                            faults.append(f"{where}: <{target}> outside tui/")
                        continue
                    hm = re.match(r"^nqmtop/([a-z]+)/[a-z0-9_]+\.h$", target)
                    if hm:
                        used = hm.group(1)
                    elif target in ("buildinfo.h", "vcs.h"):
                        used = "build"
                    elif "/" not in target and os.path.exists(os.path.join(folder, target)):
                        continue  # a private header beside the file
                    else:
                        faults.append(f'{where}: "{target}" is neither "nqmtop/AREA/x.h" '
                                      "nor a header in the same folder")
                        continue
                    if used != area and used not in rule[area]:
                        faults.append(f'{where}: {area} may not use {used} ("{target}")')
    for f in faults:
        print(f)
    if faults:
        print(f"{len(faults)} place(s) break the rule in HACKING.md")
        return 1
    print(f"{files} files keep the dependency rule of {len(rule)} areas")
    return 0


if __name__ == "__main__":
    sys.exit(main())
