-- revision: 7c8d9e0f1a2b
-- down_revision: 1a2b3c4d5e6f
-- message: Create posts
-- created: 2026-11-26T09:10:00Z

CREATE TABLE posts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    author_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title text NOT NULL,
    body text NOT NULL DEFAULT '',
    published boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Most reads list an author's published posts.
CREATE INDEX posts_author_published_idx ON posts (author_id) WHERE published;
