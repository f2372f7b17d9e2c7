#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs nitro-token under valgrind for the suite (NITRO_BIN=tests/valgrind.sh):
# any memory error or definitely lost block turns into exit 99, which no test
# expects.
exec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
	--show-leak-kinds=definite "$(dirname "$0")/../nitro-token" "$@"
