-- Shadow mode: a candidate version of a policy set that every replica evaluates next to the live one
-- on every decision, without changing any answer. At most one per set; promoting publishes it through
-- the normal lifecycle (four-eyes included), discarding deletes it. Both are admin events.
CREATE TABLE policy_shadow (
    policy_set  varchar(63)  PRIMARY KEY,
    shadow_id   uuid         NOT NULL UNIQUE,
    digest      char(64)     NOT NULL,
    source      text         NOT NULL,
    canonical   text         NOT NULL,
    rule_count  integer      NOT NULL,
    started_by  varchar(255) NOT NULL,
    started_at  timestamptz  NOT NULL
);

-- What each replica saw differ, summed per kind of change and the rules involved on each side.
-- Kept after a shadow ends (the admin event of its promotion or discard names its shadow_id).
CREATE TABLE policy_shadow_difference (
    shadow_id    uuid          NOT NULL,
    replica      varchar(128)  NOT NULL,
    change       varchar(16)   NOT NULL
        CHECK (change IN ('allow_to_deny', 'deny_to_allow', 'ttl_shorter', 'ttl_longer')),
    live_rules   varchar(1000) NOT NULL,
    shadow_rules varchar(1000) NOT NULL,
    decisions    bigint        NOT NULL CHECK (decisions > 0),
    first_at     timestamptz   NOT NULL,
    last_at      timestamptz   NOT NULL,
    PRIMARY KEY (shadow_id, replica, change, live_rules, shadow_rules)
);

ALTER TABLE policy_admin_event DROP CONSTRAINT policy_admin_event_action;
ALTER TABLE policy_admin_event ADD CONSTRAINT policy_admin_event_action CHECK (action IN (
    'draft.create', 'draft.update', 'draft.delete', 'import', 'publish', 'publish.request',
    'approve', 'reject', 'rollback', 'rollback.request',
    'shadow.start', 'shadow.promote', 'shadow.discard'));

GRANT SELECT, INSERT, DELETE ON policy_shadow TO "${runtime_role}";
GRANT SELECT, INSERT ON policy_shadow_difference TO "${runtime_role}";
GRANT UPDATE (decisions, last_at) ON policy_shadow_difference TO "${runtime_role}";
