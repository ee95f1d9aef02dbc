-- The empty database that admin SQL (POST /api/v1/query) runs in, so that an unqualified table
-- name never resolves to a real table; the console refuses to run admin SQL if it holds a table.
CREATE DATABASE IF NOT EXISTS {database}_sandbox;
