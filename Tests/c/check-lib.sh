#!/usr/bin/env bash
# check-lib.sh LIB HEADER SONAME
#
# Asserts that the shipped libcrm.so is self-contained and exports exactly the
# C contract:
#   1. ldd lists nothing but libc, libm, libstdc++, libgcc_s, libsqlite3
#      (plus the vDSO and the dynamic loader) -- in particular no libswift*;
#   2. the DT_NEEDED entries are within the same set;
#   3. nm -D --defined-only exports only crm_* symbols;
#   4. every function declared in the header is exported, and vice versa;
#   5. the SONAME is the expected libcrm.so.<ABI>.
set -euo pipefail

lib=${1:?usage: check-lib.sh LIB HEADER SONAME}
header=${2:?usage: check-lib.sh LIB HEADER SONAME}
soname=${3:?usage: check-lib.sh LIB HEADER SONAME}
CC=${CC:-cc}

fail=0
ok()  { printf '  ok    %s\n' "$*"; }
bad() { printf '  FAIL  %s\n' "$*"; fail=1; }

[ -f "$lib" ] || { echo "check-lib: no such file: $lib" >&2; exit 1; }
echo "check-lib: $lib ($(stat -c %s "$lib") bytes)"

allowed='^(linux-vdso\.so\.[0-9]+|linux-gate\.so\.[0-9]+|(/.*/)?ld-linux[-a-z0-9_.]*\.so\.[0-9]+|libc\.so\.6|libm\.so\.6|libstdc\+\+\.so\.6|libgcc_s\.so\.1|libsqlite3\.so\.0)$'

# 1. ldd (transitive closure as the loader resolves it)
ldd_out=$(ldd "$lib") || { bad "ldd failed"; ldd_out=""; }
deps=$(printf '%s\n' "$ldd_out" | awk 'NF { print $1 }')
extra=$(printf '%s\n' "$deps" | grep -Ev "$allowed" || true)
if [ -n "$extra" ]; then
    bad "ldd lists libraries outside the allowed set: $(echo $extra)"
    printf '%s\n' "$ldd_out" | sed 's/^/        /'
else
    ok "ldd: $(echo $deps)"
fi
if grep -qi 'not found' <<< "$ldd_out"; then
    bad "ldd reports an unresolved library"
fi
if grep -q 'libswift\|libFoundation\|libdispatch\|libBlocksRuntime\|libicu' <<< "$deps"; then
    bad "the Swift runtime is linked dynamically"
fi

# 2. DT_NEEDED
needed=$(readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
extra=$(printf '%s\n' "$needed" | grep -Ev "$allowed" || true)
if [ -n "$extra" ]; then bad "DT_NEEDED outside the allowed set: $(echo $extra)"
else ok "NEEDED: $(echo $needed)"; fi

# 3. exported symbols. nm -D also lists LOCAL-bound entries of .dynsym (type
#    letter in lower case: the version script's `local: *` turned them local;
#    nothing can link against them); exported means GLOBAL or WEAK.
exported=$(nm -D --defined-only "$lib" | awk 'NF >= 3 && $2 ~ /^([A-Z]|[uvwi])$/ { print $3 }' | sed 's/@.*//' | sort -u)
nlocal=$(nm -D --defined-only "$lib" | awk 'NF >= 3 && $2 !~ /^([A-Z]|[uvwi])$/' | wc -l)
foreign=$(printf '%s\n' "$exported" | grep -v '^crm_' || true)
if [ -n "$foreign" ]; then
    bad "exports symbols other than crm_*: $(printf '%s\n' "$foreign" | head -20 | tr '\n' ' ')$( [ "$(printf '%s\n' "$foreign" | wc -l)" -gt 20 ] && echo '...')"
else
    ok "exports only crm_* ($(printf '%s\n' "$exported" | grep -c .) symbols; $nlocal local-bound .dynsym entries ignored)"
fi

# 4. header <-> exports. Declarations are read from the preprocessed header
#    (comments gone); a function declaration is `crm_name (`, which leaves out
#    the typedef `(*crm_hook_fn)(`.
declared=$("$CC" -E -P -x c "$header" | tr '\n' ' ' | grep -oE '\bcrm_[A-Za-z0-9_]+[[:space:]]*\(' \
           | sed 's/[[:space:]]*($//' | sort -u)
[ -n "$declared" ] || bad "found no function declarations in $header"
missing=$(comm -23 <(printf '%s\n' "$declared") <(printf '%s\n' "$exported"))
undeclared=$(comm -13 <(printf '%s\n' "$declared") <(printf '%s\n' "$exported" | grep '^crm_' || true))
if [ -n "$missing" ]; then bad "declared in $header but not exported: $(echo $missing)"; fi
if [ -n "$undeclared" ]; then bad "exported but not declared in $header: $(echo $undeclared)"; fi
if [ -z "$missing" ] && [ -z "$undeclared" ]; then
    ok "header and exports agree ($(printf '%s\n' "$declared" | grep -c .) functions)"
fi
# exported crm_* must be functions (T), not data
nonfunc=$(nm -D --defined-only "$lib" | awk 'NF >= 3 && $3 ~ /^crm_/ && $2 != "T" { print $3 "(" $2 ")" }')
if [ -n "$nonfunc" ]; then bad "crm_* exports that are not functions: $(echo $nonfunc)"; fi

# 5. SONAME
got_soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
if [ "$got_soname" = "$soname" ]; then ok "SONAME $got_soname"
else bad "SONAME is '${got_soname:-<none>}', expected '$soname'"; fi

if [ "$fail" -ne 0 ]; then echo "check-lib: FAILED"; exit 1; fi
echo "check-lib: OK"
