#!/bin/sh
# The image's entry point: before the web server starts, bring the database up to date (the
# migrations are safe to run again). Any other command (the worker, a management command)
# runs as given, so that only one service migrates.
set -eu
cd /app
if [ "${1:-}" = "gunicorn" ]; then
    # The cache table first: without Redis the cache lives in it, and the migrations use it.
    python manage.py createcachetable
    python manage.py migrate --noinput
fi
exec "$@"
