-- revision: 7c8d9e0f1a2b

DROP TABLE posts;
