#!/usr/bin/env python3
"""Flame graphs from `perf script`, in two steps (scripts/bench.sh --perf runs the first):
  perf script | flamegraph.py fold > profile.folded   one line per stack, root first: "a;b;c <samples>"
  flamegraph.py svg [title] < profile.folded > flame.svg
  flamegraph.py top [N] < profile.folded              the N frames with the most samples of their own
  flamegraph.py categories < profile.folded            samples by what they were spent for (kernel time by who asked)
Frame names are shortened for reading: .NET's tier tags, argument lists and generic instantiations go; a frame perf
could not name is shown by its library. Plain Python, no dependencies."""
import html
import zlib
import re
import sys
from collections import defaultdict

TIER = re.compile(r"\[(OptimizedTier1|Optimized|Tier0|Tier1|InstrumentedTier[A-Za-z]*|QuickJitted|PreJIT)\]")


def frame_name(symbol, dso):
    if symbol in ("[unknown]", ""):
        return "[" + dso.rsplit("/", 1)[-1] + "]"
    if "kernel" in dso:
        return symbol.split("+")[0] + " [k]"
    symbol = TIER.sub("", symbol)
    symbol = re.sub(r"\+0x[0-9a-f]+$", "", symbol)
    # "instance void [Assembly] Namespace.Type::Method(args)" -> "Namespace.Type::Method"
    symbol = re.sub(r"^(instance |static )?(class |valuetype )?\S+ (\[[^\]]+\] )?", "", symbol) if "::" in symbol else symbol
    symbol = re.sub(r"\(.*\)$", "", symbol)
    symbol = re.sub(r"`\d+\[[^\]]*\]", "", symbol)
    return symbol.strip() or "[" + dso + "]"


def fold(lines):
    stacks = defaultdict(int)
    frames = []
    for line in list(lines) + ["\n"]:
        line = line.rstrip("\n")
        if not line.strip():
            if frames:
                stacks[";".join(reversed(frames))] += 1
            frames = []
            continue
        if not line.startswith(("\t", " ")):
            continue  # the sample's header line
        match = re.match(r"\s*[0-9a-f]+\s+(.*?)\s+\((.*)\)$", line)
        if match:
            frames.append(frame_name(match.group(1), match.group(2)))
    for stack, count in sorted(stacks.items()):
        print(f"{stack} {count}")


def svg(lines, title):
    root = {"children": {}, "count": 0}
    for line in lines:
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if not stack:
            continue
        node = root
        node["count"] += int(count)
        for frame in stack.split(";"):
            node = node["children"].setdefault(frame, {"children": {}, "count": 0})
            node["count"] += int(count)
    width, row, total = 1200, 16, max(root["count"], 1)
    rects = []

    def walk(node, name, x, depth):
        share = node["count"] / total
        if share * width < 0.5:
            return
        rects.append((name, x, depth, share, node["count"]))
        child_x = x
        for child_name, child in sorted(node["children"].items()):
            walk(child, child_name, child_x, depth + 1)
            child_x += child["count"] / total * width

    walk(root, "all", 0.0, 0)
    depth = max(r[2] for r in rects) + 1
    height = depth * row + 40
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="monospace" font-size="11">',
           f'<text x="4" y="16" font-size="14">{html.escape(title)} ({total} samples)</text>']
    for name, x, level, share, count in rects:
        y = 24 + level * row  # an icicle: the root on top, so the widest frames are read first
        w = share * width
        hue = 20 + zlib.crc32(name.encode()) % 40
        label = html.escape(name if len(name) * 7 < w else name[: max(int(w / 7) - 2, 0)] + ".." if w > 21 else "")
        out.append(f'<g><title>{html.escape(name)}: {count} samples, {share:.1%}</title>'
                   f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row - 1}" fill="hsl({hue},85%,60%)"/>'
                   f'<text x="{x + 2:.1f}" y="{y + row - 4}">{label}</text></g>')
    out.append("</svg>")
    print("\n".join(out))


# Where a sample's CPU went: the first of these found walking from the sample's own frame towards the root. A
# system call is charged to the library that made it (Kestrel's socket or HttpClient's), work in the runtime to the
# code that asked for it.
CATEGORIES = [
    ("GC", re.compile(r"gc_heap|GCHeap|WKS::|SVR::|\bgc\w*::|memset")),
    ("JIT", re.compile(r"libclrjit|\[libclrjit")),
    ("SigV4 (proxy)", re.compile(r"SigV4Signer")),
    ("Polly", re.compile(r"^Polly\.")),
    ("JSON", re.compile(r"^System\.Text\.Json")),
    ("Kestrel", re.compile(r"Microsoft\.AspNetCore\.Server\.Kestrel|Microsoft\.AspNetCore\.Connections")),
    ("HttpClient", re.compile(r"^System\.Net\.Http")),
    ("Sockets", re.compile(r"^System\.Net\.Sockets")),
    ("Proxy code", re.compile(r"^BedrockNovaProxy\.")),
    ("ASP.NET Core, hosting, logging", re.compile(r"^Microsoft\.(AspNetCore|Extensions)")),
    ("Threads, tasks", re.compile(r"^System\.(Threading|Runtime\.CompilerServices)")),
]


def categories(lines):
    by, total = defaultdict(int), 0
    for line in lines:
        stack, _, n = line.rstrip("\n").rpartition(" ")
        if not stack:
            continue
        frames = stack.split(";")
        kernel = frames[-1].endswith(" [k]")
        name = next((c for f in reversed(frames) for c, rx in CATEGORIES if rx.search(f)), "other (runtime, libc)")
        by[("kernel, for " if kernel else "") + name] += int(n)
        total += int(n)
    for name, n in sorted(by.items(), key=lambda kv: -kv[1]):
        print(f"{n / max(total, 1):6.1%}  {name}")


def top(lines, count):
    """Samples by the frame they were taken in (self time), and by its library or category: where the CPU went."""
    by_frame, total = defaultdict(int), 0
    for line in lines:
        stack, _, n = line.rstrip("\n").rpartition(" ")
        if stack:
            by_frame[stack.rsplit(";", 1)[-1]] += int(n)
            total += int(n)
    for frame, n in sorted(by_frame.items(), key=lambda kv: -kv[1])[:count]:
        print(f"{n / max(total, 1):6.1%}  {frame}")


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "fold":
        fold(sys.stdin)
    elif len(sys.argv) >= 2 and sys.argv[1] == "categories":
        categories(sys.stdin)
    elif len(sys.argv) >= 2 and sys.argv[1] == "top":
        top(sys.stdin, int(sys.argv[2]) if len(sys.argv) > 2 else 30)
    elif len(sys.argv) >= 2 and sys.argv[1] == "svg":
        svg(sys.stdin, sys.argv[2] if len(sys.argv) > 2 else "CPU profile")
    else:
        sys.exit(__doc__)
