-- MLS Commits and Welcomes stored once, however many devices receive them (docs/architecture.md, "Group payloads"):
-- a group copy in a device queue and its push carry only the key (Delivery.contentRef); the gateway loads the bytes
-- when it renders the frame. Content-addressed (ref = base64url SHA-256 of content), so a retried bundle stores
-- nothing new. Rows are kept for the queue TTL plus a margin after their last store, then swept.
CREATE TABLE group_payloads (
    ref        text        NOT NULL,
    content    bytea       NOT NULL,
    stored_at  timestamptz NOT NULL,
    CONSTRAINT group_payloads_pkey PRIMARY KEY (ref)
);
CREATE INDEX group_payloads_stored_at ON group_payloads (stored_at);
