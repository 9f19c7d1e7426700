# Summarizes the rounds of `make bench`: the median round of each figure.
function median(values, n,    i, j, t) {
    for (i = 1; i <= n; i++)
        for (j = i + 1; j <= n; j++)
            if (values[j] < values[i]) { t = values[i]; values[i] = values[j]; values[j] = t }
    return n % 2 ? values[(n + 1) / 2] : (values[n / 2] + values[n / 2 + 1]) / 2
}
/^account.create, 1 txn/ { c++; creates[c] = $5; raw_creates[c] = $6; create_ratios[c] = $5 / $6 }
/^account.get by id, median/ { g++; gets[g] = $6; raw_gets[g] = $7; get_ratios[g] = $6 / $7 }
END {
    create = median(creates, c); get_us = median(gets, g)
    printf "\nmedian of %d rounds:\n", c
    printf "  account.create  %8.0f records/s   raw SQLite %8.0f/s   libcrm/raw %.2fx   target >= 20000/s: %s\n", create, median(raw_creates, c), median(create_ratios, c), (create >= 20000 ? "PASS" : "FAIL")
    printf "  account.get     %8.2f us median   raw SQLite %8.2f us   libcrm/raw %.2fx   target <= 20 us:   %s\n", get_us, median(raw_gets, g), median(get_ratios, g), (get_us <= 20 ? "PASS" : "FAIL")
}
