#!/usr/bin/env python3
"""plot_check.py: nqmtop's --plot figures from the outside.

    plot_check.py NQMTOP GOLDEN_SVG

A batch run and a sweep are drawn; each SVG must be well-formed XML, hold
its title, axis labels and legend, and render with rsvg-convert (skipped
with exit 77 where it is not installed) to a picture whose plot areas are
not empty. In the run's picture the loss curve spans the panel from the
first to the last step and its lowest and highest pixels sit where the
records' smallest and largest loss belong (log scale, 5 % margins); in the
sweep's the colour of every regime map cell is the colour of the regime
its record reports. The run figure of catapult-1d over 50 steps, its
metadata left out, equals the golden SVG byte for byte.
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zlib

SVG = "{http://www.w3.org/2000/svg}"
REGIME_COLOURS = {"undetermined": "#e0e0e0", "monotone": "#90a4ae", "catapult": "#43a047",
                  "silent-catapult": "#fbc02d", "edge-of-stability": "#1e88e5",
                  "oscillating": "#8e24aa", "chaotic": "#f4511e", "collapsed": "#6d4c41",
                  "divergent": "#212121"}
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def read_png(path):
    """(width, height, rows of (r, g, b, a) tuples) of an 8-bit RGB(A) PNG."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0, "unexpected PNG kind"
            channels = 4 if colour == 6 else 3
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride, rows, prev = zlib.decompress(idat), width * channels, [], bytearray(width * channels)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b, c = prev[i], prev[i - channels] if i >= channels else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * channels:x * channels + 3]) for x in range(width)])
        prev = line
    return width, height, rows


def hex_rgb(colour):
    return tuple(int(colour[k:k + 2], 16) for k in (1, 3, 5))


def near(rgb, want, tol=40):
    return all(abs(a - b) <= tol for a, b in zip(rgb, want))


def render(svg, png):
    subprocess.run(["rsvg-convert", "-o", png, svg], check=True)
    return read_png(png)


def texts(root):
    return [t.text or "" for t in root.iter(SVG + "text")]


def clip_rect(root, ident):
    for cp in root.iter(SVG + "clipPath"):
        if cp.get("id") == ident:
            r = cp.find(SVG + "rect")
            return [float(r.get(k)) for k in ("x", "y", "width", "height")]
    raise AssertionError("no clip path " + ident)


def check_run(nqmtop, work):
    svg, png = os.path.join(work, "run.svg"), os.path.join(work, "run.png")
    out = subprocess.run([nqmtop, "--preset", "catapult-multi-1d", "--batch", "--steps", "300",
                          "--plot", svg], check=True, capture_output=True, text=True).stdout
    lines = out.splitlines()
    head = lines[0].split("\t")
    losses = [float(l.split("\t")[head.index("loss")]) for l in lines[1:]]
    root = ET.parse(svg).getroot()  # well-formed, or this raises
    words = texts(root)
    for want in ("loss (log)", "g", "kernel eigenvalues", "step", "train loss", "λ1", "λ2",
                 "2/η", "4/η", "increasing", "peak", "decreasing"):
        check(want in words, "run figure lacks the label '%s'" % want)
    title = root.find(SVG + "title").text
    check("catapult-multi-1d" in title and "m = 5000" in title, "run title: " + title)
    width, height, rows = render(svg, png)
    x0, y0, w, h = clip_rect(root, "clip0")
    blue = hex_rgb("#1f77b4")
    cols, ys = [], []
    for y in range(int(y0) + 1, int(y0 + h)):
        for x in range(int(x0) + 1, int(x0 + w)):
            if near(rows[y][x], blue, 30):
                cols.append(x)
                ys.append(y)
    check(len(cols) > 200, "the loss panel is nearly empty (%d curve pixels)" % len(cols))
    if cols:
        check(min(cols) <= x0 + 3 and max(cols) >= x0 + w - 4,
              "the loss curve spans x %d..%d, the panel %.0f..%.0f" % (min(cols), max(cols), x0,
                                                                        x0 + w))
        import math
        lo, hi = math.log10(min(losses)), math.log10(max(losses))
        pad = 0.05 * (hi - lo)
        top = y0 + h * pad / (hi - lo + 2 * pad)
        bottom = y0 + h * (1 - pad / (hi - lo + 2 * pad))
        check(abs(min(ys) - top) <= 3 and abs(max(ys) - bottom) <= 3,
              "the loss curve spans rows %d..%d, the records' range belongs at %.1f..%.1f" %
              (min(ys), max(ys), top, bottom))
    print("run figure: %d curve pixels in the loss panel, %dx%d" % (len(cols), width, height))


def check_sweep(nqmtop, work):
    svg, png = os.path.join(work, "sweep.svg"), os.path.join(work, "sweep.png")
    out = subprocess.run([nqmtop, "--preset", "catapult-1d", "--set", "models=net,quad,lin",
                          "--steps", "60", "--sweep", "eta_rel=0.5:3:6", "--batch", "--plot", svg],
                         check=True, capture_output=True, text=True).stdout.splitlines()
    head = out[0].split("\t")
    fields = [l.split("\t") for l in out[1:]]  # in the order the runs completed
    regimes = {(int(f[head.index("point")]), f[head.index("model")]): f[head.index("regime")]
               for f in fields}
    root = ET.parse(svg).getroot()
    words = texts(root)
    for want in ("eta_rel", "final loss (log)", "η_crit", "net", "quad", "lin", "divergent"):
        check(want in words, "sweep figure lacks the label '%s'" % want)
    width, height, rows = render(svg, png)
    cells = [r for r in root.iter(SVG + "rect") if r.find(SVG + "title") is not None]
    check(len(cells) == len(regimes), "%d map cells for %d records" % (len(cells), len(regimes)))
    # cells go row by row (model by model), point by point
    names = ["net", "quad", "lin"]
    models, points = 3, len(regimes) // 3
    for k in range(models):
        for i in range(points):
            cell = cells[k * points + i]
            x = int(float(cell.get("x")) + float(cell.get("width")) / 2)
            y = int(float(cell.get("y")) + float(cell.get("height")) / 2)
            want = regimes[(i, names[k])]
            check(cell.find(SVG + "title").text == want and
                  near(rows[y][x], hex_rgb(REGIME_COLOURS[want]), 8),
                  "map cell (%d, %d): %s, colour %s, the record says %s" %
                  (k, i, cell.find(SVG + "title").text, rows[y][x], want))
    print("sweep figure: %d map cells match the records' regimes" % len(cells))


def strip_metadata(text):
    start, end = text.find("<metadata>"), text.find("</metadata>")
    return text if start < 0 else text[:start] + text[end + len("</metadata>\n"):]


def check_golden(nqmtop, golden, work):
    svg = os.path.join(work, "golden.svg")
    subprocess.run([nqmtop, "--preset", "catapult-1d", "--batch", "--steps", "50", "--plot", svg],
                   check=True, capture_output=True)
    got = strip_metadata(open(svg, encoding="utf-8").read())
    want = open(golden, encoding="utf-8").read()
    check(got == want, "the catapult-1d figure differs from %s" % golden)


def main():
    nqmtop, golden = sys.argv[1], sys.argv[2]
    if not shutil.which("rsvg-convert"):
        print("rsvg-convert not installed (librsvg2-bin): skipped")
        return 77
    with tempfile.TemporaryDirectory() as work:
        check_run(nqmtop, work)
        check_sweep(nqmtop, work)
        check_golden(nqmtop, golden, work)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
