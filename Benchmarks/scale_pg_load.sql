-- scale_pg_load.sql -- bulk-loads accounts :lo..:hi, their contacts and
-- interactions into a libcrm schema (made by crm_open: the search_path points
-- at it), the way libcrm would have written them, and records the ids in
-- crm_sequences. Run by scale_pg.sh:  psql -v lo=1 -v hi=10000 -f this
--   accounts      :lo..:hi
--   contacts      2 per account: ids 2*(:lo-1)+1 .. 2*:hi, contact c of account (c+1)/2
--   interactions  5 per account on average: ids 5*(:lo-1)+1 .. 5*:hi, spread over
--                 accounts 1..:hi, a fifth of them on the first 1% ("key accounts")
-- Keys as Sources/CRMStore/Values/Normalization.swift computes them for ASCII
-- text: name_key (folded, legal-form words dropped), email_key (trimmed, lower
-- case), phone_key (the last 9 digits), tax_number_key (upper-case alphanumerics).
-- No outbox events are written: a bulk load, not a history.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET maintenance_work_mem = '512MB';
SET work_mem = '64MB';

CREATE FUNCTION pg_temp.name_key(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(nullif(array_to_string(array(
               SELECT w FROM unnest(string_to_array(f, ' ')) WITH ORDINALITY AS u(w, o)
               WHERE w <> ALL (ARRAY['pty', 'ltd', 'limited', 'inc', 'incorporated', 'cc', 'llc', 'llp', 'plc',
                                     'gmbh', 'ag', 'bv', 'nv', 'sa', 'sarl', 'srl', 'spa', 'co', 'corp',
                                     'corporation', 'company', 'the', 'and', 'proprietary'])
               ORDER BY o), ' '), ''), f)
    FROM (SELECT btrim(regexp_replace(lower(t), '[^a-z0-9]+', ' ', 'g')) AS f) AS folded
$$;
CREATE FUNCTION pg_temp.ts(seconds bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT to_char(timestamp '2023-01-01' + make_interval(secs => seconds), 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;
CREATE FUNCTION pg_temp.pick(a text[], h bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT a[1 + (h % cardinality(a))]
$$;

-- Secondary indexes and foreign keys of the three tables go for the load and
-- come back, with their exact definitions, afterwards.
CREATE TEMP TABLE saved AS
    SELECT 'ALTER TABLE ' || conrelid::regclass || ' DROP CONSTRAINT ' || quote_ident(conname) AS undo,
           'ALTER TABLE ' || conrelid::regclass || ' ADD CONSTRAINT ' || quote_ident(conname) || ' '
               || pg_get_constraintdef(oid) AS redo, 2 AS redo_order
    FROM pg_constraint
    WHERE contype = 'f' AND conrelid IN ('accounts'::regclass, 'contacts'::regclass, 'interactions'::regclass)
    UNION ALL
    SELECT 'DROP INDEX ' || indexrelid::regclass, pg_get_indexdef(indexrelid), 1
    FROM pg_index
    WHERE NOT indisprimary AND NOT indisunique
      AND indrelid IN ('accounts'::regclass, 'contacts'::regclass, 'interactions'::regclass);
SELECT undo FROM saved ORDER BY redo_order DESC \gexec

\echo 'insert accounts'
\timing on
INSERT INTO accounts (id, name, name_key, kind, strategic, national, size_band, segment, region, currency,
                      payment_terms_days, credit_limit_minor, owner, status, parent_account_id, tax_number,
                      tax_number_key, email, email_key, phone, phone_key, website, notes, archived_at,
                      merged_into_id, version, created_at, updated_at, tags_json, addresses_json)
SELECT i, name, pg_temp.name_key(name), kind, (h % 50 = 0)::int, (h % 7 = 0)::int,
       pg_temp.pick(ARRAY['micro', 'small', 'small', 'medium', 'large', 'enterprise'], h / 11),
       pg_temp.pick(ARRAY['retail', 'wholesale', 'agriculture', 'automotive', 'construction', 'hospitality'], h / 13),
       region, 'ZAR', pg_temp.pick(ARRAY['0', '7', '30', '30', '60', '90'], h / 17)::int,
       100000 * (1 + h % 500), pg_temp.pick(ARRAY['thandi', 'pieter', 'ayesha', 'sipho', 'megan', 'johan'], h / 19),
       pg_temp.pick(ARRAY['prospect', 'active', 'active', 'active', 'dormant', 'lost'], h / 23), NULL,
       CASE WHEN h % 10 < 3 THEN '4' || lpad((h % 1000000000)::text, 9, '0') END,
       CASE WHEN h % 10 < 3 THEN '4' || lpad((h % 1000000000)::text, 9, '0') END,
       email, lower(btrim(email)), phone, right(regexp_replace(phone, '[^0-9]', '', 'g'), 9),
       'https://www.' || domain, CASE WHEN h % 4 = 0 THEN 'Prefers invoices by e-mail; call before deliveries.' END,
       NULL, NULL, 1, pg_temp.ts(h % 94608000), pg_temp.ts(h % 94608000 + h % 86400),
       '["' || lower(region) || '","' || pg_temp.pick(ARRAY['retail', 'key-account', 'export', 'cash'], h / 29) || '"]',
       '[{"kind":"billing","line1":"' || (1 + h % 400) || ' ' || street || '","city":"' || city
           || '","region":"' || region || '","postal_code":"' || lpad((h % 10000)::text, 4, '0') || '","country":"ZA"}]'
FROM (
    SELECT i, h, kind, city, region, street, name, domain,
           CASE WHEN h % 20 = 0 THEN NULL
                WHEN h % 10 = 1 THEN initcap(box) || '.' || i || '@' || initcap(domain)
                ELSE box || '.' || i || '@' || domain END AS email,
           CASE h % 3 WHEN 0 THEN '+27 ' || substr(d, 1, 2) || ' ' || substr(d, 3, 3) || ' ' || substr(d, 6, 4)
                      WHEN 1 THEN '0' || substr(d, 1, 2) || ' ' || substr(d, 3, 3) || '-' || substr(d, 6, 4)
                      ELSE '(0' || substr(d, 1, 2) || ') ' || substr(d, 3, 7) END AS phone
    FROM (
        SELECT i, h, (100000000 + (i * 7919) % 900000000)::text AS d,
               pg_temp.pick(ARRAY['business', 'business', 'business', 'consumer', 'dealer', 'distributor'], h / 31) AS kind,
               pg_temp.pick(ARRAY['accounts', 'info', 'sales', 'admin', 'orders'], h / 37) AS box,
               city, region, street,
               surname || ' ' || trade || ' ' || city || suffix AS name,
               regexp_replace(lower(surname || trade), '[^a-z]', '', 'g')
                   || pg_temp.pick(ARRAY['.co.za', '.co.za', '.com', '.africa'], h / 41) AS domain
        FROM (
            SELECT i, h,
                   pg_temp.pick(ARRAY['Mokoena', 'Van der Merwe', 'Naidoo', 'Botha', 'Dlamini', 'Pillay', 'Nkosi',
                                      'Du Plessis', 'Khumalo', 'Pretorius', 'Govender', 'Mahlangu', 'Smit', 'Ndlovu',
                                      'O''Connor', 'Jacobs', 'Sithole', 'Le Roux', 'Moodley', 'Zulu', 'Fourie',
                                      'Mthembu', 'Venter', 'Patel', 'Coetzee', 'Maseko', 'Kruger', 'Petersen',
                                      'Shabalala', 'Steyn', 'Baloyi', 'Nel', 'Molefe', 'Swanepoel', 'Chetty',
                                      'Radebe', 'Erasmus', 'Mabena', 'Hendricks', 'Bezuidenhout'], h) AS surname,
                   pg_temp.pick(ARRAY['Hardware', 'Plumbing', 'Motors', 'Spice Traders', 'Electrical',
                                      'Fruit Exporters', 'Bakeries', 'Panelbeaters', 'Farm Supplies', 'Printers',
                                      'Logistics', 'Builders', 'Pharmacy', 'Butchery', 'Tyres', 'Engineering',
                                      'Catering', 'Textiles', 'Furniture', 'Security', 'Attorneys', 'Auto Spares',
                                      'Wines', 'Cold Storage', 'Solar'], h / 40) AS trade,
                   pg_temp.pick(ARRAY['', ' (Pty) Ltd', ' (Pty) Ltd', ' CC', ' & Sons', ' Holdings (Pty) Ltd',
                                      ' Trading', ' Ltd'], h / 1000) AS suffix,
                   pg_temp.pick(ARRAY['Johannesburg', 'Cape Town', 'Durban', 'Pretoria', 'Gqeberha', 'Bloemfontein',
                                      'Polokwane', 'Mbombela', 'Kimberley', 'East London', 'Stellenbosch', 'Rustenburg'],
                                h / 8000) AS city,
                   pg_temp.pick(ARRAY['Gauteng', 'Western Cape', 'KwaZulu-Natal', 'Gauteng', 'Eastern Cape',
                                      'Free State', 'Limpopo', 'Mpumalanga', 'Northern Cape', 'Eastern Cape',
                                      'Western Cape', 'North West'], h / 8000) AS region,
                   pg_temp.pick(ARRAY['Main Road', 'Church Street', 'Voortrekker Road', 'Nelson Mandela Drive',
                                      'Jan Smuts Avenue', 'Long Street', 'Market Street', 'Industrial Road'], h / 43) AS street
            FROM (SELECT i, (i * 2654435761) % 4294967291 AS h FROM generate_series(:lo::bigint, :hi::bigint) AS i) AS g
        ) AS parts
    ) AS named
) AS rows;

\echo 'insert contacts'
INSERT INTO contacts (id, account_id, first_name, last_name, role, email, email_key, phone, phone_key, mobile,
                      preferred_channel, address_json, archived_at, version, created_at, updated_at, erased_at)
SELECT c, (c + 1) / 2, first, last, pg_temp.pick(ARRAY['Owner', 'Buyer', 'Accounts', 'Director', 'Manager', NULL], h / 7),
       email, lower(btrim(email)), phone, right(regexp_replace(phone, '[^0-9]', '', 'g'), 9),
       CASE WHEN h % 3 = 0 THEN '+27 8' || (h % 3) || ' ' || lpad((h % 10000000)::text, 7, '0') END,
       pg_temp.pick(ARRAY['email', 'sms', 'phone', 'post', NULL], h / 11), NULL, NULL, 1,
       pg_temp.ts(h % 94608000), pg_temp.ts(h % 94608000), NULL
FROM (
    SELECT c, h, first, last,
           CASE WHEN h % 8 = 0 THEN NULL
                ELSE lower(regexp_replace(first || '.' || last, '[^A-Za-z.]', '', 'g')) || c || '@'
                     || pg_temp.pick(ARRAY['gmail.com', 'outlook.com', 'mweb.co.za', 'icloud.com', 'webmail.co.za'], h / 13) END AS email,
           CASE WHEN h % 5 = 0 THEN NULL
                ELSE '0' || substr(d, 1, 2) || ' ' || substr(d, 3, 3) || ' ' || substr(d, 6, 4) END AS phone
    FROM (
        SELECT c, h, (600000000 + (c * 104729) % 300000000)::text AS d,
               pg_temp.pick(ARRAY['Thabo', 'Anna', 'Sipho', 'Johan', 'Ayesha', 'Lerato', 'Pieter', 'Nomvula', 'David',
                                  'Fatima', 'Kagiso', 'Elize', 'Bongani', 'Priya', 'Willem', 'Zanele', 'Michael',
                                  'Naledi', 'Ruan', 'Thandeka'], h) AS first,
               pg_temp.pick(ARRAY['Mokoena', 'Van der Merwe', 'Naidoo', 'Botha', 'Dlamini', 'Pillay', 'Nkosi',
                                  'Du Plessis', 'Khumalo', 'Pretorius', 'Govender', 'Mahlangu', 'Smit', 'Ndlovu',
                                  'O''Connor', 'Jacobs', 'Sithole', 'Le Roux', 'Moodley', 'Zulu'], h / 20) AS last
        FROM (SELECT c, (c * 2246822519) % 4294967291 AS h
              FROM generate_series(2 * (:lo::bigint - 1) + 1, 2 * :hi::bigint) AS c) AS g
    ) AS named
) AS rows;

\echo 'insert interactions'
INSERT INTO interactions (id, account_id, contact_id, kind, direction, subject, body, performed_by, occurred_at, created_at)
SELECT n, account, CASE WHEN h % 10 < 7 THEN 2 * (account - 1) + 1 + h % 2 END, kind,
       pg_temp.pick(ARRAY['inbound', 'outbound', 'outbound', 'internal'], h / 7),
       initcap(kind) || ': ' || pg_temp.pick(ARRAY['quote follow-up', 'overdue invoice', 'new price list',
                                                   'delivery delay', 'account review', 'product complaint',
                                                   'credit limit request', 'site visit'], h / 11),
       CASE WHEN h % 3 > 0 THEN pg_temp.pick(ARRAY['Discussed the open quote and agreed to revise the volumes.',
                                                   'Customer asked for statements to be sent monthly.',
                                                   'Left a message; will call back on Thursday.',
                                                   'Delivery of the last order arrived two days late.'], h / 13) END,
       pg_temp.pick(ARRAY['thandi', 'pieter', 'ayesha', 'sipho', 'megan', 'johan'], h / 17),
       pg_temp.ts(h % 94608000), pg_temp.ts(h % 94608000 + 60)
FROM (
    SELECT n, h,
           CASE WHEN h % 5 = 0 THEN 1 + (h / 5) % greatest(:hi::bigint / 100, 1) ELSE 1 + (h / 5) % :hi::bigint END AS account,
           pg_temp.pick(ARRAY['call', 'email', 'email', 'meeting', 'sms', 'letter', 'visit', 'complaint', 'note'], h / 19) AS kind
    FROM (SELECT n, (n * 3266489917) % 4294967291 AS h
          FROM generate_series(5 * (:lo::bigint - 1) + 1, 5 * :hi::bigint) AS n) AS g
) AS rows;

\echo 'indexes and foreign keys back'
SELECT redo FROM saved ORDER BY redo_order \gexec
\timing off

INSERT INTO crm_sequences (name, last_value)
VALUES ('accounts', :hi::bigint), ('contacts', 2 * :hi::bigint), ('interactions', 5 * :hi::bigint)
ON CONFLICT (name) DO UPDATE SET last_value = greatest(crm_sequences.last_value, excluded.last_value);

\echo 'analyze'
\timing on
ANALYZE accounts;
ANALYZE contacts;
ANALYZE interactions;
