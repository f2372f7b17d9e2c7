#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run a command on a pseudo-terminal, type one key at it, report.

Usage: pty_key.py READY KEY COMMAND [ARG...]

COMMAND runs as the session leader of a new terminal, in its foreground.
When READY appears on the terminal, KEY is typed: "^C" (interrupt) or "^Z"
(suspend), as a user would.  Prints what the terminal showed after the
key (CR LF as LF) and the command's exit status, or "exit: none" if it has
not ended 15 seconds later (it is then killed).  Descendants that keep the
terminal open are not waited for.
"""
import os
import pty
import select
import signal
import sys
import time

KEYS = {"^C": b"\x03", "^Z": b"\x1a"}


def read_some(fd, wait):
    """What the terminal shows within wait seconds; None once it is closed."""
    if not select.select([fd], [], [], wait)[0]:
        return b""
    try:
        return os.read(fd, 1024)
    except OSError:
        return None


def main():
    ready, key = sys.argv[1].encode(), KEYS[sys.argv[2]]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(sys.argv[3], sys.argv[3:])
    seen = b""
    deadline = time.time() + 10
    while ready not in seen and time.time() < deadline:
        chunk = read_some(fd, 0.1)
        if chunk is None:
            break
        seen += chunk
    os.write(fd, key)
    after, status = b"", None
    deadline = time.time() + 15
    while status is None and time.time() < deadline:
        chunk = read_some(fd, 0.1)
        after += chunk or b""
        done, st = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            status = st
    if status is None:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    # what the command wrote just before it ended
    while True:
        chunk = read_some(fd, 0.1)
        if not chunk:
            break
        after += chunk
    print("after: " + after.decode(errors="replace").replace("\r\n", "\n"), end="")
    if not after.endswith(b"\n"):
        print()
    print("exit: " + ("none" if status is None else str(os.waitstatus_to_exitcode(status))))


if __name__ == "__main__":
    main()
