CREATE TABLE versions (
	id TEXT NOT NULL,
	version INTEGER NOT NULL,
	type TEXT NOT NULL,
	owner TEXT NOT NULL,
	kind TEXT NOT NULL,
	status TEXT NOT NULL,
	t_start BIGINT NOT NULL,
	t_end BIGINT,
	body BYTEA NOT NULL,
	salt BYTEA NOT NULL,
	leaf BIGINT NOT NULL UNIQUE,
	t_written BIGINT NOT NULL,
	PRIMARY KEY (id, version)
)
;
CREATE TABLE records (
	id TEXT PRIMARY KEY,
	type TEXT NOT NULL,
	version INTEGER NOT NULL,
	owner TEXT NOT NULL,
	kind TEXT NOT NULL,
	status TEXT NOT NULL,
	t_start BIGINT NOT NULL,
	t_end BIGINT
)
;
CREATE INDEX records_type_kind ON records (type, kind, id)
;
CREATE INDEX records_owner ON records (owner, type)
;
CREATE TABLE record_cells (
	cell BIGINT NOT NULL,
	id TEXT NOT NULL,
	PRIMARY KEY (cell, id)
)
;
CREATE INDEX record_cells_id ON record_cells (id)
;
CREATE TABLE leaves (
	idx BIGINT PRIMARY KEY,
	data BYTEA NOT NULL,
	hash BYTEA NOT NULL
)
;
CREATE TABLE hashes (
	idx BIGINT PRIMARY KEY,
	hash BYTEA NOT NULL
)
;
CREATE TABLE checkpoints (
	size BIGINT PRIMARY KEY,
	note BYTEA NOT NULL,
	t_written BIGINT NOT NULL
)
;
CREATE TABLE tokens (
	hash BYTEA PRIMARY KEY,
	party TEXT NOT NULL
)
;
CREATE TABLE idempotency (
	actor TEXT NOT NULL,
	ikey TEXT NOT NULL,
	request_hash BYTEA NOT NULL,
	status INTEGER NOT NULL,
	body BYTEA NOT NULL,
	leaves TEXT NOT NULL,
	t_written BIGINT NOT NULL,
	PRIMARY KEY (actor, ikey)
)
