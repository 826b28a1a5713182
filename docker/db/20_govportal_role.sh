#!/bin/sh
# The db service's first start on an empty volume (docker-entrypoint-initdb.d, after the image's
# 10_postgis.sh): the application's role `govportal`, which logs in with GOVPORTAL_DB_PASSWORD and
# owns the database and its public schema but is no superuser. The superuser `postgres`
# (POSTGRES_PASSWORD) is for the database's administrators. The password is read by psql from the
# environment (\getenv), never from a command line.
: "${GOVPORTAL_DB_PASSWORD:?set GOVPORTAL_DB_PASSWORD}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
\getenv password GOVPORTAL_DB_PASSWORD
CREATE ROLE govportal LOGIN PASSWORD :'password';
SELECT format('ALTER DATABASE %I OWNER TO govportal', current_database()) \gexec
ALTER SCHEMA public OWNER TO govportal;
SQL
