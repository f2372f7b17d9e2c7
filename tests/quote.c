/* SPDX-License-Identifier: MIT */
/*
 * Test driver for the quoting functions of src/output.c: quotes standard
 * input (without one trailing newline) in the style named by argv[1] and
 * prints the result, so that the suite can feed it to the real shell and
 * check that the value comes back unchanged.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "output.h"

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		enum quote_style style;
	} styles[] = {
	    {"sh", QUOTE_SH},	      {"fish", QUOTE_FISH}, {"powershell", QUOTE_POWERSHELL},
	    {"dotenv", QUOTE_DOTENV}, {"curl", QUOTE_CURL},
	};
	struct buf in = BUF_INIT(1 << 20), out = BUF_INIT(4 << 20);
	char chunk[4096];
	size_t n, i;

	if (argc != 2)
		return 2;
	for (i = 0; i < sizeof(styles) / sizeof(styles[0]); i++)
		if (strcmp(argv[1], styles[i].name) == 0)
			break;
	if (i == sizeof(styles) / sizeof(styles[0]))
		return 2;
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		if (buf_append(&in, chunk, n) != BUF_OK)
			return 1;
	if (in.len > 0 && in.data[in.len - 1] == '\n')
		in.data[--in.len] = '\0';
	if (output_quote(styles[i].style, in.len ? in.data : "", &out) != BUF_OK)
		return 3;
	fwrite(out.data, 1, out.len, stdout);
	buf_release(&in);
	buf_release(&out);
	return fflush(stdout) == 0 ? 0 : 1;
}
