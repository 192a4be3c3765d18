-- What the console's dashboard shows across replicas, without scanning the audit log: every replica
-- adds its decision counts per minute (by effect, reason and matched rule) and reports which policy
-- version it has live. Operational figures, not evidence: the audit log stays the record.

-- Per (minute, replica, effect): a decision row per reason (rule = '') and a row per matched rule
-- (reason = ''), so decisions and rule hits are summed separately. Kept 24 hours.
CREATE TABLE decision_minute (
    minute    timestamptz NOT NULL,
    replica   varchar(128) NOT NULL,
    effect    varchar(8)  NOT NULL CHECK (effect IN ('allow', 'deny')),
    reason    varchar(48) NOT NULL,
    rule      varchar(128) NOT NULL,
    decisions bigint      NOT NULL CHECK (decisions > 0),
    PRIMARY KEY (minute, replica, effect, reason, rule)
);

-- One row per running replica, refreshed every few seconds; a replica not seen for a while is gone.
CREATE TABLE gateway_replica (
    replica        varchar(128) PRIMARY KEY,
    started_at     timestamptz  NOT NULL,
    seen_at        timestamptz  NOT NULL,
    policy_set     varchar(100),
    policy_version integer,
    policy_digest  varchar(100)
);

GRANT SELECT, INSERT, DELETE ON decision_minute TO "${runtime_role}";
GRANT UPDATE (decisions) ON decision_minute TO "${runtime_role}";
GRANT SELECT, INSERT, DELETE ON gateway_replica TO "${runtime_role}";
GRANT UPDATE (seen_at, policy_set, policy_version, policy_digest) ON gateway_replica TO "${runtime_role}";
