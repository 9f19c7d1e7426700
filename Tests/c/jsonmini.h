/*
** jsonmini.h -- just enough JSON reading for the C ABI tests.
**
** A path names a value inside a document: "id", "record.id", "items[2].name",
** "events[0].record.external_refs[0].source". "" is the document itself.
** Nothing is allocated except by jstr(), whose result the caller frees.
*/
#ifndef JSONMINI_H
#define JSONMINI_H

/* The first byte of the value at `path`, or NULL if absent / not JSON. */
const char *jpath(const char *json, const char *path);

/* 1 if the value at path is an integer that fits a long long (stored in *out). */
int jint(const char *json, const char *path, long long *out);

/* The integer at path, or `dflt` when absent or not an integer. */
long long jintd(const char *json, const char *path, long long dflt);

/* 1 true, 0 false, -1 absent or not a boolean. */
int jbool(const char *json, const char *path);

/* 1 if the value at path is null. */
int jisnull(const char *json, const char *path);

/* Length of the array at path, or -1. */
int jlen(const char *json, const char *path);

/* The string at path, unescaped (\uXXXX to UTF-8), malloc'd; NULL if absent. */
char *jstr(const char *json, const char *path);

/* 1 if the value at path is a string equal to s. */
int jstreq(const char *json, const char *path, const char *s);

/* 1 if `json` is exactly one well-formed JSON value (surrounding blanks allowed). */
int jvalid(const char *json);

#endif
