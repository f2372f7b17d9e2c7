#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lets this machine run binaries of another architecture (default aarch64)
# through qemu-user, as make check-static STATIC_ARCH=aarch64 needs: mounts
# binfmt_misc if it is not mounted, enables qemu-user-static's entry with
# update-binfmts, and checks that the kernel holds it with the F flag (the
# interpreter is opened now, so it also works inside a chroot or a mount
# namespace that lacks it).  Needs root, qemu-user-static and binfmt-support
# (make deps installs them).
set -euo pipefail

ARCH=${1:-aarch64}
DIR=/proc/sys/fs/binfmt_misc
ENTRY=$DIR/qemu-$ARCH

say() { echo "binfmt: $*" >&2; }

[ "$(id -u)" = 0 ] || { say "needs root"; exit 1; }
command -v update-binfmts >/dev/null || { say "needs update-binfmts (binfmt-support)"; exit 1; }
[ -e "/usr/share/binfmts/qemu-$ARCH" ] || { say "needs qemu-user-static for $ARCH"; exit 1; }
if [ ! -e "$DIR/register" ]; then
	mount -t binfmt_misc binfmt_misc "$DIR"
fi
# an entry registered by someone else without the F flag is replaced
if [ -e "$ENTRY" ] && ! grep -q '^flags: .*F' "$ENTRY"; then
	echo -1 >"$ENTRY"
fi
update-binfmts --enable "qemu-$ARCH"
# update-binfmts leaves alone an entry that is registered but switched off
if [ -e "$ENTRY" ] && grep -qx disabled "$ENTRY"; then
	echo 1 >"$ENTRY"
fi
if ! grep -qx enabled "$ENTRY" 2>/dev/null; then
	say "qemu-$ARCH is not enabled in $ENTRY"
	exit 1
fi
flags=$(sed -n 's/^flags: //p' "$ENTRY")
case $flags in
*F*) ;;
*)
	say "qemu-$ARCH is registered without the F flag (flags: $flags)"
	exit 1
	;;
esac
say "qemu-$ARCH: $(sed -n 's/^interpreter //p' "$ENTRY"), flags $flags"
