-- Consent policy lifecycle (issue 3): drafts are edited; publishing creates an immutable version with
-- the SHA-256 digest of its canonical form; rollback publishes an earlier version again; four-eyes
-- publishing waits in policy_approval; every change is recorded in policy_admin_event.

CREATE TABLE policy_draft (
    id          uuid         NOT NULL,
    policy_set  varchar(63)  NOT NULL,
    source      text         NOT NULL,
    digest      char(64)     NOT NULL,
    revision    integer      NOT NULL,
    created_by  varchar(255) NOT NULL,
    created_at  timestamptz  NOT NULL,
    updated_by  varchar(255) NOT NULL,
    updated_at  timestamptz  NOT NULL,
    CONSTRAINT policy_draft_pk PRIMARY KEY (id),
    CONSTRAINT policy_draft_set_format CHECK (policy_set ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
    CONSTRAINT policy_draft_digest_format CHECK (digest ~ '^[0-9a-f]{64}$'),
    CONSTRAINT policy_draft_revision_positive CHECK (revision >= 1)
);
CREATE INDEX policy_draft_set_idx ON policy_draft (policy_set, updated_at);

CREATE TABLE policy_version (
    policy_set       varchar(63)  NOT NULL,
    version          integer      NOT NULL,
    digest           char(64)     NOT NULL,
    source           text         NOT NULL,
    canonical        text         NOT NULL,
    rule_count       integer      NOT NULL,
    published_by     varchar(255) NOT NULL,
    published_at     timestamptz  NOT NULL,
    approved_by      varchar(255),
    rolled_back_from integer,
    CONSTRAINT policy_version_pk PRIMARY KEY (policy_set, version),
    CONSTRAINT policy_version_set_format CHECK (policy_set ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
    CONSTRAINT policy_version_positive CHECK (version >= 1),
    CONSTRAINT policy_version_digest_format CHECK (digest ~ '^[0-9a-f]{64}$'),
    CONSTRAINT policy_version_four_eyes CHECK (approved_by IS NULL OR approved_by <> published_by),
    CONSTRAINT policy_version_rollback_earlier CHECK (rolled_back_from IS NULL OR rolled_back_from < version),
    CONSTRAINT policy_version_rollback_exists FOREIGN KEY (policy_set, rolled_back_from)
        REFERENCES policy_version (policy_set, version)
);

-- Published versions are immutable, whoever connects: the application never updates or deletes them,
-- and the database refuses it too (UPDATE, DELETE and TRUNCATE).
CREATE FUNCTION policy_version_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'published policy versions are immutable'
        USING ERRCODE = 'restrict_violation', HINT = 'publish a new version or roll back instead';
END;
$$;
CREATE TRIGGER policy_version_no_update BEFORE UPDATE OR DELETE ON policy_version
    FOR EACH ROW EXECUTE FUNCTION policy_version_immutable();
CREATE TRIGGER policy_version_no_truncate BEFORE TRUNCATE ON policy_version
    FOR EACH STATEMENT EXECUTE FUNCTION policy_version_immutable();

-- Every replica LISTENs on this channel and loads the new version within a second. NOTIFY is
-- delivered on commit only, so listeners never see an uncommitted version.
CREATE FUNCTION policy_version_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('hsip_policy_published', NEW.policy_set || ':' || NEW.version);
    RETURN NEW;
END;
$$;
CREATE TRIGGER policy_version_published AFTER INSERT ON policy_version
    FOR EACH ROW EXECUTE FUNCTION policy_version_notify();

CREATE TABLE policy_approval (
    id            uuid         NOT NULL,
    policy_set    varchar(63)  NOT NULL,
    kind          varchar(16)  NOT NULL,
    status        varchar(16)  NOT NULL,
    source        text         NOT NULL,
    digest        char(64)     NOT NULL,
    rollback_of   integer,
    base_version  integer,
    requested_by  varchar(255) NOT NULL,
    requested_at  timestamptz  NOT NULL,
    decided_by    varchar(255),
    decided_at    timestamptz,
    reason        varchar(1000),
    version       integer,
    CONSTRAINT policy_approval_pk PRIMARY KEY (id),
    CONSTRAINT policy_approval_kind CHECK (kind IN ('publish', 'rollback')),
    CONSTRAINT policy_approval_status CHECK (status IN ('pending', 'approved', 'rejected')),
    CONSTRAINT policy_approval_digest_format CHECK (digest ~ '^[0-9a-f]{64}$'),
    CONSTRAINT policy_approval_decided CHECK ((status = 'pending') = (decided_by IS NULL)),
    CONSTRAINT policy_approval_four_eyes CHECK (status <> 'approved' OR decided_by <> requested_by),
    CONSTRAINT policy_approval_version FOREIGN KEY (policy_set, version) REFERENCES policy_version (policy_set, version)
);
CREATE INDEX policy_approval_pending_idx ON policy_approval (policy_set) WHERE status = 'pending';

-- Admin events, written in the same transaction as the change they record. Append-only; the audit
-- log folds them into its tamper-evident tree, reading by id (keyset). Admin writes are serialised by a
-- transaction-scoped advisory lock, so ids are assigned in commit order and a reader never skips one.
CREATE TABLE policy_admin_event (
    id          bigint       GENERATED ALWAYS AS IDENTITY,
    occurred_at timestamptz  NOT NULL,
    actor       varchar(255) NOT NULL,
    action      varchar(32)  NOT NULL,
    policy_set  varchar(63),
    version     integer,
    digest      char(64),
    details     jsonb        NOT NULL DEFAULT '{}'::jsonb,
    CONSTRAINT policy_admin_event_pk PRIMARY KEY (id),
    CONSTRAINT policy_admin_event_action CHECK (action IN (
        'draft.create', 'draft.update', 'draft.delete', 'import', 'publish', 'publish.request',
        'approve', 'reject', 'rollback', 'rollback.request'))
);
CREATE INDEX policy_admin_event_set_idx ON policy_admin_event (policy_set, id);

CREATE FUNCTION policy_admin_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'policy admin events are append-only' USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER policy_admin_event_no_update BEFORE UPDATE OR DELETE ON policy_admin_event
    FOR EACH ROW EXECUTE FUNCTION policy_admin_event_append_only();
CREATE TRIGGER policy_admin_event_no_truncate BEFORE TRUNCATE ON policy_admin_event
    FOR EACH STATEMENT EXECUTE FUNCTION policy_admin_event_append_only();
