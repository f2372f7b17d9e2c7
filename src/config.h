/* SPDX-License-Identifier: MIT */
/*
 * Settings: flags, environment, the config file's selected profile and
 * built-in defaults merged into one struct that remembers where each value
 * came from.
 */
#ifndef NITRO_CONFIG_H
#define NITRO_CONFIG_H

#include <stdio.h>

#include "output.h"

/* every setting, in option-name order; the names are in config.c */
enum setting {
	SET_BASE_URL,
	SET_CACERT,
	SET_CACHE,
	SET_CACHE_DIR,
	SET_CAPATH,
	SET_CLIENT_ID,
	SET_CLIENT_SECRET,
	SET_CLIENT_SECRET_COMMAND,
	SET_CLIENT_SECRET_FILE,
	SET_CONNECT_TIMEOUT,
	SET_FORMAT,
	SET_MIN_TTL,
	SET_RETRIES,
	SET_TIMEOUT,
	SET_COUNT
};

/* in rising precedence */
enum source { SRC_UNSET, SRC_DEFAULT, SRC_FILE, SRC_ENV, SRC_FLAG };

struct value {
	char *s; /* owned; NULL when unset */
	enum source src;
	int line;	 /* with SRC_FILE */
	const char *env; /* with SRC_ENV: the variable's name */
};

struct cli;

struct config {
	struct value v[SET_COUNT];
	struct value file; /* the config file's path */
	int file_found;
	struct value profile;

	/* checked and converted from v[] */
	char *token_url;
	enum format format;
	long connect_timeout, timeout, retries, min_ttl;
	int cache;
	char *secret;		    /* owned, wiped on release; set by config_read_secret() */
	enum setting secret_source; /* which setting gives the secret, once loaded */
};

enum config_status {
	CONFIG_OK = 0,
	CONFIG_EUSAGE,	 /* a bad value on the command line */
	CONFIG_EINVALID, /* a bad or missing value from anywhere else */
	CONFIG_ENOMEM
};

int config_load(struct config *cfg, const struct cli *cli);
int config_list_profiles(struct config *cfg, const struct cli *cli, FILE *out);
int config_check_credentials(const struct config *cfg);
int config_secret_from_command(const struct config *cfg);
int config_read_secret(struct config *cfg, long long deadline);
const char *config_cache_key(const struct config *cfg, const char **kind);
int config_show(const struct config *cfg, FILE *fp, const char *prefix);
void config_release(struct config *cfg);

#endif
