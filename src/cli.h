/* SPDX-License-Identifier: MIT */
/*
 * The command line: the option table, usage(), and argv parsed into raw
 * values: the settings' into config.c's struct config_args, which decides
 * what they mean, the rest into struct cli.
 */
#ifndef NITRO_CLI_H
#define NITRO_CLI_H

#include <stdio.h>

struct config_args;

struct cli {
	char *secret; /* owned copy of --client-secret, which is wiped in argv */
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

/* every failure is worded here before its class is returned */
enum cli_status { CLI_OK = 0, CLI_HELP, CLI_VERSION, CLI_TABLES, CLI_EUSAGE, CLI_ENOMEM };

int cli_parse(struct cli *cli, struct config_args *args, int argc, char **argv);
void cli_usage(FILE *fp);
void cli_print_tables(FILE *fp);
void cli_release(struct cli *cli);

#endif
