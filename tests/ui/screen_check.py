#!/usr/bin/env python3
"""screen_check.py: checks of one captured nqmtop screen (a text file, one
line per terminal row, as tmux capture-pane writes it), for the tmux tests.

  help SCREEN HELP_TEXT    the help box: every key of the "Keys in the UI"
                           part of nqmtop --help (HELP_TEXT) is in the box
                           with every word of its text, and the box holds no
                           word that is not one of theirs (a word cut short)
  picker SCREEN LIST       the preset picker: on every row the description
                           starts in the same column, and it is the start of
                           that preset's description in nqmtop --list-presets
                           (LIST), whole words, with ... or an ellipsis where
                           it is cut
  text SCREEN TEXT         TEXT is on screen, its words in order, wrapped
                           over rows or not
  legend SCREEN LABELS     every chart whose top frame row names the first
                           of LABELS (m:label,m:label,...) names them all,
                           each after its own mark m
  marks SCREEN MARKS       the top-left chart's plot (inside its frame, the
                           frame rows left out) holds every mark of MARKS

Prints what is wrong and exits 1; exits 0 when all is well.
"""
import re
import sys

BORDERS = "│┌┐└┘─|+-"


def rows(path):
    with open(path, encoding="utf-8") as f:
        return f.read().split("\n")


def fail(msg, screen):
    print(msg)
    print("\n".join(screen))
    sys.exit(1)


def box_of(screen, title):
    """Row range and column range of the box whose top row has title."""
    top = next((i for i, r in enumerate(screen) if title in r), None)
    if top is None:
        fail(f"no box titled {title!r}", screen)
    row = screen[top]
    left = row.index(title)
    while left > 0 and row[left] not in "┌+":
        left -= 1
    right = left + 1
    while right < len(row) and row[right] not in "┐+":
        right += 1
    bottom = top + 1
    while bottom < len(screen) and not re.match(r"[└+]", screen[bottom][left:left + 1]):
        bottom += 1
    return top, bottom, left, right


def key_entries(help_text):
    """(keys, text) of each line of the "Keys in the UI:" part."""
    entries, inside = [], False
    for line in help_text.split("\n"):
        if line.startswith("Keys in the UI:"):
            inside = True
            continue
        if inside and not line.startswith("  "):
            break
        if inside:
            keys, text = re.split(r"\s{2,}", line.strip(), maxsplit=1)
            entries.append((keys, text))
    return entries


def check_help(screen, help_text):
    top, bottom, left, right = box_of(screen, "keys (any key closes this help)")
    inner = " ".join(r[left + 1:right] for r in screen[top + 1:bottom])
    frame = screen[bottom][left:right + 1].strip("└┘+-─ ")
    entries = key_entries(help_text)
    if not entries:
        fail("no keys in the --help text", screen)
    vocabulary = set()
    for keys, text in entries:
        vocabulary.update(keys.split())
        vocabulary.update(text.split())
    words = inner.split()
    footer = "catapults for η_crit = 2/λ1(0) < η < η_max = 4/λ1(0)"
    footer_ascii = "catapults for eta_crit = 2/lambda1(0) < eta < eta_max = 4/lambda1(0)"
    vocabulary.update(footer.split() + footer_ascii.split())
    for keys, text in entries:
        for k in keys.split():
            if k not in words:
                fail(f"help: key {k!r} ({text}) missing", screen)
        for w in text.split():
            if w not in words:
                fail(f"help: the word {w!r} of {keys!r} ({text}) missing", screen)
    for w in words:
        if w not in vocabulary:
            fail(f"help: {w!r} is no word of the help (cut short?)", screen)
    shown = " ".join(inner.split()) + " " + frame
    if footer not in shown and footer_ascii not in shown:
        fail("help: no line on eta_crit and eta_max", screen)


def check_picker(screen, listing):
    descriptions = {}
    for line in listing.split("\n"):
        if line.strip():
            name, text = line.split(None, 1)
            descriptions[name] = text.strip()
    top, bottom, left, right = box_of(screen, "presets:")
    columns = set()
    for r in screen[top + 1:bottom]:
        inner = r[left + 1:right]
        m = re.match(r"( [> ] )(\S+)( +)(.*?)\s*$", inner)
        if not m:
            continue
        name, text = m.group(2), m.group(4)
        if name not in descriptions:
            fail(f"picker: {name!r} is no preset name (cut?)", screen)
        columns.add(len(m.group(1)) + len(name) + len(m.group(3)))
        full = descriptions[name]
        cut = text.endswith("…") or text.endswith("...")
        body = text.rstrip("….").rstrip() if cut else text
        if not full.startswith(body) or (cut and full[len(body):len(body) + 1] not in " ,:;."):
            fail(f"picker: {name}: {text!r} is not whole words of {full!r}", screen)
    if len(columns) != 1:
        fail(f"picker: descriptions start in columns {sorted(columns)}", screen)


def check_text(screen, text):
    flat = " ".join(" ".join(screen).split())
    if " ".join(text.split()) not in flat:
        fail(f"not on screen: {text!r}", screen)


def check_legend(screen, labels):
    pairs = [p.split(":", 1) for p in labels.split(",")]
    tops = [r for r in screen if re.match(r"^[┌+]", r) and f" {pairs[0][1]}" in r]
    if not tops:
        fail(f"legend: no chart names {pairs[0][1]!r}", screen)
    for row in tops:
        for mark, label in pairs:
            if not re.search(re.escape(mark) + r"\S? {1,2}" + re.escape(label) + r"\b", row):
                fail(f"legend: {label!r} without its mark {mark!r} in {row!r}", screen)


def check_marks(screen, marks):
    top = next(i for i, r in enumerate(screen) if re.match(r"^[┌+]", r))
    right = 1
    while right < len(screen[top]) and screen[top][right] not in "┐+":
        right += 1
    plot = ""
    for r in screen[top + 1:]:
        if re.match(r"^[└+]", r):
            break
        plot += r[1:right]
    for m in marks:
        if m not in plot:
            fail(f"marks: no {m!r} on the curves of the first chart", screen)


def main():
    what, path, arg = sys.argv[1], sys.argv[2], sys.argv[3]
    screen = rows(path)
    if what == "help":
        with open(arg, encoding="utf-8") as f:
            check_help(screen, f.read())
    elif what == "picker":
        with open(arg, encoding="utf-8") as f:
            check_picker(screen, f.read())
    elif what == "text":
        check_text(screen, arg)
    elif what == "legend":
        check_legend(screen, arg)
    elif what == "marks":
        check_marks(screen, arg)
    else:
        print(f"unknown check {what}")
        sys.exit(2)


main()
