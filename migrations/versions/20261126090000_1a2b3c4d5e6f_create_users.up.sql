-- revision: 1a2b3c4d5e6f
-- down_revision: none
-- message: Create users
-- created: 2026-11-26T09:00:00Z

CREATE TYPE user_role AS ENUM ('reader', 'writer', 'admin');

CREATE TABLE users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE,
    role user_role NOT NULL DEFAULT 'reader',
    created_at timestamptz NOT NULL DEFAULT now()
);
