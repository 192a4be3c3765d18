-- Least privilege (issue 9): two roles. The owner (HSIP_DB_OWNER, default hsip_owner) owns every object and
-- runs the migrations, this one included; the runtime role (${runtime_role}, HSIP_DB_USER), which the gateway
-- connects as, gets exactly what the code does and nothing more: it cannot change or remove audit history,
-- switch a trigger off, replicate around triggers, or create objects. A table added later has no grants
-- until its migration gives them (RuntimePrivilegesTest fails the build until then).
--
-- Grants are per column where the code updates only some columns, so a column added later is not writable
-- by accident. Table-level SELECT/INSERT carry over to new columns.

-- Refuse to run where the split is not in place: granting would then be a silent no-op (a non-owner's GRANT
-- only warns), or the runtime role would keep the owner's powers.
DO $$
DECLARE
    runtime oid := (SELECT oid FROM pg_roles WHERE rolname = '${runtime_role}');
BEGIN
    IF runtime IS NULL THEN
        RAISE EXCEPTION 'the runtime role "%" does not exist', '${runtime_role}'
            USING HINT = 'create it first (docs/operations.md, "Database roles")';
    END IF;
    IF current_user = '${runtime_role}' THEN
        RAISE EXCEPTION 'migrations must run as the owner role, not as the runtime role "%"', current_user
            USING HINT = 'set HSIP_DB_OWNER and HSIP_DB_OWNER_PASSWORD (docs/operations.md, "Database roles")';
    END IF;
    IF (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE oid = runtime)
       OR pg_has_role('${runtime_role}', current_user, 'MEMBER') THEN
        RAISE EXCEPTION 'the runtime role "%" is a superuser or a member of the owner role "%"',
            '${runtime_role}', current_user
            USING HINT = 'it must be a plain login role (docs/operations.md, "Database roles")';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_class c
               WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()) AND c.relkind IN ('r', 'p', 'S', 'v', 'm')
                 AND NOT pg_has_role(current_user, c.relowner, 'USAGE')) THEN
        RAISE EXCEPTION 'the owner role "%" does not own every table of schema "%"', current_user, current_schema()
            USING HINT = 'hand the objects over first (docs/operations.md, "Moving an existing deployment")';
    END IF;
END
$$;

-- Start from nothing: whatever the runtime role or PUBLIC held (as owner, or by an earlier grant) goes.
-- REVOKE on a table revokes its column privileges too.
DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM PUBLIC, %I', current_schema(), '${runtime_role}');
    EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %I FROM PUBLIC, %I', current_schema(), '${runtime_role}');
    EXECUTE format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA %I FROM PUBLIC, %I', current_schema(), '${runtime_role}');
    -- PostgreSQL before 15 lets everyone create objects in the public schema; nobody but the owner may here.
    EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM PUBLIC, %I', current_schema(), '${runtime_role}');
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', current_schema(), '${runtime_role}');
END
$$;

-- Consent replay ledger (gateway.ConsentNonce): first use inserts; a row past its retention is taken over
-- (ON CONFLICT DO UPDATE of these two columns); the purge deletes expired rows.
GRANT SELECT, INSERT, DELETE ON consent_nonce TO "${runtime_role}";
GRANT UPDATE (retain_until, first_seen) ON consent_nonce TO "${runtime_role}";

-- Policy lifecycle (policy.lifecycle): drafts are edited and deleted; versions and admin events are only
-- added (their triggers refuse changes anyway); approvals are decided once; the relay advances its position
-- (SELECT ... FOR UPDATE needs an UPDATE privilege, which the column grant is).
GRANT SELECT, INSERT, DELETE ON policy_draft TO "${runtime_role}";
GRANT UPDATE (source, digest, revision, updated_by, updated_at, editors, editor_subjects)
    ON policy_draft TO "${runtime_role}";
GRANT SELECT, INSERT ON policy_version TO "${runtime_role}";
GRANT SELECT, INSERT ON policy_approval TO "${runtime_role}";
GRANT UPDATE (status, decided_by, decided_by_subject, decided_at, reason, version)
    ON policy_approval TO "${runtime_role}";
GRANT SELECT, INSERT ON policy_admin_event TO "${runtime_role}";
GRANT SELECT ON policy_audit_relay TO "${runtime_role}";
GRANT UPDATE (last_event_id, relayed_at) ON policy_audit_relay TO "${runtime_role}";

-- Audit log (audit.internal): entries are appended (numbers from the sequence) and integrated by setting
-- leaf_index once; the last tile of each level grows; checkpoints and export records are appended; subject
-- keys are created and destroyed by erasure.
GRANT SELECT, INSERT ON audit_entry TO "${runtime_role}";
GRANT UPDATE (leaf_index) ON audit_entry TO "${runtime_role}";
GRANT USAGE ON SEQUENCE audit_entry_seq TO "${runtime_role}";
GRANT SELECT, INSERT ON audit_tile TO "${runtime_role}";
GRANT UPDATE (hashes) ON audit_tile TO "${runtime_role}";
GRANT SELECT, INSERT ON audit_checkpoint TO "${runtime_role}";
GRANT SELECT, INSERT ON audit_export TO "${runtime_role}";
GRANT SELECT, INSERT, DELETE ON audit_subject_key TO "${runtime_role}";

-- leaf_index is assigned once, from NULL, and nothing else of the row changes with it: the column grant
-- above cannot say that. Row-level, so it also covers columns added later. (Reassigning indexes is how an
-- owner would reorder the log; the signed tree catches that, this refuses it earlier.)
CREATE FUNCTION audit_entry_integrate_once() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    unchanged audit_entry := NEW;
BEGIN
    unchanged.leaf_index := OLD.leaf_index;
    IF OLD.leaf_index IS NOT NULL OR NEW.leaf_index IS NULL OR unchanged IS DISTINCT FROM OLD THEN
        RAISE EXCEPTION 'audit entries are append-only: leaf_index is set once, from NULL, and nothing else changes'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER audit_entry_integrate_once BEFORE UPDATE ON audit_entry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_integrate_once();

-- A tile only grows: its stored hashes stay a prefix of the new ones, and it keeps its place.
CREATE FUNCTION audit_tile_grow_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.level <> OLD.level OR NEW.idx <> OLD.idx
       OR octet_length(NEW.hashes) < octet_length(OLD.hashes)
       OR substring(NEW.hashes FROM 1 FOR octet_length(OLD.hashes)) <> OLD.hashes THEN
        RAISE EXCEPTION 'audit tiles only grow: tile %/% would lose or change hashes', OLD.level, OLD.idx
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER audit_tile_grow_only BEFORE UPDATE ON audit_tile
    FOR EACH ROW EXECUTE FUNCTION audit_tile_grow_only();
CREATE TRIGGER audit_tile_no_delete
    BEFORE DELETE OR TRUNCATE ON audit_tile FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

-- Export records are history too (the next export proves consistency with the last one).
CREATE TRIGGER audit_export_no_update
    BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_export FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

-- The trigger functions just created are executable by PUBLIC by default; nobody calls them directly.
REVOKE ALL ON FUNCTION audit_entry_integrate_once(), audit_tile_grow_only() FROM PUBLIC;
