-- Rate limits that policy rules declare (rule.rate_limit), enforced across every replica: one row per
-- (limit, fixed window) counts the allows granted in that window. The count is raised in the same
-- transaction as the allow's audit entry (gateway/ratelimit/RateLimitCondition), so an allow that is
-- not in the log never spent a count, and no window ever holds more than the rule's `requests`.
-- limit_key is a SHA-256 (hex) of the rule id and the requester (and target): no PeerID in the clear.
CREATE TABLE rate_limit_window (
    limit_key    text        NOT NULL CHECK (limit_key ~ '^[0-9a-f]{64}$'),
    window_start timestamptz NOT NULL,
    used         integer     NOT NULL CHECK (used > 0),
    retain_until timestamptz NOT NULL,
    PRIMARY KEY (limit_key, window_start)
);

CREATE INDEX rate_limit_window_retain_until ON rate_limit_window (retain_until);

GRANT SELECT, INSERT, DELETE ON rate_limit_window TO "${runtime_role}";
GRANT UPDATE (used) ON rate_limit_window TO "${runtime_role}";
