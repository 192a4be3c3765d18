-- Exports are ranges of the signed tree: [from_size, to_size), each the size of a signed checkpoint
-- (0 for the empty tree). A time window an auditor asks for is resolved to such a range; the window is
-- kept for the record (from_time, to_time), and is absent for an export asked for by tree sizes.
--
-- Grants: no new table and no new privilege. The runtime role keeps INSERT and SELECT on
-- audit_export; the added columns are covered by the table-level grants.
ALTER TABLE audit_export
    ADD COLUMN from_size bigint,
    ADD COLUMN to_size   bigint,
    ALTER COLUMN from_time DROP NOT NULL,
    ALTER COLUMN to_time   DROP NOT NULL,
    ADD CONSTRAINT audit_export_window_pair CHECK ((from_time IS NULL) = (to_time IS NULL)),
    ADD CONSTRAINT audit_export_size_range CHECK (
        (from_size IS NULL AND to_size IS NULL)
        OR (from_size IS NOT NULL AND to_size IS NOT NULL AND 0 <= from_size AND from_size <= to_size));
