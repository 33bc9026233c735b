#!/usr/bin/env bash
# First start of the timescaledb container (docker-entrypoint-initdb.d): the roles, database and grants of the
# local stack (deploy/local/postgres, mounted at /smartcity-sql), then this host's passwords for the two roles.
set -euo pipefail
psql=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER")
"${psql[@]}" --dbname postgres -f /smartcity-sql/bootstrap-cluster.sql
"${psql[@]}" --dbname smartcity -f /smartcity-sql/bootstrap-database.sql
"${psql[@]}" --dbname postgres \
  -v app="$POSTGRES_APP_PASSWORD" -v owner="$POSTGRES_OWNER_PASSWORD" <<'SQL'
ALTER ROLE smartcity_app PASSWORD :'app';
ALTER ROLE smartcity_owner PASSWORD :'owner';
SQL
