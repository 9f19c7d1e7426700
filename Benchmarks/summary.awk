# Summarizes the rounds of `make bench` (and of `make bench-pg`, run with
# -v baseline="raw libpq"): the median round of each figure. The targets are
# those of the SQLite benchmark; a PostgreSQL run has none (its figures depend
# on the server), so they are printed for the SQLite baseline only.
function median(values, n,    i, j, t) {
    for (i = 1; i <= n; i++)
        for (j = i + 1; j <= n; j++)
            if (values[j] < values[i]) { t = values[i]; values[i] = values[j]; values[j] = t }
    return n % 2 ? values[(n + 1) / 2] : (values[n / 2] + values[n / 2 + 1]) / 2
}
/^account.create, 1 txn/ { c++; creates[c] = $5; raw_creates[c] = $6; create_ratios[c] = $5 / $6 }
/^account.get by id, median/ { g++; gets[g] = $6; raw_gets[g] = $7; get_ratios[g] = $6 / $7 }
/^  p99 \(us\)/ { p++; p99s[p] = $3; raw_p99s[p] = $4 }
END {
    sqlite = baseline == ""
    if (sqlite) baseline = "raw SQLite"
    create = median(creates, c); get_us = median(gets, g)
    printf "\nmedian of %d rounds:\n", c
    if (sqlite) {
        printf "  account.create  %8.0f records/s   raw SQLite %8.0f/s   libcrm/raw %.2fx   target >= 20000/s: %s\n", create, median(raw_creates, c), median(create_ratios, c), (create >= 20000 ? "PASS" : "FAIL")
        printf "  account.get     %8.2f us median   raw SQLite %8.2f us   libcrm/raw %.2fx   target <= 20 us:   %s\n", get_us, median(raw_gets, g), median(get_ratios, g), (get_us <= 20 ? "PASS" : "FAIL")
    } else {
        printf "  account.create  %8.0f records/s   %s %8.0f/s   libcrm/raw %.2fx\n", create, baseline, median(raw_creates, c), median(create_ratios, c)
        printf "  account.get     %8.2f us median   %s %8.2f us   libcrm/raw %.2fx\n", get_us, baseline, median(raw_gets, g), median(get_ratios, g)
        printf "  account.get p99 %8.2f us          %s %8.2f us\n", median(p99s, p), baseline, median(raw_p99s, p)
    }
}
