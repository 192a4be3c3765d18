-- The tamper-evident audit log (issue 4, DESIGN.md §4). Sequencing (a durable INSERT) is separate from
-- integration (assigning leaf indexes, extending the RFC 9162 tree, signing a checkpoint), so replicas
-- never serialise on a global hash chain.

-- Sequence numbers come from a sequence: values of rolled-back transactions are simply never used, and the
-- integrator never waits for them (see compliance/audit-verification.md, "Sequence gaps").
CREATE SEQUENCE audit_entry_seq AS bigint;

CREATE TABLE audit_entry (
    seq            bigint       NOT NULL,
    recorded_at    timestamptz  NOT NULL,
    kind           varchar(24)  NOT NULL,
    actor          varchar(256) NOT NULL,
    -- Keyed pseudonym of the subject PeerID (64 hex), never the PeerID itself.
    subject        varchar(64),
    outcome        varchar(32),
    policy_version varchar(100),
    trace_id       varchar(32),
    -- The entry exactly as hashed: RFC 8785 canonical JSON; the leaf hash is SHA-256(0x00 || body).
    body           bytea        NOT NULL,
    -- Assigned once, by the integrator, in integration order; NULL until then.
    leaf_index     bigint,
    CONSTRAINT audit_entry_pk PRIMARY KEY (seq),
    CONSTRAINT audit_entry_leaf_index_uq UNIQUE (leaf_index),
    CONSTRAINT audit_entry_kind_check CHECK (kind IN ('decision', 'admin-change', 'consent-revocation', 'key-event')),
    CONSTRAINT audit_entry_subject_format CHECK (subject ~ '^[0-9a-f]{64}$')
);

-- What the integrator still has to fold into the tree: small, because integration keeps up.
CREATE INDEX audit_entry_pending_idx ON audit_entry (seq) WHERE leaf_index IS NULL;
CREATE INDEX audit_entry_recorded_at_idx ON audit_entry (recorded_at, seq);
CREATE INDEX audit_entry_subject_idx ON audit_entry (subject, seq) WHERE subject IS NOT NULL;
CREATE INDEX audit_entry_actor_idx ON audit_entry (actor, seq);

-- Defence in depth: the application never changes or deletes an entry. Statement-level triggers cost
-- nothing per row; the integrator only ever sets leaf_index. A table owner can still disable them, which
-- is why integrity rests on the signed tree, not on these triggers.
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit tables are append-only (% on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_entry_no_update
    BEFORE UPDATE OF seq, recorded_at, kind, actor, subject, outcome, policy_version, trace_id, body
    ON audit_entry FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_entry_no_delete
    BEFORE DELETE OR TRUNCATE ON audit_entry FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

-- Stored tree hashes, in tiles of 256 (as Trillian Tessera stores them): tile (level L, index i) holds the
-- hashes of the perfect subtrees of height 8L numbered 256i .. 256i+255. Only the last tile of a level grows.
CREATE TABLE audit_tile (
    level  smallint NOT NULL,
    idx    bigint   NOT NULL,
    hashes bytea    NOT NULL,
    CONSTRAINT audit_tile_pk PRIMARY KEY (level, idx),
    CONSTRAINT audit_tile_size CHECK (octet_length(hashes) BETWEEN 32 AND 8192 AND octet_length(hashes) % 32 = 0)
);

-- Signed tree heads, one per integration round.
CREATE TABLE audit_checkpoint (
    tree_size bigint      NOT NULL,
    root_hash bytea       NOT NULL,
    signed_at timestamptz NOT NULL,
    -- The C2SP signed note exactly as signed.
    note      text        NOT NULL,
    CONSTRAINT audit_checkpoint_pk PRIMARY KEY (tree_size),
    CONSTRAINT audit_checkpoint_root_length CHECK (octet_length(root_hash) = 32)
);
CREATE INDEX audit_checkpoint_signed_at_idx ON audit_checkpoint (signed_at);

CREATE TRIGGER audit_checkpoint_no_update
    BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_checkpoint FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

-- Per-subject pseudonymisation keys. Deleting a row is how an erasure request is honoured: the subject's
-- pseudonyms in the log can no longer be linked to the PeerID, and the tree still verifies.
CREATE TABLE audit_subject_key (
    subject_ref bytea       NOT NULL,
    secret      bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT audit_subject_key_pk PRIMARY KEY (subject_ref),
    CONSTRAINT audit_subject_key_length CHECK (octet_length(subject_ref) = 32 AND octet_length(secret) = 32)
);

-- Every export bundle handed out, so that the next one can prove consistency with it.
CREATE TABLE audit_export (
    id          bigint GENERATED ALWAYS AS IDENTITY,
    exported_at timestamptz NOT NULL,
    actor       varchar(256) NOT NULL,
    from_time   timestamptz NOT NULL,
    to_time     timestamptz NOT NULL,
    first_leaf  bigint      NOT NULL,
    end_leaf    bigint      NOT NULL,
    tree_size   bigint      NOT NULL,
    CONSTRAINT audit_export_pk PRIMARY KEY (id)
);
