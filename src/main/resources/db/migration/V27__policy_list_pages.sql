-- Paged policy lists (issue 9): GET /drafts and GET /approvals page by keyset in the order they list,
-- so each page is an index range scan instead of a sort of the whole table. (Versions page on the
-- primary key, policy_set and version.) Indexes only: no new table, no new privilege.

CREATE INDEX policy_draft_edited_idx ON policy_draft (updated_at DESC, id);
CREATE INDEX policy_approval_status_requested_idx ON policy_approval (status, requested_at, id);
