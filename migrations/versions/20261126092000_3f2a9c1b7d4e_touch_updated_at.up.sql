-- revision: 3f2a9c1b7d4e
-- down_revision: 7c8d9e0f1a2b
-- message: Keep posts.updated_at current
-- created: 2026-11-26T09:20:00Z

CREATE FUNCTION touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();  -- semicolons inside the dollar-quoted body do not end the statement
    RETURN NEW;
END;
$$;

CREATE TRIGGER posts_touch_updated_at
    BEFORE UPDATE ON posts
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
