-- Position of the relay that folds policy_admin_event (the transactional outbox of policy changes) into
-- the tamper-evident audit log. One row; replicas take turns by locking it (FOR UPDATE SKIP LOCKED).
CREATE TABLE policy_audit_relay (
    singleton     boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    last_event_id bigint  NOT NULL CHECK (last_event_id >= 0),
    relayed_at    timestamptz
);

INSERT INTO policy_audit_relay (singleton, last_event_id) VALUES (true, 0);
