/* SPDX-License-Identifier: MIT */
/*
 * A stand-in libcurl.so.4 for the tests: it has every function nitro-token
 * looks up, and says it is the version in OLD_LIBCURL_VERSION (default
 * 7.60.0), with TLS unless OLD_LIBCURL_NO_TLS is set.  It refuses every
 * option and can perform nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

static curl_version_info_data info;
static char text[32];

curl_version_info_data *
curl_version_info(CURLversion v)
{
	const char *s = getenv("OLD_LIBCURL_VERSION");
	unsigned a = 7, b = 60, c = 0;

	(void)v;
	if (s != NULL)
		sscanf(s, "%u.%u.%u", &a, &b, &c);
	snprintf(text, sizeof(text), "%u.%u.%u", a, b, c);
	info.version = text;
	info.version_num = a << 16 | b << 8 | c;
	info.features = getenv("OLD_LIBCURL_NO_TLS") ? 0 : CURL_VERSION_SSL;
	return &info;
}

/*
 * Past the version check, a handle can be made, and every option is refused
 * as an old libcurl refuses one it does not know.
 */
CURLcode(curl_global_init)(long f)
{
	(void)f;
	return CURLE_OK;
}

CURL *(curl_easy_init)(void)
{
	static char handle;

	return &handle;
}

CURLcode(curl_easy_setopt)(CURL *h, CURLoption o, ...)
{
	(void)h;
	(void)o;
	return CURLE_UNKNOWN_OPTION;
}

const char *(curl_easy_strerror)(CURLcode c)
{
	return c == CURLE_UNKNOWN_OPTION ? "An unknown option was passed in to libcurl" : "?";
}

struct curl_slist *(curl_slist_append)(struct curl_slist *l, const char *s)
{
	static struct curl_slist node;

	(void)l;
	(void)s;
	return &node;
}

void(curl_slist_free_all)(struct curl_slist *l)
{
	(void)l;
}

void(curl_easy_cleanup)(CURL *h)
{
	(void)h;
}

CURLcode(curl_easy_perform)(CURL *h)
{
	(void)h;
	abort();
}

CURLcode(curl_easy_getinfo)(CURL *h, CURLINFO i, ...)
{
	(void)h;
	(void)i;
	abort();
}

char *(curl_version)(void)
{
	return text;
}
