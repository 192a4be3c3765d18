-- Four-eyes by stable identity: the rule compares the token's subject (sub), which the identity provider
-- never renames or reuses, instead of the display name (preferred_username), which can be renamed, and which
-- two accounts may share. Names stay in the existing columns for people to read.
--
-- Rows written before this migration have no subject (NULL marks them): nothing recorded which account a name
-- stood for, and guessing would be worse than saying so. For those rows the rule keeps comparing names, as
-- it did when they were written, so a request pending across the upgrade is no less protected.

ALTER TABLE policy_draft ADD COLUMN editor_subjects varchar(255)[];
ALTER TABLE policy_draft ADD CONSTRAINT policy_draft_editor_subjects_present
    CHECK (editor_subjects IS NULL OR cardinality(editor_subjects) >= 1);

ALTER TABLE policy_approval ADD COLUMN requested_by_subject varchar(255);
ALTER TABLE policy_approval ADD COLUMN author_subjects varchar(255)[];
ALTER TABLE policy_approval ADD COLUMN decided_by_subject varchar(255);
ALTER TABLE policy_approval ADD CONSTRAINT policy_approval_author_subjects_requester
    CHECK (author_subjects IS NULL OR requested_by_subject = ANY (author_subjects));
-- The name rules would refuse a different person who shares a name: they now apply to old rows only.
ALTER TABLE policy_approval DROP CONSTRAINT policy_approval_four_eyes;
ALTER TABLE policy_approval ADD CONSTRAINT policy_approval_four_eyes CHECK (
    status <> 'approved'
    OR (requested_by_subject IS NULL AND decided_by <> requested_by)
    OR (requested_by_subject IS NOT NULL AND decided_by_subject IS NOT NULL
        AND decided_by_subject <> requested_by_subject));
ALTER TABLE policy_approval DROP CONSTRAINT policy_approval_four_eyes_authors;
ALTER TABLE policy_approval ADD CONSTRAINT policy_approval_four_eyes_authors CHECK (
    status <> 'approved'
    OR (author_subjects IS NULL AND NOT (decided_by = ANY (authors)))
    OR (author_subjects IS NOT NULL AND decided_by_subject IS NOT NULL
        AND NOT (decided_by_subject = ANY (author_subjects))));

-- Adding columns and constraints updates no row, so the immutability triggers are not involved.
ALTER TABLE policy_version ADD COLUMN published_by_subject varchar(255);
ALTER TABLE policy_version ADD COLUMN approved_by_subject varchar(255);
ALTER TABLE policy_version DROP CONSTRAINT policy_version_four_eyes;
ALTER TABLE policy_version ADD CONSTRAINT policy_version_four_eyes CHECK (
    approved_by IS NULL
    OR (published_by_subject IS NULL AND approved_by <> published_by)
    OR (published_by_subject IS NOT NULL AND approved_by_subject IS NOT NULL
        AND approved_by_subject <> published_by_subject));
