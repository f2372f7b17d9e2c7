#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run a command on a pseudo-terminal as its stdin and stderr; print what it wrote there.

Usage: pty_run.py COMMAND [ARG...]

stdout stays the caller's (so a download does not land on the terminal);
the exit status is the command's.
"""
import os
import pty
import sys


def main():
    master, slave = pty.openpty()
    pid = os.fork()
    if pid == 0:
        os.close(master)
        os.dup2(slave, 0)
        os.dup2(slave, 2)
        os.execvp(sys.argv[1], sys.argv[1:])
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(out.decode(errors="replace"))
    sys.exit(os.waitstatus_to_exitcode(status))


if __name__ == "__main__":
    main()
