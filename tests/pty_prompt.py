#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run a command on a pseudo-terminal, answer its secret prompt, report.

Usage: pty_prompt.py SECRET COMMAND [ARG...]

Prints what the test needs to check: the prompt text, whether the terminal
echoed while the prompt was up and after the command ended, whether the
secret ever appeared on the terminal, and the command's exit status.
"""
import os
import pty
import sys
import termios
import time


def main():
    secret = sys.argv[1].encode()
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(sys.argv[2], sys.argv[2:])
    seen = b""
    deadline = time.time() + 10
    while b"client secret: " not in seen and time.time() < deadline:
        seen += os.read(fd, 1024)
    print("prompt: " + seen.decode(errors="replace").replace("\r\n", "\n"))
    echo = termios.tcgetattr(fd)[3] & termios.ECHO
    print("echo during prompt: " + ("on" if echo else "off"))
    os.write(fd, secret + b"\n")
    out = b""
    while True:
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    try:
        echo = termios.tcgetattr(fd)[3] & termios.ECHO
        print("echo after: " + ("on" if echo else "off"))
    except termios.error:
        print("echo after: on")
    print("secret shown: " + ("yes" if secret in seen + out else "no"))
    print("exit: %d" % os.waitstatus_to_exitcode(status))


if __name__ == "__main__":
    main()
