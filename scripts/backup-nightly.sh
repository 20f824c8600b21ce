#!/bin/sh
# The compose `backup` service: `manage.py backup` once a day at BACKUP_AT (HH:MM, UTC) into
# /backups, then deletes archives older than BACKUP_KEEP_DAYS. A failed backup is logged and
# retried the next night; the service keeps running. docs/deployment.md, "Backups".
set -u
at="${BACKUP_AT:-02:30}"
keep="${BACKUP_KEEP_DAYS:-14}"
while :; do
  now=$(date -u +%s)
  next=$(date -u -d "$(date -u +%F) $at" +%s)
  [ "$next" -le "$now" ] && next=$((next + 86400))
  sleep $((next - now))
  file="/backups/casetracker-$(date -u +%Y%m%dT%H%M%SZ).tar"
  if python manage.py backup --output "$file"; then
    find /backups -name 'casetracker-*.tar' -mtime +"$keep" -delete
  else
    echo "backup failed; the next attempt is tomorrow at $at UTC" >&2
  fi
done
