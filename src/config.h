/* SPDX-License-Identifier: MIT */
/*
 * Settings: flags, environment, the config file's selected profile and
 * built-in defaults merged into one struct that remembers where each value
 * came from.
 */
#ifndef NITRO_CONFIG_H
#define NITRO_CONFIG_H

#include <limits.h>
#include <stdio.h>

#include "output.h"
#include "secret.h"

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
	char *s; /* owned; NULL when unset or when an overridden secret */
	enum source src;
	int line;	 /* with SRC_FILE */
	const char *env; /* with SRC_ENV: the variable's name */
	int overridden;	 /* set, but another secret source at a higher level won */
};

/* what the command line gave, raw and borrowed: config_load() decides */
struct config_args {
	const char *flag[SET_COUNT]; /* NULL where no option named the setting */
	const char *file;	     /* --config */
	const char *profile;	     /* --profile */
};

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
	enum setting secret_setting;	  /* the setting that gives the secret */
	struct secret_source secret;	  /* ... as secret.c loads it; points into v[] */
	char secret_where[PATH_MAX + 64]; /* secret.where's text */
};

/* every failure is worded here before its class is returned */
enum config_status {
	CONFIG_OK = 0,
	CONFIG_EUSAGE,	 /* a bad value on the command line */
	CONFIG_EINVALID, /* a bad or missing value from anywhere else */
	CONFIG_ENOMEM
};

int config_load(struct config *cfg, const struct config_args *args);
int config_list_profiles(const struct config_args *args, FILE *out);
int config_check_credentials(const struct config *cfg);
void config_show(const struct config *cfg, FILE *out);
void config_trace(const struct config *cfg);
void config_print_tables(FILE *out);
void config_hint_credentials(const struct config *cfg);
void config_hint_base_url(const struct config *cfg);
void config_release(struct config *cfg);
const char *config_nearest(const char *word, size_t len, const char *const *names, size_t n);

#endif
