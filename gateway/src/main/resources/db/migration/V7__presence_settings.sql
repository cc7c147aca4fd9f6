-- Presence settings of a user, next to its messaging settings (a user without a row has the defaults):
-- who sees its online state and last seen, and its chosen status with an optional short text.
ALTER TABLE user_settings
    ADD COLUMN presence_visibility text NOT NULL DEFAULT 'everyone'
        CHECK (presence_visibility IN ('everyone', 'nobody')),
    ADD COLUMN presence_status text NOT NULL DEFAULT 'available'
        CHECK (presence_status IN ('available', 'away', 'busy', 'invisible')),
    ADD COLUMN status_text text CHECK (char_length(status_text) <= 140);
