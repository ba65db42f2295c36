-- revision: 3f2a9c1b7d4e

DROP TRIGGER posts_touch_updated_at ON posts;
DROP FUNCTION touch_updated_at();
