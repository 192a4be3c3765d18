-- The audit search's reason filter (console and API): a decision's reason code lives in its body
-- (details.reason), which is bytea canonical JSON and not a column. Rather than add a column the entry
-- MAC would have to cover, the code is read from the body by an immutable function, and the denies are
-- indexed by it: deny reasons (replayed, bad_signature, ...) are the rare rows an auditor looks for and
-- a scan of millions of rows would not find quickly. Allows are not indexed (their one reason,
-- allowed, is the same as the effect filter), so the hot allow path pays only the partial predicate.
CREATE FUNCTION audit_decision_reason(body bytea) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN convert_from(body, 'UTF8')::jsonb -> 'details' ->> 'reason';

CREATE INDEX audit_entry_deny_reason_idx ON audit_entry (audit_decision_reason(body), seq)
    WHERE outcome = 'deny';

-- The one function the runtime role may call: pure (IMMUTABLE, plain SQL, not SECURITY DEFINER), it only
-- reads its argument. Nobody else needs it.
REVOKE ALL ON FUNCTION audit_decision_reason(bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_decision_reason(bytea) TO "${runtime_role}";
