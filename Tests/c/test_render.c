/* test_render.c -- document.render through crm_exec: a quote and a job card
** through the default templates (text and HTML, escaped), a host's template,
** a template that does not parse, an unknown type. */
#define _XOPEN_SOURCE 700
#include "crm.h"
#include "jsonmini.h"
#include "testkit.h"
#include "tests.h"

#include <stdlib.h>
#include <string.h>

void test_render(void)
{
    crm_db *db = open_db(fresh("render.sqlite"), 0);
    long long account, quote, card;
    char *r, *body, *out;
    if (!db)
        return;
    account = create(db, "account.create", account_json("Karoo Irrigation", NULL, NULL));
    quote = create(db, "quote.create", S("{\"account_id\":%lld,\"lines\":[{\"description\":\"Pump <b>& \\\"fitting\\\"\","
                                         "\"quantity_milli\":1500,\"unit_price_minor\":125000,\"tax_rate_bp\":1500}]}", account));
    card = create(db, "jobcard.create", S("{\"account_id\":%lld,\"site\":\"Plot 12\"}", account));

    r = EXEC(db, "document.render", S("{\"type\":\"quote\",\"id\":%lld,\"format\":\"text\"}", quote), CRM_OK);
    CHECK(r && jstreq(r, "content_type", "text/plain; charset=utf-8") && jstreq(r, "format", "text"));
    body = r ? jstr(r, "body") : NULL;
    CHECK(body && strncmp(body, "QUOTE Q-000001\n", 15) == 0);
    CHECK(body && strstr(body, "1. Pump <b>& \"fitting\"\n") != NULL);
    CHECK(body && strstr(body, "1.5 x 1 250.00, tax 15%: 1 875.00\n") != NULL);
    free(body);
    crm_free(r);

    r = EXEC(db, "document.render", S("{\"type\":\"quote\",\"id\":%lld}", quote), CRM_OK);
    CHECK(r && jstreq(r, "content_type", "text/html; charset=utf-8"));
    body = r ? jstr(r, "body") : NULL;
    CHECK(body && strstr(body, "Pump &lt;b&gt;&amp; &quot;fitting&quot;") != NULL && strstr(body, "<b>") == NULL);
    free(body);
    crm_free(r);

    r = EXEC(db, "document.render", S("{\"type\":\"jobcard\",\"id\":%lld,\"format\":\"text\","
                                      "\"template\":\"{{number}} at {{site}} for {{account.name}}\"}", card), CRM_OK);
    CHECK(r && jstreq(r, "body", "J-000001 at Plot 12 for Karoo Irrigation"));
    crm_free(r);

    out = (char *)"untouched";
    CHECK_RC(db, crm_exec(db, "document.render", S("{\"type\":\"quote\",\"id\":%lld,\"template\":\"{{#lines}}\"}", quote), &out),
             CRM_INVALID);
    CHECK(out == NULL && strstr(crm_errmsg(db), "template does not parse") != NULL);
    CHECK_RC(db, crm_exec(db, "document.render", S("{\"type\":\"receipt\",\"id\":%lld}", quote), &out), CRM_INVALID);
    CHECK(strstr(crm_errmsg(db), "quote, jobcard") != NULL);
    CHECK_RC(db, crm_exec(db, "document.render", "{\"type\":\"quote\",\"id\":999}", &out), CRM_NOTFOUND);
    CHECK_RC(db, crm_close(db), CRM_OK);
}
