/* SPDX-License-Identifier: MIT */
/*
 * The command line: the option table, usage(), and argv parsed into raw
 * values.  Nothing here knows what a value means; config.c does.
 */
#ifndef NITRO_CLI_H
#define NITRO_CLI_H

#include <stdio.h>

#include "config.h"

struct cli {
	char *flag[SET_COUNT]; /* borrowed from argv, but flag[SET_CLIENT_SECRET] is owned */
	const char *config;
	const char *profile;
	int verbose;
	int quiet;
	int refresh;
	int show_config;
	int list_profiles;
	int forget;
	int rejected;
	int keep_fresh;
	int status;
	char **command; /* exec mode: the COMMAND after "--", else NULL */
};

enum cli_status { CLI_OK = 0, CLI_HELP, CLI_VERSION, CLI_EUSAGE, CLI_ENOMEM };

int cli_parse(struct cli *cli, int argc, char **argv);
void cli_usage(FILE *fp);
void cli_release(struct cli *cli);

#endif
