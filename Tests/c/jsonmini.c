/* jsonmini.c -- see jsonmini.h. A strict skipper plus path lookup. */
#include "jsonmini.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

static const char *skip_string(const char *p)
{
    if (*p != '"')
        return NULL;
    p++;
    while (*p && *p != '"') {
        if ((unsigned char)*p < 0x20)
            return NULL;
        if (*p == '\\') {
            p++;
            if (*p == 'u') {
                int i;
                for (i = 1; i <= 4; i++) {
                    char c = p[i];
                    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
                        return NULL;
                }
                p += 4;
            } else if (!*p || !strchr("\"\\/bfnrt", *p)) {
                return NULL;
            }
        }
        p++;
    }
    return *p == '"' ? p + 1 : NULL;
}

static const char *skip_number(const char *p)
{
    const char *start;
    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (*p >= '0' && *p <= '9')
            p++;
    else
        return NULL;
    if (*p == '.') {
        p++;
        start = p;
        while (*p >= '0' && *p <= '9')
            p++;
        if (p == start)
            return NULL;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        start = p;
        while (*p >= '0' && *p <= '9')
            p++;
        if (p == start)
            return NULL;
    }
    return p;
}

/* Skips one value starting at p (after blanks); returns the byte after it. */
static const char *skip_value(const char *p, int depth)
{
    if (!p || depth > 200)
        return NULL;
    p = ws(p);
    switch (*p) {
    case '"':
        return skip_string(p);
    case '{':
        p = ws(p + 1);
        if (*p == '}')
            return p + 1;
        for (;;) {
            p = skip_string(ws(p));
            if (!p)
                return NULL;
            p = ws(p);
            if (*p != ':')
                return NULL;
            p = skip_value(p + 1, depth + 1);
            if (!p)
                return NULL;
            p = ws(p);
            if (*p == ',') {
                p++;
                continue;
            }
            return *p == '}' ? p + 1 : NULL;
        }
    case '[':
        p = ws(p + 1);
        if (*p == ']')
            return p + 1;
        for (;;) {
            p = skip_value(p, depth + 1);
            if (!p)
                return NULL;
            p = ws(p);
            if (*p == ',') {
                p++;
                continue;
            }
            return *p == ']' ? p + 1 : NULL;
        }
    case 't':
        return strncmp(p, "true", 4) == 0 ? p + 4 : NULL;
    case 'f':
        return strncmp(p, "false", 5) == 0 ? p + 5 : NULL;
    case 'n':
        return strncmp(p, "null", 4) == 0 ? p + 4 : NULL;
    default:
        return skip_number(p);
    }
}

int jvalid(const char *json)
{
    const char *end;
    if (!json)
        return 0;
    end = skip_value(json, 0);
    return end && *ws(end) == '\0';
}

/* Value of member `key` (length n) of the object at p, or NULL. */
static const char *member(const char *p, const char *key, size_t n)
{
    p = ws(p);
    if (*p != '{')
        return NULL;
    p = ws(p + 1);
    if (*p == '}')
        return NULL;
    for (;;) {
        const char *k = ws(p), *kend = skip_string(k);
        if (!kend)
            return NULL;
        p = ws(kend);
        if (*p != ':')
            return NULL;
        p = ws(p + 1);
        if ((size_t)(kend - k - 2) == n && strncmp(k + 1, key, n) == 0)
            return p;
        p = skip_value(p, 0);
        if (!p)
            return NULL;
        p = ws(p);
        if (*p != ',')
            return NULL;
        p++;
    }
}

static const char *element(const char *p, long idx)
{
    p = ws(p);
    if (*p != '[')
        return NULL;
    p = ws(p + 1);
    if (*p == ']')
        return NULL;
    for (;;) {
        p = ws(p);
        if (idx == 0)
            return p;
        p = skip_value(p, 0);
        if (!p)
            return NULL;
        p = ws(p);
        if (*p != ',')
            return NULL;
        p++;
        idx--;
    }
}

