-- The call history projection (docs/architecture.md, "Calls"): call-signaling's call.events folded into one row per
-- call for GET /api/v1/calls/history/{conversationId}. Rows only move forward: a call is created once (its
-- CallInitiated), answered once (the first CallAccepted) and ended once (the first CallEnded), so re-applied events
-- (at-least-once consumption) change nothing. No ciphertext, SDP or candidates: call.events carries none.
CREATE TABLE call_history (
    call_id             text        NOT NULL,
    caller_user_id      text        NOT NULL,
    caller_device_id    integer     NOT NULL,
    callee_user_id      text        NOT NULL,
    -- the 1:1 conversation: the two user ids sorted and joined by ~ (typing.Conversations)
    conversation_id     text        NOT NULL,
    media               text        NOT NULL,
    started_at          timestamptz NOT NULL,
    answered_at         timestamptz,
    answered_device_id  integer,
    ended_at            timestamptz,
    -- null while ringing or accepted; completed, declined, missed, cancelled or busy once ended
    outcome             text,
    duration_millis     bigint,
    CONSTRAINT call_history_pkey PRIMARY KEY (call_id)
);

-- a conversation's calls, newest first, paged by started_at
CREATE INDEX call_history_conversation ON call_history (conversation_id, started_at DESC, call_id DESC);
