/*
 * A stand-in libcurl.so.4 for the tests: it has every function nitro-token
 * looks up, and says it is the version in OLD_LIBCURL_VERSION (default
 * 7.60.0), with TLS unless OLD_LIBCURL_NO_TLS is set.  Nothing else in it
 * works; nitro-token must stop at the version check.
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

CURLcode curl_global_init(long f) { (void)f; abort(); }
CURL *curl_easy_init(void) { abort(); }
CURLcode curl_easy_setopt(CURL *h, CURLoption o, ...) { (void)h; (void)o; abort(); }
CURLcode curl_easy_perform(CURL *h) { (void)h; abort(); }
CURLcode curl_easy_getinfo(CURL *h, CURLINFO i, ...) { (void)h; (void)i; abort(); }
void curl_easy_cleanup(CURL *h) { (void)h; abort(); }
const char *curl_easy_strerror(CURLcode c) { (void)c; abort(); }
struct curl_slist *curl_slist_append(struct curl_slist *l, const char *s) { (void)l; (void)s; abort(); }
void curl_slist_free_all(struct curl_slist *l) { (void)l; abort(); }
char *curl_version(void) { return text; }
