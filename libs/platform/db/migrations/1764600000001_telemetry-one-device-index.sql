-- Up Migration
--
-- The telemetry write path (issue 15, "Storage shaped for the write path"; measurements in docs/storage.md).
-- Every inserted row paid for three B-tree insertions. telemetry_device_metric_time served only the gateway's
-- "history of a metric of a device" read, which the unique key (device_id, path, time DESC) serves as well: the
-- read bounds device_id and time in that index (time is an index condition within the device's prefix, and chunk
-- exclusion keeps it to the range's days) and filters metric on the few rows of the device's other paths.
-- Measured on 2 cores, 5,000-row UNNEST inserts: backend CPU 15.4 -> 11.4 us per row, 367 -> 266 bytes per row
-- (heap + indexes), one WAL record less per row. telemetry_tenant_time stays: rollups, per-tenant retention,
-- metering and the KPI reads scan one tenant's time range.
-- DROP INDEX on a hypertable drops the index of every chunk too.
DROP INDEX IF EXISTS telemetry_device_metric_time;

-- Down Migration
CREATE INDEX IF NOT EXISTS telemetry_device_metric_time ON telemetry (device_id, metric, time DESC);
