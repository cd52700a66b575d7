"""Summarises `jfr print --events jdk.ExecutionSample` output: the top frames by self samples,
and the top project / library methods by inclusive samples. Usage: jfr_top.py SAMPLES_TXT [N]."""
import re
import sys
from collections import Counter

FRAME = re.compile(r"^\s+([\w$.<>/]+)\(.*\)\s+line:")


def main():
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    self_count, incl = Counter(), Counter()
    total = 0
    stack = []

    def flush():
        nonlocal total
        if stack:
            total += 1
            self_count[stack[0]] += 1
            for frame in set(stack):
                incl[frame] += 1

    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            if line.startswith("jdk.ExecutionSample"):
                flush()
                stack = []
            m = FRAME.match(line)
            if m:
                stack.append(m.group(1))
    flush()
    print(f"{total} samples")
    print("\nTop frames by self samples:")
    for frame, c in self_count.most_common(n):
        print(f"  {100 * c / total:5.1f}%  {frame}")
    print("\nTop io.taskgrid / hazelcast / grpc / protobuf methods by inclusive samples:")
    shown = 0
    for frame, c in incl.most_common():
        if frame.startswith(("io.taskgrid", "com.hazelcast", "io.grpc", "com.google.protobuf")):
            print(f"  {100 * c / total:5.1f}%  {frame}")
            shown += 1
            if shown >= n:
                break


if __name__ == "__main__":
    main()
