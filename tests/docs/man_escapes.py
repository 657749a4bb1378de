#!/usr/bin/env python3
"""man_escapes.py PAGE...: the man pages use only the troff escapes listed
below, each for the character it stands for. groff accepts every glyph it
knows without a warning, so a slip such as \\(sqrt (the glyph \\(sq, a
box, then "rt") or \\(*h (theta) where \\(*y (eta) was meant formats
cleanly and prints the wrong thing; this list is what the pages may say.
Also refused: a lone punctuation mark as the last argument of .B or .I
(it prints set apart, "readout ."; .BR and .IR join it) and a paragraph
whose parentheses do not pair up once the escapes are taken out."""
import re
import sys

# escape -> what it prints on the pages
ALLOWED = {
    r"\-": "minus sign or hyphen that stays a hyphen (options, names)",
    r"\ ": "space that does not break a line",
    r"\~": "space that does not break a line but may stretch",
    r"\&": "nothing (keeps a leading . or ' from starting a request)",
    r"\e": "a backslash",
    r"\"": "start of a comment",
    r"\fB": "bold from here",
    r"\fI": "italic from here",
    r"\fR": "roman from here",
    r"\fP": "the previous font from here",
    r"\d": "half a line down (the subscript in eta*lambda1/2)",
    r"\u": "half a line up (back from the subscript)",
    r"\(*y": "eta, the learning rate",
    r"\(*l": "lambda, a kernel eigenvalue",
    r"\(*S": "capital sigma, a sum or the gqm matrix",
    r"\(*s": "sigma, the activation",
    r"\(*f": "phi, the gqm feature map",
    r"\(*g": "gamma, the gqm scale",
    r"\(*b": "beta, the momentum of an optimizer",
    r"\(*e": "epsilon, Adam's guard against division by zero",
    r"\(*p": "pi, in the cosine schedule",
    r"\(*H": "capital theta, the order of growth Theta(m)",
    r"\(sr": "square root sign",
    r"\(mu": "multiplication sign",
    r"\(pc": "centred dot, a product",
    r"\(12": "one half",
    r"\(+-": "plus-minus sign",
    r"\(<=": "less than or equal",
    r"\(>=": "greater than or equal",
    r"\(->": "right arrow",
    r"\(ua": "up arrow, a curve above its chart",
    r"\(da": "down arrow, a curve below its chart",
    r"\(if": "infinity",
    r"\(ha": "circumflex, a power as in 10^6",
    r"\(lq": "opening double quote",
    r"\(rq": "closing double quote",
}

# one escape: \(xx, \[name], \f with its argument, \s with its size,
# \* and \n with their names, or \ and one character
ESCAPE = re.compile(
    r"\\(?:\(..|\[[^\]]*\]|f(?:\(..|\[[^\]]*\]|.)|s[-+]?(?:\d+|\(\d\d|\[[^\]]*\])"
    r"|[*n](?:\(..|\[[^\]]*\]|.)|.)"
)
PARAGRAPH = re.compile(r"^\.(?:SH|SS|TP|PP|LP|P|IP|HP|RS|RE)\b")
LONE_MARK = re.compile(r"^\.[BI] .*\s[.,;:)]+\s*$")


def check_line(page, number, line, problems):
    for m in ESCAPE.finditer(line):
        if m.group(0) not in ALLOWED:
            problems.append(f"{page}:{number}: escape {m.group(0)} is not one the pages use")
    if LONE_MARK.match(line):
        problems.append(f"{page}:{number}: lone punctuation after .B/.I prints apart; use .BR/.IR")


def check_parens(page, start, text, problems):
    text = ESCAPE.sub("", text)
    if text.count("(") != text.count(")"):
        problems.append(f"{page}:{start}: the paragraph has {text.count('(')} '(' "
                        f"and {text.count(')')} ')'")


def check_page(page, problems):
    with open(page, encoding="utf-8") as f:
        lines = f.read().split("\n")
    start, text = 1, ""
    for number, line in enumerate(lines, 1):
        if line.startswith('.\\"'):
            continue
        check_line(page, number, line, problems)
        if PARAGRAPH.match(line):
            check_parens(page, start, text, problems)
            start, text = number, ""
        text += line + "\n"
    check_parens(page, start, text, problems)


def main():
    if len(sys.argv) < 2:
        print("usage: man_escapes.py PAGE...", file=sys.stderr)
        return 2
    problems = []
    for page in sys.argv[1:]:
        check_page(page, problems)
    for p in problems:
        print(p)
    if not problems:
        print(f"{len(sys.argv) - 1} pages: every escape known, parentheses paired")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