const char *jpath(const char *json, const char *path)
{
    const char *p = json;
    if (!json || !path)
        return NULL;
    p = ws(p);
    while (*path) {
        if (*path == '.') {
            path++;
            continue;
        }
        if (*path == '[') {
            char *end;
            long idx = strtol(path + 1, &end, 10);
            if (*end != ']' || idx < 0)
                return NULL;
            p = element(p, idx);
            path = end + 1;
        } else {
            size_t n = strcspn(path, ".[");
            p = member(p, path, n);
            path += n;
        }
        if (!p)
            return NULL;
    }
    return *p ? p : NULL;
}

int jint(const char *json, const char *path, long long *out)
{
    const char *p = jpath(json, path), *end;
    char *e;
    long long v;
    if (!p || !(*p == '-' || (*p >= '0' && *p <= '9')))
        return 0;
    end = skip_number(p);
    if (!end)
        return 0;
    errno = 0;
    v = strtoll(p, &e, 10);
    if (errno || e != end)
        return 0;
    if (out)
        *out = v;
    return 1;
}

long long jintd(const char *json, const char *path, long long dflt)
{
    long long v;
    return jint(json, path, &v) ? v : dflt;
}

int jbool(const char *json, const char *path)
{
    const char *p = jpath(json, path);
    if (p && strncmp(p, "true", 4) == 0)
        return 1;
    if (p && strncmp(p, "false", 5) == 0)
        return 0;
    return -1;
}

int jisnull(const char *json, const char *path)
{
    const char *p = jpath(json, path);
    return p && strncmp(p, "null", 4) == 0;
}

int jlen(const char *json, const char *path)
{
    const char *p = jpath(json, path);
    int n = 0;
    if (!p || *p != '[')
        return -1;
    p = ws(p + 1);
    if (*p == ']')
        return 0;
    for (;;) {
        p = skip_value(p, 0);
        if (!p)
            return -1;
        n++;
        p = ws(p);
        if (*p != ',')
            return *p == ']' ? n : -1;
        p++;
    }
}

static void put_utf8(char **o, unsigned long cp)
{
    unsigned char *u = (unsigned char *)*o;
    if (cp < 0x80) {
        *u++ = (unsigned char)cp;
    } else if (cp < 0x800) {
        *u++ = (unsigned char)(0xC0 | (cp >> 6));
        *u++ = (unsigned char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *u++ = (unsigned char)(0xE0 | (cp >> 12));
        *u++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        *u++ = (unsigned char)(0x80 | (cp & 0x3F));
    } else {
        *u++ = (unsigned char)(0xF0 | (cp >> 18));
        *u++ = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        *u++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        *u++ = (unsigned char)(0x80 | (cp & 0x3F));
    }
    *o = (char *)u;
}

char *jstr(const char *json, const char *path)
{
    const char *p = jpath(json, path), *end;
    char *out, *o;
    if (!p || *p != '"')
        return NULL;
    end = skip_string(p);
    if (!end)
        return NULL;
    out = malloc((size_t)(end - p) + 1);
    if (!out)
        return NULL;
    o = out;
    for (p++; p < end - 1; p++) {
        if (*p != '\\') {
            *o++ = *p;
            continue;
        }
        p++;
        switch (*p) {
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            unsigned long cp = strtoul((char[5]){p[1], p[2], p[3], p[4], 0}, NULL, 16);
            p += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && p[1] == '\\' && p[2] == 'u') {
                unsigned long lo = strtoul((char[5]){p[3], p[4], p[5], p[6], 0}, NULL, 16);
                if (lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    p += 6;
                }
            }
            put_utf8(&o, cp);
            break;
        }
        default: *o++ = *p; break;
        }
    }
    *o = '\0';
    return out;
}

int jstreq(const char *json, const char *path, const char *s)
{
    char *v = jstr(json, path);
    int eq = v && s && strcmp(v, s) == 0;
    free(v);
    return eq;
}
