-- Authenticated audit entries (issue 9). The writer stores with every entry the HMAC-SHA256 of all its columns
-- except leaf_index, under a key derived from the gateway's signing key (never in the database), and the id of
-- that key; the integrator folds in and signs only entries whose MAC verifies (audit.internal.EntryMac,
-- compliance/audit-verification.md, "Who can forge what").
--
-- Grants: none beyond the table's. The runtime role needs only INSERT and SELECT on the new columns, which
-- table-level grants on audit_entry carry; it must never UPDATE them (the trigger below refuses that).

ALTER TABLE audit_entry
    ADD COLUMN mac        bytea,
    -- 16 hex (a digest of the signing key's public key), or 'pre-v23' (see below).
    ADD COLUMN mac_key_id varchar(16);

-- Entries written before this migration carry no MAC: the gateway that wrote them authenticated nothing. Those
-- already integrated stay as they are (NULL, NULL): the signed tree vouches for them, as before. Those still
-- pending are marked 'pre-v23' here, once, so that the integrator may fold them in without a MAC; they have
-- exactly the trust every pre-V23 entry had. No later row can get that mark while pending (constraint below),
-- so the set is closed at this point. (The UPDATE is allowed: V20's trigger does not cover these columns yet.)
UPDATE audit_entry SET mac_key_id = 'pre-v23' WHERE leaf_index IS NULL;

ALTER TABLE audit_entry
    ADD CONSTRAINT audit_entry_mac_shape CHECK (
        (mac IS NULL AND (mac_key_id IS NULL OR mac_key_id = 'pre-v23'))
        OR (octet_length(mac) = 32 AND mac_key_id ~ '^[0-9a-f]{16}$'));

-- NOT NULL for new rows only. A plain NOT NULL cannot hold for the pre-V23 rows, so this constraint is NOT
-- VALID: PostgreSQL does not check the rows that exist now, but checks every row inserted or updated from now
-- on. A new row without a MAC is refused outright (an old replica still running during a rolling upgrade fails
-- its appends closed, and so denies, rather than writing entries that would never be integrated). A 'pre-v23'
-- row passes once it has a leaf index, which is what the integrator's UPDATE gives it; a row inserted with a
-- leaf index of its own never gets one from the integrator and is refused as out of range.
ALTER TABLE audit_entry
    ADD CONSTRAINT audit_entry_mac_required CHECK (
        mac IS NOT NULL OR (mac_key_id = 'pre-v23' AND leaf_index IS NOT NULL)) NOT VALID;

-- The append-only trigger now covers the MAC columns too (recreated: V20 is never edited). As before it is
-- defence in depth: whoever can disable it can edit rows, which the MAC check then catches before signing.
DROP TRIGGER audit_entry_no_update ON audit_entry;
CREATE TRIGGER audit_entry_no_update
    BEFORE UPDATE OF seq, recorded_at, kind, actor, subject, outcome, policy_version, trace_id, body, mac, mac_key_id
    ON audit_entry FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

-- The integrator looks up its own refusal entries (actor 'audit-integrator') through audit_entry_actor_idx.
