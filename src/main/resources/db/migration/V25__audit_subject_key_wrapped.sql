-- Subject keys wrapped under a key-encryption key (KEK) that only the application holds (a mounted file,
-- audit.subject-kek-file), so that the database alone, its WAL and its backups can no longer link a pseudonym
-- to a PeerID. A row is either legacy plaintext (`secret`, written before this migration, wrapped by the
-- application at start-up) or wrapped (`wrapped` + `kek_id`), never both.
--
-- `wrapped` is AES-256-GCM: a 12-byte nonce, the 32 encrypted key bytes and the 16-byte tag (60 bytes); the
-- associated data binds `subject_ref` and `kek_id`, so a wrapped key moved to another row does not open.
-- `kek_id` names the KEK (a digest of it, never the key), so a wrong KEK fails with a clear message.
--
-- Privileges: the start-up wrapping deletes each plaintext row and inserts its wrapped replacement in one
-- transaction, so the runtime role needs only SELECT, INSERT and DELETE on audit_subject_key (DELETE it
-- already needs for erasure); no UPDATE.
ALTER TABLE audit_subject_key
    ALTER COLUMN secret DROP NOT NULL,
    ADD COLUMN wrapped bytea,
    ADD COLUMN kek_id  varchar(64),
    DROP CONSTRAINT audit_subject_key_length,
    ADD CONSTRAINT audit_subject_key_length CHECK (
        octet_length(subject_ref) = 32
        AND (secret IS NULL OR octet_length(secret) = 32)
        AND (wrapped IS NULL OR octet_length(wrapped) = 60)),
    ADD CONSTRAINT audit_subject_key_one_form CHECK (
        (secret IS NULL) <> (wrapped IS NULL)
        AND (wrapped IS NULL) = (kek_id IS NULL));
