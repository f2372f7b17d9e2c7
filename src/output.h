/* SPDX-License-Identifier: MIT */
/*
 * Output formats and their quoting, and the environment handed to a
 * command in exec mode.
 */
#ifndef NITRO_OUTPUT_H
#define NITRO_OUTPUT_H

#include "buf.h"
#include "token.h"

enum format {
	FMT_TOKEN,
	FMT_JSON,
	FMT_EXPORT,
	FMT_FISH,
	FMT_POWERSHELL,
	FMT_DOTENV,
	FMT_HEADER,
	FMT_CURL,
	FMT_GITHUB,
	FMT_AZURE,
};

/* what output_prepare() and output_finish() return; they say why themselves */
enum output_status { OUTPUT_OK = 0, OUTPUT_EINVALID, OUTPUT_EWRITE, OUTPUT_ENOMEM };

enum quote_style { QUOTE_SH, QUOTE_FISH, QUOTE_POWERSHELL, QUOTE_DOTENV, QUOTE_CURL };

/* the format names, in enum order, for --help, errors and completions */
extern const char *const output_format_names[];

int output_format_parse(const char *name, enum format *fmt);
int output_quote(enum quote_style style, const char *s, struct buf *out);
int output_render(enum format fmt, const struct token *tok, struct buf *out);
int output_write(const struct buf *out);
int output_prepare(enum format fmt);
int output_finish(enum format fmt, const struct token *tok);
int output_exec_env(const struct token *tok);

/* what --status knows about the cache entry of one set of credentials */
struct status_report {
	const struct token *tok; /* the entry's token, never printed; NULL: none */
	int meets;		 /* a run with this --min-ttl would reuse it */
	long min_ttl;
	const char *entry;     /* the entry's path; NULL without a cache directory */
	struct json_t *claims; /* borrowed; a JWT's claims, not verified, or NULL */
	long long now;
};

int output_status(const struct status_report *r, int json, struct buf *out);

#endif
