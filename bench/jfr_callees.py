"""Splits the samples of one method among its callees, from `jfr print --events
jdk.ExecutionSample` output (bench/profile.sh writes it to bench/target/profile/samples.txt).
Usage: jfr_callees.py SAMPLES_TXT FULLY.QUALIFIED.Class.method [DEPTH]. Each line is a share of all
samples: the method's outermost frame, then the DEPTH frames it called ("<self>": its own code)."""
import re
import sys
from collections import Counter

FRAME = re.compile(r"^\s+([\w$.<>/]+)\(.*\)\s+line:")


def short(frame):
    parts = frame.split(".")
    return ".".join(parts[-2:])


def main():
    path, target = sys.argv[1], sys.argv[2]
    depth = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    stacks, stack = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("jdk.ExecutionSample"):
                if stack:
                    stacks.append(stack)
                stack = []
            m = FRAME.match(line)
            if m:
                stack.append(m.group(1))
    if stack:
        stacks.append(stack)
    total = len(stacks)
    callees, hits = Counter(), 0
    for s in stacks:
        positions = [i for i, frame in enumerate(s) if frame == target]
        if not positions:
            continue
        hits += 1
        outer = max(positions)  # frames run from the top of the stack (index 0) down
        called = tuple(reversed(s[max(0, outer - depth) : outer])) or ("<self>",)
        callees[called] += 1
    print(f"{target}: {hits} of {total} samples ({100 * hits / max(total, 1):.1f} %)")
    for called, c in callees.most_common(25):
        print(f"  {100 * c / total:5.1f}%  {' > '.join(short(f) if f != '<self>' else f for f in called)}")


if __name__ == "__main__":
    main()
