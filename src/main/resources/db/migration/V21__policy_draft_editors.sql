-- Four-eyes: the approver of a publication must be none of the admins who wrote what it publishes, not
-- only its requester. A draft remembers everyone who created or updated it, and a publication request
-- keeps that list (the draft itself is consumed when it is submitted).
--
-- Existing rows are filled from what is known: the draft's creator and last updater, plus every admin the
-- event table records creating, importing or updating it. Pending requests get the same list for their draft, so a
-- request made before this migration is protected too; decided requests keep only their requester (the
-- rule they were decided under).
ALTER TABLE policy_draft ADD COLUMN editors varchar(255)[];
UPDATE policy_draft d SET editors = ARRAY(
    SELECT d.created_by
    UNION SELECT d.updated_by
    UNION SELECT ev.actor FROM policy_admin_event ev
          WHERE ev.action IN ('draft.create', 'draft.update', 'import') AND ev.details ->> 'draft_id' = d.id::text);
ALTER TABLE policy_draft ALTER COLUMN editors SET NOT NULL;
ALTER TABLE policy_draft ADD CONSTRAINT policy_draft_editors_creator CHECK (created_by = ANY (editors));

ALTER TABLE policy_approval ADD COLUMN authors varchar(255)[];
UPDATE policy_approval a SET authors = ARRAY(
    SELECT a.requested_by
    UNION SELECT ev.actor FROM policy_admin_event req
          JOIN policy_admin_event ev
            ON ev.action IN ('draft.create', 'draft.update', 'import') AND ev.details ->> 'draft_id' = req.details ->> 'draft_id'
          WHERE a.status = 'pending'
            AND req.action = 'publish.request' AND req.details ->> 'approval_id' = a.id::text);
ALTER TABLE policy_approval ALTER COLUMN authors SET NOT NULL;
ALTER TABLE policy_approval ADD CONSTRAINT policy_approval_authors_requester CHECK (requested_by = ANY (authors));
ALTER TABLE policy_approval ADD CONSTRAINT policy_approval_four_eyes_authors
    CHECK (status <> 'approved' OR NOT (decided_by = ANY (authors)));
