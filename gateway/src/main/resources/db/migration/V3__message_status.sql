-- The message status projection, rebuilt from metadata.messages (StatusProjector): one row per device copy of a
-- message, never content. Rows are created by SENT only; later events fill in their time with LEAST, so applying
-- an event twice or replaying the topic gives the same rows. Rows of expired disappearing messages are deleted.
CREATE TABLE message_status (
    message_id           text        NOT NULL,
    sender_user_id       text        NOT NULL,
    sender_device_id     integer     NOT NULL,
    recipient_user_id    text        NOT NULL,
    recipient_device_id  integer     NOT NULL,
    destination_user_id  text        NOT NULL,
    ciphertext_bytes     integer     NOT NULL,
    sent_at              timestamptz NOT NULL,
    expires_at           timestamptz,
    delivered_at         timestamptz,
    read_at              timestamptz,
    deleted_at           timestamptz,
    dropped_at           timestamptz,
    drop_reason          text,
    CONSTRAINT message_status_pkey PRIMARY KEY (message_id, recipient_user_id, recipient_device_id)
);

-- the conversation endpoint: a user's sends to one destination, newest first, and the reverse direction
CREATE INDEX message_status_conversation ON message_status (sender_user_id, destination_user_id, sent_at DESC);
CREATE INDEX message_status_expiry ON message_status (expires_at) WHERE expires_at IS NOT NULL;

-- Messages a user deleted for themselves (delete for me): hidden from that user's conversation view only.
CREATE TABLE message_hidden (
    user_id     text        NOT NULL,
    message_id  text        NOT NULL,
    hidden_at   timestamptz NOT NULL,
    CONSTRAINT message_hidden_pkey PRIMARY KEY (user_id, message_id)
);

-- Per-user messaging settings; a user without a row has the defaults (read receipts on).
CREATE TABLE user_settings (
    user_id        text        NOT NULL PRIMARY KEY,
    read_receipts  boolean     NOT NULL DEFAULT true,
    updated_at     timestamptz NOT NULL DEFAULT now()
);
