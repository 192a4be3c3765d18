-- Four-eyes: the approver of a publication must be none of the admins who wrote what it publishes, not
-- only its requester. A draft remembers everyone who created or updated it, and a publication request
-- keeps that list (the draft itself is consumed when it is submitted).
ALTER TABLE policy_draft ADD COLUMN editors varchar(255)[];
UPDATE policy_draft SET editors = ARRAY(SELECT DISTINCT e FROM unnest(ARRAY[created_by, updated_by]) AS e);
ALTER TABLE policy_draft ALTER COLUMN editors SET NOT NULL;
ALTER TABLE policy_draft ADD CONSTRAINT policy_draft_editors_creator CHECK (created_by = ANY (editors));

ALTER TABLE policy_approval ADD COLUMN authors varchar(255)[];
UPDATE policy_approval SET authors = ARRAY[requested_by];
ALTER TABLE policy_approval ALTER COLUMN authors SET NOT NULL;
ALTER TABLE policy_approval ADD CONSTRAINT policy_approval_authors_requester CHECK (requested_by = ANY (authors));
ALTER TABLE policy_approval ADD CONSTRAINT policy_approval_four_eyes_authors
    CHECK (status <> 'approved' OR NOT (decided_by = ANY (authors)));
