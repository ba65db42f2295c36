-- revision: 1a2b3c4d5e6f

DROP TABLE users;
DROP TYPE user_role;
