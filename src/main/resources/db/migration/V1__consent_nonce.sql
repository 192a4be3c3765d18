-- Nonces of authenticated consent requests, shared by every replica so that a request captured on
-- one replica cannot be replayed on another (hsip-protocol.md §11.2).
-- A row may be forgotten after retain_until: by then no replica would accept the request anyway.
CREATE TABLE consent_nonce (
    peer_id      varchar(26) NOT NULL,
    nonce_hex    varchar(24) NOT NULL,
    retain_until timestamptz NOT NULL,
    first_seen   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT consent_nonce_pk PRIMARY KEY (peer_id, nonce_hex),
    CONSTRAINT consent_nonce_peer_id_format CHECK (peer_id ~ '^[A-Z2-7]{26}$'),
    CONSTRAINT consent_nonce_hex_format CHECK (nonce_hex ~ '^[0-9a-f]{24}$')
);

CREATE INDEX consent_nonce_retain_until_idx ON consent_nonce (retain_until);
